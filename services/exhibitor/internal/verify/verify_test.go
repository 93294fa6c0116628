package verify

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

func date(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, vntext.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

// Where to buy lists fairs running today or starting within 30 days, and a view counts for the
// fair running on its day.
func TestUpcomingAndRunning(t *testing.T) {
	booths := []Booth{{Code: "A01"}}
	places := []Place{
		{FairID: "ended", Status: "live", StartDate: date("2026-12-01"), EndDate: date("2026-12-03"), Booths: booths},
		{FairID: "soon", Status: "published", StartDate: date("2026-12-20"), EndDate: date("2026-12-24"), Booths: booths},
		{FairID: "today", Status: "live", StartDate: date("2026-12-02"), EndDate: date("2026-12-04"), Booths: booths},
		{FairID: "later", Status: "published", StartDate: date("2027-01-10"), EndDate: date("2027-01-14"), Booths: booths},
		{FairID: "cancelled", Status: "cancelled", StartDate: date("2026-12-04"), EndDate: date("2026-12-05"), Booths: booths},
		{FairID: "no booth", Status: "live", StartDate: date("2026-12-04"), EndDate: date("2026-12-05")},
	}
	// 23:30 on 4 December in Vietnam is still 4 December there (16:30 UTC).
	now := time.Date(2026, 12, 4, 16, 30, 0, 0, time.UTC)
	var got []string
	for _, p := range Upcoming(places, now) {
		got = append(got, p.FairID)
	}
	if want := []string{"today", "soon"}; !slices.Equal(got, want) {
		t.Errorf("Upcoming = %v, want %v", got, want)
	}
	if got := Running(places, now); got != "today" {
		t.Errorf("Running = %q, want today", got)
	}
	if got := Running(places, now.Add(24*time.Hour)); got != "" {
		t.Errorf("Running the day after = %q, want none", got)
	}
}

// A batch is applied once, whether it comes from this replica's flush, the stream or the load.
func TestStatsApplyEachBatchOnce(t *testing.T) {
	c, m := NewCounter(), NewStats()
	now := date("2026-12-04").Add(10 * time.Hour)
	for range 3 {
		c.Add("p1", "prod", "f1", now)
	}
	c.Add("p1", "prod", "", now.Add(24*time.Hour))
	counts := c.Take()
	if len(counts) != 2 || len(c.Take()) != 0 {
		t.Fatalf("Take = %+v, want two counts, then none", counts)
	}
	b := events.ScansCountedV1{BatchID: "b1", Counts: counts}
	m.Apply(b)
	m.Apply(b)
	total, days, fairs := m.Of("p1")
	if total != 4 || len(days) != 2 || days[0].Day != "2026-12-05" || len(fairs) != 1 || fairs[0].Count != 3 {
		t.Errorf("Of = %d %+v %+v, want 4 views over two days, 3 at f1", total, days, fairs)
	}
	c.Return(counts)
	if again := c.Take(); !slices.Equal(again, counts) {
		t.Errorf("after Return, Take = %+v, want %+v", again, counts)
	}
}

// A replica running for months keeps the IDs of the batches that could still come again (within
// the relay's horizon and a day), not every batch it ever applied; those it keeps still count once.
func TestStatsForgetsBatchesThatCannotComeAgain(t *testing.T) {
	m := NewStats()
	start := date("2026-01-01")
	n := 2 * pruneEvery
	for i := range n {
		at := start.Add(time.Duration(i) * 10 * time.Minute) // ~57 days of batches
		m.Apply(events.ScansCountedV1{BatchID: fmt.Sprint("b", i), At: at, Counts: []events.ScanCountV1{{ProductID: "p1", Day: "2026-01-01", Count: 1}}})
	}
	if len(m.applied) >= n/2 {
		t.Errorf("after %d batches over 57 days the model keeps %d IDs, want about %s of them", n, len(m.applied), rememberFor)
	}
	m.Apply(events.ScansCountedV1{BatchID: fmt.Sprint("b", n-1), At: start.Add(time.Duration(n-1) * 10 * time.Minute), Counts: []events.ScanCountV1{{ProductID: "p1", Count: 1}}})
	if total, _, _ := m.Of("p1"); total != n {
		t.Errorf("total = %d, want %d: a recent batch applied again counts once", total, n)
	}
}

// One batch stamped days ahead by a replica's wrong clock does not make the model forget the
// IDs of batches that can still come again: a recent batch delivered again still counts once.
func TestStatsForgetNotFooledByAClockAhead(t *testing.T) {
	m := NewStats()
	now := time.Now()
	m.Apply(events.ScansCountedV1{BatchID: "ahead", At: now.AddDate(0, 0, 30), Counts: []events.ScanCountV1{{ProductID: "p1", Count: 1}}})
	recent := events.ScansCountedV1{BatchID: "recent", At: now.Add(-time.Hour), Counts: []events.ScanCountV1{{ProductID: "p1", Count: 1}}}
	m.Apply(recent)
	for i := range pruneEvery {
		m.Apply(events.ScansCountedV1{BatchID: fmt.Sprint("b", i), At: now, Counts: []events.ScanCountV1{{ProductID: "p2", Count: 1}}})
	}
	m.Apply(recent)
	if total, _, _ := m.Of("p1"); total != 2 {
		t.Errorf("p1 = %d views, want 2: the recent batch delivered again counts once", total)
	}
}
