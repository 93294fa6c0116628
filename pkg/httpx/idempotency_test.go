package httpx_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// idemServer serves POST /api/producers/:id/things, a creating handler written as services
// should write one: the new thing's _id is httpx.NewID, and a duplicate key means a re-run of a
// request whose first run stored the thing, answered with that thing.
type idemServer struct {
	engine *gin.Engine
	db     *storage.DB
	bearer string
	runs   atomic.Int32

	mu sync.Mutex
	// before runs before the effect and after after it; either may write a response and return
	// false to end the handler there.
	before, after func(c *gin.Context) bool
}

func newIdemServer(t *testing.T) *idemServer {
	t.Helper()
	return newIdemServerOn(t, testenv.DB(t))
}

// newIdemServerOn serves on db: two servers on two clients of one database are two replicas.
func newIdemServerOn(t *testing.T, db *storage.DB) *idemServer {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(nil)
	v := auth.NewVerifier(auth.StaticKeys{"k": pub}, "iss", "aud")
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New("test"), Verifier: v})
	s := &idemServer{engine: r, db: db}
	api := httpx.API{Router: r, Doc: openapi.New("test", "1", ""), Idempotency: httpx.Idempotency(s.db)}
	things := s.db.Collection("things")
	api.Handle(openapi.Op{Method: "POST", Path: "/api/producers/:id/things", Roles: []string{auth.RoleProducer}, Request: createReq{}, Status: 201, Idempotent: true},
		func(c *gin.Context) {
			var req createReq
			if !httpx.Bind(c, &req) {
				return
			}
			s.runs.Add(1)
			s.mu.Lock()
			before, after := s.before, s.after
			s.mu.Unlock()
			if before != nil && !before(c) {
				return
			}
			thing := bson.M{"_id": httpx.NewID(c), "owner": c.Param("id"), "name": req.Name}
			if _, err := things.InsertOne(c.Request.Context(), thing); err != nil {
				if !storage.IsDuplicate(err) {
					httpx.RespondError(c, storage.MapError(err, "thing"))
					return
				}
				if err := things.FindOne(c.Request.Context(), bson.M{"_id": thing["_id"]}).Decode(&thing); err != nil {
					httpx.RespondError(c, storage.MapError(err, "thing"))
					return
				}
			}
			if after != nil && !after(c) {
				return
			}
			c.JSON(http.StatusCreated, thing)
		})
	tok, _, err := auth.NewSigner(priv, "k", "iss", "aud", time.Hour).Issue(auth.Principal{AccountID: "a1", Role: auth.RoleProducer}, time.Now(), "j")
	if err != nil {
		t.Fatal(err)
	}
	s.bearer = "Bearer " + tok
	return s
}

func (s *idemServer) hooks(before, after func(c *gin.Context) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before, s.after = before, after
}

// post sends the creating request with key on ctx, as a client would.
func (s *idemServer) post(ctx context.Context, producer, key, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, "POST", "/api/producers/"+producer+"/things", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", s.bearer)
	req.Header.Set(httpx.IdempotencyHeader, key)
	w := httptest.NewRecorder()
	s.engine.ServeHTTP(w, req)
	return w
}

func (s *idemServer) things(t *testing.T) []bson.M {
	t.Helper()
	cur, err := s.db.Collection("things").Find(context.Background(), bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	var out []bson.M
	if err := cur.All(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (s *idemServer) record(t *testing.T) bson.M {
	t.Helper()
	var rec bson.M
	// The key's record, not the attempts to take it over kept beside it.
	if err := s.db.Collection(httpx.IdempotencyCollection).FindOne(context.Background(), bson.M{"state": bson.M{"$exists": true}}).Decode(&rec); err != nil {
		t.Fatalf("the idempotency record: %v", err)
	}
	return rec
}

func thingID(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		ID string `json:"_id"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.ID == "" {
		t.Fatalf("response %d %q has no thing ID (%v)", w.Code, w.Body.String(), err)
	}
	return body.ID
}

const thingBody = `{"name":"mật ong"}`

func TestIdempotencyClientDisconnect(t *testing.T) {
	tests := []struct {
		name string
		// cancelBefore hangs up before the effect (the handler then fails), otherwise after it.
		cancelBefore bool
		wantRuns     int32
		wantReplay   string
	}{
		{name: "after the effect: the response is kept and replayed", wantRuns: 1, wantReplay: "true"},
		{name: "before the effect: the failure is not kept and the retry runs", cancelBefore: true, wantRuns: 2, wantReplay: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newIdemServer(t)
			ctx, hangUp := context.WithCancel(context.Background())
			cancel := func(*gin.Context) bool { hangUp(); return true }
			if tt.cancelBefore {
				s.hooks(cancel, nil)
			} else {
				s.hooks(nil, cancel)
			}
			s.post(ctx, "A", "k-1", thingBody)
			s.hooks(nil, nil)

			w := s.post(context.Background(), "A", "k-1", thingBody)
			if w.Code != http.StatusCreated || w.Header().Get(httpx.IdempotentReplay) != tt.wantReplay {
				t.Fatalf("retry = %d (replayed %q) %s, want 201 (replayed %q)", w.Code, w.Header().Get(httpx.IdempotentReplay), w.Body.String(), tt.wantReplay)
			}
			if got := s.runs.Load(); got != tt.wantRuns {
				t.Errorf("handler ran %d times, want %d", got, tt.wantRuns)
			}
			if got := s.things(t); len(got) != 1 || got[0]["_id"] != thingID(t, w) {
				t.Errorf("things stored = %v, want the one the retry returned", got)
			}
		})
	}
}

func TestIdempotencyLeaseLapsesAfterACrash(t *testing.T) {
	s := newIdemServer(t)
	// The first run stores its effect and then hangs, as a process that is about to be killed.
	// Should it wake up, its answer is told apart from the run that takes over.
	stored, hang := make(chan struct{}), make(chan struct{})
	s.hooks(nil, func(c *gin.Context) bool {
		close(stored)
		<-hang
		c.JSON(http.StatusAccepted, gin.H{"late": true})
		return false
	})
	first := make(chan *httptest.ResponseRecorder, 1)
	go func() { first <- s.post(context.Background(), "A", "k-1", thingBody) }()
	<-stored
	s.hooks(nil, nil)

	if w := s.post(context.Background(), "A", "k-1", thingBody); w.Code != http.StatusConflict || w.Header().Get("Retry-After") == "" {
		t.Fatalf("retry while the first run holds the lease = %d (Retry-After %q), want 409 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	// The process is gone and its lease has lapsed.
	res, err := s.db.Collection(httpx.IdempotencyCollection).UpdateMany(context.Background(), bson.M{},
		bson.M{"$set": bson.M{"lease_until": time.Now().Add(-time.Second)}})
	if err != nil || res.MatchedCount != 1 {
		t.Fatalf("lapse the lease: %+v, %v", res, err)
	}
	retry := s.post(context.Background(), "A", "k-1", thingBody)
	if retry.Code != http.StatusCreated || retry.Header().Get(httpx.IdempotentReplay) != "" {
		t.Fatalf("retry after the lease = %d (replayed %q) %s, want 201 from a new run", retry.Code, retry.Header().Get(httpx.IdempotentReplay), retry.Body.String())
	}
	if got := s.runs.Load(); got != 2 {
		t.Errorf("handler ran %d times, want 2", got)
	}
	// The re-run got the first run's ID, so it found the stored thing instead of adding one.
	if got := s.things(t); len(got) != 1 || got[0]["_id"] != thingID(t, retry) {
		t.Errorf("things stored = %v, want one, the one the retry returned", got)
	}

	// The hung run wakes up late: it must not overwrite the record of the run that took over.
	close(hang)
	<-first
	again := s.post(context.Background(), "A", "k-1", thingBody)
	if again.Code != http.StatusCreated || again.Header().Get(httpx.IdempotentReplay) != "true" || again.Body.String() != retry.Body.String() {
		t.Errorf("a later retry = %d (replayed %q) %s, want the replayed response of the run that took over", again.Code, again.Header().Get(httpx.IdempotentReplay), again.Body.String())
	}
	if got := s.runs.Load(); got != 2 {
		t.Errorf("handler ran %d times, want 2", got)
	}
}

// TestIdempotencyConcurrentRetriesAfterALapseRunOnce: the run holding a key dies after storing
// its effect; once its lease has lapsed, several retries reach two replicas at once. Exactly one
// of them may run the request again; the others wait (409) or replay its answer.
func TestIdempotencyConcurrentRetriesAfterALapseRunOnce(t *testing.T) {
	dbs := testenv.SharedDBs(t, 2)
	servers := []*idemServer{newIdemServerOn(t, dbs[0]), newIdemServerOn(t, dbs[1])}
	if w := servers[0].post(context.Background(), "A", "k-1", thingBody); w.Code != http.StatusCreated {
		t.Fatalf("first run = %d %s", w.Code, w.Body.String())
	}
	// The first run's process died before its response was kept, and its lease has lapsed.
	res, err := dbs[0].Collection(httpx.IdempotencyCollection).UpdateMany(context.Background(), bson.M{"state": "done"}, bson.M{
		"$set":   bson.M{"state": "pending", "lease_until": time.Now().Add(-time.Second)},
		"$unset": bson.M{"status": "", "body": "", "location": "", "content_type": ""}})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("lose the first response: %+v, %v", res, err)
	}
	// Slow every run down, so that the retries overlap the one that runs.
	for _, s := range servers {
		s.hooks(func(*gin.Context) bool { time.Sleep(200 * time.Millisecond); return true }, nil)
	}

	const perServer = 4
	start := make(chan struct{})
	answers := make(chan *httptest.ResponseRecorder, 2*perServer)
	var wg sync.WaitGroup
	for _, s := range servers {
		for range perServer {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				answers <- s.post(context.Background(), "A", "k-1", thingBody)
			}()
		}
	}
	close(start)
	wg.Wait()
	close(answers)

	ran := servers[0].runs.Load() + servers[1].runs.Load() - 1
	if ran != 1 {
		t.Errorf("the request ran %d more times after the lapse, want once", ran)
	}
	ids := map[string]bool{}
	for w := range answers {
		switch w.Code {
		case http.StatusCreated:
			ids[thingID(t, w)] = true
		case http.StatusConflict:
		default:
			t.Errorf("a retry got %d %s, want 201 or 409", w.Code, w.Body.String())
		}
	}
	if len(ids) > 1 {
		t.Errorf("retries answered with things %v, want one", ids)
	}
	if got := servers[0].things(t); len(got) != 1 {
		t.Errorf("things stored = %v, want one", got)
	}
}

func TestIdempotencyKeyIsScopedByPath(t *testing.T) {
	s := newIdemServer(t)
	a := s.post(context.Background(), "A", "k-1", thingBody)
	b := s.post(context.Background(), "B", "k-1", thingBody)
	if a.Code != http.StatusCreated || b.Code != http.StatusCreated || b.Header().Get(httpx.IdempotentReplay) != "" {
		t.Fatalf("same key on two producers' paths = %d, %d (replayed %q), want two new 201s", a.Code, b.Code, b.Header().Get(httpx.IdempotentReplay))
	}
	owners := map[any]bool{}
	for _, th := range s.things(t) {
		owners[th["owner"]] = true
	}
	if len(owners) != 2 || !owners["A"] || !owners["B"] {
		t.Errorf("things are owned by %v, want one of A and one of B", owners)
	}
}

func TestIdempotencyServerErrorsAreNotKept(t *testing.T) {
	fail := func(c *gin.Context) bool {
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "try again"})
		return false
	}
	tests := []struct {
		name          string
		before, after func(*gin.Context) bool
	}{
		{name: "5xx before the effect", before: fail},
		{name: "5xx after the effect", after: fail},
		{name: "panic after the effect", after: func(*gin.Context) bool { panic("kaput") }},
		// A refusal for now (a sign-up limit, a body too slow) is not the request's answer for a
		// day: the same key retried once the limit refills runs.
		{name: "429 before the effect", before: func(c *gin.Context) bool {
			c.JSON(http.StatusTooManyRequests, gin.H{"error": "later"})
			return false
		}},
		{name: "408 before the effect", before: func(c *gin.Context) bool {
			c.JSON(http.StatusRequestTimeout, gin.H{"error": "too slow"})
			return false
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newIdemServer(t)
			s.hooks(tt.before, tt.after)
			if w := s.post(context.Background(), "A", "k-1", thingBody); w.Code < 500 && w.Code != 429 && w.Code != 408 {
				t.Fatalf("first run = %d, want a 5xx, 429 or 408", w.Code)
			}
			s.hooks(nil, nil)
			w := s.post(context.Background(), "A", "k-1", thingBody)
			if w.Code != http.StatusCreated || w.Header().Get(httpx.IdempotentReplay) != "" {
				t.Fatalf("retry = %d (replayed %q), want 201 from a new run", w.Code, w.Header().Get(httpx.IdempotentReplay))
			}
			if got := s.runs.Load(); got != 2 {
				t.Errorf("handler ran %d times, want 2", got)
			}
			if got := s.things(t); len(got) != 1 || got[0]["_id"] != thingID(t, w) {
				t.Errorf("things stored = %v, want one, the one the retry returned", got)
			}
			if rec := s.record(t); rec["state"] != "done" {
				t.Errorf("record after the retry = %v, want done", rec)
			}
		})
	}
}

func TestNewIDWithoutKeyIsFresh(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	a, b := httpx.NewID(c), httpx.NewID(c)
	if a == "" || a == b {
		t.Errorf("NewID without a key = %q then %q, want two fresh IDs", a, b)
	}
	if _, ok := httpx.IdempotentID(c); ok {
		t.Error("IdempotentID reports an ID for a request without a key")
	}
}

// TestIdempotencyReplayWithKeepsOnlyWhatItIsGiven: a response holding a secret keeps, for
// replays, only the body the handler hands ReplayWith; one that cannot be encoded keeps nothing,
// so a retry runs again instead of replaying the secret.
func TestIdempotencyReplayWithKeepsOnlyWhatItIsGiven(t *testing.T) {
	s := newIdemServer(t)
	s.hooks(nil, func(c *gin.Context) bool {
		httpx.ReplayWith(c, gin.H{"public": "yes"})
		c.JSON(http.StatusCreated, gin.H{"public": "yes", "secret": "s3cret"})
		return false
	})
	if w := s.post(context.Background(), "A", "k-1", thingBody); w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), "s3cret") {
		t.Fatalf("first run = %d %s, want 201 with the secret", w.Code, w.Body.String())
	}
	if body, ok := s.record(t)["body"].(bson.Binary); !ok || !strings.Contains(string(body.Data), "public") || strings.Contains(string(body.Data), "s3cret") {
		t.Errorf("the kept response is %q, want the body given to ReplayWith", body.Data)
	}
	w := s.post(context.Background(), "A", "k-1", thingBody)
	if w.Code != http.StatusCreated || w.Header().Get(httpx.IdempotentReplay) != "true" || strings.TrimSpace(w.Body.String()) != `{"public":"yes"}` {
		t.Errorf("replay = %d (replayed %q) %s, want 201 with the body given to ReplayWith", w.Code, w.Header().Get(httpx.IdempotentReplay), w.Body.String())
	}

	s.hooks(nil, func(c *gin.Context) bool {
		httpx.ReplayWith(c, func() {})
		c.JSON(http.StatusCreated, gin.H{"secret": "s3cret"})
		return false
	})
	if w := s.post(context.Background(), "A", "k-2", thingBody); w.Code != http.StatusCreated {
		t.Fatalf("first run = %d %s", w.Code, w.Body.String())
	}
	if w := s.post(context.Background(), "A", "k-2", thingBody); w.Code != http.StatusCreated || w.Header().Get(httpx.IdempotentReplay) != "" {
		t.Errorf("retry after an unencodable replay body = %d (replayed %q), want a new run", w.Code, w.Header().Get(httpx.IdempotentReplay))
	}
}

// A retry after a lapse does not run while another retry's attempt on the same claim is
// fresh (that one may be about to run), and runs once that attempt is a lease old: its winner
// died between winning and taking the key. No clock window decides it, so two retries a moment
// apart never both win.
func TestIdempotencyTakeOverWaitsForTheAttemptBefore(t *testing.T) {
	s := newIdemServer(t)
	if w := s.post(context.Background(), "A", "k-1", thingBody); w.Code != http.StatusCreated {
		t.Fatalf("first run = %d %s", w.Code, w.Body.String())
	}
	keys := s.db.Collection(httpx.IdempotencyCollection)
	if _, err := keys.UpdateMany(context.Background(), bson.M{"state": "done"}, bson.M{
		"$set":   bson.M{"state": "pending", "lease_until": time.Now().Add(-time.Second)},
		"$unset": bson.M{"status": "", "body": "", "location": "", "content_type": ""}}); err != nil {
		t.Fatal(err)
	}
	rec := s.record(t)
	attempt := fmt.Sprintf("%v/%v/0", rec["_id"], rec["claim"])
	if _, err := keys.InsertOne(context.Background(), bson.M{"_id": attempt, "at": time.Now()}); err != nil {
		t.Fatal(err)
	}
	if w := s.post(context.Background(), "A", "k-1", thingBody); w.Code != http.StatusConflict || s.runs.Load() != 1 {
		t.Errorf("a retry beside another's fresh attempt = %d after %d runs, want 409 and no run", w.Code, s.runs.Load())
	}
	if _, err := keys.UpdateOne(context.Background(), bson.M{"_id": attempt}, bson.M{"$set": bson.M{"at": time.Now().Add(-httpx.IdempotencyLease - time.Second)}}); err != nil {
		t.Fatal(err)
	}
	if w := s.post(context.Background(), "A", "k-1", thingBody); w.Code != http.StatusCreated || s.runs.Load() != 2 {
		t.Errorf("a retry after the attempt before died = %d after %d runs, want 201 and a second run", w.Code, s.runs.Load())
	}
	if w := s.post(context.Background(), "A", "k-1", thingBody); w.Code != http.StatusCreated || s.runs.Load() != 2 || w.Header().Get(httpx.IdempotentReplay) == "" {
		t.Errorf("the retry after = %d after %d runs, want the stored answer replayed", w.Code, s.runs.Load())
	}
}

// A key is taken as its message says, 1 to 200 printable ASCII characters without spaces; longer,
// with a space or outside ASCII, it is refused on the header.
func TestIdempotencyKeysUpTo200Characters(t *testing.T) {
	s := newIdemServer(t)
	for key, want := range map[string]int{
		strings.Repeat("k", 150): http.StatusCreated,
		strings.Repeat("q", 200): http.StatusCreated,
		strings.Repeat("k", 201): http.StatusUnprocessableEntity,
		"two words":              http.StatusUnprocessableEntity,
		"khóa":                   http.StatusUnprocessableEntity,
	} {
		if w := s.post(context.Background(), "A", key, thingBody); w.Code != want || (want != http.StatusCreated && !strings.Contains(w.Body.String(), "idempotency_key_invalid")) {
			t.Errorf("a key of %d bytes (%.12q…): %d %s, want %d", len(key), key, w.Code, w.Body.String(), want)
		}
	}
}
