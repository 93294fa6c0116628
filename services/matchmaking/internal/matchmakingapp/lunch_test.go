package matchmakingapp

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

type lunchBody struct {
	Day       string `json:"day"`
	AfterSlot int    `json:"after_slot"`
	Starts    string `json:"starts_at"`
	Ends      string `json:"ends_at"`
	Minutes   int    `json:"minutes"`
}

// threeMeetings is fair f1 with one buyer's three accepted meetings, one with each of three
// exhibitors, on the B2B days given.
type threeMeetings struct {
	app        *App
	org, buyer testenv.Client
	orgAcc     string
}

// oneBuyerThreeMeetings starts a replica with fair f1 on days, three exhibitors and a buyer
// (buyerName) with an accepted meeting with each.
func oneBuyerThreeMeetings(t *testing.T, buyerName string, days ...events.B2BDayV1) threeMeetings {
	t.Helper()
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startReplica(t, natsURL, testenv.SharedURI(t), tokens, func(*App) {})
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	fairWithDays(t, app, "f1", orgAcc, days...)
	producers := map[string]testenv.Client{}
	for i := range 3 {
		id := fmt.Sprint("p", i+1)
		tok, acc := tokens.Token(t, "producer", "")
		producerOf(t, app, id, acc)
		assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "f1", "B-"+id, id)
		producers[id] = api.With(tok)
	}
	testenv.Eventually(t, "the index", func() bool { return app.Index.Stats().Producers == 3 && app.Index.Stats().Fairs == 1 })
	buyerTok, _ := tokens.Token(t, "buyer", "")
	buyer := api.With(buyerTok)
	b := newBuyer(t, buyer, buyerName)
	for id, c := range producers {
		waitBooths(t, app, "f1", id, 1)
		acceptedMeeting(t, buyer, c, "f1", b, id)
	}
	return threeMeetings{app: app, org: api.With(orgTok), buyer: buyer, orgAcc: orgAcc}
}

// A B2B day with a lunch break: the afternoon's slots start after it, the agenda and the grid
// show it, and a buyer busy from the morning into the afternoon has no break for it.
func TestLunchBreakBetweenTheSessions(t *testing.T) {
	day := time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	x := oneBuyerThreeMeetings(t, "Siêu thị Trưa", events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 3, MorningSlots: 2, Tables: 1, LunchMinutes: 60})
	org, buyer := x.org, x.buyer
	var run struct {
		Days []struct {
			Breaks int `json:"total_breaks"`
		}
	}
	if r := org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", nil); r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	} else {
		r.Decode(t, &run)
	}
	// One table, three meetings: the buyer meets in every slot, across the pause, without a break.
	if len(run.Days) != 1 || run.Days[0].Breaks != 0 {
		t.Errorf("the run's days %+v, want one with no break", run.Days)
	}
	wantLunch := lunchBody{Day: day, AfterSlot: 2, Starts: day + "T08:40:00+07:00", Ends: day + "T09:40:00+07:00", Minutes: 60}
	var grid struct {
		Lunches  []lunchBody `json:"lunch_breaks"`
		Meetings []struct {
			Slot   int
			Starts string `json:"starts_at"`
		}
		Grid []struct {
			Lunch *lunchBody
			Slots []struct {
				Slot   int
				Starts string `json:"starts_at"`
			}
		}
	}
	org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &grid)
	if len(grid.Lunches) != 1 || grid.Lunches[0] != wantLunch {
		t.Errorf("the agenda's lunch breaks %+v, want %+v", grid.Lunches, wantLunch)
	}
	if len(grid.Grid) != 1 || grid.Grid[0].Lunch == nil || *grid.Grid[0].Lunch != wantLunch {
		t.Fatalf("the grid %+v, want its day with the lunch break %+v", grid.Grid, wantLunch)
	}
	starts := map[int]string{1: "08:00", 2: "08:20", 3: "09:40"}
	for _, s := range grid.Grid[0].Slots {
		if want := day + "T" + starts[s.Slot] + ":00+07:00"; s.Starts != want {
			t.Errorf("grid slot %d starts at %s, want %s", s.Slot, s.Starts, want)
		}
	}
	for _, m := range grid.Meetings {
		if want := day + "T" + starts[m.Slot] + ":00+07:00"; m.Starts != want {
			t.Errorf("the meeting in slot %d starts at %s, want %s", m.Slot, m.Starts, want)
		}
	}
	var mine struct {
		Lunches []lunchBody `json:"lunch_breaks"`
	}
	buyer.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &mine)
	if len(mine.Lunches) != 1 || mine.Lunches[0] != wantLunch {
		t.Errorf("the buyer's agenda shows lunch breaks %+v, want %+v", mine.Lunches, wantLunch)
	}
}
