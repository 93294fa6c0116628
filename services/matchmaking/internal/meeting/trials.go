package meeting

import (
	"context"
	"math"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// A trial (POST /api/scheduling/solve) is a problem an organiser solves to try something out.
// Any organiser may send one, so a trial must never hold up a fair's scheduling run: it does not
// take the replica's scheduling gate, it starts only when neither a fair's run nor another trial
// is on, and a fair's run that takes the gate cuts it short (the solver then answers with the
// best schedule it has).

// startTrial registers a trial on the request's context and returns that context and how to end
// it; when a fair's run or another trial is on, it answers 503 with Retry-After and reports false.
func (rt *Routes) startTrial(c *gin.Context) (context.Context, func(), bool) {
	rt.trialMu.Lock()
	defer rt.trialMu.Unlock()
	if rt.trial != nil || (rt.Gate != nil && len(rt.Gate) > 0) {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(rt.SolveLimit.Seconds()))))
		httpx.RespondError(c, apperr.New(apperr.Unavailable, msgSchedulerBusy))
		return nil, nil, false
	}
	ctx, cancel := context.WithCancel(c.Request.Context())
	rt.trial = cancel
	return ctx, func() {
		rt.trialMu.Lock()
		rt.trial = nil
		rt.trialMu.Unlock()
		cancel()
	}, true
}

// endTrial cuts short the trial running on this replica, if any.
func (rt *Routes) endTrial() {
	rt.trialMu.Lock()
	defer rt.trialMu.Unlock()
	if rt.trial != nil {
		rt.trial()
	}
}
