package gatewayapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

// loginFrom signs in as email from source (sent as X-Forwarded-For) and returns the status.
func (f fixture) loginFrom(t *testing.T, source, email, password string) int {
	t.Helper()
	return f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": email, "password": password}, "X-Forwarded-For", source).Status
}

func TestSignInLimitIgnoresSpoofedForwardedFor(t *testing.T) {
	f := start(t, func(c *Config) { c.LoginPerMinute = 3; c.Clock = stillClock() })
	// One client rotating X-Forwarded-For and emails: the limit per source (9 a minute) still
	// counts it as one source, its socket address.
	for i := range 12 {
		got := f.loginFrom(t, fmt.Sprintf("198.51.100.%d", i+1), fmt.Sprintf("guess%d@example.vn", i), "wrong-password")
		want := 401
		if i >= 9 {
			want = 429
		}
		if got != want {
			t.Fatalf("attempt %d with a spoofed X-Forwarded-For: %d, want %d", i+1, got, want)
		}
	}
}

func TestTrustedProxyForwardedForIsHonoured(t *testing.T) {
	f := start(t, func(c *Config) {
		c.LoginPerMinute = 3
		c.TrustedProxies = []string{"127.0.0.1"}
		c.Clock = stillClock()
	})
	for i := range 9 {
		if got := f.loginFrom(t, "203.0.113.7", fmt.Sprintf("guess%d@example.vn", i), "wrong-password"); got != 401 {
			t.Fatalf("attempt %d from 203.0.113.7: %d, want 401", i+1, got)
		}
	}
	if got := f.loginFrom(t, "203.0.113.7", "other@example.vn", "wrong-password"); got != 429 {
		t.Errorf("10th attempt from 203.0.113.7 behind a trusted proxy: %d, want 429", got)
	}
	// The client is the rightmost address the trusted proxy did not add itself.
	if got := f.loginFrom(t, "203.0.113.7, 203.0.113.8", "other@example.vn", "wrong-password"); got != 401 {
		t.Errorf("attempt from 203.0.113.8 behind a trusted proxy: %d, want 401", got)
	}
	f.client.Do(t, "GET", "/api/fairs", nil, "X-Forwarded-For", "203.0.113.9")
	if got := f.lastSeen(t, proxy.Event).Header.Get("X-Forwarded-For"); got != "203.0.113.9" {
		t.Errorf("upstream X-Forwarded-For = %q, want the client behind the trusted proxy, 203.0.113.9", got)
	}
}

func TestProxySendsTheClientIPUpstream(t *testing.T) {
	f := start(t, nil)
	f.client.Do(t, "GET", "/api/fairs", nil, "X-Forwarded-For", "192.0.2.1", "X-Real-IP", "192.0.2.2")
	seen := f.lastSeen(t, proxy.Event)
	if got := seen.Header.Get("X-Forwarded-For"); got != "127.0.0.1" {
		t.Errorf("upstream X-Forwarded-For = %q, want the socket's peer 127.0.0.1, not the client's chain", got)
	}
	if got := seen.Header.Get("X-Real-IP"); got != "" {
		t.Errorf("upstream X-Real-IP = %q, want none", got)
	}
}

func TestFailuresElsewhereDoNotLockOutTheOwner(t *testing.T) {
	f := start(t, func(c *Config) {
		c.LoginPerMinute = 3
		c.TrustedProxies = []string{"127.0.0.1"}
		c.Clock = stillClock()
	})
	const owner, attacker, email, password = "192.0.2.10", "198.51.100.1", "admin@example.vn", "admin-password-1"
	for i := range 3 {
		if got := f.loginFrom(t, attacker, email, fmt.Sprintf("guess-%d", i)); got != 401 {
			t.Fatalf("guess %d: %d, want 401", i+1, got)
		}
	}
	if got := f.loginFrom(t, attacker, email, "guess-4"); got != 429 {
		t.Errorf("4th guess from one source within a minute: %d, want 429", got)
	}
	if got := f.loginFrom(t, owner, email, password); got != 200 {
		t.Fatalf("the owner from another address after guesses from %s: %d, want 200", attacker, got)
	}
	// Guesses spread over many addresses spend the account's hourly budget of 30 failures
	// (3 spent above): then each guessing address is refused, even with the right password, while
	// the owner's address, which has not failed, still signs in.
	for i := range 27 {
		if got := f.loginFrom(t, fmt.Sprintf("198.51.100.%d", 10+i), email, "spread-guess"); got != 401 {
			t.Fatalf("spread guess %d: %d, want 401", i+1, got)
		}
	}
	if got := f.loginFrom(t, "198.51.100.10", email, password); got != 429 {
		t.Errorf("an address that failed once, after the account's budget is spent: %d, want 429", got)
	}
	if got := f.loginFrom(t, owner, email, password); got != 200 {
		t.Errorf("the owner's address after the account's budget is spent: %d, want 200", got)
	}
	if got := f.loginFrom(t, "198.51.100.250", email, "fresh-guess"); got != 401 {
		t.Errorf("a fresh address's first guess: %d, want 401", got)
	}
	if got := f.loginFrom(t, "198.51.100.250", email, "second-guess"); got != 429 {
		t.Errorf("a fresh address's second guess: %d, want 429", got)
	}
}

func TestSignUpIsLimitedPerSource(t *testing.T) {
	f := start(t, func(c *Config) {
		c.LoginPerMinute = 1
		c.TrustedProxies = []string{"127.0.0.1"}
		c.Clock = stillClock()
	})
	register := func(source string, i int) int {
		return f.client.Do(t, "POST", "/api/auth/register", map[string]string{"email": fmt.Sprintf("p%d@example.vn", i),
			"password": "producer-pass-1", "name": "HTX số " + fmt.Sprint(i), "role": "producer"}, "X-Forwarded-For", source).Status
	}
	for i := range 10 {
		if got := register("198.51.100.1", i); got != 201 {
			t.Fatalf("sign-up %d: %d, want 201", i+1, got)
		}
	}
	if got := register("198.51.100.1", 10); got != 429 {
		t.Errorf("11th sign-up from one address within the hour: %d, want 429", got)
	}
	if got := register("198.51.100.2", 11); got != 201 {
		t.Errorf("a sign-up from another address: %d, want 201", got)
	}
}

func TestBodyOverTheLimitIs413(t *testing.T) {
	f := start(t, nil)
	big := bytes.Repeat([]byte("a"), httpx.MaxBodyBytes+1)
	isProblem413 := func(what string, status int, header http.Header, body []byte) {
		t.Helper()
		var p httpx.Problem
		if status != 413 || !strings.Contains(header.Get("Content-Type"), "problem+json") || json.Unmarshal(body, &p) != nil || p.Status != 413 {
			t.Errorf("%s: %d %s %.200s, want 413 problem+json", what, status, header.Get("Content-Type"), body)
		}
	}
	r := f.client.Do(t, "POST", "/api/producers", big)
	isProblem413("1 MiB + 1 byte with Content-Length", r.Status, r.Header, r.Body)
	// Without a declared length the limit is met while the body streams to the service.
	req, err := http.NewRequest("POST", f.client.Base+"/api/producers", io.MultiReader(bytes.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if req.ContentLength != 0 {
		t.Fatalf("the request declares a length of %d; want it sent without one", req.ContentLength)
	}
	isProblem413("1 MiB + 1 byte chunked", resp.StatusCode, resp.Header, body)
	// Spreadsheet imports have a higher limit, which the exhibitor service enforces.
	if r := f.client.Do(t, "POST", "/api/producers/import", bytes.Repeat([]byte("a"), 2<<20)); r.Status != 200 {
		t.Errorf("a 2 MiB import: %d %.200s, want it passed on", r.Status, r.Body)
	}
	// So have product photos, whose path holds the product's ID.
	if r := f.client.Do(t, "PUT", "/api/products/0193c0de/photo", bytes.Repeat([]byte("a"), 2<<20)); r.Status != 200 {
		t.Errorf("a 2 MiB photo: %d %.200s, want it passed on", r.Status, r.Body)
	}
}

func TestNoResponseCanBeFramed(t *testing.T) {
	f := start(t, nil)
	for _, path := range []string{"/", "/static/app.js", "/api/auth/me", "/api/fairs", "/openapi.json", "/no-such-page"} {
		r := f.client.Do(t, "GET", path, nil)
		csp, xfo := r.Header.Values("Content-Security-Policy"), r.Header.Values("X-Frame-Options")
		if len(csp) != 1 || !strings.Contains(csp[0], "frame-ancestors 'none'") || len(xfo) != 1 || xfo[0] != "DENY" {
			t.Errorf("GET %s: Content-Security-Policy %q, X-Frame-Options %q; want one of each, frame-ancestors 'none' and DENY", path, csp, xfo)
		}
	}
	if csp := f.client.Do(t, "GET", "/", nil).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("the console's policy %q lost its default-src", csp)
	}
}

func TestMetricsAreNotOnThePublicPort(t *testing.T) {
	f := start(t, func(c *Config) { c.MetricsAddr = "127.0.0.1:0" })
	if r := f.client.Do(t, "GET", "/metrics", nil); r.Status != 404 {
		t.Errorf("GET /metrics on the public port: %d, want 404", r.Status)
	}
	testenv.Eventually(t, "the metrics listener", func() bool { return f.app.host.MetricsAddr() != "" })
	metrics := testenv.Client{Base: "http://" + f.app.host.MetricsAddr()}
	if r := metrics.Do(t, "GET", "/metrics", nil); r.Status != 200 || !strings.Contains(string(r.Body), "ocopfair_http_requests_total") {
		t.Errorf("GET /metrics on the metrics listener: %d, without the request counter", r.Status)
	}
	if r := metrics.Do(t, "GET", "/api/auth/me", nil); r.Status != 404 {
		t.Errorf("the API on the metrics listener: %d, want 404", r.Status)
	}
}

// stillClock is a clock that does not move: a limit's bucket never refills during the test, however
// slowly the machine hashes the passwords.
func stillClock() func() time.Time {
	t0 := time.Now()
	return func() time.Time { return t0 }
}

// TestProxyForwardsTheEdgesRequestID: a service logs a proxied request under the request ID the
// gateway answered with: the client's when valid, one the gateway made otherwise.
func TestProxyForwardsTheEdgesRequestID(t *testing.T) {
	f := start(t, nil)
	for _, tt := range []struct{ name, sent string }{{"none", ""}, {"valid", "req-42"}, {"invalid", "has spaces in it"}} {
		var headers []string
		if tt.sent != "" {
			headers = []string{httpx.RequestIDHeader, tt.sent}
		}
		r := f.client.Do(t, "GET", "/api/fairs", nil, headers...)
		answered := r.Header.Get(httpx.RequestIDHeader)
		got := f.lastSeen(t, proxy.Event).Header.Get(httpx.RequestIDHeader)
		if answered == "" || got != answered || tt.name == "valid" && got != tt.sent {
			t.Errorf("%s request ID sent: the service got %q, the gateway answered %q", tt.name, got, answered)
		}
	}
}
