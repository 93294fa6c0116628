// Package gatewayapp wires the gateway service: accounts and sign-in, token signing and the JWKS,
// the reverse proxy to the services, the live stream to the console, and its own outbox.
package gatewayapp

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
	"github.com/ocopfair/ocopfair/services/gateway/internal/apidoc"
	"github.com/ocopfair/ocopfair/services/gateway/internal/console"
	"github.com/ocopfair/ocopfair/services/gateway/internal/live"
	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
	"github.com/ocopfair/ocopfair/services/gateway/internal/signing"
	"github.com/ocopfair/ocopfair/services/gateway/internal/verify"
)

// App is a running gateway.
type App struct {
	host     *service.Host
	accounts *account.Store
	keys     signing.Keys
	signer   *auth.Signer
	cfg      Config
	// engine routes every request; handler is the engine as served (see apidoc.AtRoot).
	engine  *gin.Engine
	handler http.Handler
	live    *live.Relay
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
	// Spreadsheet imports and product photos are proxied to the exhibitor service, which enforces
	// its own limits.
	host, err := service.Open(ctx, cfg.Config, logOut, service.Options{Keys: src, Uploads: map[string]int64{"/api/producers/import": 10 << 20, "/api/products/:id/photo": 10 << 20}})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*App, error) { host.Close(); return nil, err }
	if err := host.DB.EnsureIndexes(ctx, slices.Concat(account.Indexes(), account.ResetLogIndexes(), signing.Indexes())...); err != nil {
		return fail(err)
	}
	keys, err = signing.Load(ctx, host.DB)
	if err != nil {
		return fail(err)
	}
	a := &App{
		host: host, accounts: account.NewStore(host.DB), keys: keys, cfg: cfg,
		signer: auth.NewSigner(keys.Private, keys.KID, cfg.JWTIssuer, cfg.JWTAudience, cfg.TokenTTL),
	}
	if _, err := host.Relay(ctx, account.Collection); err != nil {
		return fail(err)
	}
	if err := a.bootstrapAdmin(ctx); err != nil {
		return fail(err)
	}
	onBehalf := auth.NewSigner(keys.Private, keys.KID, cfg.JWTIssuer, cfg.JWTAudience, time.Minute)
	if a.live, err = live.NewRelay(host.NC, live.NewLookup(cfg.Upstreams, onBehalf).After(host.Revocations).Scope); err != nil {
		return fail(err)
	}
	a.engine = a.routes()
	a.handler = apidoc.AtRoot(a.engine)
	return a, nil
}

// keySource gives the host the gateway's public keys, once New has loaded them.
type keySource struct{ keys *signing.Keys }

// Key returns the public key named kid, or an error for a key the gateway does not have.
func (k keySource) Key(_ context.Context, kid string) (ed25519.PublicKey, error) {
	if pub, ok := k.keys.Public[kid]; ok {
		return pub, nil
	}
	return nil, fmt.Errorf("unknown key %q", kid)
}

// bootstrapAdmin creates the first admin from the environment if that email has no account yet,
// and enables it again if it was disabled while no other admin may sign in: it is the way back
// in when two admins disabled each other (no write can count the admins left and disable one at
// once). Disabled by another admin who can still sign in, it stays disabled.
func (a *App) bootstrapAdmin(ctx context.Context) error {
	if a.cfg.AdminEmail == "" {
		return nil
	}
	if existing, found, err := a.accounts.ByEmail(ctx, a.cfg.AdminEmail); err != nil || found {
		var others bool
		if err == nil && existing.Disabled && existing.Role == auth.RoleAdmin {
			others, err = a.accounts.AnotherAdminEnabled(ctx, existing.ID)
		}
		if err == nil && existing.Disabled && existing.Role == auth.RoleAdmin && !others {
			existing.Disabled = false
			if err = a.accounts.Enable(ctx, existing, time.Now(), ""); err == nil {
				a.host.Log.Warn("enabled the admin account of OCOPFAIR_ADMIN_EMAIL again", "email", existing.Email)
			} else if apperr.Is(err, apperr.Conflict) {
				err = nil // another replica starting enabled it first
			}
		}
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

// Consumers are the gateway's durable consumers: none. The live relay hears the services' events
// over core NATS subscriptions of its own (live.Subscriptions), since a notice is worth nothing
// once its page is gone.
func (a *App) Consumers() []bus.Consumer { return nil }

// Run serves on ln until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	go func() { <-ctx.Done(); a.live.Close() }()
	return a.host.Run(ctx, ln, a.handler, a.Consumers()...)
}

func (a *App) routes() *gin.Engine {
	r, api := a.host.Router("ocopfair gateway", "Accounts, sign-in and tokens. Every other /api path is routed to the service that owns it; the gateway's /openapi.json merges this document with the services'.")
	account.NewRoutes(a.accounts, a.signer, a.cfg.Hash, a.cfg.LoginPerMinute, a.host.NotifyRelays, a.cfg.Clock).RefuseAtOnce(a.host.Revocations).Register(api)
	console.Routes{}.Register(r, api)
	verify.Routes{}.Register(r)
	tickets := live.NewTickets(a.keys.Private, a.keys.KID, a.keys.Public).RefuseRevoked(a.host.Revocations)
	live.NewRoutes(a.live, tickets).Register(api)
	signing.NewRoutes(a.keys).Register(r)
	apidoc.NewRoutes(apidoc.New(api.Doc.JSON, a.cfg.Upstreams, a.host.Log)).Register(r)
	proxy.NewRoutes(a.cfg.Upstreams).Register(r)
	return r
}
