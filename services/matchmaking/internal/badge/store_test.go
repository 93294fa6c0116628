package badge

import (
	"context"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// A disabled account's badges end at every fair; another account's, a badge issued after the
// revocation's time and a revocation for another reason are left alone, and the same event
// delivered again changes nothing.
func TestADisabledAccountsBadgesEnd(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	if err := db.EnsureIndexes(ctx, Indexes()...); err != nil {
		t.Fatal(err)
	}
	s := NewStore(db)
	issue := func(fair, participant, account string) Badge {
		b, err := s.Issue(ctx, Badge{FairID: fair, ParticipantID: participant, Kind: KindProducer, AccountID: account, Name: participant})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f1, f2, other := issue("f1", "p1", "acc-1"), issue("f2", "p1", "acc-1"), issue("f1", "p2", "acc-2")
	revoke := func(reason string, notBefore time.Time) {
		env, err := events.New(events.AccountTokensRevoked, 1, "acc-1", "", events.AccountTokensRevokedV1{AccountID: "acc-1", NotBefore: notBefore, Reason: reason})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OnAccountRevoked(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	revoked := func(b Badge) bool {
		got, err := s.Get(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Revoked
	}
	revoke(events.RevokedSignOut, time.Now().Add(time.Second))
	revoke(events.RevokedPassword, time.Now().Add(time.Second))
	if revoked(f1) || revoked(f2) {
		t.Fatal("signing out everywhere or a new password ended the badges")
	}
	disabledAt := time.Now().Add(time.Second).Truncate(time.Second)
	revoke(events.RevokedDisabled, disabledAt)
	if !revoked(f1) || !revoked(f2) || revoked(other) {
		t.Fatalf("after disabling acc-1: its badges revoked %v and %v, another account's %v; want true, true, false", revoked(f1), revoked(f2), revoked(other))
	}
	time.Sleep(time.Until(disabledAt) + 10*time.Millisecond)
	again := issue("f1", "p1", "acc-1") // enabled again, or printed by the organiser
	if again.ID == f1.ID {
		t.Fatal("the badge after the revocation is the revoked one")
	}
	revoke(events.RevokedDisabled, disabledAt) // delivered twice
	if revoked(again) {
		t.Error("the same revocation delivered again ended a badge issued after it")
	}
	env, _ := events.New(events.AccountTokensRevoked, 1, "acc-1", "", map[string]any{"reason": "disabled"})
	if err := s.OnAccountRevoked(ctx, env); err == nil {
		t.Error("a revocation without account or time was taken")
	}
}
