package live

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TicketResponse is a stream ticket.
type TicketResponse struct {
	Ticket    string    `json:"ticket" doc:"opens one stream: GET /api/live?ticket=..."`
	ExpiresAt time.Time `json:"expires_at"`
}

// RevokedCheck is how often an open stream checks that its account's sessions have not ended.
const RevokedCheck = 2 * time.Second

// Routes serves the stream tickets and the streams of relay.
type Routes struct {
	relay   *Relay
	tickets *Tickets
}

// NewRoutes returns the live routes: tickets issues and redeems the tickets that open relay's
// streams.
func NewRoutes(relay *Relay, tickets *Tickets) *Routes {
	return &Routes{relay: relay, tickets: tickets}
}

// Register mounts the routes on api.
func (rt *Routes) Register(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/live/ticket", Tag: "console", Roles: auth.Roles,
		Summary:  "A single-use ticket that opens one live stream within 30 seconds (an EventSource cannot send the token in a header, and URLs are logged). While the replica holds as many streams as it may (5,000), 503 live_full with Retry-After.",
		Response: TicketResponse{}, Errors: []int{http.StatusServiceUnavailable}}, rt.issueTicket)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/live", Tag: "console",
		Summary: "Server-sent events telling the console which of its own applications and meetings, fairs it organises, and public fairs changed (admins: all). Opened with ?ticket= from POST /api/live/ticket; a token in the URL is refused. An account holds at most 10 streams at once on a replica (429 live_too_many_streams), and a replica 5,000 in all (503 live_full, Retry-After).",
		Query:   []openapi.Param{{Name: "ticket", Description: "from POST /api/live/ticket"}},
		Files:   []string{"text/event-stream"}, Errors: []int{http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusServiceUnavailable}}, rt.stream)
}

// issueTicket serves POST /api/live/ticket: the signed-in caller gets a ticket for one stream.
func (rt *Routes) issueTicket(c *gin.Context) {
	if rt.relay.full() {
		refuseFull(c)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	ticket, exp, err := rt.tickets.Issue(p, time.Now())
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, TicketResponse{Ticket: ticket, ExpiresAt: exp.In(vntext.Zone)})
}

// stream serves GET /api/live as server-sent events, opened with a ticket from issueTicket (an
// access token in the URL is refused: URLs end up in logs).
func (rt *Routes) stream(c *gin.Context) {
	if c.Query("token") != "" {
		httpx.RespondError(c, apperr.New(apperr.Unauthorized, msgTokenInURL))
		return
	}
	// A revocation seen from here on ends the stream (one seen before refuses its ticket).
	opened := time.Now()
	p, err := rt.tickets.Redeem(c.Query("ticket"), opened)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	cl, leave, err := rt.relay.join(c.Request.Context(), p)
	if errors.Is(err, errLiveFull) {
		refuseFull(c)
		return
	}
	if errors.Is(err, errTooManyStreams) {
		httpx.RespondError(c, err)
		return
	}
	if err != nil {
		httpx.Logger(c).Warn("live stream: finding the account's profiles", "err", err, "account", p.AccountID)
		httpx.RespondError(c, apperr.New(apperr.Unavailable, msgLiveUnavailable))
		return
	}
	defer leave()
	ended := func() bool { return rt.tickets.revoked.RevokedSince(p.AccountID, opened) }
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	_, _ = c.Writer.WriteString(": connected\n\n")
	c.Writer.Flush()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	// A stream of an account whose sessions ended (see auth.Revocations) ends within RevokedCheck,
	// and hears nothing more meanwhile.
	check := time.NewTicker(RevokedCheck)
	defer check.Stop()
	done := c.Request.Context().Done()
	for {
		select {
		case <-done:
			return
		case <-rt.relay.done:
			return
		case <-check.C:
			if ended() {
				return
			}
			continue
		case <-tick.C:
			if _, err := c.Writer.WriteString(": keep-alive\n\n"); err != nil {
				return // the phone is gone: its place goes to another
			}
		case n := <-cl.ch:
			if ended() {
				return
			}
			b, _ := json.Marshal(n)
			if _, err := c.Writer.WriteString("data: " + string(b) + "\n\n"); err != nil {
				return
			}
		}
		c.Writer.Flush()
	}
}

// refuseFull answers 503 live_full: the replica holds as many streams as it may.
func refuseFull(c *gin.Context) {
	c.Header("Retry-After", strconv.Itoa(int(LiveFullRetry.Seconds())))
	httpx.RespondError(c, errLiveFull)
}
