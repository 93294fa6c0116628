package badge

import (
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
