package proxy

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// Routes forwards the /api requests no gateway route serves to the owning service, with the
// correlation ID and the caller's address, and answers 502 as a problem document when the
// service is down.
type Routes struct {
	proxies map[string]*httputil.ReverseProxy
	// slow forwards the requests that answer only once long work is done (ImportPath).
	slow *httputil.ReverseProxy
}

// ImportPath is the exhibitor service's spreadsheet import; ImportTimeout bounds the wait for its
// answer (the import's own limit, and the time it may wait for its turn).
const ImportPath = "/api/producers/import"

// headerTimeout bounds the wait for a service's answer to begin; importTimeout that of an import.
var headerTimeout, importTimeout = 60 * time.Second, 11 * time.Minute

// NewRoutes returns the routes to upstreams, the services' base URLs by service name.
func NewRoutes(upstreams map[string]*url.URL) *Routes {
	// Each service is one host: keep enough idle connections to it for the requests in flight
	// at 1,000 a second while it answers within 250 ms, so that a burst is served over kept-alive
	// connections instead of opening (and then closing, into TIME_WAIT) one per request beyond
	// the idle limit (http.DefaultTransport keeps 2).
	transport := &http.Transport{
		Proxy:                 nil,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: headerTimeout,
	}
	rt := &Routes{proxies: map[string]*httputil.ReverseProxy{}}
	buffers := &bufferPool{}
	for name, u := range upstreams {
		rt.proxies[name] = newReverseProxy(name, u, transport, buffers)
	}
	if u, ok := upstreams[Exhibitor]; ok {
		// A spreadsheet import answers when its last row is stored (its report holds claim
		// codes shown nowhere else): its answer is awaited as long as the import may run.
		slow := transport.Clone()
		slow.ResponseHeaderTimeout = importTimeout
		rt.slow = newReverseProxy(Exhibitor, u, slow, buffers)
	}
	return rt
}

// Register makes the proxy what r does with a path it has no route for: an /api path goes to its
// service, anything else is 404.
func (rt *Routes) Register(r *gin.Engine) {
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			rt.forward(c)
			return
		}
		httpx.RespondError(c, httpx.NoRoute(c.Request.Method, c.Request.URL.Path))
	})
}

func (rt *Routes) forward(c *gin.Context) {
	name := ServiceFor(c.Request.URL.Path)
	p, ok := rt.proxies[name]
	if c.Request.URL.Path == ImportPath && rt.slow != nil {
		p = rt.slow
	}
	if !ok {
		httpx.RespondError(c, httpx.NoRoute(c.Request.Method, c.Request.URL.Path))
		return
	}
	httpx.SetRoute(c, "proxy:"+name)
	if !replayable(c) {
		return
	}
	// The service logs the request under the ID the edge settled on (the client's when valid, or
	// one it made).
	seen := edgeSeen{clientIP: c.ClientIP(), requestID: httpx.RequestID(c)}
	p.ServeHTTP(c.Writer, c.Request.WithContext(context.WithValue(c.Request.Context(), edgeKey{}, seen)))
}

// replayBodyLimit is the largest request body the proxy holds in memory so that it can send it
// again: JSON forms fit, photos and spreadsheets stream.
const replayBodyLimit = 64 << 10

// replayable reads a small request body into memory and lets the transport send it again. A
// kept-alive connection to a service can break just as a request is written to it; the transport
// then sends the request again on a new connection when it wrote nothing yet, or when the request
// carries an Idempotency-Key (the service answers a repeat as the first), but only if it can read
// the body again. Without this, such a request answers 502 although the service is up. It
// reports false when it has answered the request itself (the body could not be read).
func replayable(c *gin.Context) bool {
	r := c.Request
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength <= 0 || r.ContentLength > replayBodyLimit {
		return true
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, r.ContentLength))
	if err == nil && int64(len(body)) < r.ContentLength {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		if e := httpx.BodyError(err); e != nil {
			httpx.RespondError(c, e)
		} else {
			httpx.RespondError(c, apperr.New(apperr.Malformed, msgBodyUnread))
		}
		return false
	}
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return true
}

// msgBodyUnread is the answer when the client stopped sending its body before the end.
var msgBodyUnread = apperr.M("body_incomplete",
	"Nội dung yêu cầu chưa gửi đủ; vui lòng gửi lại.",
	"The request's body ended before its stated length; send it again.")

// msgServiceDown is the answer when the service that owns a path does not answer.
var msgServiceDown = apperr.M("service_unavailable",
	"Dịch vụ %s tạm thời không phản hồi; vui lòng thử lại sau giây lát.",
	"The %s service did not answer; try again shortly.")

// serviceNames name the upstream services in the reader's language.
var serviceNames = map[string]apperr.Msg{
	Event:       apperr.M("service_name.event", "hội chợ", "fair"),
	Exhibitor:   apperr.M("service_name.exhibitor", "chủ thể và sản phẩm", "producer and product"),
	Matchmaking: apperr.M("service_name.matchmaking", "kết nối giao thương", "matchmaking"),
}

// serviceName names an upstream service in the reader's language.
func serviceName(name string) apperr.Msg { return serviceNames[name] }

// newReverseProxy returns the proxy to the service name at target.
func newReverseProxy(name string, target *url.URL, transport http.RoundTripper, buffers httputil.BufferPool) *httputil.ReverseProxy {
	return &httputil.ReverseProxy{
		Transport:  transport,
		BufferPool: buffers,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.SetXForwarded()
			// The services see the client the gateway believes (the socket's peer unless that
			// is a trusted proxy), never a chain the client wrote itself.
			seen, _ := pr.In.Context().Value(edgeKey{}).(edgeSeen)
			if seen.clientIP != "" {
				pr.Out.Header.Set("X-Forwarded-For", seen.clientIP)
			}
			pr.Out.Header.Del("X-Real-IP")
			pr.Out.Header.Del("Forwarded")
			// The services know Idempotency-Key alone; Go's transport would also send a request
			// carrying this one again after a broken connection (see replayable).
			pr.Out.Header.Del("X-Idempotency-Key")
			pr.Out.Header.Set(correlation.Header, correlation.From(pr.In.Context()))
			pr.Out.Header.Del(httpx.RequestIDHeader)
			if seen.requestID != "" {
				pr.Out.Header.Set(httpx.RequestIDHeader, seen.requestID)
			}
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
			// streamed upstream, and one falls behind the least rate (a photo on a weak network)
			// only then: that is the client's doing, not the service's, which is not down. The
			// transport may see the request's context end first (the server ends it on the
			// failed read), or the client gone.
			if r.ContentLength != 0 {
				problem := httpx.BodyError(err)
				if problem == nil && r.Context().Err() != nil {
					problem = httpx.BodyTooSlow()
				}
				if problem != nil {
					httpx.WriteProblem(w, r, problem)
					return
				}
			}
			httpx.WriteProblem(w, r, apperr.New(apperr.BadGateway, msgServiceDown, serviceName(name)))
		},
	}
}

// copyBufferSize is the size of the buffer a response body is copied through: the size the
// reverse proxy allocates per request when it has no pool.
const copyBufferSize = 32 << 10

// bufferPool lends the reverse proxy its copy buffers, so that a proxied request does not
// allocate (and the collector reclaim) 32 KiB each, most of the gateway's garbage per request.
type bufferPool struct{ pool sync.Pool }

// Get returns a buffer of copyBufferSize bytes.
func (b *bufferPool) Get() []byte {
	if p, ok := b.pool.Get().(*[]byte); ok {
		return *p
	}
	return make([]byte, copyBufferSize)
}

// Put takes back a buffer Get returned.
func (b *bufferPool) Put(buf []byte) {
	if cap(buf) != copyBufferSize {
		return
	}
	buf = buf[:copyBufferSize]
	b.pool.Put(&buf)
}

// edgeKey carries what the edge settled on (edgeSeen) to the proxy's Rewrite, which sees only
// the http.Request.
type edgeKey struct{}

// edgeSeen is the client IP, as the edge's trusted proxies resolve it, and the request's ID.
type edgeSeen struct{ clientIP, requestID string }
