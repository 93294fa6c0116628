package application

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

// benchApplications stores fairs × perFair applications, each fair with one application of every
// producer, and returns the store and a model loaded from it.
func benchApplications(b *testing.B, fairs, perFair int) (*Store, *Model) {
	b.Helper()
	db := testenv.DB(b)
	st := NewStore(db)
	ctx := context.Background()
	now := stamp(time.Now())
	f := fairWith(func(f *Fair) { f.Organisers = []string{"org"} })
	var docs []any
	for i := range fairs {
		if _, err := db.Collection(FairCollection).InsertOne(ctx, bson.M{"_id": fmt.Sprintf("f%02d", i), "name_vi": "Hội chợ OCOP " + fmt.Sprint(i),
			"status": "published", "organisers": []string{"org"}, "revision": 1}); err != nil {
			b.Fatal(err)
		}
		for p := range perFair {
			a := Application{ID: fmt.Sprintf("01900000-0000-7000-8000-%04d%08d", i, p), FairID: fmt.Sprintf("f%02d", i),
				ProducerID: fmt.Sprintf("p%05d", p), AccountID: fmt.Sprintf("a%05d", p), ProducerName: "HTX Mật ong bạc hà", Province: "15",
				Products: []Product{honey}, BoothKind: "standard", BoothCount: 1, Status: []Status{Submitted, Approved, Waitlisted, Rejected}[p%4],
				Rules: Evaluate(f, "15", []Product{honey}, 1, now), SubmittedAt: now, UpdatedAt: now, Revision: 1}
			docs = append(docs, toDocument(a))
		}
	}
	if _, err := db.Collection(Collection).InsertMany(ctx, docs); err != nil {
		b.Fatal(err)
	}
	m := NewModel(st)
	_, err := m.Load(ctx, func(_ context.Context, after string, limit int) ([]Applicant, error) {
		var out []Applicant
		for p := range perFair {
			if id := fmt.Sprintf("p%05d", p); id > after && len(out) < limit {
				out = append(out, Applicant{ProducerID: id, AccountID: fmt.Sprintf("a%05d", p), Revision: 1})
			}
		}
		return out, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return st, m
}

// serve calls handler with a GET of target as principal p and fails b unless it answers 200.
func serve(b *testing.B, handler gin.HandlerFunc, target string, p auth.Principal, params ...gin.Param) {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, target, nil)
	c.Params = params
	c.Set("ocopfair.principal", p)
	handler(c)
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
	}
}

// BenchmarkApplications measures a producer's own list (GET /api/applications, a producer with
// an application to each of 4 fairs) and an organiser's queue (GET /api/fairs/:id/applications,
// a page of 20 of a fair's 500), from the database and from the model: 2,000 applications in all.
// The database figures leave out the producer lookup by account, which on FerretDB reads every
// producer profile as well.
//
//	go test -run '^$' -bench Applications -benchtime 5x ./internal/application/
func BenchmarkApplications(b *testing.B) {
	st, m := benchApplications(b, 4, 500)
	producer := auth.Principal{AccountID: "a00042", Role: auth.RoleProducer}
	organiser := auth.Principal{AccountID: "org", Role: auth.RoleOrganiser}
	fair := gin.Param{Key: "fairId", Value: "f03"}
	for _, src := range []struct {
		name   string
		routes *Routes
	}{
		{"database", &Routes{Store: st, Catalog: oneApplicant{Applicant{ProducerID: "p00042"}}, Now: time.Now}},
		{"memory", &Routes{Store: st, Model: m, Now: time.Now}},
	} {
		b.Run("mine/"+src.name, func(b *testing.B) {
			for b.Loop() {
				serve(b, src.routes.mine, "/api/applications", producer)
			}
		})
		b.Run("queue/"+src.name, func(b *testing.B) {
			for b.Loop() {
				serve(b, src.routes.list, "/api/fairs/f03/applications?limit=20", organiser, fair)
			}
		})
		b.Run("queue-approved/"+src.name, func(b *testing.B) {
			for b.Loop() {
				serve(b, src.routes.list, "/api/fairs/f03/applications?limit=20&status=approved", organiser, fair)
			}
		})
	}
}
