package proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
)

// breakingService answers every request on a connection but drops the connection, unanswered,
// when the second request arrives on it: a kept-alive connection that broke just as the gateway
// reused it. It answers with the body it read, and counts the requests that reached it whole.
type breakingService struct {
	ln     net.Listener
	mu     sync.Mutex
	bodies []string
}

func newBreakingService(t *testing.T) *breakingService {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &breakingService{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *breakingService) serve(conn net.Conn) {
	defer conn.Close()
	br := bufio.NewReader(conn)
	for n := 0; ; n++ {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil || n == 1 {
			return // the second request on a connection is read whole, then left unanswered
		}
		s.mu.Lock()
		s.bodies = append(s.bodies, string(body))
		s.mu.Unlock()
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	}
}

// A request that meets a kept-alive connection to its service broken is sent again on a new
// connection when it carries an Idempotency-Key (the service answers a repeat as the first),
// with its body whole, instead of answering 502 while the service is up. A body larger than the
// proxy holds in memory streams, and one that stops before its stated length is refused as such.
func TestARequestMeetingABrokenConnectionIsSentAgain(t *testing.T) {
	svc := newBreakingService(t)
	u, _ := url.Parse("http://" + svc.ln.Addr().String())
	gin.SetMode(gin.TestMode)
	r := gin.New()
	NewRoutes(map[string]*url.URL{Exhibitor: u}).Register(r)
	gw := httptest.NewServer(r)
	t.Cleanup(gw.Close)

	post := func(body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, gw.URL+"/api/producers", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "k-"+body)
		res, err := gw.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		got, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(got)
	}
	for i := range 4 {
		body := fmt.Sprintf(`{"name":"Hợp tác xã %d"}`, i)
		if code, got := post(body); code != http.StatusOK || got != body {
			t.Fatalf("request %d: %d %s, want 200 and its body back", i, code, got)
		}
	}
	svc.mu.Lock()
	n := len(svc.bodies)
	svc.mu.Unlock()
	if n != 4 {
		t.Errorf("the service read %d whole requests, want 4", n)
	}
	// A request without a key the services honour is not sent again once written: the
	// service may have acted on it. (X-Idempotency-Key is not theirs, and is not passed on.)
	req, _ := http.NewRequest(http.MethodPost, gw.URL+"/api/producers", strings.NewReader(`{"name":"lần cuối"}`))
	req.Header.Set("X-Idempotency-Key", "k-x")
	once, err := gw.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	once.Body.Close()
	if once.StatusCode != http.StatusBadGateway {
		t.Errorf("a request with X-Idempotency-Key meeting a broken connection: %d, want 502 (not sent again)", once.StatusCode)
	}

	// A body that ends before its stated length is the client's fault, said as such.
	conn, err := net.Dial("tcp", strings.TrimPrefix(gw.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/producers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":")
	conn.(*net.TCPConn).CloseWrite()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	conn.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("a body cut short: %d, want 400", res.StatusCode)
	}
}
