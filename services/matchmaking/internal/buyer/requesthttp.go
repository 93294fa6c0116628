package buyer

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// The routes of sourcing requests: create, list, read, change and close.

func (rt *Routes) createRequest(c *gin.Context) {
	var req sourcingCreateRequest
	if !httpx.Bind(c, &req) {
		return
	}
	b, ok := rt.ownBuyer(c, false)
	if !ok {
		return
	}
	f, err := sourcingRequest(req).fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	now := rt.now()
	r := Request{ID: httpx.NewID(c), BuyerID: b.ID, AccountID: b.AccountID, Open: true, Revision: 1, CreatedAt: now, UpdatedAt: now}
	if err := cmp.Or(r.Apply(f, true), rt.seenFair(c.Request.Context(), f.FairID)); err != nil {
		httpx.RespondError(c, err)
		return
	}
	owned := func(x Request) bool { return x.BuyerID == b.ID }
	if err := rt.Store.TakeOpenPlace(c.Request.Context(), b.ID); err != nil {
		// A re-run of a create that stored the request that reached the most answers with it.
		stored, ok := httpx.StoredUnder(c, r.ID, rt.Store.Request, owned)
		if !ok {
			httpx.RespondError(c, err)
			return
		}
		c.Header("Location", "/api/requests/"+stored.ID)
		c.JSON(http.StatusCreated, toRequestResponse(stored))
		return
	}
	if err := rt.Store.CreateRequest(c.Request.Context(), r, correlation.From(c.Request.Context())); err != nil {
		rt.Store.GiveBackOpenPlace(c.Request.Context(), b.ID, r.ID, err)
		stored, ok := httpx.StoredBefore(c, r.ID, err, rt.Store.Request, owned)
		if !ok {
			httpx.RespondError(c, err)
			return
		}
		// A re-run of a request whose first run stored the sourcing request but whose response
		// was lost: answer as that first run did, so the client learns the ID it created.
		r = stored
	}
	rt.Notify()
	c.Header("Location", "/api/requests/"+r.ID)
	c.JSON(http.StatusCreated, toRequestResponse(r))
}

// MaxOpenRequests is the most sourcing requests a buyer may hold open at once: every producer's
// opportunities are drawn from the open requests, and a buyer with more needs closes those met.
// Creates take places (Store.TakeOpenPlace), so parallel ones cannot pass it together.
const MaxOpenRequests = 100

func (rt *Routes) listRequests(c *gin.Context) {
	page, err := httpx.PageOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	b, ok := rt.ownBuyer(c, true)
	if !ok {
		return
	}
	var after string
	if err := httpx.DecodeCursor(page.Cursor, &after); err != nil {
		httpx.RespondError(c, err)
		return
	}
	rs, err := rt.Store.Requests(c.Request.Context(), b.ID, after, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(rs, page.Limit, func(r Request) any { return r.ID }, func(r Request) requestResponse { return rt.withInterests(c, r) }))
}

// visibleRequest loads a request the caller may read: its buyer, staff, producers while open.
func (rt *Routes) visibleRequest(c *gin.Context, ownerOnly bool) (Request, bool) {
	read := rt.Store.RecentRequest
	if ownerOnly { // a write: the stored request, whose revision the write is checked against
		read = rt.Store.Request
	}
	r, err := read(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return Request{}, false
	}
	p, _ := httpx.PrincipalFrom(c)
	switch {
	case r.AccountID == p.AccountID:
		return r, true
	case ownerOnly:
	case p.Is(auth.RoleOrganiser, auth.RoleAdmin):
		return r, true
	case p.Role == auth.RoleProducer && r.Open:
		return r, true
	}
	httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOtherRequest))
	return Request{}, false
}

func (rt *Routes) getRequest(c *gin.Context) {
	r, ok := rt.visibleRequest(c, false)
	if !ok {
		return
	}
	// Its buyer reads what it edits as stored: the revision it sends back as If-Match must not
	// be a cached one another replica's write has passed.
	if p, _ := httpx.PrincipalFrom(c); r.AccountID == p.AccountID {
		stored, err := rt.Store.Request(c.Request.Context(), r.ID)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		r = stored
	}
	c.Header("ETag", httpx.RevisionTag(r.Revision))
	c.JSON(http.StatusOK, rt.withInterests(c, r))
}

func (rt *Routes) saveRequest(c *gin.Context, subject string, fn func(Request) (Request, error)) {
	r, ok := rt.visibleRequest(c, true)
	if !ok {
		return
	}
	// A closed request says so before a version that changed: the closing is what changed.
	next, err := fn(r)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if !httpx.IfMatchRevision(c.GetHeader("If-Match"), r.Revision) {
		httpx.RespondError(c, ErrStale)
		return
	}
	next.Revision, next.UpdatedAt = r.Revision+1, rt.now()
	if err := rt.Store.SaveRequest(c.Request.Context(), next, r.Revision, subject, correlation.From(c.Request.Context())); err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.Notify()
	c.Header("ETag", httpx.RevisionTag(next.Revision))
	c.JSON(http.StatusOK, toRequestResponse(next))
}

// seenFair refuses a fair_id given that names no fair a buyer may see: unknown here, or a draft
// (as the event service answers for it). Nil and "" are no fair. A fair published a moment ago
// may still be on its way to this replica's index: it is waited for, a little.
func (rt *Routes) seenFair(ctx context.Context, given *string) error {
	if given == nil || rt.Index == nil {
		return nil
	}
	id := strings.TrimSpace(*given)
	if id == "" {
		return nil
	}
	// Fair IDs are UUIDs as they are written (lower case, with dashes): anything else, even
	// another spelling of a UUID, is looked up, and not waited for.
	wait := fairWait
	if u, err := uuid.Parse(id); err != nil || u.String() != id {
		wait = 0
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if _, ok := rt.Index.WaitFair(ctx, id, func(f index.Fair) bool { return !f.Private() }); ok {
		return nil
	}
	return apperr.InvalidField("fair_id", msgRequestFair)
}

// fairWait is how long a request naming a fair waits for this replica to hear of it.
const fairWait = 2 * time.Second

func (rt *Routes) patchRequest(c *gin.Context) {
	var req sourcingRequest
	if !httpx.Bind(c, &req) {
		return
	}
	f, err := req.fields()
	if err == nil {
		err = rt.seenFair(c.Request.Context(), f.FairID)
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.saveRequest(c, events.RequestUpdated, func(r Request) (Request, error) {
		if !r.Open {
			return r, apperr.New(apperr.Conflict, msgRequestClosed)
		}
		return r, r.Apply(f, false)
	})
}

func (rt *Routes) closeRequest(c *gin.Context) {
	rt.saveRequest(c, events.RequestClosed, func(r Request) (Request, error) {
		if !r.Open {
			return r, apperr.New(apperr.Conflict, msgRequestAlreadyClosed)
		}
		r.Open = false
		return r, nil
	})
}

// buyerVersion and requestVersion document the ETag of a profile's and a request's answers.
var (
	buyerVersion   = map[string]string{"ETag": "the profile's revision, for If-Match on PATCH (409 buyer_record_changed when it changed since)"}
	requestVersion = map[string]string{"ETag": "the request's revision, for If-Match on PATCH and close (409 buyer_record_changed when it changed since)"}
)
