package badge

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// accountsDesk is a badge store on a real database, with the steps the test below takes on it.
type accountsDesk struct {
	t   *testing.T
	ctx context.Context
	s   *Store
}

func newAccountsDesk(t *testing.T) accountsDesk {
	db := testenv.DB(t)
	if err := db.EnsureIndexes(context.Background(), Indexes()...); err != nil {
		t.Fatal(err)
	}
	return accountsDesk{t: t, ctx: context.Background(), s: NewStore(db)}
}

func (d accountsDesk) issue(fair, participant, account string) Badge {
	b, err := d.s.Issue(d.ctx, Badge{FairID: fair, ParticipantID: participant, Kind: KindProducer, AccountID: account, Name: participant})
	if err != nil {
		d.t.Fatal(err)
	}
	return b
}

// revoke delivers acc-1's revocation.
func (d accountsDesk) revoke(reason string, notBefore time.Time) {
	env, err := events.New(events.AccountTokensRevoked, 1, "acc-1", "", events.AccountTokensRevokedV1{AccountID: "acc-1", NotBefore: notBefore, Reason: reason})
	if err != nil {
		d.t.Fatal(err)
	}
	if err := d.s.OnAccount(d.ctx, env); err != nil {
		d.t.Fatal(err)
	}
}

func (d accountsDesk) revoked(b Badge) bool {
	got, err := d.s.Get(d.ctx, b.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return got.Revoked
}

func (d accountsDesk) enabled(account string, issuedAt time.Time) bool {
	ok, err := d.s.Enabled(d.ctx, account, issuedAt)
	if err != nil {
		d.t.Fatal(err)
	}
	return ok
}

func (d accountsDesk) disabledNow() map[string]bool {
	got, err := d.s.DisabledAccounts(d.ctx)
	if err != nil {
		d.t.Fatal(err)
	}
	return got
}

// A disabled account's badges end at every fair, and it counts as disabled until its holder
// shows a token issued since; another account's badges and a revocation for another reason are
// left alone, and the same revocation delivered again once the account is enabled ends nothing.
func TestADisabledAccountsBadgesEnd(t *testing.T) {
	d := newAccountsDesk(t)
	issue, revoke, revoked, enabled, disabledNow := d.issue, d.revoke, d.revoked, d.enabled, d.disabledNow
	f1, f2, other := issue("f1", "p1", "acc-1"), issue("f2", "p1", "acc-1"), issue("f1", "p2", "acc-2")
	revoke(events.RevokedSignOut, time.Now().Add(time.Second))
	revoke(events.RevokedPassword, time.Now().Add(time.Second))
	if revoked(f1) || revoked(f2) || len(disabledNow()) > 0 {
		t.Fatal("signing out everywhere or a new password ended the badges or disabled the account")
	}
	disabledAt := time.Now().Add(time.Second).Truncate(time.Second)
	revoke(events.RevokedDisabled, disabledAt)
	if !revoked(f1) || !revoked(f2) || revoked(other) {
		t.Fatalf("after disabling acc-1: its badges revoked %v and %v, another account's %v; want true, true, false", revoked(f1), revoked(f2), revoked(other))
	}
	if d := disabledNow(); !d["acc-1"] || d["acc-2"] {
		t.Errorf("disabled accounts %v, want acc-1 alone", d)
	}
	// A badge issued meanwhile (before the holder signs in again) ends when the revocation is
	// delivered again.
	meanwhile := issue("f1", "p1", "acc-1")
	revoke(events.RevokedDisabled, disabledAt)
	if !revoked(meanwhile) {
		t.Error("a badge issued while the account is disabled outlived the revocation delivered again")
	}
	if enabled("acc-1", disabledAt.Add(-time.Second)) || !enabled("acc-2", time.Time{}) {
		t.Error("a token from before the account was disabled counts as enabled, or another account as disabled")
	}
	if !enabled("acc-1", disabledAt) || disabledNow()["acc-1"] {
		t.Fatal("a token issued once the account was disabled does not show it enabled again")
	}
	again := issue("f1", "p1", "acc-1")
	revoke(events.RevokedDisabled, disabledAt) // delivered again, once enabled
	if revoked(again) || disabledNow()["acc-1"] {
		t.Error("the revocation delivered again after the account was enabled ended its new badge")
	}
	later := disabledAt.Add(time.Hour) // disabled a second time
	revoke(events.RevokedDisabled, later)
	if !revoked(again) || enabled("acc-1", disabledAt) || !enabled("acc-1", later) {
		t.Error("disabling the account a second time did not end its badge, or a token from between counts")
	}
	env, _ := events.New(events.AccountTokensRevoked, 1, "acc-1", "", map[string]any{"reason": "disabled"})
	if err := d.s.OnAccount(d.ctx, env); err == nil {
		t.Error("a revocation without account or time was taken")
	}
}

// A badge made while its account is being disabled (after the revocation ended the badges it
// found) is ended by its own making; one the revocation failed to end ends when the account shows
// it is enabled again, so that the holder's next badge is a new one.
func TestABadgeMadeWhileDisablingEnds(t *testing.T) {
	d := newAccountsDesk(t)
	svc := &Service{Store: d.s, Index: index.New()}
	at := time.Now().Truncate(time.Second)
	if _, err := d.s.Disable(d.ctx, "acc-3", at); err != nil { // the revocation's record, its badges ended
		t.Fatal(err)
	}
	if _, err := svc.issue(d.ctx, index.Fair{ID: "f3"}, holder{ID: "p3", Kind: KindProducer, Account: "acc-3"}); err != errDisabled {
		t.Errorf("a badge made for a disabled account: %v, want it refused", err)
	}
	if valid, err := d.s.Valid(d.ctx, "f3"); err != nil || len(valid) > 0 {
		t.Errorf("valid badges at the fair after it: %v, %v; want none", valid, err)
	}
	// The revocation of acc-4 was recorded, but ending its badge failed (to be tried again).
	left := d.issue("f3", "p4", "acc-4")
	if _, err := d.s.Disable(d.ctx, "acc-4", at); err != nil {
		t.Fatal(err)
	}
	if !d.enabled("acc-4", at) || !d.revoked(left) {
		t.Error("enabled again, the badge the revocation failed to end is still valid")
	}
	b, err := svc.issue(d.ctx, index.Fair{ID: "f3"}, holder{ID: "p4", Kind: KindProducer, Account: "acc-4"})
	if err != nil || b.ID == left.ID || d.revoked(b) {
		t.Errorf("the badge once enabled again: %+v, %v; want a new, valid one", b, err)
	}
}

// enable delivers the gateway's word that account, disabled at disabledAt, was enabled at
// enabledAt.
func (d accountsDesk) enable(account string, disabledAt, enabledAt time.Time) {
	env, err := events.New(events.AccountEnabled, 1, account, "", events.AccountEnabledV1{AccountID: account, DisabledAt: disabledAt, EnabledAt: enabledAt})
	if err != nil {
		d.t.Fatal(err)
	}
	if err := d.s.OnAccount(d.ctx, env); err != nil {
		d.t.Fatal(err)
	}
}

// An account enabled again is in the organisers' print again before its holder signs in, with a
// new badge; the old one stays ended. The enabling may arrive before the disabling (a retried
// delivery), and late, after the holder showed a newer token and got a new badge.
func TestAnEnabledAccountIsBackOnThePrint(t *testing.T) {
	d := newAccountsDesk(t)
	svc := &Service{Store: d.s, Index: index.New()}
	at := time.Now().Truncate(time.Second)
	old := d.issue("f5", "p5", "acc-5")
	if _, err := d.s.Disable(d.ctx, "acc-5", at); err != nil { // its badge not ended yet
		t.Fatal(err)
	}
	enabledAt := time.Now().Add(time.Second)
	d.enable("acc-5", at, enabledAt)
	if d.disabledNow()["acc-5"] || !d.revoked(old) {
		t.Fatalf("once enabled: disabled %v, the old badge revoked %v; want false, true", d.disabledNow()["acc-5"], d.revoked(old))
	}
	b, err := svc.issue(d.ctx, index.Fair{ID: "f5"}, holder{ID: "p5", Kind: KindProducer, Account: "acc-5"})
	if err != nil || b.ID == old.ID {
		t.Fatalf("the badge once enabled: %+v, %v; want a new one", b, err)
	}
	d.enable("acc-5", at, enabledAt) // delivered again
	if d.revoked(b) {
		t.Error("the enabling delivered again ended the new badge")
	}
	// acc-6: enabled before its disabling is handled.
	left := d.issue("f5", "p6", "acc-6")
	d.enable("acc-6", at, time.Now().Add(time.Second))
	d.revokeAt("acc-6", at)
	if !d.revoked(left) || d.disabledNow()["acc-6"] {
		t.Errorf("enabled, then the disabling: the badge before revoked %v, disabled %v; want true, false", d.revoked(left), d.disabledNow()["acc-6"])
	}
	// acc-7: its holder showed a newer token first and got a new badge; the enabling comes late.
	if _, err := d.s.Disable(d.ctx, "acc-7", at); err != nil {
		t.Fatal(err)
	}
	if !d.enabled("acc-7", at.Add(time.Second)) {
		t.Fatal("a newer token does not show acc-7 enabled")
	}
	fresh := d.issue("f5", "p7", "acc-7")
	d.enable("acc-7", at, at.Add(500*time.Millisecond)) // the enabling, before that token, arrives late
	if d.revoked(fresh) {
		t.Error("a late enabling ended the badge made once the holder showed a newer token")
	}
	// acc-8: disabled, enabled, disabled again and enabled again, the last enabling delivered
	// before the second disabling (that one retried): the account ends enabled.
	d.revokeAt("acc-8", at)
	d.enable("acc-8", at, at.Add(time.Second))
	second := at.Add(time.Minute)
	d.enable("acc-8", second, second.Add(time.Second))
	kept := d.issue("f5", "p8", "acc-8")
	d.revokeAt("acc-8", second)
	if d.disabledNow()["acc-8"] || d.revoked(kept) {
		t.Errorf("the second enabling before the second disabling: disabled %v, the badge made since revoked %v; want false, false", d.disabledNow()["acc-8"], d.revoked(kept))
	}
	env, _ := events.New(events.AccountEnabled, 1, "acc-5", "", map[string]any{"disabled_at": at})
	if err := d.s.OnAccount(d.ctx, env); err == nil {
		t.Error("an enabling without account or time was taken")
	}
}

// revokeAt delivers the disabling of account at at.
func (d accountsDesk) revokeAt(account string, at time.Time) {
	env, err := events.New(events.AccountTokensRevoked, 1, account, "", events.AccountTokensRevokedV1{AccountID: account, NotBefore: at, Reason: events.RevokedDisabled})
	if err != nil {
		d.t.Fatal(err)
	}
	if err := d.s.OnAccount(d.ctx, env); err != nil {
		d.t.Fatal(err)
	}
}

// A producer profile handed over to another account: the badge made for the first account ends,
// whether the hand-over's event or the new owner's badge request comes first; the first account
// asking on a replica behind the hand-over gets nothing; a payload without its accounts is
// refused for good.
func TestAHandedOverProfilesBadgeEnds(t *testing.T) {
	d := newAccountsDesk(t)
	issue := func(fair, account string, revision int64) (Badge, error) {
		return d.s.Issue(d.ctx, Badge{FairID: fair, ParticipantID: "p1", Kind: KindProducer, AccountID: account, OwnerRevision: revision, Name: "p1"})
	}
	first, _ := issue("f1", "acc-old", 1)
	other, _ := issue("f2", "acc-old", 1)
	// The new owner asks first at f1: a new badge, the old one ended.
	next, err := issue("f1", "acc-new", 2)
	if err != nil || next.ID == first.ID || !d.revoked(first) || d.revoked(next) {
		t.Errorf("the new owner's badge at f1: %+v, %v after %+v", next, err, first)
	}
	// The first account on a replica that has not heard of the hand-over: nothing, and the new
	// owner's badge stays.
	if b, err := issue("f1", "acc-old", 1); !errors.Is(err, errNotHolder) || d.revoked(next) {
		t.Errorf("the first account's badge after the hand-over: %+v, %v; the new owner's revoked %v", b, err, d.revoked(next))
	}
	env, err := events.New(events.ProducerClaimed, 1, "p1", "", events.ProducerClaimedV1{ProducerID: "p1", AccountID: "acc-new", PreviousAccountID: "acc-old", Revision: 2})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // delivered again, it ends nothing more
		if err := d.s.OnProducerClaimed(d.ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	if !d.revoked(other) || d.revoked(next) {
		t.Errorf("after the hand-over: the first account's badge at f2 revoked %v, the new owner's %v", d.revoked(other), d.revoked(next))
	}
	bad, _ := events.New(events.ProducerClaimed, 1, "p1", "", events.ProducerClaimedV1{ProducerID: "p1", AccountID: "acc-new"})
	if err := d.s.OnProducerClaimed(d.ctx, bad); err == nil || !bus.IsPermanent(err) {
		t.Errorf("a claim without its previous account: %v, want a permanent error", err)
	}
}
