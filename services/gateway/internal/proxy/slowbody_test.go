package proxy

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// A body trickled through the gateway slower than the least rate is answered 408 body_too_slow,
// whether the gateway holds it whole (a form) or streams it on (a photo, a spreadsheet): before,
// the streamed one was answered 502, the service "not answering", logged as an error, and a
// producer on a weak network was told to try a service that was up.
func TestASlowBodyIsAnsweredAsSuch(t *testing.T) {
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(svc.Close)
	u, _ := url.Parse(svc.URL)
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MinBodyRate: 100_000, BodyGrace: 300 * time.Millisecond})
	NewRoutes(map[string]*url.URL{Exhibitor: u}).Register(r)
	gw := httptest.NewServer(r)
	t.Cleanup(gw.Close)
	for _, size := range []int{1000, replayBodyLimit + 5000} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(gw.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		fmt.Fprintf(conn, "POST /api/producers/import HTTP/1.1\r\nHost: x\r\nIdempotency-Key: slow-%d\r\nContent-Length: %d\r\n\r\n", size, size)
		go func() {
			for range 40 {
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("a body of %d bytes trickled: no answer (%v)", size, err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), `"code":"body_too_slow"`) {
			t.Errorf("a body of %d bytes trickled: %d %s after %v, want 408 body_too_slow", size, res.StatusCode, body, time.Since(start))
		}
	}
}
