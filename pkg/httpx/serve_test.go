package httpx_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// A request whose line and headers pass MaxHeaderBytes is refused with 431 before any handler
// reads it (a search or a cache key of half a megabyte); a long ordinary one is served.
func TestServeRefusesHugeRequestHeaders(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- httpx.Serve(ctx, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), time.Second)
	}()
	t.Cleanup(func() { cancel(); <-done })
	for _, tc := range []struct {
		size int
		want int
	}{{4 << 10, http.StatusOK}, {httpx.MaxHeaderBytes + 8<<10, http.StatusRequestHeaderFieldsTooLarge}} {
		res, err := http.Get("http://" + ln.Addr().String() + "/?q=" + strings.Repeat("a", tc.size))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("a request line of %d bytes: %d, want %d", tc.size, res.StatusCode, tc.want)
		}
	}
}
