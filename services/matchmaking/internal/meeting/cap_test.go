package meeting

import (
	"errors"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Requests sent to a producer do not fill its day: buyers beyond the cap may still ask, and the
// cap binds on what the producer accepts. Many accounts asking cannot keep a real buyer out.
func TestAsksSentDoNotFillTheDay(t *testing.T) {
	x := newAgendaFixture(t, 1, 4)
	x.svc.Cap = 2
	var asked []Meeting
	for _, b := range x.buyers {
		m, err := x.svc.Ask(x.db, x.fair, b.AccountID, Ask{BuyerID: b.ID, ProducerID: "p01"})
		if err != nil {
			t.Fatalf("buyer %s asks the producer, which has %d requests unanswered: %v", b.ID, len(asked), err)
		}
		asked = append(asked, m)
	}
	for i, m := range asked {
		_, err := x.svc.accept(x.db, m, SideProducer)
		switch {
		case i < 2 && err != nil:
			t.Fatalf("the producer accepts request %d: %v", i, err)
		case i >= 2 && codeOf(err) != msgCapReached.Code:
			t.Errorf("the producer accepts request %d beyond its cap of 2: %v, want %s", i, err, msgCapReached.Code)
		}
	}
	// Its day is full: it cannot be asked, nor ask, any more.
	if _, err := x.svc.Ask(x.db, x.fair, x.buyers[0].AccountID, Ask{BuyerID: x.buyers[0].ID, ProducerID: "p01"}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("asking a producer with 2 meetings accepted: %v, want the cap", err)
	}
}

// A producer answering every request with another time commits to each one its asker accepts:
// the cap binds there too.
func TestProposalsAcceptedKeepTheCap(t *testing.T) {
	x := newAgendaFixture(t, 1, 3)
	x.svc.Cap = 2
	var proposed []Meeting
	for _, b := range x.buyers { // all ask before any meeting is accepted
		m, err := x.svc.Ask(x.db, x.fair, b.AccountID, Ask{BuyerID: b.ID, ProducerID: "p01"})
		if err == nil {
			m, err = x.svc.save(x.db, m, events.MeetingProposed, func(m Meeting) (Meeting, error) {
				return m.Propose(SideProducer, Proposal{Session: "afternoon"}, x.svc.now())
			})
		}
		if err != nil {
			t.Fatal(err)
		}
		proposed = append(proposed, m)
	}
	for i, m := range proposed {
		_, err := x.svc.accept(x.db, m, SideBuyer)
		if i < 2 && err != nil {
			t.Fatalf("buyer %d accepts the proposal: %v", i, err)
		}
		if i == 2 && codeOf(err) != msgCapReached.Code {
			t.Errorf("a third buyer accepts the producer's proposal beyond its cap of 2: %v, want %s", err, msgCapReached.Code)
		}
	}
	// An answer given twice is refused for what it is, not for the cap.
	done, err := x.svc.Store.Find(x.db, map[string]any{"fair_id": "f1", "status": Accepted})
	if err != nil || len(done) == 0 {
		t.Fatalf("accepted meetings %v, %v", done, err)
	}
	if _, err := x.svc.accept(x.db, done[0], SideBuyer); codeOf(err) == msgCapReached.Code || err == nil {
		t.Errorf("accepting an accepted meeting again: %v, want it said not to await an answer", err)
	}
}

// A side whose request was declined waits a day before it asks the same participant at the same
// fair again; the side that declined may ask it at once.
func TestADeclinedAskerWaitsADay(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	x.svc.DeclineRest = DefaultDeclineRest
	b := x.buyers[0]
	ask := func(account string) (Meeting, error) {
		return x.svc.Ask(x.db, x.fair, account, Ask{BuyerID: b.ID, ProducerID: "p01"})
	}
	m, err := ask(b.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.svc.save(x.db, m, events.MeetingDeclined, func(m Meeting) (Meeting, error) { return m.Decline(SideProducer, DeclineNoTime, "", x.svc.now()) }); err != nil {
		t.Fatal(err)
	}
	if _, err := ask(b.AccountID); codeOf(err) != msgDeclinedLately.Code {
		t.Errorf("the buyer asks again at once: %v, want %s", err, msgDeclinedLately.Code)
	}
	back, err := ask("acc-p01")
	if err != nil {
		t.Fatalf("the producer that declined asks the buyer: %v", err)
	}
	if _, err := x.svc.save(x.db, back, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(ReasonByProducer, "", x.svc.now()) }); err != nil {
		t.Fatal(err)
	}
	x.clock.shiftBy(25 * time.Hour)
	if _, err := ask(b.AccountID); err != nil {
		t.Errorf("the buyer asks again a day later: %v", err)
	}
}

// codeOf is the code of err, "" when it has none.
func codeOf(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return ""
}
