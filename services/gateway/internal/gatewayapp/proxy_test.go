package gatewayapp

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

// benchBody stands for a page of a hot read: the size of the answer matters to the proxy's copy.
var benchBody = []byte(`{"items":[` + strings.Repeat(`{"id":"0192a7c4-5d7e-7c3a-9f00-000000000000","name":"Mật ong hoa bạc hà"},`, 24) +
	`{"id":"last"}],"next_cursor":""}`)

// TestProxyCopiesLargeBodiesIntact sends bodies larger than the proxy's copy buffer through the
// gateway at once, each with its own content, so that a buffer lent to two copies at a time, or
// handed back too early, would show as a mixed-up body.
func TestProxyCopiesLargeBodiesIntact(t *testing.T) {
	body := func(i int) string { return strings.Repeat(fmt.Sprintf("%07d|", i), 12<<10) } // 96 KiB
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		_, _ = io.WriteString(w, body(i))
	}))
	t.Cleanup(up.Close)
	f := start(t, func(c *Config) {
		for name := range c.Upstreams {
			c.Upstreams[name], _ = url.Parse(up.URL)
		}
	})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for j := range 10 {
				i := w*100 + j
				resp, err := http.Get(fmt.Sprintf("%s/api/products?i=%d", f.client.Base, i))
				if err != nil {
					t.Errorf("GET %d through the gateway: %v", i, err)
					return
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || string(got) != body(i) {
					t.Errorf("GET %d through the gateway: %d with %d bytes (%v), want 200 with its own %d bytes", i, resp.StatusCode, len(got), err, len(body(i)))
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkProxy measures what the gateway adds to a proxied read: the same GET to a trivial
// upstream on 127.0.0.1, once directly and once through the gateway's real handler and listener
// (anonymous, and with a bearer token), over keep-alive connections. The difference between the
// gateway's and the direct figures is the gateway's own cost per request; B/op and allocs/op
// count the whole process (client, gateway and upstream), so their difference is the gateway's
// too, and so does cpu-ns/op, the CPU time per request, which a busy machine disturbs less than
// ns/op. The gateway logs as deployed (JSON at info), to a sink.
//
//	cd services/gateway && go test -run '^$' -bench Proxy -benchmem ./internal/gatewayapp/
func BenchmarkProxy(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(benchBody)
	}))
	b.Cleanup(up.Close)
	_, natsURL := testenv.NATS(b)
	base := testenv.ServiceConfig(b, "gateway", natsURL)
	base.LogFormat, base.LogLevel = "json", slog.LevelInfo
	cfg := Config{Config: base, Upstreams: map[string]*url.URL{}, Hash: account.HashParams{Memory: 1024, Time: 1, Threads: 1},
		TokenTTL: time.Hour, LoginPerMinute: 10}
	for _, name := range []string{proxy.Event, proxy.Exhibitor, proxy.Matchmaking} {
		cfg.Upstreams[name], _ = url.Parse(up.URL)
	}
	app, err := New(b.Context(), cfg, io.Discard)
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	gw := testenv.Serve(b, app.Run)
	token, _, err := app.signer.Issue(auth.Principal{AccountID: "0192a7c4-5d7e-7c3a-9f00-00000000beef", Role: auth.RoleProducer,
		Name: "HTX Chè Tân Cương", Email: "htx@example.vn"}, time.Now(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.Cleanup(client.CloseIdleConnections)
	const path = "/api/fairs?limit=20"
	for _, bc := range []struct{ name, base, token string }{
		{"direct", up.URL, ""},
		{"gateway/public", gw, ""},
		{"gateway/bearer", gw, token},
	} {
		b.Run(bc.name, func(b *testing.B) {
			get := func() {
				req, _ := http.NewRequest(http.MethodGet, bc.base+path, nil)
				if bc.token != "" {
					req.Header.Set("Authorization", "Bearer "+bc.token)
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || n != int64(len(benchBody)) {
					b.Fatalf("GET %s: %d with %d bytes, want 200 with %d", path, resp.StatusCode, n, len(benchBody))
				}
			}
			get() // the connection is open before the clock starts
			b.ReportAllocs()
			before := cpuTime(b)
			for b.Loop() {
				get()
			}
			// CPU time per request, of the whole process: unlike ns/op, it holds still when other
			// work shares the machine.
			b.ReportMetric(float64((cpuTime(b)-before).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
