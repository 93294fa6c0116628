package exhibitorapp

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
)

// apply makes c apply to fair with product and returns the application's ID.
func apply(t *testing.T, c testenv.Client, fair, product string) string {
	t.Helper()
	r := c.Do(t, "POST", "/api/fairs/"+fair+"/applications", map[string]any{"product_ids": []string{product}, "booth_count": 2})
	if r.Status != 201 {
		t.Fatalf("apply to %s: %d %s", fair, r.Status, r.Body)
	}
	var a struct{ ID string }
	r.Decode(t, &a)
	return a.ID
}

// review makes c take action on application id and fails the test unless it succeeds.
func review(t *testing.T, c testenv.Client, id, action string) {
	t.Helper()
	if r := c.Do(t, "POST", "/api/applications/"+id+"/"+action, map[string]string{"reason": "Hồ sơ chưa đủ"}); r.Status != 200 {
		t.Fatalf("%s %s: %d %s", action, id, r.Status, r.Body)
	}
}

// publishBooth puts a booth event of the event service on the stream.
func (f fixture) publishBooth(t *testing.T, subject, fair, applicationID, assignmentID, code string) {
	t.Helper()
	f.publishAssignment(t, subject, events.BoothAssignmentV1{AssignmentID: assignmentID, FairID: fair, BoothCode: code,
		ApplicationID: applicationID, ProducerID: "p"})
}

// publishAssignment puts a booth event of the event service carrying a on the stream.
func (f fixture) publishAssignment(t *testing.T, subject string, a events.BoothAssignmentV1) {
	t.Helper()
	env, err := events.New(subject, 1, a.FairID, "", a)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), f.js, env); err != nil {
		t.Fatal(err)
	}
}

// reads are the answers the applications routes take from the model or from the database.
type reads struct {
	byProducer func(producerID, before string, limit int) ([]application.Application, error)
	list       func(fairID, producerID string, statuses []string, after string, limit int) ([]application.Application, error)
	get        func(id string) (application.Application, error)
}

func fromModel(m *application.Model) reads {
	return reads{
		byProducer: func(p, before string, limit int) ([]application.Application, error) {
			return m.ByProducer(p, before, limit), nil
		},
		list: func(fair, p string, st []string, after string, limit int) ([]application.Application, error) {
			return m.List(fair, p, st, after, limit), nil
		},
		get: func(id string) (application.Application, error) {
			if a, ok := m.Get(id); ok {
				return a, nil
			}
			return application.Application{}, fmt.Errorf("application %s not in the model", id)
		},
	}
}

func fromDatabase(s *application.Store) reads {
	ctx := context.Background()
	return reads{
		byProducer: func(p, before string, limit int) ([]application.Application, error) {
			return s.ByProducer(ctx, p, before, limit)
		},
		list: func(fair, p string, st []string, after string, limit int) ([]application.Application, error) {
			return s.List(ctx, fair, p, st, after, limit)
		},
		get: func(id string) (application.Application, error) { return s.Get(ctx, id) },
	}
}

// answers asks r every read the routes make of these producers, fairs and applications, with
// pages, cursors and status filters, keyed by the question.
func answers(r reads, producers, fairs, ids []string) map[string]any {
	out := map[string]any{}
	put := func(key string, v any, err error) {
		if err != nil {
			v = err.Error()
		}
		out[key] = v
	}
	for _, p := range producers {
		all, err := r.byProducer(p, "", 100)
		put("mine "+p, all, err)
		for _, a := range all {
			page, err := r.byProducer(p, a.ID, 1)
			put("mine "+p+" before "+a.ID, page, err)
		}
		for _, fair := range fairs {
			own, err := r.list(fair, p, nil, "", 100)
			put("list "+fair+" of "+p, own, err)
		}
	}
	for _, fair := range fairs {
		for _, st := range [][]string{nil, {"approved"}, {"rejected", "withdrawn"}, {"submitted", "waitlisted", "cancelled"}} {
			all, err := r.list(fair, "", st, "", 100)
			put(fmt.Sprintf("list %s %v", fair, st), all, err)
			for _, a := range all {
				page, err := r.list(fair, "", st, a.ID, 1)
				put(fmt.Sprintf("list %s %v after %s", fair, st, a.ID), page, err)
			}
		}
	}
	for _, id := range ids {
		a, err := r.get(id)
		put("get "+id, a, err)
	}
	return out
}

// sameAs compares what two sources answer; an empty string means they agree.
func sameAs(want, got reads, producers, fairs, ids []string) string {
	return cmp.Diff(answers(want, producers, fairs, ids), answers(got, producers, fairs, ids), cmpopts.EquateEmpty())
}

// waitSame waits until got answers as want does, and reports the difference if it never does.
func waitSame(t *testing.T, what string, want, got reads, producers, fairs, ids []string) {
	t.Helper()
	diff := ""
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if diff = sameAs(want, got, producers, fairs, ids); diff == "" {
			return
		}
	}
	t.Errorf("%s (-want +got):\n%s", what, diff)
}

// After applications, reviews, a withdrawal and booths assigned, released and re-assigned, the
// model answers every read as the database does, and a model loaded afresh from the database
// answers the same. A producer sees its application at once after applying, polls its list
// with an ETag, and cannot read another producer's application.
func TestApplicationsModelEqualsTheDatabase(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	f.publishFair(t, openFair("fair-m1", orgID), events.FairPublished)
	f.publishFair(t, openFair("fair-m2", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, prodA := f.producerWithProduct(t, "1700000081", "Nước mắm Phú Quốc", 4, issued)
	b, bID, prodB := f.producerWithProduct(t, "1700000082", "Mật ong bạc hà", 4, issued)
	testenv.Eventually(t, "the fairs in the model", func() bool {
		return org.Do(t, "GET", "/api/fairs/fair-m1/applications", nil).Status == 200 && org.Do(t, "GET", "/api/fairs/fair-m2/applications", nil).Status == 200
	})

	a1 := apply(t, a, "fair-m1", prodA)
	var mine struct{ Items []struct{ ID, Status string } }
	a.Do(t, "GET", "/api/applications", nil).Decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].ID != a1 {
		t.Fatalf("right after applying, A's applications are %+v, want [%s]", mine.Items, a1)
	}
	first := a.Do(t, "GET", "/api/applications", nil)
	b1 := apply(t, b, "fair-m1", prodB)
	review(t, org, a1, "approve")
	review(t, org, b1, "waitlist")
	review(t, org, b1, "reject")
	a2 := apply(t, a, "fair-m2", prodA)
	review(t, a, a2, "withdraw")
	b2 := apply(t, b, "fair-m2", prodB)
	review(t, org, b2, "approve")

	x, y := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	f.publishBooth(t, events.BoothAssigned, "fair-m1", a1, x, "B07")
	f.publishBooth(t, events.BoothAssigned, "fair-m1", a1, x, "B08")
	f.publishBooth(t, events.BoothReleased, "fair-m1", a1, x, "B07")
	f.publishBooth(t, events.BoothAssigned, "fair-m1", a1, y, "B07")
	f.publishBooth(t, events.BoothReleased, "fair-m1", a1, x, "B07") // late: B07 stays under y
	f.publishBooth(t, events.BoothAssigned, "fair-m2", b2, y, "C01")
	f.settled(t, "EVENT", "exhibitor-booths")

	store := application.NewStore(f.app.Host.DB)
	producers, fairs, ids := []string{aID, bID, "nobody"}, []string{"fair-m1", "fair-m2"}, []string{a1, a2, b1, b2}
	waitSame(t, "the model answers as the database", fromDatabase(store), fromModel(f.app.apps), producers, fairs, ids)
	fresh := application.NewModel(store)
	if _, err := fresh.Load(t.Context(), applicants(f.app.producers)); err != nil {
		t.Fatal(err)
	}
	if diff := sameAs(fromModel(fresh), fromModel(f.app.apps), producers, fairs, ids); diff != "" {
		t.Errorf("the model and one loaded afresh differ (-fresh +model):\n%s", diff)
	}

	if r := b.Do(t, "GET", "/api/applications/"+a1, nil); r.Status != 403 {
		t.Errorf("B reads A's application: %d %s, want 403", r.Status, r.Body)
	}
	var bs struct{ Items []struct{ ID string } }
	b.Do(t, "GET", "/api/applications", nil).Decode(t, &bs)
	if len(bs.Items) != 2 || bs.Items[0].ID != b2 || bs.Items[1].ID != b1 {
		t.Errorf("B's applications %+v, want [%s %s]", bs.Items, b2, b1)
	}
	tag := first.Header.Get("ETag")
	if tag == "" {
		t.Fatalf("A's list has no ETag")
	}
	if r := a.Do(t, "GET", "/api/applications", nil, "If-None-Match", tag); r.Status != 200 || r.Header.Get("ETag") == tag {
		t.Errorf("after changes, A's list with the first ETag: %d, ETag %q; want 200 and a new ETag", r.Status, r.Header.Get("ETag"))
	}
	now := a.Do(t, "GET", "/api/applications", nil)
	if r := a.Do(t, "GET", "/api/applications", nil, "If-None-Match", now.Header.Get("ETag")); r.Status != 304 || len(r.Body) != 0 {
		t.Errorf("A's list unchanged, with its ETag: %d %q; want 304 and no body", r.Status, r.Body)
	}
}

// correlationID differs between any two requests: it is left out of what replicas must agree on.
var correlationID = regexp.MustCompile(`"correlation_id":"[^"]*"`)

// sameAnswers checks that two replicas answer every path, for each client, with the same status
// and body.
func sameAnswers(t *testing.T, one, two testenv.Client, tokens []string, paths []string) {
	t.Helper()
	for _, tok := range tokens {
		for _, p := range paths {
			a, b := one.With(tok).Do(t, "GET", p, nil), two.With(tok).Do(t, "GET", p, nil)
			if a.Status != b.Status || !bytes.Equal(correlationID.ReplaceAll(a.Body, nil), correlationID.ReplaceAll(b.Body, nil)) {
				t.Errorf("GET %s: first replica %d %s\nsecond replica %d %s", p, a.Status, a.Body, b.Status, b.Body)
			}
		}
	}
}

// A replica that starts late is not ready until its applications model has caught up with the
// streams, and then answers as the first; each replica's writes reach the other's model.
func TestApplicationsReplicasFollowEachOther(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	uri := testenv.SharedURI(t)
	tokens := testenv.NewTokens(t)
	one := replica(t, natsURL, uri, tokens)
	orgTok, orgID := tokens.Token(t, "organiser", "")
	one.publishFair(t, openFair("fair-r1", orgID), events.FairPublished)
	one.publishFair(t, openFair("fair-r2", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, prodA := one.producerWithProduct(t, "1700000091", "Nước mắm Phú Quốc", 4, issued)
	b, _, prodB := one.producerWithProduct(t, "1700000092", "Mật ong bạc hà", 4, issued)
	org := one.api.With(orgTok)
	testenv.Eventually(t, "the fairs in the first replica's model", func() bool {
		return org.Do(t, "GET", "/api/fairs/fair-r1/applications", nil).Status == 200 && org.Do(t, "GET", "/api/fairs/fair-r2/applications", nil).Status == 200
	})
	a1, b1 := apply(t, a, "fair-r1", prodA), apply(t, b, "fair-r1", prodB)
	a2 := apply(t, a, "fair-r2", prodA)
	review(t, org, a1, "approve")
	review(t, org, b1, "waitlist")
	one.publishBooth(t, events.BoothAssigned, "fair-r1", a1, uuid.Must(uuid.NewV7()).String(), "B07")
	one.settled(t, "EVENT", "exhibitor-booths")
	testenv.Eventually(t, "the booth in the first replica's model", func() bool {
		got, _ := one.app.apps.Get(a1)
		return len(got.Booths) == 1
	})
	// The event service's fairs and booths reach this service's database through durable consumers
	// that may lag: as if they had not stored fair-r2 yet, a late replica learns it from the stream.
	fairs := one.app.Host.DB.Collection(application.FairCollection)
	var stored bson.M
	if err := fairs.FindOneAndDelete(t.Context(), bson.M{"_id": "fair-r2"}).Decode(&stored); err != nil {
		t.Fatal(err)
	}

	cfg := Config{Config: testenv.ServiceConfig(t, "exhibitor", natsURL), SweepInterval: time.Hour}
	cfg.MongoURI = uri
	late, err := New(t.Context(), cfg, testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	late.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != 503 || !strings.Contains(w.Body.String(), `"applications model":"the applications model is still`) {
		t.Errorf("before it follows the streams, the late replica's /readyz: %d %s; want 503 naming the applications model", w.Code, w.Body)
	}
	two := fixture{app: late, api: testenv.Client{Base: testenv.Serve(t, late.Run)}, tokens: tokens, js: late.Host.JS}
	testenv.Eventually(t, "the late replica ready", func() bool { return two.api.Do(t, "GET", "/readyz", nil).Status == 200 })
	clients := []string{a.Token, b.Token, orgTok}
	paths := []string{"/api/applications", "/api/applications?limit=1", "/api/fairs/fair-r1/applications", "/api/fairs/fair-r2/applications",
		"/api/fairs/fair-r1/applications?status=approved", "/api/applications/" + a1, "/api/applications/" + a2, "/api/applications/" + b1}
	sameAnswers(t, one.api, two.api, clients, paths)
	if r := two.api.With(b.Token).Do(t, "GET", "/api/applications/"+a1, nil); r.Status != 403 {
		t.Errorf("B reads A's application on the late replica: %d, want 403", r.Status)
	}

	if _, err := fairs.InsertOne(t.Context(), stored); err != nil { // the consumer catches up
		t.Fatal(err)
	}

	// A review and an application on the late replica reach the first; a withdrawal on the first
	// reaches the late one.
	review(t, a, a2, "withdraw")
	review(t, two.api.With(orgTok), b1, "approve")
	a3 := apply(t, two.api.With(a.Token), "fair-r2", prodA)
	testenv.Eventually(t, "the first replica sees the late one's writes", func() bool {
		got, _ := one.app.apps.Get(b1)
		mine := one.app.apps.ByProducer(got.ProducerID, "", 10)
		_, ok := one.app.apps.Get(a3)
		return got.Status == application.Approved && len(mine) == 1 && ok
	})
	testenv.Eventually(t, "the late replica sees the first's withdrawal", func() bool {
		got, _ := two.app.apps.Get(a2)
		return got.Status == application.Withdrawn
	})
	sameAnswers(t, one.api, two.api, clients, append(paths, "/api/applications/"+a3))
}

// An application lists only the producer's own live products: a deleted one, another
// producer's or an unknown ID is refused, naming the field.
func TestApplyingListsOnlyOwnLiveProducts(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	f.publishFair(t, openFair("fair-p", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, honey := f.producerWithProduct(t, "1700000101", "Mật ong bạc hà", 4, issued)
	_, _, other := f.producerWithProduct(t, "1700000102", "Nước mắm Phú Quốc", 4, issued)
	gone := addProduct(t, a, aID, "Chè Tân Cương", issued)
	if r := a.Do(t, "DELETE", "/api/products/"+gone, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the fair in the model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-p/applications", nil).Status == 200
	})
	for name, second := range map[string]string{"deleted": gone, "another producer's": other, "unknown": "01900000-0000-7000-8000-000000000000"} {
		r := a.Do(t, "POST", "/api/fairs/fair-p/applications", map[string]any{"product_ids": []string{honey, second}})
		if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"product_ids[1]","message":"không phải sản phẩm của bạn","code":"product_not_owned"`) ||
			strings.Contains(string(r.Body), "product_ids[0]") {
			t.Errorf("applying with a %s product: %d %s; want 422 on product_ids[1] only", name, r.Status, r.Body)
		}
	}
	apply(t, a, "fair-p", honey)
}
