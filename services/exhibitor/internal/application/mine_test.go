package application

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

type oneApplicant struct{ Applicant }

func (c oneApplicant) ApplicantOf(context.Context, string) (Applicant, error) {
	return c.Applicant, nil
}

func (c oneApplicant) Producer(context.Context, string) (Applicant, error) {
	return c.Applicant, nil
}

func (oneApplicant) ProductsOf(context.Context, string, []string) ([]Product, error) { return nil, nil }

func (oneApplicant) Hold(context.Context, string, []string) (Hold, error) { return noHold{}, nil }

type noHold struct{}

func (noHold) Valid() error { return nil }
func (noHold) Release()     {}

// A producer's own list names each fair; a fair not heard of yet has no name, but a fair that
// cannot be read fails the request instead of passing for a nameless one.
func TestMineNamesFairsAndReportsFailedLookups(t *testing.T) {
	db := testenv.DB(t)
	st := NewStore(db)
	ctx := context.Background()
	now := time.Now().Truncate(time.Millisecond)
	if _, err := db.Collection(FairCollection).InsertMany(ctx, []any{
		bson.M{"_id": "f1", "name_vi": "Hội chợ OCOP Hà Nội", "status": "published", "revision": 1},
		// A stored fair whose name is not text cannot be decoded.
		bson.M{"_id": "broken", "name_vi": 42, "status": "published", "revision": 1},
	}); err != nil {
		t.Fatal(err)
	}
	mine := func() (int, map[string]string) {
		t.Helper()
		h := &Routes{Store: st, Catalog: oneApplicant{Applicant{ProducerID: "p1"}}, Now: time.Now}
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/api/applications", nil)
		c.Set("ocopfair.principal", auth.Principal{AccountID: "a1", Role: auth.RoleProducer})
		h.mine(c)
		var list struct {
			Items []struct {
				ID       string
				FairName string `json:"fair_name"`
			}
		}
		_ = json.Unmarshal(w.Body.Bytes(), &list)
		names := map[string]string{}
		for _, it := range list.Items {
			names[it.ID] = it.FairName
		}
		return w.Code, names
	}
	for i, fair := range []string{"f1", "f1", "unknown"} {
		a := Application{ID: "01900000-0000-7000-8000-00000000000" + string(rune('1'+i)), FairID: fair, ProducerID: "p1", AccountID: "a1",
			Status: Submitted, SubmittedAt: now, UpdatedAt: now, Revision: 1}
		if err := st.Create(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	code, names := mine()
	want := map[string]string{"01900000-0000-7000-8000-000000000001": "Hội chợ OCOP Hà Nội", "01900000-0000-7000-8000-000000000002": "Hội chợ OCOP Hà Nội",
		"01900000-0000-7000-8000-000000000003": ""}
	if code != http.StatusOK || len(names) != len(want) {
		t.Fatalf("mine() = %d %v, want 200 %v", code, names, want)
	}
	for id, name := range want {
		if names[id] != name {
			t.Errorf("fair name of %s = %q, want %q", id, names[id], name)
		}
	}

	if err := st.Create(ctx, Application{ID: "01900000-0000-7000-8000-000000000009", FairID: "broken", ProducerID: "p1", AccountID: "a1",
		Status: Submitted, SubmittedAt: now, UpdatedAt: now, Revision: 1}, ""); err != nil {
		t.Fatal(err)
	}
	if code, names := mine(); code != http.StatusInternalServerError {
		t.Errorf("mine() with an unreadable fair = %d %v, want 500", code, names)
	}
}
