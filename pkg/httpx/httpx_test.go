package httpx_test

import (
	"crypto/ed25519"
	"encoding/json"
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

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

type createReq struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (r createReq) Validate() error {
	var v apperr.Validation
	v.Check(r.Name != "", "name", "is required")
	v.Check(r.Count >= 0, "count", "must not be negative")
	return v.Err()
}

func newServer(t *testing.T, withDB bool) (*gin.Engine, *auth.Signer, *atomic.Int32) {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(nil)
	v := auth.NewVerifier(auth.StaticKeys{"k": pub}, "iss", "aud")
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New("test"), Verifier: v})
	api := httpx.API{Router: r, Doc: openapi.New("test", "1", "")}
	if withDB {
		api.Idempotency = httpx.Idempotency(testenv.DB(t))
	}
	var created atomic.Int32
	api.Handle(openapi.Op{Method: "POST", Path: "/api/things", Roles: []string{auth.RoleProducer}, Request: createReq{}, Status: 201, Idempotent: true},
		func(c *gin.Context) {
			var req createReq
			if !httpx.Bind(c, &req) {
				return
			}
			n := created.Add(1)
			c.Header("Location", "/api/things/"+req.Name)
			c.JSON(http.StatusCreated, gin.H{"name": req.Name, "n": n})
		})
	api.Handle(openapi.Op{Method: "GET", Path: "/api/boom"}, func(c *gin.Context) { panic("kaput") })
	return r, auth.NewSigner(priv, "k", "iss", "aud", time.Hour), &created
}

func do(r http.Handler, method, path, body string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func problemOf(t *testing.T, w *httptest.ResponseRecorder) httpx.Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, httpx.ProblemContentType) {
		t.Errorf("Content-Type = %q, want %s", ct, httpx.ProblemContentType)
	}
	var p httpx.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body %q: %v", w.Body.String(), err)
	}
	return p
}

func TestEdge(t *testing.T) {
	r, signer, _ := newServer(t, false)
	tok, _, _ := signer.Issue(auth.Principal{AccountID: "a1", Role: auth.RoleProducer}, time.Now(), "j")
	buyer, _, _ := signer.Issue(auth.Principal{AccountID: "b1", Role: auth.RoleBuyer}, time.Now(), "j")
	bearer := map[string]string{"Authorization": "Bearer " + tok}
	tests := []struct {
		name       string
		method     string
		path, body string
		hdr        map[string]string
		status     int
		field      string
	}{
		{"created", "POST", "/api/things", `{"name":"chè","count":1}`, bearer, 201, ""},
		{"anonymous", "POST", "/api/things", `{"name":"x"}`, nil, 401, ""},
		{"wrong role", "POST", "/api/things", `{"name":"x"}`, map[string]string{"Authorization": "Bearer " + buyer}, 403, ""},
		{"bad token", "POST", "/api/things", `{"name":"x"}`, map[string]string{"Authorization": "Bearer abc"}, 401, ""},
		{"unknown field", "POST", "/api/things", `{"name":"x","colour":"red"}`, bearer, 422, "colour"},
		{"wrong type", "POST", "/api/things", `{"name":"x","count":"many"}`, bearer, 422, "count"},
		{"a key in other case", "POST", "/api/things", `{"name":"x","COUNT":1}`, bearer, 422, "COUNT"},
		{"a key twice", "POST", "/api/things", `{"name":"x","count":1,"count":2}`, bearer, 422, "count"},
		{"validation", "POST", "/api/things", `{"count":-1}`, bearer, 422, "name"},
		{"malformed", "POST", "/api/things", `{"name":`, bearer, 400, ""},
		{"trailing data", "POST", "/api/things", `{"name":"x"} {}`, bearer, 400, ""},
		{"empty body", "POST", "/api/things", ``, bearer, 400, ""},
		{"too large", "POST", "/api/things", `{"name":"` + strings.Repeat("a", httpx.MaxBodyBytes) + `"}`, bearer, 413, ""},
		{"no route", "GET", "/api/nothing", ``, nil, 404, ""},
		{"panic", "GET", "/api/boom", ``, nil, 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(r, tt.method, tt.path, tt.body, tt.hdr)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body.String())
			}
			if w.Header().Get("X-Correlation-ID") == "" || w.Header().Get("X-Request-ID") == "" {
				t.Error("response lacks correlation or request ID")
			}
			if tt.status < 400 {
				return
			}
			p := problemOf(t, w)
			if p.Status != tt.status || p.Type == "" || p.Title == "" {
				t.Errorf("problem = %+v", p)
			}
			if tt.status == 500 && strings.Contains(w.Body.String(), "kaput") {
				t.Error("internal error leaks its cause")
			}
			if tt.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tt.field) {
				t.Errorf("field errors = %+v, want one for %q", p.Errors, tt.field)
			}
		})
	}
	w := do(r, "GET", "/api/nothing", "", map[string]string{"X-Correlation-ID": "abc-123"})
	if got := w.Header().Get("X-Correlation-ID"); got != "abc-123" {
		t.Errorf("correlation ID echoed as %q, want abc-123", got)
	}
	if p := problemOf(t, w); p.CorrelationID != "abc-123" {
		t.Errorf("problem correlation_id = %q", p.CorrelationID)
	}
}

func TestIdempotency(t *testing.T) {
	r, signer, created := newServer(t, true)
	tok, _, _ := signer.Issue(auth.Principal{AccountID: "a1", Role: auth.RoleProducer}, time.Now(), "j")
	other, _, _ := signer.Issue(auth.Principal{AccountID: "a2", Role: auth.RoleProducer}, time.Now(), "j")
	h := map[string]string{"Authorization": "Bearer " + tok, "Idempotency-Key": "k-1"}
	first := do(r, "POST", "/api/things", `{"name":"mật ong"}`, h)
	if first.Code != 201 {
		t.Fatalf("first status %d: %s", first.Code, first.Body.String())
	}
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := do(r, "POST", "/api/things", `{"name":"mật ong"}`, h)
			if w.Code != 201 || w.Body.String() != first.Body.String() || w.Header().Get("Idempotent-Replayed") != "true" {
				t.Errorf("retry = %d %q replayed=%q, want the first response", w.Code, w.Body.String(), w.Header().Get("Idempotent-Replayed"))
			}
			if w.Header().Get("Location") != "/api/things/mật ong" {
				t.Errorf("retry Location = %q", w.Header().Get("Location"))
			}
		}()
	}
	wg.Wait()
	if n := created.Load(); n != 1 {
		t.Errorf("handler ran %d times, want 1", n)
	}
	if w := do(r, "POST", "/api/things", `{"name":"other"}`, h); w.Code != 422 {
		t.Errorf("same key, other body: status %d, want 422", w.Code)
	}
	// Keys are per caller: another account's identical key is a new request.
	if w := do(r, "POST", "/api/things", `{"name":"mật ong"}`, map[string]string{"Authorization": "Bearer " + other, "Idempotency-Key": "k-1"}); w.Code != 201 || w.Header().Get("Idempotent-Replayed") != "" {
		t.Errorf("other caller: status %d replayed %q", w.Code, w.Header().Get("Idempotent-Replayed"))
	}
	// A failed validation is replayed too, not re-run.
	bad := map[string]string{"Authorization": "Bearer " + tok, "Idempotency-Key": "k-2"}
	do(r, "POST", "/api/things", `{}`, bad)
	if w := do(r, "POST", "/api/things", `{}`, bad); w.Code != 422 || w.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("replayed validation failure: %d %q", w.Code, w.Header().Get("Idempotent-Replayed"))
	}
	if w := do(r, "POST", "/api/things", `{"name":"x"}`, map[string]string{"Authorization": "Bearer " + tok, "Idempotency-Key": "bad key\x01"}); w.Code != 422 {
		t.Errorf("bad key: %d, want 422", w.Code)
	}
}

func TestPageOf(t *testing.T) {
	tests := []struct {
		query string
		limit int
		ok    bool
	}{{"", 20, true}, {"limit=5", 5, true}, {"limit=1000", 100, true}, {"limit=0", 0, false}, {"limit=x", 0, false}}
	for _, tt := range tests {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/?"+tt.query, nil)
		p, err := httpx.PageOf(c)
		if (err == nil) != tt.ok || (tt.ok && p.Limit != tt.limit) {
			t.Errorf("PageOf(%q) = %+v, %v", tt.query, p, err)
		}
	}
	type key struct {
		At string `json:"at"`
		ID string `json:"id"`
	}
	cur := httpx.EncodeCursor(key{"2026-11-28", "x"})
	var got key
	if err := httpx.DecodeCursor(cur, &got); err != nil || got.ID != "x" {
		t.Errorf("DecodeCursor = %+v, %v", got, err)
	}
	if err := httpx.DecodeCursor("!!!", &got); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("DecodeCursor(garbage) = %v, want invalid", err)
	}
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/?limit=2&cursor="+cur, nil)
	if p, err := httpx.PageAfter(c, &got); err != nil || p.Limit != 2 || got.At != "2026-11-28" {
		t.Errorf("PageAfter = %+v, %+v, %v", p, got, err)
	}
	c, _ = gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/?cursor=!!!", nil)
	if _, err := httpx.PageAfter(c, &got); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("PageAfter(garbage) = %v, want invalid", err)
	}
}

func TestListOf(t *testing.T) {
	id := func(n int) any { return n }
	double := func(n int) int { return 2 * n }
	full := httpx.ListOf([]int{1, 2, 3}, 2, id, double)
	var last int
	if err := httpx.DecodeCursor(full.NextCursor, &last); err != nil || len(full.Items) != 2 || full.Items[1] != 4 || last != 2 {
		t.Errorf("a page with more after it: %+v (cursor %d, %v)", full, last, err)
	}
	if end := httpx.ListOf([]int{1, 2}, 2, id, double); len(end.Items) != 2 || end.NextCursor != "" {
		t.Errorf("the last page: %+v", end)
	}
	if empty := httpx.ListOf[int, int](nil, 2, id, double); empty.Items == nil || len(empty.Items) != 0 || empty.NextCursor != "" {
		t.Errorf("no items: %+v, want an empty list, not null", empty)
	}
}
