package httpx

import (
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// By default a request's body must arrive at MinBodyRate bytes a second or faster, after
// BodyGrace: a client that sends its headers and then trickles the body a byte a second
// (slowloris) otherwise held a connection, a goroutine and its buffers for as long as it liked.
// The slowest mobile networks producers use carry a few hundred kilobits a second; a 10 MiB photo
// at 16 KiB/s takes 11 minutes.
const (
	MinBodyRate = 16 << 10
	BodyGrace   = 15 * time.Second
)

// setBodyDeadline sets the connection's read deadline for r's body, at most limit bytes (its
// declared length, else limit), at rate bytes a second from from. The server clears it once the
// body has been read to its end, as it starts its own read of the idle connection (to see the
// client leave), so a handler that then takes its time is not cut short; it sets its own for the
// next request. A body cut off keeps it, so that discarding what is left of it is not held up
// either.
func setBodyDeadline(w http.ResponseWriter, r *http.Request, from time.Time, limit, rate int64) {
	size := r.ContentLength
	if size == 0 || r.Body == nil || r.Body == http.NoBody {
		return
	}
	if size < 0 {
		size = limit
	}
	_ = http.NewResponseController(w).SetReadDeadline(from.Add(time.Duration(size) * time.Second / time.Duration(rate)))
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
