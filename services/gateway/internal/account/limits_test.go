package account

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// limitRig serves the account routes on a fresh database with sign-in limits of 10 a minute,
// on a clock that stands still.
type limitRig struct {
	r  http.Handler
	rt *Routes
}

func newLimitRig(t *testing.T) limitRig {
	t.Helper()
	db := testenv.DB(t)
	if err := db.EnsureIndexes(context.Background(), Indexes()...); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	_, priv, _ := ed25519.GenerateKey(nil)
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New("test")})
	rt := NewRoutes(NewStore(db), auth.NewSigner(priv, "k", "iss", "aud", time.Hour), fast, 10, func() {}, func() time.Time { return now })
	rt.Register(httpx.API{Router: r, Doc: openapi.New("test", "1", "")})
	return limitRig{r: r, rt: rt}
}

// post sends body (JSON of it) to path from the address from, and returns the status and problem.
func (g limitRig) post(t *testing.T, from, path string, body any) (int, httpx.Problem) {
	t.Helper()
	data, _ := json.Marshal(body)
	req := httptest.NewRequest("POST", path, strings.NewReader(string(data)))
	req.RemoteAddr = net.JoinHostPort(from, "40000")
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	g.r.ServeHTTP(w, req)
	var p httpx.Problem
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	return w.Code, p
}

// keyBytes is the number of buckets l holds and the bytes of their keys.
func keyBytes(l *limiter) (n, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k := range l.buckets {
		n++
		total += len(k)
	}
	return n, total
}

// TestHugeEmailsAreRefusedUncounted: an email longer than any account's, sent to sign in or to
// reset a password, is refused as an unknown one is, and counts nothing: the limits would keep
// it for up to an hour (once ~1 MiB per failed attempt).
func TestHugeEmailsAreRefusedUncounted(t *testing.T) {
	g := newLimitRig(t)
	huge := strings.Repeat("a", 1000<<10) + "@example.vn"
	login := func(email string) map[string]string {
		return map[string]string{"email": email, "password": "wrong-password"}
	}
	reset := func(email string) map[string]string {
		return map[string]string{"email": email, "code": "ABCDE-FGHJK", "new_password": "new-password-1"}
	}
	for _, tt := range []struct {
		path string
		body func(string) map[string]string
	}{{"/api/auth/login", login}, {"/api/auth/password-reset", reset}} {
		var got []int
		var last httpx.Problem
		for i := range 40 { // over the 30 a minute a source may try
			status, p := g.post(t, "192.0.2.1", tt.path, tt.body(fmt.Sprint(i)+huge))
			got, last = append(got, status), p
		}
		status, want := g.post(t, "192.0.2.1", tt.path, tt.body("nobody@example.vn"))
		if got[0] != status || got[39] != status || last.Code != want.Code || !reflect.DeepEqual(last.Errors, want.Errors) {
			t.Errorf("%s with a huge email: %d, %d %s %v; an unknown email: %d %s %v", tt.path, got[0], got[39], last.Code, last.Errors, status, want.Code, want.Errors)
		}
	}
	for name, l := range map[string]*limiter{"perSource": g.rt.signIn.perSource, "perPair": g.rt.signIn.perPair,
		"failures": g.rt.signIn.failures, "failedPairs": g.rt.signIn.failedPairs} {
		if n, total := keyBytes(l); n > 2 || total > 2*64 {
			t.Errorf("%s holds %d buckets under %d bytes of keys, want those of the two unknown-email attempts alone", name, n, total)
		}
	}
}

// TestLimitsKeepKeysSmall: a bucket is kept under a fixed-size digest of its key, not the email
// and address it names.
func TestLimitsKeepKeysSmall(t *testing.T) {
	g := newLimitRig(t)
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", MaxEmailLen-64-1-len(".example.vn")) + ".example.vn"
	for i := range 30 {
		if status, _ := g.post(t, "192.0.2.1", "/api/auth/login", map[string]string{"email": fmt.Sprintf("%02d", i) + long[2:], "password": "wrong-password"}); status != http.StatusUnauthorized {
			t.Fatalf("sign-in %d: %d, want 401", i, status)
		}
	}
	if n, total := keyBytes(g.rt.signIn.failedPairs); n != 30 || total > 30*32 {
		t.Errorf("failedPairs holds %d buckets under %d bytes of keys, want 30 under 32 bytes each", n, total)
	}
}
