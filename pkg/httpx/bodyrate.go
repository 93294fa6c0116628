package httpx

import (
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// By default a request's body must keep arriving: after BodyGrace, at MinBodyRate bytes a second
// on average from the request's start, and never BodyIdle without a byte. A client that sends
// its headers and then trickles the body a byte a second (slowloris) otherwise held a connection,
// a goroutine and its buffers for as long as it liked. The floor is low because producers upload
// from communes on weak mobile networks: 4 KiB/s is 32 kbit/s, a weak 2G or 3G signal's, at
// which a phone's 1 MB photo takes four minutes and a 10 MiB import 43; a trickle must then
// cost its sender that much bandwidth per connection held. Before, the body's declared length at
// 16 KiB/s was its one deadline: a weak signal's photo was cut off, and a body sent fast and then
// held still kept its connection until that deadline.
const (
	MinBodyRate = 4 << 10
	BodyGrace   = 15 * time.Second
	BodyIdle    = 30 * time.Second
)

// bodyPace is a request body that must keep arriving. The connection's read deadline is first
// from (the request's start plus the grace, at most idle away); each read that brings bytes
// moves it to from plus the time those received so far are worth at rate, at most idle after
// now. A body that falls behind finds its next read past the deadline. The server clears the
// deadline once the body has been read to its end, as it starts its own read of the idle
// connection (to see the client leave), so a handler that then takes its time is not cut short:
// a read that ends the body moves it no more. A body cut off keeps it, so that discarding what
// is left of it is not held up either.
//
// Once the request's handler has returned (stop), no read moves it: the gateway's proxy streams
// a body from another goroutine, whose last read can end after the upstream answered without
// reading it all, when the connection (and the router's pooled context) already serve the next
// request.
type bodyPace struct {
	io.ReadCloser
	rc   *http.ResponseController
	from time.Time
	rate int64
	idle time.Duration

	mu       sync.Mutex
	received int64
	done     bool
}

// paceBody sets r's first body deadline and returns its body paced, and the pace to stop when
// the handler returns (nil for r without a body, whose body is returned as it is).
func paceBody(w http.ResponseWriter, r *http.Request, start time.Time, grace, idle time.Duration, rate int64) (io.ReadCloser, *bodyPace) {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return r.Body, nil
	}
	// The server's own writer, not a wrapper the router reuses for other requests.
	for {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	b := &bodyPace{ReadCloser: r.Body, rc: http.NewResponseController(w), from: start.Add(grace), rate: rate, idle: idle}
	_ = b.rc.SetReadDeadline(b.deadline(start))
	return b, b
}

func (b *bodyPace) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && err == nil {
		b.mu.Lock()
		b.received += int64(n)
		if !b.done {
			_ = b.rc.SetReadDeadline(b.deadline(time.Now()))
		}
		b.mu.Unlock()
	}
	return n, err
}

// stop ends the pacing: the request's handler has returned.
func (b *bodyPace) stop() {
	if b != nil {
		b.mu.Lock()
		b.done = true
		b.mu.Unlock()
	}
}

// deadline is when the next byte must have come, seen at now.
func (b *bodyPace) deadline(now time.Time) time.Time {
	due := b.from.Add(time.Duration(b.received) * time.Second / time.Duration(b.rate))
	if last := now.Add(b.idle); last.Before(due) {
		return last
	}
	return due
}

// msgBodyTooSlow is the answer to a body cut off for falling behind the least rate.
var msgBodyTooSlow = apperr.M("body_too_slow",
	"Nội dung gửi lên quá chậm nên đã bị ngắt (mạng yếu?); hãy thử lại khi sóng mạnh hơn, hoặc gửi tệp nhỏ hơn.",
	"The request body arrived too slowly and was cut off (a weak network?); try again on a stronger connection, or send a smaller file.")

// BodyTooSlow is the error for a body cut off for arriving too slowly (408, never the 5xx of a
// service that did not answer).
func BodyTooSlow() error { return apperr.New(apperr.TooSlow, msgBodyTooSlow) }

// BodyError is the error to answer when reading a request's body failed by the client's doing:
// a body over the limit (413, BodyTooLarge) or one cut off for arriving too slowly (408,
// BodyTooSlow); nil for any other failure.
func BodyError(err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return BodyTooLarge(tooBig.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return BodyTooSlow()
	}
	return nil
}
