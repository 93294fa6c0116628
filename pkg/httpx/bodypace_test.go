package httpx

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// deadlines is the server's own writer as bodyPace sees it: it counts the read deadlines set.
type deadlines struct {
	http.ResponseWriter
	set int
}

func (d *deadlines) SetReadDeadline(time.Time) error { d.set++; return nil }

// pooled is a router's writer, reused for the next request once a handler returns: it counts
// how often it is asked for the writer under it.
type pooled struct {
	http.ResponseWriter
	unwrapped int
}

func (p *pooled) Unwrap() http.ResponseWriter { p.unwrapped++; return p.ResponseWriter }

// A body read after its handler returned (the gateway's proxy streams it from another goroutine,
// whose last read may end after the upstream answered) sets no deadline: the connection may serve
// the next request by then. Nor does any read go through the router's pooled writer, which by
// then is another request's (a data race, and that request's connection given this one's
// deadline).
func TestABodyReadAfterItsHandlerSetsNoDeadline(t *testing.T) {
	server := &deadlines{ResponseWriter: httptest.NewRecorder()}
	w := &pooled{ResponseWriter: server}
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", 300)))
	body, pace := paceBody(w, r, time.Now(), time.Second, time.Second, 1000)
	if server.set != 1 {
		t.Fatalf("%d deadlines set as the body is paced, want its first", server.set)
	}
	atStart := w.unwrapped
	piece := make([]byte, 100)
	if _, err := body.Read(piece); err != nil {
		t.Fatal(err)
	}
	if server.set != 2 {
		t.Errorf("%d deadlines set after a read, want the first and one more", server.set)
	}
	pace.stop()
	if _, err := io.ReadFull(body, piece); err != nil {
		t.Fatal(err)
	}
	if server.set != 2 {
		t.Errorf("%d deadlines set, a read after the handler returned among them; want 2", server.set)
	}
	if w.unwrapped != atStart {
		t.Errorf("reads went through the router's writer %d times, want none", w.unwrapped-atStart)
	}
}

// The defaults let a phone's photo through on a weak signal: 1 MB at 32 kbit/s, a piece of
// 1,000 bytes every quarter second, each before the deadline the one before it left. (One
// deadline from the declared length at 16 KiB/s, before, cut it off after 76 s of its 250.)
func TestTheDefaultsLetAWeakSignalsPhotoThrough(t *testing.T) {
	start := time.Unix(0, 0)
	b := &bodyPace{from: start.Add(BodyGrace), rate: MinBodyRate, idle: BodyIdle}
	due := b.deadline(start)
	for k := 1; k <= 1000; k++ {
		at := start.Add(time.Duration(k) * 250 * time.Millisecond)
		if at.After(due) {
			t.Fatalf("piece %d of the photo came %v after the start, its deadline was %v", k, at.Sub(start), due.Sub(start))
		}
		b.received += 1000
		due = b.deadline(at)
	}
}
