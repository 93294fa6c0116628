package meeting

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// create asks for a meeting at the :fairId fair. A retry of an ask whose first run stored the
// meeting but lost its response (its Idempotency-Key's ID names it) answers with that meeting.
func (rt *Routes) create(c *gin.Context) {
	var req createRequest
	if !httpx.Bind(c, &req) {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	f, ok := rt.seenFair(c, p)
	if !ok {
		return
	}
	id := httpx.NewID(c)
	m, asked := rt.askedBefore(c, id, f.ID, p.AccountID)
	var err error
	if asked {
		// The first run may have died before its own count of the producer's booths.
		err = rt.BoothGone(c.Request.Context(), m)
	} else if m, err = rt.Ask(c.Request.Context(), f, p.AccountID, Ask{ID: id, BuyerID: req.BuyerID, ProducerID: req.ProducerID, Session: req.Session, Note: req.Note}); err != nil {
		// A first run still writing when this one looked may have stored it since: this one's
		// write then met its ID. (Any other refusal stands, the producer's lost booth among them.)
		if httpx.Rerun(c, id, err) {
			if again, ok := rt.askedBefore(c, id, f.ID, p.AccountID); ok {
				m, err = again, nil
			}
		}
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Location", "/api/meetings/"+m.ID)
	rt.respondMeeting(c, http.StatusCreated, m)
}

// askedBefore returns the meeting a re-run of an idempotent ask meets: its first run stored the
// meeting under id (the Idempotency-Key's ID) but its response was lost. It is answered as that
// first run did, rather than with the 409 of a meeting already asked for (kept for a day).
func (rt *Routes) askedBefore(c *gin.Context, id, fairID, account string) (Meeting, bool) {
	return httpx.StoredUnder(c, id, rt.Store.Get, func(m Meeting) bool {
		return m.FairID == fairID && (m.BuyerAccount == account || m.ProducerAccount == account)
	})
}
