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
	for _, code := range []string{"A01", "A02", "A03"} {
		b, err := Normalize(Booth{FairID: "f1", Code: code, Zone: "Khu A"}, "")
		if err != nil {
			t.Fatal(err)
		}
		plan = append(plan, b)
	}
	if _, err := rt.Booths.AddBooths(ctx, plan); err != nil {
		t.Fatal(err)
	}
	app := func(id, status string, rev int64) applicants.Application {
		return applicants.Application{ID: id, FairID: "f1", ProducerID: "prod-" + id, ProducerName: "HTX " + id, Province: "19",
			Status: status, BoothKind: Standard, BoothCount: 1, Revision: rev}
	}
	assign := func(code, appID string) Assignment {
		b, err := rt.Booths.Booth(ctx, "f1", code)
		if err != nil {
			t.Fatal(err)
		}
		a, err := rt.Booths.Assign(ctx, b, appID, "prod-"+appID, true, time.Now(), "")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	log := slog.New(slog.DiscardHandler)
	for _, id := range []string{"stays", "ends", "late"} {
		if err := rt.Applicants.Project(ctx, app(id, applicants.Approved, 2)); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.heldStill(ctx, log, assign("A01", "stays")); err != nil {
		t.Errorf("an approved application's booth in a published fair: %v, want it to stand", err)
	}
	ended := assign("A02", "ends")
	if err := rt.Applicants.Project(ctx, app("ends", applicants.Withdrawn, 3)); err != nil {
		t.Fatal(err)
	}
	if err := rt.heldStill(ctx, log, ended); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("the booth of an application withdrawn meanwhile: %v, want a conflict", err)
	}
	late := assign("A03", "late")
	cancelled, err := f.Move(fair.Cancel, "Bão số 5", time.Now())
	if err == nil {
		err = rt.Access.Fairs.Save(ctx, cancelled, f.Revision, events.FairCancelled, "")
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.heldStill(ctx, log, late); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a booth of a fair cancelled meanwhile: %v, want a conflict", err)
	}
	held, err := rt.Booths.ActiveForFair(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 1 || held[0].Code != "A01" {
		t.Errorf("active assignments %+v, want only A01", held)
	}
	for _, a := range []Assignment{ended, late} {
		got, err := rt.Booths.assignment(ctx, a.ID)
		want := map[string]string{"A02": "booth_release.application_withdrawn", "A03": ReleaseFairCancelled}[a.Code]
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
