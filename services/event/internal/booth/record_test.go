package booth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// server is the floor-plan routes of fair f1 (fixtureOn) behind the service's router, with the
// idempotency guard, driven in the process as f1's organiser.
type server struct {
	rt    *Routes
	db    *storage.DB
	h     http.Handler
	token string
}

func serve(t *testing.T, codes ...string) server {
	t.Helper()
	db := testenv.DB(t)
	rt, _ := fixtureOn(t, db, codes...)
	tokens := testenv.NewTokens(t)
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.DiscardHandler), Verifier: auth.NewVerifier(tokens.Keys, testenv.Issuer, testenv.Audience)})
	rt.Register(httpx.API{Router: r, Doc: openapi.New("floor plan", "1.0.0", "test"), Idempotency: httpx.Idempotency(db)})
	token, _ := tokens.Token(t, auth.RoleOrganiser, organiser)
	return server{rt: rt, db: db, h: r, token: token}
}

// do sends a request with a JSON body (nil: none) and header pairs, and returns the status, the
// problem's code (if any) and the body. It may run on any goroutine.
func (s server) do(t *testing.T, method, path string, body any, headers ...string) (int, string, []byte) {
	var in []byte
	if body != nil {
		var err error
		if in, err = json.Marshal(body); err != nil {
			t.Errorf("encoding %v: %v", body, err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(in))
	req.Header.Set("Authorization", "Bearer "+s.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	var problem struct{ Code string }
	_ = json.Unmarshal(w.Body.Bytes(), &problem)
	return w.Code, problem.Code, w.Body.Bytes()
}

// setStatus stores fair f1 of rt with status.
func setStatus(t *testing.T, rt *Routes, status fair.Status) {
	t.Helper()
	ctx := context.Background()
	f, err := rt.Access.Fairs.Get(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	prev := f.Revision
	f.Status, f.Revision = status, prev+1
	if err := rt.Access.Fairs.Save(ctx, f, prev, events.FairUpdated, ""); err != nil {
		t.Fatal(err)
	}
}

// A completed fair's floor plan is the record of who exhibited where: its booths are released
// neither by hand (409 floor_plan_closed, as other edits of a closed plan) nor by their
// application ending after the fair; an open fair's and a cancelled fair's are released when
// their application ends.
func TestACompletedFairsBoothsStayHeld(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		status         fair.Status
		byHand         int
		keptAfterEnded bool
	}{
		{fair.Live, http.StatusNoContent, false},
		{fair.Completed, http.StatusConflict, true},
		{fair.Cancelled, http.StatusConflict, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			s := serve(t, "A01", "A02")
			for code, app := range map[string]string{"A01": "app-1", "A02": "app-2"} {
				b, err := s.rt.Booths.Booth(ctx, "f1", code)
				if err == nil {
					_, err = s.rt.Booths.Assign(ctx, b, app, "prod-"+app, true, time.Now(), "")
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			setStatus(t, s.rt, tt.status)
			status, code, _ := s.do(t, http.MethodDelete, "/api/fairs/f1/booths/A01/assignment", nil)
			if status != tt.byHand || (status == http.StatusConflict && code != msgPlanClosed.Code) {
				t.Errorf("releasing A01 by hand: %d %s, want %d", status, code, tt.byHand)
			}
			c := &Consumers{Booths: s.rt.Booths, Notify: func() {}}
			if err := c.ReleaseApplication(ctx, "app-2", "withdrawn"); err != nil {
				t.Fatalf("ReleaseApplication(app-2) = %v", err)
			}
			held, err := s.rt.Booths.ActiveAt(ctx, "f1", "A02")
			if err != nil || (len(held) == 1) != tt.keptAfterEnded {
				t.Errorf("A02 after its application was withdrawn: held by %v (%v), want kept %v", held, err, tt.keptAfterEnded)
			}
		})
	}
}

// Two edits of one landmark that read it alike do not undo each other: the second, made over
// what the first changed, is refused (landmark_changed_meanwhile), and one over a landmark
// removed meanwhile is not found.
func TestALandmarkEditOverAnotherIsRefused(t *testing.T) {
	ctx := context.Background()
	rt, _ := heldFixture(t)
	read := Landmark{FairID: "f1", ID: "0190-stage", Kind: Stage, X: 100, Y: 100, W: 3, H: 3}
	if err := rt.saveLandmark(ctx, Landmark{}, read); err != nil {
		t.Fatal(err)
	}
	moved, renamed := read, read
	moved.Y, renamed.Label = 500, "Sân khấu chính"
	if err := rt.saveLandmark(ctx, read, moved); err != nil {
		t.Fatalf("moving the landmark: %v", err)
	}
	if err := rt.saveLandmark(ctx, read, renamed); !isCode(err, msgLandmarkChanged.Code) {
		t.Errorf("renaming it as read before the move: %v, want %s", err, msgLandmarkChanged.Code)
	}
	if got, err := rt.Booths.Landmark(ctx, "f1", read.ID); err != nil || got != moved {
		t.Errorf("landmark after the refused edit: %+v (%v), want %+v", got, err, moved)
	}
	// An edit made over what it read goes through, labelled or not.
	renamed.Y = 500
	if err := rt.saveLandmark(ctx, moved, renamed); err != nil {
		t.Errorf("renaming it as it now is: %v", err)
	}
	if err := rt.saveLandmark(ctx, renamed, moved); err != nil {
		t.Errorf("taking the label away: %v", err)
	}
	if err := rt.Booths.DeleteLandmark(ctx, "f1", read.ID); err != nil {
		t.Fatal(err)
	}
	if err := rt.saveLandmark(ctx, moved, renamed); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("editing a landmark removed meanwhile: %v, want not found", err)
	}
}

// Two organisers' PATCHes of one landmark at once: both changes are kept, or one is refused
// (409) and the other kept; never are both answered 200 with one of them lost.
func TestConcurrentLandmarkPatchesLoseNothing(t *testing.T) {
	s := serve(t)
	const rounds = 8
	for i := range rounds {
		status, _, body := s.do(t, http.MethodPost, "/api/fairs/f1/landmarks", map[string]any{"kind": Stage, "label": "Sân khấu", "x": 100 + 10*i, "y": 100})
		var l struct{ ID string }
		if status != http.StatusCreated || json.Unmarshal(body, &l) != nil {
			t.Fatalf("adding a landmark: %d %s", status, body)
		}
		path, label := "/api/fairs/f1/landmarks/"+l.ID, fmt.Sprintf("Sân khấu chính %d", i)
		var moved, renamed int
		var wg sync.WaitGroup
		wg.Go(func() { moved, _, _ = s.do(t, http.MethodPatch, path, map[string]any{"y": 500}) })
		wg.Go(func() { renamed, _, _ = s.do(t, http.MethodPatch, path, map[string]any{"label": label}) })
		wg.Wait()
		got, err := s.rt.Booths.Landmark(context.Background(), "f1", l.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			what   string
			status int
			kept   bool
		}{{"move", moved, got.Y == 500}, {"rename", renamed, got.Label == label}} {
			if (p.status == http.StatusOK) != p.kept || (p.status != http.StatusOK && p.status != http.StatusConflict) {
				t.Errorf("round %d: the %s answered %d, and is kept: %v (landmark %+v)", i, p.what, p.status, p.kept, got)
			}
		}
	}
}

// A re-run of an add (same Idempotency-Key) whose first run stored its booths and failed after
// (the floor plan's count could not be read) answers 201 with the plan, not the 409 of its own
// codes, which would be kept for a day; another request with those codes is still refused.
func TestARerunOfAnAddAnswersWithItsBooths(t *testing.T) {
	ctx := context.Background()
	s := serve(t)
	floorplans := s.db.Collection(FloorplansCollection)
	if _, err := floorplans.InsertOne(ctx, bson.M{"_id": "f1", "revision": "broken"}); err != nil {
		t.Fatal(err)
	}
	grid := map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 3}}
	if status, _, body := s.do(t, http.MethodPost, "/api/fairs/f1/booths", grid, "Idempotency-Key", "grid-1"); status != http.StatusInternalServerError {
		t.Fatalf("the first run with the count failing: %d %s, want 500", status, body)
	}
	if plan, err := s.rt.Booths.Booths(ctx, "f1"); err != nil || len(plan) != 3 {
		t.Fatalf("booths stored by the first run: %d (%v), want 3", len(plan), err)
	}
	if _, err := floorplans.UpdateOne(ctx, bson.M{"_id": "f1"}, bson.M{"$set": bson.M{"revision": int64(0)}}); err != nil {
		t.Fatal(err)
	}
	for _, run := range []string{"re-run", "replay"} {
		status, code, body := s.do(t, http.MethodPost, "/api/fairs/f1/booths", grid, "Idempotency-Key", "grid-1")
		var m mapResponse
		if status != http.StatusCreated || json.Unmarshal(body, &m) != nil || len(m.Booths) != 3 {
			t.Errorf("the %s: %d %s with %d booths, want 201 with the 3", run, status, code, len(m.Booths))
		}
	}
	if revision, _, err := s.rt.Booths.floorplanRevision(ctx, "f1"); err != nil || revision < 1 {
		t.Errorf("floor plan revision after the re-run: %d (%v), want the change counted", revision, err)
	}
	for _, key := range []string{"grid-2", ""} {
		if status, code, _ := s.do(t, http.MethodPost, "/api/fairs/f1/booths", grid, "Idempotency-Key", key); status != http.StatusConflict || code != msgCodeTaken.Code {
			t.Errorf("another add of the codes (key %q): %d %s, want 409 %s", key, status, code, msgCodeTaken.Code)
		}
	}
}
