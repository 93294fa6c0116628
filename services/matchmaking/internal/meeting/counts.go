package meeting

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// Counts are a fair's meetings by where they stand: the organisers' dashboard reads them at a
// glance, from requested to held.
type Counts struct {
	// Requested are waiting for the other side's answer (a counter-proposal included).
	Requested int `json:"requested" doc:"waiting for the other side's answer"`
	// Accepted are agreed by both sides, scheduled or not.
	Accepted int `json:"accepted" doc:"agreed by both sides, scheduled or not"`
	// Scheduled are the accepted ones the fair's newest schedule places.
	Scheduled int `json:"scheduled" doc:"accepted meetings the fair's newest schedule places at a slot and table"`
	Declined  int `json:"declined"`
	Cancelled int `json:"cancelled"`
	// Held have an outcome recorded.
	Held int `json:"held" doc:"meetings whose outcome was recorded"`
}

// add counts m, placed when the fair's schedule gives it a slot.
func (c *Counts) add(m Meeting, placed bool) {
	switch m.Status {
	case Requested:
		c.Requested++
	case Accepted:
		c.Accepted++
		if placed {
			c.Scheduled++
		}
	case Declined:
		c.Declined++
	case Cancelled:
		c.Cancelled++
	}
	if m.Held() {
		c.Held++
	}
}

// Counts returns fair f's meetings by where they stand, from memory: a meeting placed where
// its B2B settings no longer have the slot or table is not scheduled.
func (a *Agendas) Counts(f index.Fair, now time.Time) Counts {
	fairID := f.ID
	a.mu.RLock()
	defer a.mu.RUnlock()
	var c Counts
	t := a.tables[fairID]
	for _, m := range a.meetings {
		if m.FairID != fairID {
			continue
		}
		p := t.place(*m)
		c.add(p, p.Day != "" && placedStill(f, p, now))
	}
	return c
}

// registerCounts registers the fair's meeting counts for its organisers.
func (rt *Routes) registerCounts(api httpx.API, staff []string) {
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/meetings/counts", Tag: "meetings", Roles: staff,
		Summary: "A fair's meetings by where they stand (requested, accepted, scheduled, declined, cancelled, held), for its organisers.", Response: Counts{}}, rt.counts)
}

func (rt *Routes) counts(c *gin.Context) {
	fairID := c.Param("fairId")
	p, _ := httpx.PrincipalFrom(c)
	f, ok := rt.seenFair(c, p)
	if !ok {
		return
	}
	if !rt.fairOrganiser(p, fairID) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgListOrganisersOnly))
		return
	}
	if rt.Agendas != nil {
		c.JSON(http.StatusOK, rt.Agendas.Counts(f, rt.now()))
		return
	}
	ms, err := rt.Store.Find(c.Request.Context(), bson.M{"fair_id": fairID})
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	var out Counts
	now := rt.now()
	for _, m := range ms {
		out.add(m, m.Day != "" && placedStill(f, m, now))
	}
	c.JSON(http.StatusOK, out)
}
