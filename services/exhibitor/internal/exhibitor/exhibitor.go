// Package exhibitor wires the exhibitor service: producer profiles (and, as they come, products,
// certificates and booth applications), its outbox and its consumers.
package exhibitor

import (
	"context"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
)

// Port is the service's default HTTP port.
const Port = 8082

// App is a running exhibitor service.
type App struct {
	Host    *service.Host
	handler http.Handler
}

// Run is the service's main.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := service.LoadConfig("exhibitor", Port, getenv)
	if err != nil {
		return err
	}
	if service.IsProbe(args) {
		return service.Probe(ctx, cfg.HTTPAddr)
	}
	a, err := New(ctx, cfg, stdout, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		a.Host.Close()
		return err
	}
	return a.Run(ctx, ln)
}

// New opens the service; keys verify tokens (nil fetches the gateway's JWKS).
func New(ctx context.Context, cfg service.Config, logOut io.Writer, keys auth.KeySource) (*App, error) {
	host, err := service.Open(ctx, cfg, logOut, service.Options{Keys: keys})
	if err != nil {
		return nil, err
	}
	if err := host.DB.EnsureIndexes(ctx, producer.Indexes()...); err != nil {
		host.Close()
		return nil, err
	}
	if _, err := host.Relay(ctx, producer.Collection); err != nil {
		host.Close()
		return nil, err
	}
	r, api := host.Router("ocopfair exhibitor service", "OCOP producers, their products and certificates, and booth applications.")
	(&producer.Handlers{Store: producer.NewStore(host.DB), Notify: host.NotifyRelays, Now: time.Now}).Mount(api)
	return &App{Host: host, handler: r}, nil
}

// Handler returns the HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Run serves on ln until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error { return a.Host.Run(ctx, ln, a.handler) }
