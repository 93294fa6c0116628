package httpx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/metrics"
)

// MaxBodyBytes limits request bodies.
const MaxBodyBytes = 1 << 20

// FrameAncestorsNone is the Content-Security-Policy every response carries unless a handler sets
// a fuller one: no site may frame it.
const FrameAncestorsNone = "frame-ancestors 'none'"

// RequestIDHeader carries the ID of one HTTP request (the correlation ID may span several).
const RequestIDHeader = "X-Request-ID"

// RequestID is the ID the edge settled on for the request: the client's X-Request-ID when valid,
// else one it made ("" outside the edge).
func RequestID(c *gin.Context) string { return c.GetString(requestIDKey) }

const (
	loggerKey    = "ocopfair.logger"
	principalKey = "ocopfair.principal"
	requestIDKey = "ocopfair.request_id" // the ID the edge settled on (RequestID)
)

// Options configure a router.
type Options struct {
	Log      *slog.Logger
	Metrics  *metrics.Metrics
	Verifier *auth.Verifier
	// MaxBodyBytes overrides the body limit; 0 means MaxBodyBytes.
	MaxBodyBytes int64
	// Uploads raises the body limit for request paths (spreadsheet imports, photos): exact paths,
	// or gin-style patterns whose ":name" segments match any one segment.
	Uploads map[string]int64
	// TrustedProxies are the peers (IPs or CIDR ranges) whose X-Forwarded-For and X-Real-IP
	// headers ClientIP believes; empty believes no one, so ClientIP is the socket's peer.
	TrustedProxies []string
	// SlowRequest is how long a successful read may take before its access line is logged at
	// info; 0 means DefaultSlowRequest.
	SlowRequest time.Duration
	// MinBodyRate, BodyGrace and BodyIdle bound how slowly a body may arrive (see bodyPace); 0
	// means MinBodyRate, BodyGrace and BodyIdle.
	MinBodyRate int64
	BodyGrace   time.Duration
	BodyIdle    time.Duration
}

// DefaultSlowRequest is the duration from which a successful read is logged at info: ten times
// the p99 the hot reads are held to.
const DefaultSlowRequest = 500 * time.Millisecond

// ginMode switches gin's process-wide mode once: release mode, no debug banner.
var ginMode sync.Once

// NewRouter returns a gin engine with ocopfair's middleware: panic recovery into a problem
// document, correlation and request IDs, body limit, access log and metrics, and token parsing
// (a missing token leaves the request anonymous; RequireRole rejects it).
func NewRouter(o Options) *gin.Engine {
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = MaxBodyBytes
	}
	if o.SlowRequest == 0 {
		o.SlowRequest = DefaultSlowRequest
	}
	if o.MinBodyRate == 0 {
		o.MinBodyRate = MinBodyRate
	}
	if o.BodyGrace == 0 {
		o.BodyGrace = BodyGrace
	}
	if o.BodyIdle == 0 {
		o.BodyIdle = BodyIdle
	}
	ginMode.Do(func() { gin.SetMode(gin.ReleaseMode) })
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.RemoveExtraSlash = true
	// gin trusts every peer's X-Forwarded-For by default, which lets any client choose the IP
	// that rate limits and logs see. A list that does not parse (the configuration rejects one
	// at start) falls back to trusting no one.
	if err := r.SetTrustedProxies(nilIfEmpty(o.TrustedProxies)); err != nil {
		o.Log.Error("ignoring the trusted proxies", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.NoRoute(func(c *gin.Context) {
		RespondError(c, NoRoute(c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(respondMethodNotAllowed)
	r.Use(edge(o), recovery())
	if o.Verifier != nil {
		r.Use(authenticate(o.Verifier))
	}
	return r
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func edge(o Options) gin.HandlerFunc {
	uploads := newUploadLimits(o.Uploads)
	return func(c *gin.Context) {
		start := time.Now()
		corr := cleanID(c.GetHeader(correlation.Header))
		if corr == "" {
			corr = correlation.NewID()
		}
		reqID := cleanID(c.GetHeader(RequestIDHeader))
		if reqID == "" {
			reqID = uuid.NewString()
		}
		c.Header(correlation.Header, corr)
		c.Header(RequestIDHeader, reqID)
		c.Set(requestIDKey, reqID)
		// No response is meant to be shown inside another site's frame (clickjacking); a page
		// that sets its own Content-Security-Policy keeps frame-ancestors 'none' in it.
		c.Header("Content-Security-Policy", FrameAncestorsNone)
		c.Header("X-Frame-Options", "DENY")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Request = c.Request.WithContext(correlation.With(c.Request.Context(), corr))
		log := slog.New(&requestLog{Handler: o.Log.Handler(), ids: [2]slog.Attr{slog.String("correlation_id", corr), slog.String("request_id", reqID)}})
		c.Set(loggerKey, log)
		if c.Request.Body != nil {
			limit := o.MaxBodyBytes
			if n, ok := uploads.limit(c.Request.URL.Path); ok {
				limit = n
			}
			// A declared length over the limit is refused before anything reads the body, so
			// a handler that streams it on (the gateway's proxy) never starts.
			if c.Request.ContentLength > limit {
				RespondError(c, BodyTooLarge(limit))
			}
			body, pace := paceBody(c.Writer, c.Request, start, o.BodyGrace, o.BodyIdle, o.MinBodyRate)
			defer pace.stop()
			c.Request.Body = http.MaxBytesReader(c.Writer, body, limit)
		}
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = c.GetString(routeKey)
		}
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		elapsed := time.Since(start)
		if o.Metrics != nil {
			o.Metrics.HTTPRequests.WithLabelValues(route, c.Request.Method, strconv.Itoa(status)).Inc()
			o.Metrics.HTTPDuration.WithLabelValues(route, c.Request.Method).Observe(elapsed.Seconds())
		}
		if route == "/healthz" || route == "/readyz" {
			return
		}
		level := accessLevel(c.Request.Method, status, elapsed, o.SlowRequest)
		if !log.Enabled(c.Request.Context(), level) {
			return
		}
		log.Log(c.Request.Context(), level, "http", "method", c.Request.Method, "route", route, "status", status,
			"duration_ms", elapsed.Milliseconds(), "bytes", c.Writer.Size())
	}
}

// accessLevel is the level of a request's access line. A successful read that was not slow is
// logged at debug: the hot reads run at hundreds a second, the metrics already count them by
// route, status and duration, and a line each cost about half of what the edge spends per
// request (formatting and writing it). Writes, refusals (4xx), slow reads and failures are
// logged at info, failures (5xx) as errors.
func accessLevel(method string, status int, elapsed, slow time.Duration) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400 || elapsed >= slow:
		return slog.LevelInfo
	case method == http.MethodGet || method == http.MethodHead:
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// requestLog adds a request's correlation and request IDs to every record logged through it,
// as Logger.With would, but only when something is logged: With formats the IDs up front, about a
// dozen allocations per request that most requests (a read whose access line is at debug) never
// use.
type requestLog struct {
	slog.Handler
	ids [2]slog.Attr
}

// Handle logs r with the IDs before its own attributes, where With puts them.
func (h *requestLog) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(h.ids[:]...)
	r.Attrs(func(a slog.Attr) bool { out.AddAttrs(a); return true })
	return h.Handler.Handle(ctx, out)
}

// WithAttrs returns the wrapped handler with the IDs and then as.
func (h *requestLog) WithAttrs(as []slog.Attr) slog.Handler {
	return h.Handler.WithAttrs(append(h.ids[:len(h.ids):len(h.ids)], as...))
}

// WithGroup returns the wrapped handler with the IDs, outside the group as With puts them.
func (h *requestLog) WithGroup(name string) slog.Handler {
	return h.Handler.WithAttrs(h.ids[:]).WithGroup(name)
}

// cleanID keeps a client-supplied ID only if it is short and printable ASCII.
func cleanID(s string) string {
	if len(s) == 0 || len(s) > 128 {
		return ""
	}
	for _, r := range s {
		if r < 0x21 || r > 0x7e {
			return ""
		}
	}
	return s
}

func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				RespondError(c, fmt.Errorf("panic: %v", v))
			}
		}()
		c.Next()
	}
}

func authenticate(v *auth.Verifier) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		if h == "" {
			c.Next()
			return
		}
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			RespondError(c, apperr.New(apperr.Unauthorized, msgBadAuthorization))
			return
		}
		p, err := v.Verify(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer error="invalid_token"`)
			RespondError(c, err)
			return
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

// PrincipalFrom returns the authenticated caller, if any.
func PrincipalFrom(c *gin.Context) (auth.Principal, bool) {
	v, ok := c.Get(principalKey)
	if !ok {
		return auth.Principal{}, false
	}
	p, ok := v.(auth.Principal)
	return p, ok
}

var (
	msgBadAuthorization = apperr.M("authorization_malformed",
		"Tiêu đề Authorization phải có dạng \"Bearer <token>\".",
		"The Authorization header must be \"Bearer <token>\".")
	msgSignIn = apperr.M("sign_in_required", "Hãy đăng nhập để dùng chức năng này.", "Sign in to use this endpoint.")
	msgRole   = apperr.M("role_forbidden",
		"Vai trò của bạn (%[1]s) không dùng được chức năng này; chức năng này dành cho %[2]s.",
		"Your role (%[1]s) cannot use this endpoint; it needs %[2]s.")
)

// RequireRole rejects anonymous callers with 401 and callers of other roles with 403.
func RequireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := PrincipalFrom(c)
		if !ok {
			c.Header("WWW-Authenticate", "Bearer")
			RespondError(c, apperr.New(apperr.Unauthorized, msgSignIn))
			return
		}
		if !p.Is(roles...) {
			needs := make(apperr.Or, len(roles))
			for i, r := range roles {
				needs[i] = auth.RoleName(r)
			}
			RespondError(c, apperr.New(apperr.Forbidden, msgRole, auth.RoleName(p.Role), needs))
			return
		}
		c.Next()
	}
}

// Logger returns the request's logger, which carries its correlation and request IDs.
func Logger(c *gin.Context) *slog.Logger { return loggerFrom(c) }

// Ops mounts GET /healthz (the process is alive) and GET /readyz (every check passes) on r. The
// metrics are not among them: they are served on a listener of their own (MetricsHandler), so the
// public port does not show them. A non-empty instance is sent with /readyz in the
// Ocopfair-Instance header, so that a supervisor knows the answer comes from the process it
// started and not from another one that took the port.
func Ops(r *gin.Engine, checks map[string]func(context.Context) error, instance string) {
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", func(c *gin.Context) {
		if instance != "" {
			c.Header("Ocopfair-Instance", instance)
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		status, code := gin.H{}, http.StatusOK
		for name, check := range checks {
			if err := check(ctx); err != nil {
				status[name] = err.Error()
				code = http.StatusServiceUnavailable
			} else {
				status[name] = "ok"
			}
		}
		c.JSON(code, gin.H{"ready": code == http.StatusOK, "checks": status})
	})
}

// routeKey holds the name SetRoute gives a request that matched no registered route.
const routeKey = "httpx.route"

// SetRoute names the request's route in the access log and the metrics when it matched no
// registered route: the gateway's proxy names the service it forwards to, so that forwarded
// requests are not counted with the paths nothing serves ("unmatched"). Keep the names few: each
// is a metrics label.
func SetRoute(c *gin.Context, name string) { c.Set(routeKey, name) }

// MetricsHandler serves m at GET /metrics (Prometheus) and the Go profiles at /debug/pprof/, for
// the private metrics listener: the public port shows neither.
func MetricsHandler(m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}

// MaxHeaderBytes is how much of a request's line and headers a server reads (431 beyond): a
// token, a search and the usual headers need a few KiB; the default of 1 MiB let one request
// name a search or a cache key of half a megabyte.
const MaxHeaderBytes = 32 << 10

// Serve serves h on ln until ctx ends, then stops accepting and drains in-flight requests for up
// to drain.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, drain time.Duration) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: MaxHeaderBytes}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
