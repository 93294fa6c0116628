package booth

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// A booth assigned by hand as its application ends, or its fair is cancelled, is released again
// once written: the end was stored before its consumer looked for booths, and found none.
func TestAnAssignmentWrittenAfterTheEndIsReleased(t *testing.T) {
	ctx := context.Background()
	rt, f := heldFixture(t, "A01", "A02", "A03", "A04", "A05")
	app := func(id, status string, rev int64) applicants.Application {
		return applicants.Application{ID: id, FairID: "f1", ProducerID: "prod-" + id, ProducerName: "HTX " + id, Province: "19",
			Status: status, BoothKind: Standard, BoothCount: 1, Revision: rev}
	}
	booths := map[string]Booth{}
	assign := func(code, appID string) Assignment {
		b, err := rt.Booths.Booth(ctx, "f1", code)
		if err != nil {
			t.Fatal(err)
		}
		booths[code] = b
		a, err := rt.Booths.Assign(ctx, b, appID, "prod-"+appID, true, time.Now(), "")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	heldStill := func(a Assignment) error { return rt.heldStill(ctx, slog.New(slog.DiscardHandler), booths[a.Code], a) }
	for _, id := range []string{"stays", "ends", "late", "blocked", "removed"} {
		if err := rt.Applicants.Project(ctx, app(id, applicants.Approved, 2)); err != nil {
			t.Fatal(err)
		}
	}
	if err := heldStill(assign("A01", "stays")); err != nil {
		t.Errorf("an approved application's booth in a published fair: %v, want it to stand", err)
	}
	ended := assign("A02", "ends")
	if err := rt.Applicants.Project(ctx, app("ends", applicants.Withdrawn, 3)); err != nil {
		t.Fatal(err)
	}
	if err := heldStill(ended); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("the booth of an application withdrawn meanwhile: %v, want a conflict", err)
	}
	// A booth blocked, or removed, between the assignment's read of it and its write.
	blocked := assign("A04", "blocked")
	b := booths["A04"]
	b.Hold = Blocked
	if err := rt.Booths.SaveBooth(ctx, b); err != nil {
		t.Fatal(err)
	}
	removed := assign("A05", "removed")
	if err := rt.Booths.DeleteBooth(ctx, "f1", "A05"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Assignment{blocked, removed} {
		if err := heldStill(a); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("booth %s changed meanwhile: %v, want a conflict", a.Code, err)
		}
	}
	late := assign("A03", "late")
	cancelled, err := f.Move(fair.Cancel, "Bão số 5", time.Now())
	if err == nil {
		err = rt.Access.Fairs.Save(ctx, cancelled, f.Revision, events.FairCancelled, "")
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := heldStill(late); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a booth of a fair cancelled meanwhile: %v, want a conflict", err)
	}
	held, err := rt.Booths.ActiveForFair(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 1 || held[0].Code != "A01" {
		t.Errorf("active assignments %+v, want only A01", held)
	}
	for _, a := range []Assignment{ended, late, blocked, removed} {
		got, err := rt.Booths.assignment(ctx, a.ID)
		want := map[string]string{"A02": "booth_release.application_withdrawn", "A03": ReleaseFairCancelled,
			"A04": ReleaseBoothChanged, "A05": ReleaseBoothChanged}[a.Code]
		if err != nil || got.ReasonCode != want {
			t.Errorf("%s released because %q (%v), want %s", a.Code, got.ReasonCode, err, want)
		}
	}
}

// Of an application's assignments, those made after the first most of them are beyond it.
func TestBeyondMost(t *testing.T) {
	held := []Assignment{{ID: "0190-c"}, {ID: "0190-a"}, {ID: "0190-b"}}
	for id, want := range map[string]bool{"0190-a": false, "0190-b": false, "0190-c": true} {
		if got := BeyondMost(held, id, 2); got != want {
			t.Errorf("BeyondMost(%s, 2) = %v, want %v", id, got, want)
		}
	}
}

// heldFixture is a published fair f1 with booths of codes, on a fresh database.
func heldFixture(t *testing.T, codes ...string) (*Routes, fair.Fair) {
	return fixtureOn(t, testenv.DB(t), codes...)
}

// organiser is the account that organises fair f1 of the fixtures.
const organiser = "01900000-0000-7000-8000-0000000000a1"

// fixtureOn is heldFixture on db.
func fixtureOn(t *testing.T, db *storage.DB, codes ...string) (*Routes, fair.Fair) {
	ctx := context.Background()
	if err := db.EnsureIndexes(ctx, append(Indexes(), applicants.Indexes()...)...); err != nil {
		t.Fatal(err)
	}
	rt := &Routes{Access: fair.Access{Fairs: fair.NewStore(db)}, Booths: NewStore(db), Applicants: applicants.NewStore(db), Notify: func() {}, Now: time.Now}
	f := fair.Fair{ID: "f1", NameVI: "Hội chợ OCOP thử", Status: fair.Published, Organisers: []string{organiser}, Revision: 1}
	if err := rt.Access.Fairs.Create(ctx, f, ""); err != nil {
		t.Fatal(err)
	}
	var plan []Booth
	for _, code := range codes {
		b, err := Normalize(Booth{FairID: "f1", Code: code, Zone: "Khu A"}, "")
		if err != nil {
			t.Fatal(err)
		}
		plan = append(plan, b)
	}
	if _, err := rt.Booths.AddBooths(ctx, plan); err != nil {
		t.Fatal(err)
	}
	return rt, f
}

// An edit holds its booth from assignments while it is written: an assignment then waits (409
// booth_being_edited), an edit of a booth assigned is refused on the index, a free booth's
// removal goes, and a hold left by a stopped process lapses.
func TestAnEditHoldsItsBoothFromAssignments(t *testing.T) {
	ctx := context.Background()
	rt, _ := heldFixture(t, "A01", "A02", "A03")
	read := map[string]Booth{}
	for _, code := range []string{"A01", "A02", "A03"} {
		b, err := rt.Booths.Booth(ctx, "f1", code)
		if err != nil {
			t.Fatal(err)
		}
		read[code] = b
	}
	// A01 is assigned after the edit's first look: the edit and the removal are refused, and
	// the booth stays as the assignment saw it.
	if _, err := rt.Booths.Assign(ctx, read["A01"], "app-1", "prod-1", true, time.Now(), ""); err != nil {
		t.Fatal(err)
	}
	blocked := read["A01"]
	blocked.Hold, blocked.Price = Blocked, 9_000_000
	if err := rt.saveChecked(ctx, read["A01"], blocked); !isCode(err, msgBoothHeld.Code) {
		t.Errorf("blocking a booth assigned meanwhile: %v, want %s", err, msgBoothHeld.Code)
	}
	if err := rt.deleteChecked(ctx, read["A01"]); !isCode(err, msgBoothHeld.Code) {
		t.Errorf("removing a booth assigned meanwhile: %v, want %s", err, msgBoothHeld.Code)
	}
	if b, err := rt.Booths.Booth(ctx, "f1", "A01"); err != nil || b != read["A01"] {
		t.Errorf("booth A01 after the refused edits is %+v (%v), want it as assigned", b, err)
	}
	// While an edit of A02 is written, A02 is assigned to no one; once written, it may be.
	done, err := rt.Booths.HoldForEdit(ctx, "f1", "A02")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Booths.Assign(ctx, read["A02"], "app-2", "prod-2", true, time.Now(), ""); !IsBeingEdited(err) || !strings.Contains(err.Error(), "A02") {
		t.Errorf("assigning a booth being edited: %v, want it named as being edited", err)
	}
	if _, err := rt.Booths.HoldForEdit(ctx, "f1", "A02"); !IsBeingEdited(err) {
		t.Errorf("a second edit of a booth being edited: %v, want it said as being edited", err)
	}
	done()
	if _, err := rt.Booths.Assign(ctx, read["A02"], "app-2", "prod-2", true, time.Now(), ""); err != nil {
		t.Errorf("assigning a booth once its edit is written: %v", err)
	}
}

// A hold its process left behind lapses: the booth can be edited, or assigned, after it, and the
// sweep clears lapsed holds but not live ones. Two edits that read the booth alike do not undo
// each other: the second, made over what the first changed, is refused.
func TestALapsedHoldGivesTheBoothBack(t *testing.T) {
	ctx := context.Background()
	rt, _ := heldFixture(t, "A02", "A03")
	read := map[string]Booth{}
	for _, code := range []string{"A02", "A03"} {
		b, err := rt.Booths.Booth(ctx, "f1", code)
		if err != nil {
			t.Fatal(err)
		}
		read[code] = b
	}
	if _, err := rt.Booths.Assign(ctx, read["A02"], "app-2", "prod-2", true, time.Now(), ""); err != nil {
		t.Fatal(err)
	}
	blocked := read["A03"]
	blocked.Hold = Blocked
	lapsed := func(code string) {
		if _, err := rt.Booths.assignments.InsertOne(ctx, bson.M{"_id": "edit/stopped-" + code, "slot": key("f1", code), "fair_id": "f1", "code": code,
			"active": false, "editing_until": time.Now().Add(-time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	lapsed("A03")
	live, err := rt.Booths.HoldForEdit(ctx, "f1", "A04")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := rt.Booths.ClearLapsedHolds(ctx); n != 1 || err != nil {
		t.Errorf("ClearLapsedHolds = %d, %v; want the one lapsed hold cleared", n, err)
	}
	if _, err := rt.Booths.HoldForEdit(ctx, "f1", "A04"); !IsBeingEdited(err) {
		t.Errorf("a live hold after clearing the lapsed ones: %v, want it kept", err)
	}
	live()
	lapsed("A03")
	// Two edits read the booth alike: the second, made over what the first changed, is refused.
	priced := read["A03"]
	priced.Price = 12_000_000
	if err := rt.saveChecked(ctx, read["A03"], priced); err != nil {
		t.Errorf("pricing a free booth after a lapsed hold: %v", err)
	}
	if err := rt.saveChecked(ctx, read["A03"], blocked); !isCode(err, MsgChangedMeanwhile.Code) {
		t.Errorf("an edit over one made since it read the booth: %v, want %s", err, MsgChangedMeanwhile.Code)
	}
	if err := rt.deleteChecked(ctx, priced); err != nil {
		t.Errorf("removing a free booth: %v", err)
	}
	if _, err := rt.Booths.Booth(ctx, "f1", "A03"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("booth A03 after its removal: %v, want it gone", err)
	}
	if err := rt.Booths.Release(ctx, mustActive(t, rt, "A02"), Why{Code: ReleaseByOrganiser}, time.Now(), ""); err != nil {
		t.Fatal(err)
	}
	lapsed("A02")
	if _, err := rt.Booths.Assign(ctx, read["A02"], "app-3", "prod-3", true, time.Now(), ""); err != nil {
		t.Errorf("assigning a booth after a lapsed hold: %v", err)
	}
}

// isCode reports whether err is an application error with the message code.
func isCode(err error, code string) bool {
	var e *apperr.Error
	return errors.As(err, &e) && e.Code() == code
}

// mustActive returns booth code's active assignment in fair f1.
func mustActive(t *testing.T, rt *Routes, code string) Assignment {
	t.Helper()
	held, err := rt.Booths.ActiveAt(context.Background(), "f1", code)
	if err != nil || len(held) != 1 {
		t.Fatalf("booth %s held by %v (%v), want one assignment", code, held, err)
	}
	return held[0]
}

// An add whose insert meets a code taken meanwhile (by another replica's add, since the check)
// removes the booths it wrote before that one: a refused add leaves no booth of it.
func TestAnAddRefusedHalfWayLeavesNothing(t *testing.T) {
	rt, _ := heldFixture(t, "A01")
	ctx := context.Background()
	var add []Booth
	for _, code := range []string{"N01", "N02", "A01", "N03"} {
		b, err := Normalize(Booth{FairID: "f1", Code: code, Zone: "Khu N", X: 100}, "")
		if err != nil {
			t.Fatal(err)
		}
		add = append(add, b)
	}
	if n, err := rt.Booths.AddBooths(ctx, add); !apperr.Is(err, apperr.Conflict) || n != 0 || !strings.Contains(err.Error(), "A01") {
		t.Errorf("an add over A01: %d added, %v; want none, a conflict naming A01", n, err)
	}
	plan, err := rt.Booths.Booths(ctx, "f1")
	if err != nil || len(plan) != 1 || plan[0].Code != "A01" {
		t.Errorf("after the refused add the plan is %+v (%v), want A01 alone", plan, err)
	}
}
