package allocation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// faultyBooths is the real booth store with failures put in: Release fails while failRelease is
// set, and afterAssign runs after each assignment is stored.
type faultyBooths struct {
	*booth.Store
	failRelease bool
	afterAssign func()
}

func (f *faultyBooths) Assign(ctx context.Context, b booth.Booth, applicationID, producerID string, pinned bool, now time.Time, correlationID string) (booth.Assignment, error) {
	a, err := f.Store.Assign(ctx, b, applicationID, producerID, pinned, now, correlationID)
	if err == nil && f.afterAssign != nil {
		f.afterAssign()
	}
	return a, err
}

func (f *faultyBooths) Release(ctx context.Context, a booth.Assignment, why booth.Why, now time.Time, correlationID string) error {
	if f.failRelease {
		return errors.New("connection reset by peer")
	}
	return f.Store.Release(ctx, a, why, now, correlationID)
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type commitFixture struct {
	db     *storage.DB
	s      *Routes
	faulty *faultyBooths
	fair   fair.Fair
	logs   *syncBuffer
	log    *slog.Logger
}

// newCommitFixture stores a published fair f1 with booths A01 to A03 and approved applications
// app1 and app2 of it, on a real database.
func newCommitFixture(t *testing.T) commitFixture {
	t.Helper()
	ctx := context.Background()
	db := testenv.DB(t)
	if err := db.EnsureIndexes(ctx, append(booth.Indexes(), applicants.Indexes()...)...); err != nil {
		t.Fatal(err)
	}
	booths := booth.NewStore(db)
	fx := commitFixture{
		db: db,
		s: &Routes{Access: fair.Access{Fairs: fair.NewStore(db)}, Booths: booths, Applicants: applicants.NewStore(db), Proposals: NewProposals(db),
			Notify: func() {}, Now: time.Now},
		faulty: &faultyBooths{Store: booths},
		fair:   fair.Fair{ID: "f1", NameVI: "Hội chợ OCOP thử", Status: fair.Published, Organisers: []string{"org1"}, Revision: 1},
		logs:   &syncBuffer{},
	}
	fx.s.commitBooths = fx.faulty
	fx.log = slog.New(slog.NewTextHandler(fx.logs, nil))
	if err := fx.s.Access.Fairs.Create(ctx, fx.fair, ""); err != nil {
		t.Fatal(err)
	}
	var plan []booth.Booth
	for _, code := range []string{"A01", "A02", "A03"} {
		b, err := booth.Normalize(booth.Booth{FairID: "f1", Code: code, Zone: "Khu A"}, "")
		if err != nil {
			t.Fatal(err)
		}
		plan = append(plan, b)
	}
	if _, err := booths.AddBooths(ctx, plan); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"app1", "app2"} {
		if _, err := db.Collection(applicants.Collection).InsertOne(ctx, applicants.Application{ID: id, FairID: "f1", ProducerID: "prod-" + id,
			ProducerName: "HTX " + id, Province: "19", Status: applicants.Approved, BoothKind: booth.Standard, BoothCount: 1, Revision: 1}); err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

func (fx commitFixture) active(t *testing.T) []string {
	t.Helper()
	held, err := fx.s.Booths.ActiveForFair(context.Background(), "f1")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range held {
		out = append(out, a.Code+"="+a.ApplicationID)
	}
	return out
}

func TestCommitReportsBoothsWhoseRollbackFailed(t *testing.T) {
	fx := newCommitFixture(t)
	ctx := context.Background()
	// A02 is taken by app2, so app1's group A01+A02 fails after A01 is assigned, and releasing A01
	// again fails.
	b, err := fx.s.Booths.Booth(ctx, "f1", "A02")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.s.Booths.Assign(ctx, b, "app2", "prod-app2", true, time.Now(), ""); err != nil {
		t.Fatal(err)
	}
	fx.faulty.failRelease = true
	resp := fx.s.commitProposal(ctx, fx.log, fx.fair, Stored{ID: "p1", FairID: "f1",
		Placements: []Placement{{ApplicationID: "app1", Booths: []string{"A01", "A02"}, Zone: "Khu A"}}})
	if len(resp.Committed) != 0 || len(resp.Failed) != 1 {
		t.Fatalf("commitProposal = %+v, want app1 failed", resp)
	}
	got := resp.Failed[0]
	if !slices.Equal(got.StillAssigned, []string{"A01"}) {
		t.Errorf("still_assigned = %v, want [A01]: the response must say the booth stayed assigned", got.StillAssigned)
	}
	for _, lang := range []apperr.Lang{apperr.Vietnamese, apperr.English} {
		if r := got.text.In(lang); got.Code != "allocation_booth_taken" || !strings.Contains(r, "A02") || strings.Contains(r, "connection reset") {
			t.Errorf("reason = %s %q, want allocation_booth_taken naming the taken booth and no internals", got.Code, r)
		}
	}
	if held := fx.active(t); !slices.Equal(held, []string{"A01=app1", "A02=app2"}) {
		t.Errorf("active assignments %v, want A01 still held by app1 (its release failed) and A02 by app2", held)
	}
	if logs := fx.logs.String(); !strings.Contains(logs, "rolling back a booth assignment failed") || !strings.Contains(logs, "connection reset") {
		t.Errorf("the failed roll-back was not logged with its cause:\n%s", logs)
	}
}

func TestCommitRollsBackWhenTheFairIsCancelledMeanwhile(t *testing.T) {
	fx := newCommitFixture(t)
	ctx := context.Background()
	// Right after the first booth is stored, the organiser cancels the fair (as another request
	// would, on another replica).
	var once sync.Once
	fx.faulty.afterAssign = func() {
		once.Do(func() {
			cancelled, err := fx.fair.Move(fair.Cancel, "Bão số 5", time.Now())
			if err == nil {
				err = fx.s.Access.Fairs.Save(ctx, cancelled, fx.fair.Revision, events.FairCancelled, "")
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	resp := fx.s.commitProposal(ctx, fx.log, fx.fair, Stored{ID: "p1", FairID: "f1", Placements: []Placement{
		{ApplicationID: "app1", Booths: []string{"A01"}, Zone: "Khu A"}, {ApplicationID: "app2", Booths: []string{"A02"}, Zone: "Khu A"}}})
	if len(resp.Committed) != 0 || len(resp.Failed) != 2 {
		t.Fatalf("commitProposal = %+v, want both placements failed", resp)
	}
	for _, f := range resp.Failed {
		if f.Code != "allocation_fair_ended" || !strings.Contains(f.text.In(apperr.English), "cancelled") ||
			!strings.Contains(f.text.In(apperr.Vietnamese), "đã bị hủy") || len(f.StillAssigned) != 0 {
			t.Errorf("failure %+v, want the cancellation named and nothing left assigned", f)
		}
	}
	if held := fx.active(t); len(held) != 0 {
		t.Errorf("active assignments %v after the fair was cancelled, want none", held)
	}
}

// An application withdrawn right after its booth is stored: the applicants model stored the
// withdrawal and found no booth to release, so the commit releases it itself.
func TestCommitRollsBackWhenTheApplicationEndsMeanwhile(t *testing.T) {
	fx := newCommitFixture(t)
	ctx := context.Background()
	var once sync.Once
	fx.faulty.afterAssign = func() {
		once.Do(func() {
			withdrawn := applicants.Application{ID: "app1", FairID: "f1", ProducerID: "prod-app1", ProducerName: "HTX app1", Province: "19",
				Status: applicants.Withdrawn, BoothKind: booth.Standard, BoothCount: 1, Revision: 2}
			if err := fx.s.Applicants.Project(ctx, withdrawn); err != nil {
				t.Error(err)
			}
		})
	}
	resp := fx.s.commitProposal(ctx, fx.log, fx.fair, Stored{ID: "p1", FairID: "f1", Placements: []Placement{
		{ApplicationID: "app1", Booths: []string{"A01"}, Zone: "Khu A"}, {ApplicationID: "app2", Booths: []string{"A02"}, Zone: "Khu A"}}})
	if len(resp.Committed) != 1 || resp.Committed[0].ApplicationID != "app2" || len(resp.Failed) != 1 {
		t.Fatalf("commitProposal = %+v, want app1 failed and app2 committed", resp)
	}
	if f := resp.Failed[0]; f.ApplicationID != "app1" || f.Code != "allocation_application_status" || len(f.StillAssigned) != 0 {
		t.Errorf("failure %+v, want app1's withdrawal named and nothing left assigned", f)
	}
	if held := fx.active(t); !slices.Equal(held, []string{"A02=app2"}) {
		t.Errorf("active assignments %v, want only A02 held by app2", held)
	}
}

// A booth assigned by hand to an application while the commit places it: together they would
// pass the fair's most per producer, so the commit gives its booth back.
func TestCommitKeepsTheMostPerProducer(t *testing.T) {
	fx := newCommitFixture(t)
	ctx := context.Background()
	fx.fair.Eligibility.MaxBoothsPerProducer = 1
	var once sync.Once
	fx.faulty.afterAssign = func() {
		once.Do(func() {
			b, err := fx.s.Booths.Booth(ctx, "f1", "A03")
			if err == nil {
				_, err = fx.s.Booths.Assign(ctx, b, "app1", "prod-app1", true, time.Now(), "")
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	resp := fx.s.commitProposal(ctx, fx.log, fx.fair, Stored{ID: "p1", FairID: "f1", Placements: []Placement{
		{ApplicationID: "app1", Booths: []string{"A01"}, Zone: "Khu A"}}})
	if len(resp.Committed) != 0 || len(resp.Failed) != 1 || resp.Failed[0].Code != "booth_application_at_max" {
		t.Fatalf("commitProposal = %+v, want app1 failed at the most", resp)
	}
	if held := fx.active(t); !slices.Equal(held, []string{"A03=app1"}) {
		t.Errorf("active assignments %v, want only the booth assigned by hand", held)
	}
}

// A booth blocked by an organiser between the commit's read of it and its assignment: the
// edit saw the booth free, so the commit gives it back.
func TestCommitGivesBackABoothBlockedMeanwhile(t *testing.T) {
	fx := newCommitFixture(t)
	ctx := context.Background()
	var once sync.Once
	fx.faulty.afterAssign = func() {
		once.Do(func() {
			b, err := fx.s.Booths.Booth(ctx, "f1", "A01")
			if err == nil {
				b.Hold = booth.Blocked
				err = fx.s.Booths.SaveBooth(ctx, b)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	resp := fx.s.commitProposal(ctx, fx.log, fx.fair, Stored{ID: "p1", FairID: "f1", Placements: []Placement{
		{ApplicationID: "app1", Booths: []string{"A01", "A03"}, Zone: "Khu A"}, {ApplicationID: "app2", Booths: []string{"A02"}, Zone: "Khu A"}}})
	if len(resp.Committed) != 1 || resp.Committed[0].ApplicationID != "app2" || len(resp.Failed) != 1 || resp.Failed[0].Code != "booth_changed_meanwhile" {
		t.Fatalf("commitProposal = %+v, want app1 failed on its booth changed and app2 committed", resp)
	}
	if held := fx.active(t); !slices.Equal(held, []string{"A02=app2"}) {
		t.Errorf("active assignments %v, want only A02 held by app2", held)
	}
	// The booth changed goes as such; the other of its group because the group failed.
	var released []struct {
		Code   string `bson:"code"`
		Reason string `bson:"reason_code"`
	}
	cur, err := fx.db.Collection(booth.AssignmentsCollection).Find(ctx, bson.M{"active": false}, options.Find().SetSort(bson.D{{Key: "code", Value: 1}}))
	if err == nil {
		err = cur.All(ctx, &released)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(released); got != "[{A01 booth_release.booth_changed} {A03 booth_release.allocation_group_failed}]" {
		t.Errorf("released %s, want A01 as changed and A03 as its group failing", got)
	}
}

func TestRollbackOutlivesTheCommitContext(t *testing.T) {
	fx := newCommitFixture(t)
	// The commit's context ends right after A01 is assigned (its timeout ran out), so A02 fails;
	// releasing A01 again must still happen.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fx.faulty.afterAssign = cancel
	resp := fx.s.commitProposal(ctx, fx.log, fx.fair, Stored{ID: "p1", FairID: "f1",
		Placements: []Placement{{ApplicationID: "app1", Booths: []string{"A01", "A02"}, Zone: "Khu A"}}})
	if len(resp.Committed) != 0 || len(resp.Failed) != 1 || len(resp.Failed[0].StillAssigned) != 0 {
		t.Errorf("commitProposal = %+v, want app1 failed with nothing left assigned", resp)
	}
	if held := fx.active(t); len(held) != 0 {
		t.Errorf("active assignments %v, want A01 released again", held)
	}
}
