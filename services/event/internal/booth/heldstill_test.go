package booth

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
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
	ctx := context.Background()
	db := testenv.DB(t)
	if err := db.EnsureIndexes(ctx, append(Indexes(), applicants.Indexes()...)...); err != nil {
		t.Fatal(err)
	}
	rt := &Routes{Access: fair.Access{Fairs: fair.NewStore(db)}, Booths: NewStore(db), Applicants: applicants.NewStore(db), Notify: func() {}, Now: time.Now}
	f := fair.Fair{ID: "f1", NameVI: "Hội chợ OCOP thử", Status: fair.Published, Organisers: []string{"org1"}, Revision: 1}
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

// An edit or removal of a booth that an assignment took between the edit's check and its write
// is undone, and answered as a booth assigned: the booth stays as the assignment saw it.
func TestAnEditOfABoothAssignedMeanwhileIsUndone(t *testing.T) {
	ctx := context.Background()
	rt, _ := heldFixture(t, "A01", "A02", "A03")
	log := slog.New(slog.DiscardHandler)
	read := map[string]Booth{}
	for _, code := range []string{"A01", "A02", "A03"} {
		b, err := rt.Booths.Booth(ctx, "f1", code)
		if err != nil {
			t.Fatal(err)
		}
		read[code] = b
	}
	// A01 and A02 are assigned after the edit checked them; A03 is not.
	for _, code := range []string{"A01", "A02"} {
		if _, err := rt.Booths.Assign(ctx, read[code], "app-"+code, "prod-"+code, true, time.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	blocked := read["A01"]
	blocked.Hold, blocked.Price = Blocked, 9_000_000
	if err := rt.saveChecked(ctx, log, read["A01"], blocked); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("blocking a booth assigned meanwhile: %v, want a conflict", err)
	}
	if err := rt.deleteChecked(ctx, log, read["A02"]); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("removing a booth assigned meanwhile: %v, want a conflict", err)
	}
	if err := rt.deleteChecked(ctx, log, read["A03"]); err != nil {
		t.Errorf("removing a free booth: %v", err)
	}
	for code, want := range map[string]bool{"A01": true, "A02": true, "A03": false} {
		b, err := rt.Booths.Booth(ctx, "f1", code)
		if want && (err != nil || b != read[code]) {
			t.Errorf("booth %s after the edit is %+v (%v), want it as assigned: %+v", code, b, err, read[code])
		}
		if !want && !apperr.Is(err, apperr.NotFound) {
			t.Errorf("booth %s after its removal: %v, want it gone", code, err)
		}
	}
}
