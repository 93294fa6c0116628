package gatewayapp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

type upstream struct {
	mu   sync.Mutex
	seen []*http.Request
	srv  *httptest.Server
}

func newUpstream(t *testing.T, name string) *upstream {
	u := &upstream{}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body as a service does, so that a body too large fails while it streams.
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		// The gateway asks for the service's document when a client reads the merged one
		// (testenv.Client does, to check each exchange); that is not a request under test.
		if r.URL.Path != "/openapi.json" {
			u.mu.Lock()
			u.seen = append(u.seen, r)
			u.mu.Unlock()
		}
		// Like a service's edge, which sets what the gateway's edge sets too.
		w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"served_by":"` + name + `","path":"` + r.URL.Path + `"}`))
	}))
	t.Cleanup(u.srv.Close)
	return u
}

type fixture struct {
	app       *App
	client    testenv.Client
	dataDir   string
	natsURL   string
	upstreams map[string]*upstream
}

func start(t *testing.T, cfgFn func(*Config)) fixture {
	t.Helper()
	_, natsURL := testenv.NATS(t)
	return startOn(t, natsURL, t.TempDir(), cfgFn)
}

func startOn(t *testing.T, natsURL, dataDir string, cfgFn func(*Config)) fixture {
	t.Helper()
	base := testenv.ServiceConfig(t, "gateway", natsURL)
	base.DataDir = dataDir
	f := fixture{dataDir: dataDir, natsURL: natsURL, upstreams: map[string]*upstream{}}
	cfg := Config{Config: base, Upstreams: map[string]*url.URL{}, Hash: account.HashParams{Memory: 1024, Time: 1, Threads: 1},
		AdminEmail: "admin@example.vn", AdminPassword: "admin-password-1", TokenTTL: 3600e9, LoginPerMinute: 10}
	for _, name := range []string{proxy.Event, proxy.Exhibitor, proxy.Matchmaking} {
		f.upstreams[name] = newUpstream(t, name)
		cfg.Upstreams[name], _ = url.Parse(f.upstreams[name].srv.URL)
	}
	if cfgFn != nil {
		cfgFn(&cfg)
	}
	app, err := New(t.Context(), cfg, testWriter{t})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.app = app
	f.client = testenv.Client{Base: testenv.Serve(t, app.Run)}
	return f
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (f fixture) login(t *testing.T, email, password string) string {
	t.Helper()
	r := f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": email, "password": password})
	if r.Status != 200 {
		t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	var tok account.TokenResponse
	r.Decode(t, &tok)
	if tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 || tok.AccessToken == "" {
		t.Fatalf("token response %+v", tok)
	}
	return tok.AccessToken
}

func TestRegisterLoginMe(t *testing.T) {
	f := start(t, nil)
	r := f.client.Do(t, "POST", "/api/auth/register", map[string]string{
		"email": "HTX.TanCuong@example.vn", "password": "chè-tân-cương-2026", "name": "HTX Chè Tân Cương", "role": "producer"},
		"Idempotency-Key", "reg-1")
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	var reg account.RegisterResponse
	r.Decode(t, &reg)
	if reg.Account.Email != "htx.tancuong@example.vn" || reg.Account.Role != "producer" || reg.AccessToken == "" {
		t.Errorf("register response %+v", reg)
	}
	if !strings.HasSuffix(reg.Account.CreatedAt.Format("2006-01-02T15:04:05Z07:00"), "+07:00") {
		t.Errorf("created_at %v is not in Vietnam's offset", reg.Account.CreatedAt)
	}
	// A retry over a flaky network returns the same account, not a conflict or a second one.
	again := f.client.Do(t, "POST", "/api/auth/register", map[string]string{
		"email": "HTX.TanCuong@example.vn", "password": "chè-tân-cương-2026", "name": "HTX Chè Tân Cương", "role": "producer"},
		"Idempotency-Key", "reg-1")
	if again.Status != 201 || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retried register: %d %s", again.Status, again.Body)
	}
	dup := f.client.Do(t, "POST", "/api/auth/register", map[string]string{
		"email": "htx.tancuong@example.vn", "password": "another-password", "name": "Someone", "role": "buyer"})
	if dup.Status != 409 {
		t.Errorf("duplicate email: %d %s", dup.Status, dup.Body)
	}
	tok := f.login(t, "htx.tancuong@EXAMPLE.vn", "chè-tân-cương-2026")
	me := f.client.With(tok).Do(t, "GET", "/api/auth/me", nil)
	var acc account.Response
	me.Decode(t, &acc)
	if me.Status != 200 || acc.ID != reg.Account.ID {
		t.Errorf("me: %d %s", me.Status, me.Body)
	}
	if r := f.client.Do(t, "GET", "/api/auth/me", nil); r.Status != 401 {
		t.Errorf("me without token: %d", r.Status)
	}
	if r := f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "htx.tancuong@example.vn", "password": "wrong-password"}); r.Status != 401 {
		t.Errorf("wrong password: %d", r.Status)
	}
	if r := f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "nobody@example.vn", "password": "wrong-password"}); r.Status != 401 {
		t.Errorf("unknown email: %d", r.Status)
	}
}

func TestRegisterValidation(t *testing.T) {
	f := start(t, nil)
	r := f.client.Do(t, "POST", "/api/auth/register", map[string]string{"email": "x", "password": "short", "name": "A", "role": "organiser"})
	if r.Status != 422 {
		t.Fatalf("status %d, want 422", r.Status)
	}
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	r.Decode(t, &p)
	var fields []string
	for _, e := range p.Errors {
		fields = append(fields, e.Field)
	}
	for _, want := range []string{"email", "name", "role", "password"} {
		if !slices.Contains(fields, want) {
			t.Errorf("no error for %s in %s", want, r.Body)
		}
	}
	if r := f.client.Do(t, "POST", "/api/auth/register", `{"email":"a@b.vn","password":"long-enough-pw","name":"Ten","role":"buyer","admin":true}`); r.Status != 422 {
		t.Errorf("unknown field: %d %s", r.Status, r.Body)
	}
}

func TestAdminCreatesOrganiser(t *testing.T) {
	f := start(t, nil)
	admin := f.login(t, "admin@example.vn", "admin-password-1")
	body := map[string]string{"email": "xttm@hanoi.gov.vn", "password": "organiser-pass-1", "name": "Trung tâm Xúc tiến Hà Nội", "role": "organiser"}
	created := f.client.With(admin).Do(t, "POST", "/api/accounts", body)
	if created.Status != 201 {
		t.Fatalf("create organiser: %d %s", created.Status, created.Body)
	}
	// The Location answered leads to the account, for admins only.
	where := created.Header.Get("Location")
	var got account.Response
	if r := f.client.With(admin).Do(t, "GET", where, nil); r.Status != 200 {
		t.Errorf("GET %s: %d %s, want the account", where, r.Status, r.Body)
	} else if r.Decode(t, &got); got.Email != "xttm@hanoi.gov.vn" || got.Role != "organiser" {
		t.Errorf("GET %s: %+v, want the organiser created", where, got)
	}
	if r := f.client.With(admin).Do(t, "GET", "/api/accounts/nobody", nil); r.Status != 404 {
		t.Errorf("an unknown account: %d, want 404", r.Status)
	}
	org := f.login(t, "xttm@hanoi.gov.vn", "organiser-pass-1")
	if r := f.client.With(org).Do(t, "GET", where, nil); r.Status != 403 {
		t.Errorf("an organiser reading an account: %d, want 403", r.Status)
	}
	body["email"] = "other@hanoi.gov.vn"
	if r := f.client.With(org).Do(t, "POST", "/api/accounts", body); r.Status != 403 {
		t.Errorf("organiser creating accounts: %d, want 403", r.Status)
	}
	list := f.client.With(admin).Do(t, "GET", "/api/accounts?role=organiser", nil)
	var page struct {
		Items []account.Response `json:"items"`
	}
	list.Decode(t, &page)
	if list.Status != 200 || len(page.Items) != 1 || page.Items[0].Role != "organiser" {
		t.Errorf("list organisers: %d %s", list.Status, list.Body)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	f := start(t, func(c *Config) { c.LoginPerMinute = 3; c.Clock = stillClock() })
	var last int
	for i := 0; i < 5; i++ {
		last = f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "admin@example.vn", "password": "guess-" + string(rune('a'+i))}).Status
	}
	if last != 429 {
		t.Errorf("5th wrong password within a minute: %d, want 429", last)
	}
}

func TestKeysSurviveRestart(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	dir := t.TempDir()
	first := startOn(t, natsURL, dir, nil)
	tok := first.login(t, "admin@example.vn", "admin-password-1")
	var jwks1 auth.JWKS
	first.client.Do(t, "GET", "/.well-known/jwks.json", nil).Decode(t, &jwks1)
	// Close the first instance's database before the second opens the same files.
	first.app.host.Close()
	second := startOn(t, natsURL, dir, nil)
	if r := second.client.With(tok).Do(t, "GET", "/api/auth/me", nil); r.Status != 200 {
		t.Errorf("token from before the restart: %d %s", r.Status, r.Body)
	}
	var jwks2 auth.JWKS
	second.client.Do(t, "GET", "/.well-known/jwks.json", nil).Decode(t, &jwks2)
	if len(jwks1.Keys) != 1 || len(jwks2.Keys) != 1 || jwks1.Keys[0].Kid != jwks2.Keys[0].Kid || jwks1.Keys[0].Alg != "EdDSA" {
		t.Errorf("JWKS changed across restart: %+v vs %+v", jwks1, jwks2)
	}
}

func TestProxyForwardsWithCorrelation(t *testing.T) {
	f := start(t, nil)
	r := f.client.Do(t, "GET", "/api/fairs/42/applications?status=approved", nil, "X-Correlation-ID", "corr-xyz")
	var got map[string]string
	r.Decode(t, &got)
	if r.Status != 200 || got["served_by"] != proxy.Exhibitor || got["path"] != "/api/fairs/42/applications" {
		t.Fatalf("proxied: %d %s", r.Status, r.Body)
	}
	if r.Header.Get("X-Correlation-ID") != "corr-xyz" {
		t.Errorf("response correlation = %q", r.Header.Get("X-Correlation-ID"))
	}
	up := f.upstreams[proxy.Exhibitor]
	up.mu.Lock()
	seen := up.seen[len(up.seen)-1]
	up.mu.Unlock()
	if seen.Header.Get("X-Correlation-ID") != "corr-xyz" || seen.URL.RawQuery != "status=approved" {
		t.Errorf("upstream got correlation %q query %q", seen.Header.Get("X-Correlation-ID"), seen.URL.RawQuery)
	}
	f.upstreams[proxy.Event].srv.Close()
	down := f.client.Do(t, "GET", "/api/fairs", nil)
	if down.Status != 502 || !strings.Contains(down.Header.Get("Content-Type"), "problem+json") ||
		!strings.Contains(string(down.Body), `"code":"service_unavailable"`) || !strings.Contains(string(down.Body), "Dịch vụ hội chợ tạm thời không phản hồi") {
		t.Errorf("service down: %d %s", down.Status, down.Body)
	}
	if en := f.client.Do(t, "GET", "/api/fairs", nil, "Accept-Language", "en"); en.Status != 502 || !strings.Contains(string(en.Body), "The fair service did not answer") {
		t.Errorf("service down, in English: %d %s", en.Status, en.Body)
	}
	if r := f.client.Do(t, "GET", "/api/nothing-here", nil); r.Status != 404 {
		t.Errorf("unknown api path: %d", r.Status)
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := start(t, nil)
	// The gateway's own document, which the merged one shadows at the gateway's /openapi.json.
	own := httptest.NewServer(f.app.engine)
	t.Cleanup(own.Close)
	testenv.CheckOpenAPI(t, testenv.Client{Base: own.URL}, f.app.engine)

	// Clients of the gateway get the merged document; these upstreams serve none, so it has the
	// gateway's own operations and names the three services as missing.
	var merged struct {
		Info    struct{ Title string }
		Paths   map[string]any
		Missing []string `json:"x-ocopfair-missing"`
	}
	f.client.Do(t, "GET", "/openapi.json", nil).Decode(t, &merged)
	if _, ok := merged.Paths["/api/auth/login"]; merged.Info.Title != "ocopfair API" || !ok || len(merged.Missing) != 3 {
		t.Errorf("the gateway's /openapi.json: title %q, missing %q, %d paths", merged.Info.Title, merged.Missing, len(merged.Paths))
	}
}

// lastSeen returns the last request the named upstream received.
func (f fixture) lastSeen(t *testing.T, name string) *http.Request {
	t.Helper()
	up := f.upstreams[name]
	up.mu.Lock()
	defer up.mu.Unlock()
	if len(up.seen) == 0 {
		t.Fatalf("%s received no request", name)
	}
	return up.seen[len(up.seen)-1]
}
