package account

import (
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// hashWait is how long a request that hashes a password waits for a turn before it is told to
// come back (503 with Retry-After).
const hashWait = 3 * time.Second

var msgHashBusy = apperr.M("auth_busy",
	"hệ thống đang có nhiều người đăng nhập cùng lúc; vui lòng thử lại sau vài giây",
	"many people are signing in at once; please try again in a few seconds")

// hashTurns bounds the password hashes (argon2id: 19 MiB and tens of milliseconds of a core
// each) running at once on this replica: a burst of sign-ins and sign-ups, each from an address
// within its own limits, would otherwise take every core and hundreds of megabytes, and every
// other request through the gateway would wait behind them.
type hashTurns chan struct{}

func newHashTurns() hashTurns { return make(hashTurns, 2*runtime.GOMAXPROCS(0)) }

// take waits up to hashWait for a turn and returns its release (which may be called more than
// once: the turn is given back the first time); without one it answers 503 with Retry-After and
// reports false. A client that goes away stops waiting.
func (h hashTurns) take(c *gin.Context) (release func(), ok bool) {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case h <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-h }) }, true
	case <-t.C:
	case <-c.Request.Context().Done():
	}
	c.Header("Retry-After", strconv.Itoa(int(hashWait/time.Second)))
	httpx.RespondError(c, apperr.New(apperr.Unavailable, msgHashBusy))
	return nil, false
}
