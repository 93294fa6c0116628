package httpx_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// serveBodies serves POST /read, which reads the body and then takes wait before it answers
// whether its request is still on (200 "on") or was cancelled (503), on 127.0.0.1; it returns the
// address.
func serveBodies(t *testing.T, wait time.Duration) string {
	t.Helper()
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MinBodyRate: 1000, BodyGrace: 300 * time.Millisecond, BodyIdle: 1500 * time.Millisecond})
	r.POST("/read", func(c *gin.Context) {
		if _, err := httpx.ReadBody(c); err != nil {
			httpx.RespondError(c, err)
			return
		}
		select {
		case <-time.After(wait):
			c.String(http.StatusOK, "on")
		case <-c.Request.Context().Done():
			c.String(http.StatusServiceUnavailable, "cancelled")
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- httpx.Serve(ctx, ln, r, time.Second) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// A body trickled a byte at a time (slowloris) is cut off once it falls behind the least rate,
// and answered 408 body_too_slow: before, the connection stayed open as long as the client kept
// sending (75 s and more).
func TestATrickledBodyIsCutOff(t *testing.T) {
	addr := serveBodies(t, 0)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, "POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range 60 {
			if _, err := conn.Write([]byte("x")); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(6 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("a body of 1,000 bytes trickled at 10 a second was read for %v, want it cut off after about 0.3 s", took)
	}
	if err != nil {
		t.Fatalf("no answer to a body cut off: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), `"code":"body_too_slow"`) {
		t.Errorf("a body cut off: %d %s, want 408 body_too_slow", res.StatusCode, body)
	}
}

// postSlowly sends a body of size bytes to addr's /read, its first part bytes at once and then
// the rest in pieces of piece bytes every every, and returns the answer and when it came.
func postSlowly(t *testing.T, addr string, size, first, piece int, every time.Duration) (int, string, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := fmt.Fprintf(conn, "POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s", size, strings.Repeat("x", first)); err != nil {
		t.Fatal(err)
	}
	go func() { // each piece on its time from the start, however late the one before was
		for k, sent := 1, first; sent < size && piece > 0; k, sent = k+1, sent+piece {
			time.Sleep(time.Until(start.Add(time.Duration(k) * every)))
			if _, err := conn.Write([]byte(strings.Repeat("x", min(piece, size-sent)))); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(8 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer after %v: %v", time.Since(start), err)
	}
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body), time.Since(start)
}

// A body sent in part and then held still is cut off once nothing came for the idle time, not
// only when its declared length is due at the least rate (here 100 s: the deadline it had before).
func TestABodyHeldStillIsCutOff(t *testing.T) {
	addr := serveBodies(t, 0)
	status, body, took := postSlowly(t, addr, 100_000, 50_000, 0, 0)
	if status != http.StatusRequestTimeout || !strings.Contains(body, `"code":"body_too_slow"`) || took > 5*time.Second {
		t.Errorf("half a body, then nothing: %d %s after %v, want 408 body_too_slow after about 1.5 s", status, body, took)
	}
}

// A body that keeps coming at the least rate or faster is read whole, past its grace (the
// default rate lets a weak signal's photo through: TestTheDefaultsLetAWeakSignalsPhotoThrough).
func TestASlowSteadyBodyIsRead(t *testing.T) {
	addr := serveBodies(t, 0)
	status, body, took := postSlowly(t, addr, 3000, 0, 100, 30*time.Millisecond)
	if status != http.StatusOK || strings.TrimSpace(body) != "on" {
		t.Errorf("3,000 bytes at about 3,300 a second: %d %s after %v, want 200 on", status, body, took)
	}
}

// A body read in time leaves the handler its time: one that takes longer than the body was given
// is not cancelled (the server's read of the idle connection after the body would end it if the
// deadline stayed), and the connection serves the next request.
func TestABodyReadInTimeLeavesTheHandlerItsTime(t *testing.T) {
	addr := serveBodies(t, 1500*time.Millisecond)
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range 2 {
		r, err := client.Post("http://"+addr+"/read", "application/json", bytes.NewReader([]byte(`{"a":1}`)))
		if err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "on" {
			t.Errorf("request %d on one connection: %d %q, want 200 on", i+1, r.StatusCode, body)
		}
	}
}
