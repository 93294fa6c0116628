package badge

import (
	"errors"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// A profile handed over twice (acc-a to acc-b at revision 2, then to acc-c at revision 3): the
// first hand-over's event delivered late (its handler failed once) leaves the badge of the
// current owner, made at revision 3; it ended it, and acc-c's card was refused at the gate. A
// badge of an earlier revision still ends.
func TestALateHandOverLeavesTheLaterOwnersBadge(t *testing.T) {
	d := newAccountsDesk(t)
	earlier, err := d.s.Issue(d.ctx, Badge{FairID: "f0", ParticipantID: "p1", Kind: KindProducer, AccountID: "acc-a", OwnerRevision: 1, Name: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	current, err := d.s.Issue(d.ctx, Badge{FairID: "f1", ParticipantID: "p1", Kind: KindProducer, AccountID: "acc-c", OwnerRevision: 3, Name: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	late, err := events.New(events.ProducerClaimed, 1, "p1", "", events.ProducerClaimedV1{ProducerID: "p1", AccountID: "acc-b", PreviousAccountID: "acc-a", Revision: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.s.OnProducerClaimed(d.ctx, late); err != nil {
		t.Fatal(err)
	}
	if d.revoked(current) || !d.revoked(earlier) {
		t.Errorf("after a late hand-over at revision 2: the current owner's badge ended %v (want false), the first account's %v (want true)", d.revoked(current), d.revoked(earlier))
	}
}

// A replica behind a hand-over asks for the first account's badge at a fair where the profile
// has none, after the hand-over's consumer ran (it found no badge to end): the badge it makes
// ends, and the account is refused. The new owner's badge is made and kept. A hand-over of an
// earlier revision delivered late does not stand for the later one.
func TestABadgeIssuedBehindAHandOverEnds(t *testing.T) {
	d := newAccountsDesk(t)
	claim := func(to, from string, revision int64) {
		env, err := events.New(events.ProducerClaimed, 1, "p1", "", events.ProducerClaimedV1{ProducerID: "p1", AccountID: to, PreviousAccountID: from, Revision: revision})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.s.OnProducerClaimed(d.ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	issue := func(fair, account string, revision int64) (Badge, error) {
		return d.s.Issue(d.ctx, Badge{FairID: fair, ParticipantID: "p1", Kind: KindProducer, AccountID: account, OwnerRevision: revision, Name: "p1"})
	}
	claim("acc-b", "acc-a", 2)
	if b, err := issue("f1", "acc-a", 1); !errors.Is(err, errNotHolder) {
		t.Errorf("Issue(acc-a, revision 1) after the hand-over to acc-b at 2 = %+v, %v; want errNotHolder", b, err)
	}
	if valid, err := d.s.Valid(d.ctx, "f1"); err != nil || len(valid) > 0 {
		t.Errorf("valid badges at f1 after it: %v, %v; want none", valid, err)
	}
	current, err := issue("f1", "acc-b", 2)
	if err != nil || d.revoked(current) {
		t.Fatalf("the new owner's badge: %+v, %v; want a valid one", current, err)
	}
	// Handed on to acc-c at 3, then the hand-over to acc-b at 2 delivered again, late.
	claim("acc-c", "acc-b", 3)
	claim("acc-b", "acc-a", 2)
	if b, err := issue("f2", "acc-b", 2); !errors.Is(err, errNotHolder) {
		t.Errorf("Issue(acc-b, revision 2) after the hand-over to acc-c at 3 = %+v, %v; want errNotHolder", b, err)
	}
	if b, err := issue("f2", "acc-c", 3); err != nil || d.revoked(b) {
		t.Errorf("Issue(acc-c, revision 3) = %+v, %v; want a valid badge", b, err)
	}
}
