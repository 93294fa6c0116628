package meeting

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// BenchmarkAgenda measures one agenda, shaped and encoded as the route answers it, for a
// producer and for the organiser's grid of a fair with 400 accepted, scheduled meetings
// (100 exhibitors, 40 buyers, two B2B days of 12 slots × 12 tables): from the agenda model,
// and from the database as the route read it before (every meeting of the fair and its newest
// schedule, each buyer by ID).
func BenchmarkAgenda(b *testing.B) {
	x := newAgendaFixture(b, 99, 40)
	now := x.svc.now()
	n := 0
	for i := range 400 {
		by := x.buyers[i%40]
		m := Meeting{ID: fmt.Sprintf("m%04d", i), FairID: "f1", BuyerID: by.ID, BuyerAccount: by.AccountID, ProducerID: "p" + itoa(i%99+1),
			ProducerAccount: "acc-p" + itoa(i%99+1), RequestedBy: SideBuyer, Session: "any", Status: Accepted, Revision: 2, CreatedAt: now, UpdatedAt: now}
		if err := x.svc.Store.Create(x.db, m, ""); err != nil {
			continue // the same pair twice: one meeting each
		}
		n++
	}
	f := x.fair
	for i := range f.B2BDays {
		f.B2BDays[i].Slots, f.B2BDays[i].Tables, f.B2BDays[i].MorningSlots = 12, 12, 6
		f.B2BDays[i].Date = now.AddDate(0, 0, i+1).Format(time.DateOnly)
	}
	x.svc.SolveLimit = time.Second
	if _, err := x.svc.Schedule(x.db, f, time.Second); err != nil {
		b.Fatal(err)
	}
	for _, who := range []struct{ name, participant string }{{"participant", "p01"}, {"organiser", ""}} {
		organiser := who.participant == ""
		for _, src := range []struct {
			name   string
			fromDB bool
		}{{"database", true}, {"memory", false}} {
			b.Run(who.name+"/"+src.name, func(b *testing.B) {
				body := agendaJSON(b, x.rt, who.participant, organiser, src.fromDB)
				if !json.Valid([]byte(body)) || len(body) < 100 {
					b.Fatalf("agenda %s", body)
				}
				for b.Loop() {
					agendaJSON(b, x.rt, who.participant, organiser, src.fromDB)
				}
				b.ReportMetric(float64(len(body)), "bytes/answer")
			})
		}
	}
	b.Logf("%d meetings", n)
}
