package gatewayapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"

	"github.com/gin-gonic/gin"
)

// Upstream service names.
const (
	Event       = "event"
	Exhibitor   = "exhibitor"
	Matchmaking = "matchmaking"
)

// route sends paths matching pattern to a service. A pattern is a list of path segments where "*"
// matches any one segment; a path matches when it starts with the pattern's segments.
type route struct {
	pattern []string
	service string
}

// routes are checked in order: the more specific nested resources first.
var routes = func() []route {
	table := []struct{ pattern, service string }{
		{"/api/fairs/*/applications", Exhibitor},
		{"/api/fairs/*/meetings", Matchmaking},
		{"/api/fairs/*/schedule", Matchmaking},
		{"/api/fairs/*/agenda", Matchmaking},
		{"/api/fairs/*/unavailability", Matchmaking},
		{"/api/producers/*/opportunities", Matchmaking},
		{"/api/fairs", Event},
		{"/api/booths", Event},
		{"/api/reports", Event},
		{"/api/producers", Exhibitor},
		{"/api/products", Exhibitor},
		{"/api/applications", Exhibitor},
		{"/api/buyers", Matchmaking},
		{"/api/requests", Matchmaking},
		{"/api/meetings", Matchmaking},
		{"/api/scheduling", Matchmaking},
		{"/api/admin/event", Event},
		{"/api/admin/exhibitor", Exhibitor},
		{"/api/admin/matchmaking", Matchmaking},
	}
	out := make([]route, len(table))
	for i, r := range table {
		out[i] = route{pattern: strings.Split(strings.Trim(r.pattern, "/"), "/"), service: r.service}
	}
	return out
}()

// serviceFor returns the service that serves path, or "".
func serviceFor(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
outer:
	for _, r := range routes {
		if len(segs) < len(r.pattern) {
			continue
		}
		for i, p := range r.pattern {
			if p != "*" && p != segs[i] {
				continue outer
			}
		}
		return r.service
	}
	return ""
}

// newProxy returns a handler that forwards /api requests to the owning service, with the
// correlation ID and the caller's address, and answers 502 as a problem document when the
// service is down.
func newProxy(upstreams map[string]*url.URL) gin.HandlerFunc {
	transport := &http.Transport{
		Proxy:                 nil,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
	}
	proxies := map[string]*httputil.ReverseProxy{}
	for name, u := range upstreams {
		target := u
		proxies[name] = &httputil.ReverseProxy{
			Transport: transport,
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(target)
				pr.SetXForwarded()
				// The services see the client the gateway believes (the socket's peer unless that
				// is a trusted proxy), never a chain the client wrote itself.
				if ip, ok := pr.In.Context().Value(clientIPKey{}).(string); ok && ip != "" {
					pr.Out.Header.Set("X-Forwarded-For", ip)
				}
				pr.Out.Header.Del("X-Real-IP")
				pr.Out.Header.Del("Forwarded")
				pr.Out.Header.Set(correlation.Header, correlation.From(pr.In.Context()))
				pr.Out.Header.Set(httpx.RequestIDHeader, pr.In.Header.Get(httpx.RequestIDHeader))
			},
			ModifyResponse: func(r *http.Response) error {
				// The gateway's edge already set these on the response.
				for _, h := range []string{correlation.Header, httpx.RequestIDHeader, "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
					r.Header.Del(h)
				}
				return nil
			},
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				// A body sent without a length runs into the edge's limit only while it is
				// streamed upstream: that is the client's fault, not the service's.
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					writeProblem(w, r, httpx.Problem{Type: "urn:ocopfair:problem:" + string(apperr.TooLarge), Title: "Request too large",
						Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit)})
					return
				}
				writeProblem(w, r, httpx.Problem{Type: "urn:ocopfair:problem:bad_gateway", Title: "Service unavailable",
					Status: http.StatusBadGateway, Detail: "the " + name + " service did not answer; try again shortly"})
			},
		}
	}
	return func(c *gin.Context) {
		name := serviceFor(c.Request.URL.Path)
		p, ok := proxies[name]
		if !ok {
			httpx.RespondError(c, apperr.E(apperr.NotFound, "no such endpoint: %s %s", c.Request.Method, c.Request.URL.Path))
			return
		}
		p.ServeHTTP(c.Writer, c.Request.WithContext(context.WithValue(c.Request.Context(), clientIPKey{}, c.ClientIP())))
	}
}

// writeProblem answers with p as a problem document, outside gin (in the proxy's error handler).
func writeProblem(w http.ResponseWriter, r *http.Request, p httpx.Problem) {
	p.Instance, p.CorrelationID = r.URL.Path, correlation.From(r.Context())
	body, _ := json.Marshal(p)
	w.Header().Set("Content-Type", httpx.ProblemContentType)
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// clientIPKey carries the client IP, as the edge's trusted proxies resolve it, to the proxy's
// Rewrite, which sees only the http.Request.
type clientIPKey struct{}
