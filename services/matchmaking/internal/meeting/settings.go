package meeting

import (
	"context"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// settingsWait bounds how long a scheduling request waits for B2B settings saved a moment ago
// at the event service: they reach this service through the EVENT stream, after the event
// service's outbox relay (which wakes on every write, and polls every 2 s) has published them.
const settingsWait = 3 * time.Second

// settingsOf returns the fair as a scheduling run must see it: with B2B settings, and at least
// at the revision the request names in fair_revision (what PUT .../b2b-sessions answered), so
// that a run right after the settings were saved uses them instead of answering that there are
// none or using the ones before. It waits up to settingsWait for them; a fair that still has none
// is returned as it is. A bad fair_revision is answered (false), and so is one not seen within
// the wait: 503 with Retry-After, never a run on the settings before it.
func (rt *Routes) settingsOf(c *gin.Context, fairID string) (index.Fair, bool) {
	var want int64
	if s := c.Query("fair_revision"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			httpx.RespondError(c, apperr.InvalidField("fair_revision", msgFairRevision))
			return index.Fair{}, false
		}
		want = n
	}
	ready := func(f index.Fair) bool { return len(f.B2BDays) > 0 && f.Revision >= want }
	if f, ok := rt.Index.Fair(fairID); ok && ready(f) {
		return f, true
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), settingsWait)
	defer cancel()
	f, _ := rt.Index.WaitFair(ctx, fairID, ready)
	if f.Revision < want {
		c.Header("Retry-After", strconv.Itoa(int(settingsWait.Seconds())))
		httpx.RespondError(c, apperr.New(apperr.Unavailable, msgFairRevisionNotYet, want))
		return index.Fair{}, false
	}
	return f, true
}
