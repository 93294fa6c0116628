package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Host holds a running service's infrastructure.
type Host struct {
	Config   Config
	Log      *slog.Logger
	Metrics  *metrics.Metrics
	DB       *storage.DB
	NC       *nats.Conn
	JS       jetstream.JetStream
	Bus      *bus.Bus
	Verifier *auth.Verifier
	// Revocations are the accounts whose earlier tokens the verifier refuses (see
	// followRevocations).
	Revocations *auth.Revocations

	metricsMu   sync.Mutex
	metricsAddr string

	relays  []*outbox.Relay
	jobs    []func(context.Context)
	uploads map[string]int64
	checks  map[string]func(context.Context) error

	consumersMu sync.Mutex
	consumers   []bus.Consumer // those Run runs, for replaying their dead letters
}

// Check adds a readiness check reported by /readyz; call it before Router.
func (h *Host) Check(name string, fn func(context.Context) error) {
	if h.checks == nil {
		h.checks = map[string]func(context.Context) error{}
	}
	h.checks[name] = fn
}

// Options adjust how a host is opened.
type Options struct {
	// Keys verify tokens; nil fetches the JWKS from Config.JWKSURL.
	Keys auth.KeySource
	// Uploads raises the request body limit for exact paths (see httpx.Options).
	Uploads map[string]int64
}

// NewLogger returns the service's logger writing to w in the configured format.
func NewLogger(c Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if c.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(h).With("service", c.Service)
}

// Open opens the database, connects to NATS, creates the streams and the consumers' indexes.
func Open(ctx context.Context, c Config, logOut io.Writer, o Options) (*Host, error) {
	log := NewLogger(c, logOut)
	log.Info("starting", "config", c)
	h := &Host{Config: c, Log: log, Metrics: metrics.New(c.Service)}
	var err error
	openCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	h.DB, err = storage.Open(openCtx, storage.Config{URI: c.MongoURI, Database: c.MongoDatabase, DataDir: c.DataDir,
		SlowCommands: c.SlowCommands, SlowLog: log.With("component", "storage"),
		Logger: slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelError})).With("component", "ferretdb")})
	if err != nil {
		return nil, err
	}
	h.NC, h.JS, err = bus.Connect(openCtx, c.NATSURL, "ocopfair-"+c.Service, log)
	if err != nil {
		h.closeDB()
		return nil, err
	}
	if err := bus.EnsureStreamsAs(openCtx, h.JS, c.Service, c.StreamReplicas); err != nil {
		h.Close()
		return nil, err
	}
	if err := h.DB.EnsureIndexes(openCtx, bus.Indexes()...); err != nil {
		h.Close()
		return nil, err
	}
	h.Bus = &bus.Bus{JS: h.JS, DB: h.DB, Log: log, Metrics: h.Metrics}
	// The database has no TTL indexes (FerretDB): every replica prunes the bookkeeping records.
	rules := append(append(bus.BookkeepingRetention(), outbox.BookkeepingRetention()...), httpx.IdempotencyRetention())
	h.Job(storage.NewPruner(h.DB, log.With("component", "pruner"), rules...).Run)
	keys := o.Keys
	if keys == nil {
		keys = auth.NewRemoteKeys(c.JWKSURL)
	}
	h.Revocations = revocationsFor()
	h.Verifier = auth.NewVerifier(keys, c.JWTIssuer, c.JWTAudience, auth.WithRevocations(h.Revocations))
	if err := h.followRevocations(openCtx); err != nil {
		h.Close()
		return nil, err
	}
	h.uploads = o.Uploads
	return h, nil
}

// Relay returns an outbox relay over the named collections; Run starts it.
func (h *Host) Relay(ctx context.Context, collections ...string) (*outbox.Relay, error) {
	if err := h.DB.EnsureIndexes(ctx, outbox.Indexes(collections...)...); err != nil {
		return nil, err
	}
	r := outbox.NewRelay(h.JS, h.DB.Database, h.Log.With("component", "outbox"), h.Metrics, h.Config.RelayInterval, collections...)
	if h.DB.Embedded {
		r.SingleConnection()
	}
	h.relays = append(h.relays, r)
	return r, nil
}

// Job adds a background job that Run runs until shutdown (periodic sweeps).
func (h *Host) Job(fn func(ctx context.Context)) { h.jobs = append(h.jobs, fn) }

// Every adds a job that runs sweep at start and then every period until shutdown. A failure is
// logged as what failed (the next round tries again); a round that did something is logged with
// how much.
func (h *Host) Every(what string, period time.Duration, sweep func(context.Context) (int, error)) {
	h.Job(func(ctx context.Context) {
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			if n, err := sweep(ctx); err != nil && ctx.Err() == nil {
				h.Log.Warn(what+" failed", "err", err)
			} else if n > 0 {
				h.Log.Info(what, "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
}

// Router returns a gin engine with the edge middleware, the operational endpoints, and an API that
// documents what is registered on it.
func (h *Host) Router(title, description string) (*gin.Engine, httpx.API) {
	r := httpx.NewRouter(httpx.Options{Log: h.Log, Metrics: h.Metrics, Verifier: h.Verifier, Uploads: h.uploads, TrustedProxies: h.Config.TrustedProxies})
	checks := map[string]func(context.Context) error{
		"database": h.DB.Ping,
		"nats": func(context.Context) error {
			if s := h.NC.Status(); s != nats.CONNECTED {
				return fmt.Errorf("nats is %s", s)
			}
			return nil
		},
	}
	for name, fn := range h.checks {
		checks[name] = fn
	}
	httpx.Ops(r, checks, h.Config.Instance)
	api := httpx.API{Router: r, Doc: openapi.New(title, "1.0.0", description), Idempotency: httpx.Idempotency(h.DB)}
	api.ServeDoc(r)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/admin/" + h.Config.Service + "/dead-letters", Tag: "operations",
		Summary: "List events this service's consumers gave up on, newest first.", Roles: []string{auth.RoleAdmin},
		Response: httpx.List[bus.DeadLetter]{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}},
		h.listDeadLetters)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/admin/" + h.Config.Service + "/dead-letters/:id/replay", Tag: "operations",
		Summary: "Handle an event a consumer gave up on again, once its cause is mended: the dead letter goes when it succeeds, and stays, with why, when it fails again (409).",
		Roles:   []string{auth.RoleAdmin}, Status: http.StatusNoContent}, h.replayDeadLetter)
	return r, api
}

func (h *Host) replayDeadLetter(c *gin.Context) {
	h.consumersMu.Lock()
	consumers := h.consumers
	h.consumersMu.Unlock()
	if err := h.Bus.Replay(c.Request.Context(), consumers, c.Param("id")); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Host) listDeadLetters(c *gin.Context) {
	var before string
	page, err := httpx.PageAfter(c, &before)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	items, err := bus.ListDeadLetters(c.Request.Context(), h.DB, page.Limit+1, before)
	if err != nil {
		httpx.RespondError(c, storage.MapError(err, "dead letters"))
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(items, page.Limit, func(d bus.DeadLetter) any { return d.ID },
		func(d bus.DeadLetter) bus.DeadLetter { return d }))
}

// Run serves HTTP on ln, runs the relays and consumers, and on ctx's end shuts down in order:
// stop accepting and drain requests, drain consumers, flush relays, then close NATS and the DB.
func (h *Host) Run(ctx context.Context, ln net.Listener, handler http.Handler, consumers ...bus.Consumer) error {
	defer h.Close()
	var metricsDone <-chan error
	metricsCtx, stopMetrics := context.WithCancel(ctx)
	defer stopMetrics()
	if h.Config.MetricsAddr != "" {
		mln, err := net.Listen("tcp", h.Config.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		h.metricsMu.Lock()
		h.metricsAddr = mln.Addr().String()
		h.metricsMu.Unlock()
		done := make(chan error, 1)
		go func() { done <- httpx.Serve(metricsCtx, mln, httpx.MetricsHandler(h.Metrics), time.Second) }()
		metricsDone = done
	}
	h.consumersMu.Lock()
	h.consumers = consumers
	h.consumersMu.Unlock()
	var stops []func()
	for _, c := range consumers {
		stop, err := h.Bus.Consume(ctx, c)
		if err != nil {
			for _, s := range stops {
				s()
			}
			return err
		}
		stops = append(stops, stop)
	}
	relayCtx, stopRelays := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	if !h.Config.RelayOff {
		for _, r := range h.relays {
			wg.Add(1)
			go func() { defer wg.Done(); _ = r.Run(relayCtx) }()
		}
	}
	for _, job := range h.jobs {
		wg.Add(1)
		go func() { defer wg.Done(); job(relayCtx) }()
	}
	h.Log.Info("listening", "addr", ln.Addr().String())
	err := httpx.Serve(ctx, ln, handler, h.Config.ShutdownTimeout)
	h.Log.Info("shutting down")
	for _, s := range stops {
		s()
	}
	stopRelays()
	wg.Wait()
	stopMetrics()
	if metricsDone != nil {
		if merr := <-metricsDone; merr != nil && !errors.Is(merr, http.ErrServerClosed) {
			h.Log.Warn("metrics listener", "err", merr)
		}
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// MetricsAddr returns the address the metrics listener is bound to once Run has opened it, or "".
func (h *Host) MetricsAddr() string {
	h.metricsMu.Lock()
	defer h.metricsMu.Unlock()
	return h.metricsAddr
}

// NotifyRelays asks every relay to publish now; call it after a write with events.
func (h *Host) NotifyRelays() {
	if h.Config.RelayOff {
		return
	}
	for _, r := range h.relays {
		r.Notify()
	}
}

// Close drains NATS and closes the database; Run calls it.
func (h *Host) Close() {
	if h.NC != nil && !h.NC.IsClosed() {
		_ = h.NC.Drain()
		deadline := time.Now().Add(5 * time.Second)
		for !h.NC.IsClosed() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		h.NC.Close()
	}
	h.closeDB()
}

func (h *Host) closeDB() {
	if h.DB == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.DB.Close(ctx); err != nil {
		h.Log.Warn("closing database", "err", err)
	}
	h.DB = nil
}
