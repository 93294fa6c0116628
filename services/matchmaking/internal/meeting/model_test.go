package meeting

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// agendaFixture is a fair with B2B days (the first one yesterday, so that outcomes can be
// recorded), three exhibiting producers and two buyers, on a real database, with a service whose
// agenda model is fed this replica's writes as the app feeds it.
type agendaFixture struct {
	db     context.Context
	sdb    *storage.DB
	svc    *Service
	rt     *Routes
	fair   index.Fair
	buyers []buyer.Buyer
	// revoked are the revocations the calendar's replica has heard of (nil: none).
	revoked *auth.Revocations
	// clock is the service's: now, unless a test shifts it.
	clock *testClock
}

// testClock is the time now shifted by what a test sets while the service reads it.
type testClock struct{ shift atomic.Int64 }

func (c *testClock) now() time.Time           { return time.Now().Add(time.Duration(c.shift.Load())) }
func (c *testClock) shiftBy(by time.Duration) { c.shift.Store(int64(by)) }

func newAgendaFixture(tb testing.TB, producers, buyers int) *agendaFixture {
	tb.Helper()
	ctx := context.Background()
	db := testenv.DB(tb)
	store, bs := NewStore(db), buyer.NewStore(db)
	idx := index.New()
	now := time.Now().In(vntext.Zone)
	x := &agendaFixture{db: ctx, sdb: db}
	apply := func(subject, aggregate string, payload any) {
		env, err := events.New(subject, 1, aggregate, "", payload)
		if err != nil {
			tb.Fatal(err)
		}
		if err := idx.Apply(env); err != nil {
			tb.Fatal(err)
		}
	}
	days := []events.B2BDayV1{
		{Date: now.AddDate(0, 0, -1).Format(time.DateOnly), StartTime: "08:00", SlotMinutes: 20, Slots: 6, MorningSlots: 3, Tables: 4},
		{Date: now.AddDate(0, 0, 1).Format(time.DateOnly), StartTime: "08:00", SlotMinutes: 20, Slots: 6, MorningSlots: 3, Tables: 4},
	}
	apply(events.FairPublished, "f1", events.FairChangedV1{Fair: events.FairV1{ID: "f1", NameVI: "Hội chợ", Status: "published",
		Organisers: []string{"organiser-1"}, Revision: 2, B2BDays: days}})
	for i := range producers {
		id, acc := "p"+itoa(i+1), "acc-p"+itoa(i+1)
		apply(events.ProducerRegistered, id, events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: id, AccountID: acc,
			LegalName: "HTX " + id, ProvinceCode: "01", Revision: 1}})
		if err := store.Hold(ctx, "a-"+id, "f1", "B"+itoa(i+1), id, false); err != nil {
			tb.Fatal(err)
		}
	}
	model := NewAgendas(store, bs)
	store.OnSaved(model.PutMeeting, model.PutTimetable)
	bs.OnSaved(model.PutBuyer)
	if err := model.Load(ctx); err != nil {
		tb.Fatal(err)
	}
	for i := range buyers {
		b := buyer.Buyer{ID: "b" + itoa(i+1), AccountID: "account-b" + itoa(i+1), Name: "Siêu thị " + itoa(i+1), Kind: "supermarket_chain",
			Revision: 1, CreatedAt: now.Truncate(time.Millisecond), UpdatedAt: now.Truncate(time.Millisecond)}
		if err := bs.CreateBuyer(ctx, b, ""); err != nil {
			tb.Fatal(err)
		}
		x.buyers = append(x.buyers, b)
	}
	x.fair, _ = idx.Fair("f1")
	x.clock = &testClock{}
	x.svc = &Service{Store: store, Buyers: bs, Index: idx, Agendas: model, Notify: func() {}, Now: x.clock.now, Cap: 12, SolveLimit: 50 * time.Millisecond}
	x.rt = &Routes{Service: x.svc}
	return x
}

func itoa(i int) string { return fmt.Sprintf("%02d", i) }

// ask asks for a meeting on the buyer's behalf and has the producer accept it when accept.
func (x *agendaFixture) ask(tb testing.TB, b buyer.Buyer, producerID string, accept bool) Meeting {
	tb.Helper()
	m, err := x.svc.Ask(x.db, x.fair, b.AccountID, Ask{BuyerID: b.ID, ProducerID: producerID})
	if err != nil {
		tb.Fatalf("Ask(%s, %s) = %v", b.ID, producerID, err)
	}
	if accept {
		m = x.change(tb, m, events.MeetingAccepted, func(m Meeting) (Meeting, error) { return m.Respond(SideProducer, true, x.svc.now()) })
	}
	return m
}

// change saves fn's change of a meeting as read from the database.
func (x *agendaFixture) change(tb testing.TB, m Meeting, subject string, fn func(Meeting) (Meeting, error)) Meeting {
	tb.Helper()
	m, err := x.svc.Store.Get(x.db, m.ID)
	if err != nil {
		tb.Fatal(err)
	}
	next, err := x.svc.save(x.db, m, subject, fn)
	if err != nil {
		tb.Fatalf("%s of %s: %v", subject, m.ID, err)
	}
	return next
}

// agendaJSON is the agenda as a client reads it, from rt's model or, with fromDB, the database.
func agendaJSON(tb testing.TB, rt *Routes, who string, organiser, fromDB bool) string {
	tb.Helper()
	var out agendaResponse
	if fromDB {
		var err error
		if out, err = rt.agendaFromDatabase(context.Background(), "f1", who, organiser, apperr.English); err != nil {
			tb.Fatal(err)
		}
	} else {
		out = rt.agendaFromModel("f1", who, organiser, apperr.English)
	}
	b, err := json.Marshal(out)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// freshRoutes are x's routes over an agenda model loaded afresh from the database.
func (x *agendaFixture) freshRoutes(t *testing.T) *Routes {
	t.Helper()
	fresh := NewAgendas(x.svc.Store, x.svc.Buyers)
	if err := fresh.Load(x.db); err != nil {
		t.Fatal(err)
	}
	return &Routes{Service: &Service{Store: x.svc.Store, Buyers: x.svc.Buyers, Index: x.svc.Index, Agendas: fresh, Now: x.svc.Now}}
}

// checkSame fails unless this replica's model, a model freshly loaded from the database and the
// database itself give the same agendas: two buyers', two producers' and the organiser's grid.
func (x *agendaFixture) checkSame(t *testing.T, step string) {
	t.Helper()
	freshRT := x.freshRoutes(t)
	for _, v := range []struct {
		who       string
		organiser bool
	}{{"b01", false}, {"b02", false}, {"p01", false}, {"p02", false}, {"", true}, {"p03", true}} {
		db := agendaJSON(t, x.rt, v.who, v.organiser, true)
		if got := agendaJSON(t, x.rt, v.who, v.organiser, false); got != db {
			t.Errorf("after %s, the model's agenda of %q:\n%s\nwant the database's:\n%s", step, v.who, got, db)
		}
		if got := agendaJSON(t, freshRT, v.who, v.organiser, false); got != db {
			t.Errorf("after %s, a freshly loaded model's agenda of %q:\n%s\nwant the database's:\n%s", step, v.who, got, db)
		}
	}
}

// The agenda model answers as the database does after every kind of write: meetings asked,
// accepted and declined, scheduling runs, a cancellation, an outcome, unavailability and a
// rerun, and a buyer renamed.
func TestTheAgendaModelAnswersAsTheDatabase(t *testing.T) {
	x := newAgendaFixture(t, 3, 2)
	b1, b2 := x.buyers[0], x.buyers[1]
	m11 := x.ask(t, b1, "p01", true)
	m12 := x.ask(t, b1, "p02", true)
	m21 := x.ask(t, b2, "p01", true)
	x.ask(t, b2, "p03", false)
	x.checkSame(t, "asked and accepted")
	m23 := x.ask(t, b2, "p02", false)
	x.change(t, m23, events.MeetingDeclined, func(m Meeting) (Meeting, error) { return m.Respond(SideProducer, false, x.svc.now()) })
	run := func(step string) {
		if _, err := x.svc.Schedule(x.db, x.fair, 50*time.Millisecond); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		x.checkSame(t, step)
	}
	// The first run is two days ago, so that it places meetings on the first B2B day, yesterday.
	x.clock.shiftBy(-48 * time.Hour)
	run("the first run")
	x.clock.shiftBy(0)
	x.change(t, m12, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(ReasonByBuyer, "đổi kế hoạch", x.svc.now()) })
	x.checkSame(t, "a cancellation")
	got, err := x.svc.Store.Get(x.db, m11.ID)
	if err != nil || got.Slot == 0 || got.Day != x.fair.B2BDays[0].Date {
		t.Fatalf("m11 after the run = %+v, %v; want a slot of the first day", got, err)
	}
	x.change(t, m11, events.MeetingOutcomeRecorded, func(m Meeting) (Meeting, error) {
		return m.Record("contract_signed", 5_000_000, SideBuyer, false, slotTime(x.fair, m.Day, m.Slot), x.svc.now())
	})
	x.checkSame(t, "an outcome")
	if err := x.svc.Store.SetUnavailable(x.db, "f1", "p01", x.fair.B2BDays[0].Date, []int{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	x.ask(t, b1, "p03", true)
	run("unavailability and a rerun")
	renamed := b2
	renamed.Name, renamed.Revision = "Siêu thị Xanh", 2
	if err := x.svc.Buyers.SaveBuyer(x.db, renamed, 1, ""); err != nil {
		t.Fatal(err)
	}
	x.checkSame(t, "a buyer renamed")
	if m := agendaJSON(t, x.rt, "b02", false, false); !strings.Contains(m, "Siêu thị Xanh") || !strings.Contains(m, m21.ID) {
		t.Errorf("b02's agenda %s: want its meeting %s under the new name", m, m21.ID)
	}
}

// Another replica's writes reach the model through the stream's events, each applied only if
// newer: a copy delivered twice or late changes nothing, and a scheduled event names the
// schedule version to read.
func TestTheAgendaModelTakesOtherReplicasWritesOnlyIfNewer(t *testing.T) {
	x := newAgendaFixture(t, 2, 1)
	b1 := x.buyers[0]
	// The other replica shares the database but not this replica's model; what it stores
	// reaches the model only as the events its outbox holds.
	other := &agendaFixture{db: x.db, sdb: x.sdb, fair: x.fair, buyers: x.buyers,
		svc: &Service{Store: NewStore(x.sdb), Buyers: buyer.NewStore(x.sdb), Index: x.svc.Index, Notify: func() {}, Now: time.Now, Cap: 12, SolveLimit: 50 * time.Millisecond}}
	var seen []outbox.Entry
	deliver := func(step string, times int) {
		t.Helper()
		for _, c := range []string{Collection, SchedulesCollection} {
			ids, err := outboxIDs(x, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				entries, err := outbox.Pending(x.db, x.sdb.Database, c, id)
				if err != nil {
					t.Fatal(err)
				}
				seen = append(seen, entries...)
			}
		}
		for range times {
			for _, e := range seen {
				var env events.Envelope
				if err := json.Unmarshal([]byte(e.Envelope), &env); err != nil {
					t.Fatal(err)
				}
				if err := x.svc.Agendas.OnMeeting(env); err != nil {
					t.Fatalf("OnMeeting(%s) = %v", env.Type, err)
				}
			}
		}
		x.checkSame(t, step)
	}
	m1 := other.ask(t, b1, "p01", true)
	other.ask(t, b1, "p02", true)
	if _, err := other.svc.Schedule(x.db, x.fair, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	deliver("the other replica's meetings and run", 1)
	if v := x.svc.Agendas.version("f1"); v != 1 {
		t.Errorf("the model holds schedule version %d, want 1", v)
	}
	other.change(t, m1, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(ReasonByProducer, "bận", x.svc.now()) })
	// Every event again, the old ones late and twice: the model keeps the newest.
	deliver("a cancellation, with every event delivered twice", 2)
	// A run that moves no meeting (a repair, the cancelled meeting's place left empty) publishes
	// no event: the model learns of its version from the database, asked at most once a second
	// while the agenda is read.
	if _, err := other.svc.ScheduleWith(x.db, x.fair, 50*time.Millisecond, RunOptions{Repair: true}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the model to take the run it had no event of", func() bool {
		return x.rt.agendaFromModel("f1", "", true, apperr.English).Version == 2
	})
	x.checkSame(t, "a run without events")
}

// outboxIDs lists the documents of a collection, whose outboxes hold their events.
func outboxIDs(x *agendaFixture, collection string) ([]string, error) {
	cur, err := x.sdb.Collection(collection).Find(x.db, bson.M{})
	if err != nil {
		return nil, err
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(x.db, &docs); err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}

// A state older than the model's, from an event or a read that arrives late, is ignored.
func TestTheAgendaModelKeepsTheNewestState(t *testing.T) {
	a := NewAgendas(nil, nil)
	m := Meeting{ID: "m1", FairID: "f1", BuyerID: "b1", ProducerID: "p1", Status: Accepted, Revision: 3}
	a.PutMeeting(m)
	late := m
	late.Status, late.Revision = Requested, 2
	a.PutMeeting(late)
	a.PutTimetable(Timetable{FairID: "f1", Version: 2, Placements: map[string]Placement{"m1": {Day: "2026-12-10", Slot: 2, Table: 1}}})
	a.PutTimetable(Timetable{FairID: "f1", Version: 1, Placements: map[string]Placement{"m1": {Day: "2026-12-10", Slot: 1, Table: 1}}})
	if _, ms := a.Scheduled("f1", "b1"); len(ms) != 1 || ms[0].Revision != 3 || ms[0].Slot != 2 {
		t.Errorf("Scheduled = %+v; want m1 at revision 3 in slot 2 of version 2", ms)
	}
	a.PutBuyer(buyer.Buyer{ID: "b1", AccountID: "acc1", Name: "Mới", Revision: 2})
	a.PutBuyer(buyer.Buyer{ID: "b1", AccountID: "acc1", Name: "Cũ", Revision: 1})
	if n := a.BuyerName("b1"); n != "Mới" {
		t.Errorf("BuyerName = %q, want the newer name", n)
	}
	if id, ok := a.BuyerOf("acc1"); !ok || id != "b1" {
		t.Errorf("BuyerOf(acc1) = %q, %v", id, ok)
	}
}
