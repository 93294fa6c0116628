// Package gatewayapp wires the gateway service: accounts and sign-in, token signing and the JWKS,
// the reverse proxy to the services, and its own outbox.
package gatewayapp

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
	"github.com/ocopfair/ocopfair/services/gateway/internal/console"
	"github.com/ocopfair/ocopfair/services/gateway/internal/signing"
)

// Config is the gateway's configuration.
type Config struct {
	service.Config
	Upstreams     map[string]*url.URL
	AdminEmail    string
	AdminPassword string
	TokenTTL      time.Duration
	Hash          account.HashParams
	// LoginPerMinute limits sign-in attempts per account and source; a source gets three times
	// that over all accounts, an account ten times that many failures an hour from everywhere
	// (see signInGuard), and a source ten times that many sign-ups an hour.
	LoginPerMinute int
}

// LoadConfig reads the gateway's configuration from getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := service.LoadConfig("gateway", 8080, getenv)
	c := Config{Config: base, Upstreams: map[string]*url.URL{}, Hash: account.DefaultHashParams,
		AdminEmail: getenv("OCOPFAIR_ADMIN_EMAIL"), AdminPassword: getenv("OCOPFAIR_ADMIN_PASSWORD"), TokenTTL: 12 * time.Hour, LoginPerMinute: 10}
	errs := []error{err}
	for name, def := range map[string]string{Event: "http://127.0.0.1:8081", Exhibitor: "http://127.0.0.1:8082", Matchmaking: "http://127.0.0.1:8083"} {
		env := "OCOPFAIR_" + strings.ToUpper(name) + "_URL"
		raw := getenv(env)
		if raw == "" {
			raw = def
		}
		u, perr := url.Parse(raw)
		if perr != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s=%q: must be an http URL", env, raw))
			continue
		}
		c.Upstreams[name] = u
	}
	if s := getenv("OCOPFAIR_TOKEN_TTL"); s != "" {
		d, perr := time.ParseDuration(s)
		if perr != nil || d < time.Minute || d > 7*24*time.Hour {
			errs = append(errs, fmt.Errorf("OCOPFAIR_TOKEN_TTL=%q: must be a duration from 1m to 168h", s))
		}
		c.TokenTTL = d
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, errors.New("OCOPFAIR_ADMIN_EMAIL and OCOPFAIR_ADMIN_PASSWORD must be set together"))
	}
	return c, errors.Join(errs...)
}

// App is a running gateway.
type App struct {
	host     *service.Host
	accounts *account.Store
	keys     signing.Keys
	signer   *auth.Signer
	cfg      Config
	handler  http.Handler
	signIn   *signInGuard
	signUp   *limiter
	live     *console.Live
	// onBehalf issues the one-minute tokens the live stream asks the services with.
	onBehalf     *auth.Signer
	upstreamHTTP *http.Client
}

// Run is the gateway's main: it reads the configuration, serves until ctx ends and shuts down.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	return service.Serve(ctx, args, cfg.HTTPAddr, func() (func(context.Context, net.Listener) error, error) {
		a, err := New(ctx, cfg, stdout)
		if err != nil {
			return nil, err
		}
		return a.Run, nil
	})
}

// New opens the gateway's infrastructure, loads or creates its signing key and the first admin.
func New(ctx context.Context, cfg Config, logOut io.Writer) (*App, error) {
	// The gateway verifies its own tokens with its own keys, so it needs a key source before the
	// host opens; the keys are loaded from the database the host opens.
	var keys signing.Keys
	src := keySource{keys: &keys}
	// Spreadsheet imports are proxied to the exhibitor service, which enforces its own limit.
	host, err := service.Open(ctx, cfg.Config, logOut, service.Options{Keys: src, Uploads: map[string]int64{"/api/producers/import": 10 << 20}})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*App, error) { host.Close(); return nil, err }
	if err := host.DB.EnsureIndexes(ctx, append(account.Indexes(), signing.Indexes()...)...); err != nil {
		return fail(err)
	}
	keys, err = signing.Load(ctx, host.DB)
	if err != nil {
		return fail(err)
	}
	a := &App{
		host: host, accounts: account.NewStore(host.DB), keys: keys, cfg: cfg,
		signer:       auth.NewSigner(keys.Private, keys.KID, cfg.JWTIssuer, cfg.JWTAudience, cfg.TokenTTL),
		signIn:       newSignInGuard(cfg.LoginPerMinute),
		signUp:       newLimiter(perHour(10*cfg.LoginPerMinute), 10*cfg.LoginPerMinute),
		onBehalf:     auth.NewSigner(keys.Private, keys.KID, cfg.JWTIssuer, cfg.JWTAudience, time.Minute),
		upstreamHTTP: &http.Client{Timeout: 5 * time.Second},
	}
	if _, err := host.Relay(ctx, account.Collection); err != nil {
		return fail(err)
	}
	if err := a.bootstrapAdmin(ctx); err != nil {
		return fail(err)
	}
	if a.live, err = console.NewLive(host.NC, console.NewTickets(keys.Private, keys.KID, keys.Public), a.liveScope, host.Log); err != nil {
		return fail(err)
	}
	a.handler = a.routes()
	return a, nil
}

type keySource struct{ keys *signing.Keys }

func (k keySource) Key(_ context.Context, kid string) (ed25519.PublicKey, error) {
	if pub, ok := k.keys.Public[kid]; ok {
		return pub, nil
	}
	return nil, fmt.Errorf("unknown key %q", kid)
}

// bootstrapAdmin creates the first admin from the environment if that email has no account yet.
func (a *App) bootstrapAdmin(ctx context.Context) error {
	if a.cfg.AdminEmail == "" {
		return nil
	}
	if _, found, err := a.accounts.ByEmail(ctx, a.cfg.AdminEmail); err != nil || found {
		return err
	}
	acc, err := account.New(a.cfg.AdminEmail, "Quản trị viên", auth.RoleAdmin, a.cfg.AdminPassword, false, "bootstrap", a.cfg.Hash)
	if err != nil {
		return fmt.Errorf("OCOPFAIR_ADMIN_EMAIL/PASSWORD: %w", err)
	}
	if err := a.accounts.Create(ctx, acc, ""); err != nil && !apperr.Is(err, apperr.Conflict) {
		return err
	}
	a.host.Log.Info("created the first admin account", "email", acc.Email)
	return nil
}

// Handler returns the gateway's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Run serves on ln until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	go func() { <-ctx.Done(); a.live.Close() }()
	return a.host.Run(ctx, ln, a.handler)
}

func (a *App) routes() *gin.Engine {
	r, api := a.host.Router("ocopfair gateway", "Accounts, sign-in and tokens. Every other /api path is routed to the service that owns it; see each service's /openapi.json.")
	a.mountAuth(api)
	console.Mount(r, api)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/live/ticket", Tag: "console", Roles: auth.Roles,
		Summary:  "A single-use ticket that opens one live stream within 30 seconds (an EventSource cannot send the token in a header, and URLs are logged).",
		Response: console.TicketResponse{}}, a.live.IssueTicket)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/live", Tag: "console",
		Summary: "Server-sent events telling the console which of its own applications and meetings, fairs it organises, and public fairs changed (admins: all). Opened with ?ticket= from POST /api/live/ticket; a token in the URL is refused.",
		Query:   []openapi.Param{{Name: "ticket", Description: "from POST /api/live/ticket"}}}, a.live.Stream)
	r.GET("/.well-known/jwks.json", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.JSON(http.StatusOK, a.keys.JWKS())
	})
	proxy := newProxy(a.cfg.Upstreams)
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			proxy(c)
			return
		}
		httpx.RespondError(c, apperr.E(apperr.NotFound, "no such page: %s", c.Request.URL.Path))
	})
	return r
}
