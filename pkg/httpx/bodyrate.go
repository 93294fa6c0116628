package httpx

import (
	"net/http"
	"time"
)

// A request's body must arrive at minBodyRate bytes a second or faster, after bodyGrace: a client
// that sends its headers and then trickles the body a byte a second (slowloris) otherwise held a
// connection, a goroutine and its buffers for as long as it liked. The slowest mobile networks
// producers use carry a few hundred kilobits a second; a 10 MiB photo at 16 KiB/s takes 11
// minutes.
var (
	minBodyRate int64 = 16 << 10
	bodyGrace         = 15 * time.Second
)

// setBodyDeadline sets the connection's read deadline for r's body, at most limit bytes (its
// declared length, else limit), counted from start. The server clears it once the body has been
// read to its end, as it starts its own read of the idle connection (to see the client leave),
// so a handler that then takes its time is not cut short; it sets its own for the next request.
// A body cut off keeps it, so that discarding what is left of it is not held up either.
func setBodyDeadline(w http.ResponseWriter, r *http.Request, start time.Time, limit int64) {
	size := r.ContentLength
	if size == 0 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	if size < 0 {
		size = limit
	}
	_ = http.NewResponseController(w).SetReadDeadline(start.Add(bodyGrace + time.Duration(size)*time.Second/time.Duration(minBodyRate)))
}
