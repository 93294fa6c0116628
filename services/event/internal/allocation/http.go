package allocation

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// Routes serves a fair's booth allocation: proposing booths for the approved applications and
// committing the proposal.
type Routes struct {
	Access     fair.Access
	Booths     *booth.Store
	Applicants *applicants.Store
	Proposals  *Proposals
	// Notify wakes the outbox relay after a write.
	Notify func()
	Now    func() time.Time

	// commitBooths replaces Booths when committing an allocation; nil uses Booths.
	commitBooths boothWriter
}

type placementBody struct {
	Placement
	ProducerName string `json:"producer_name"`
	Province     string `json:"province_code"`
}

type unplacedBody struct {
	Unplaced
	ProducerName string `json:"producer_name"`
}

type proposalResponse struct {
	FairID            string          `json:"fair_id" format:"uuid"`
	ProposalID        string          `json:"proposal_id" format:"uuid" doc:"names this proposal; it can be committed once"`
	ComputedAt        time.Time       `json:"computed_at"`
	Placements        []placementBody `json:"placements"`
	Unplaced          []unplacedBody  `json:"unplaced" doc:"go to the waitlist, each with a reason"`
	SameSetNeighbours int             `json:"same_set_neighbours"`
	Violations        []string        `json:"violations" doc:"hard-rule violations found by an independent check; always empty"`
}

// commitFailure is a placement a commit could not make: why, as a code and in the caller's
// language (text, said in Reason by the handler).
type commitFailure struct {
	ApplicationID string   `json:"application_id"`
	Code          string   `json:"code" doc:"why, for clients to map: allocation_booth_taken, allocation_application_status, allocation_fair_ended, not_found, ..."`
	Reason        string   `json:"reason" doc:"in the language of Accept-Language (vi by default, en)"`
	StillAssigned []string `json:"still_assigned,omitempty" doc:"booths this commit gave the application and could not release again when another of its booths failed: they stay assigned to it until released by hand"`
	text          apperr.Text
}

// failure is the commitFailure of application id for the reason t.
func failure(id string, t apperr.Text, stuck []string) commitFailure {
	return commitFailure{ApplicationID: id, Code: t.Msg.Code, text: t, StillAssigned: stuck}
}

type commitResponse struct {
	ProposalID string          `json:"proposal_id" format:"uuid"`
	Committed  []placementBody `json:"committed"`
	Failed     []commitFailure `json:"failed"`
}

// Register adds the allocation routes to api.
func (rt *Routes) Register(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/allocation", Tag: "allocation", Roles: fair.OrganiserRoles,
		Summary: "Propose booths for every approved application without one: priority by stars then application time, preferred zones, " +
			"province quotas, same criteria sets not side by side, hand-placed booths kept. Nothing is assigned until commit.",
		Response: proposalResponse{}}, rt.propose)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:id/allocation/commit", Tag: "allocation", Roles: fair.OrganiserRoles,
		Summary: "Assign the booths of the last proposal, once: committing it again is 409, as is committing unless the fair is published, " +
			"applications closed or live. A booth taken meanwhile fails only its application. The commit finishes even if the client disconnects.",
		Query:    []openapi.Param{{Name: "proposal_id", Description: "the proposal the organiser looked at: when another organiser has asked for a newer one since, 409 allocation_proposal_replaced and nothing is assigned"}},
		Response: commitResponse{}}, rt.commit)
}

func (rt *Routes) propose(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	if !f.AssignsBooths() {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgRunClosed, fair.StatusName(f.Status)))
		return
	}
	c.Header("Vary", "Accept-Language")
	resp, err := rt.proposal(c.Request.Context(), f, httpx.Lang(c))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, resp)
}

func (rt *Routes) commit(c *gin.Context) {
	f, ok := rt.Access.Managed(c)
	if !ok {
		return
	}
	if !f.AssignsBooths() {
		httpx.RespondError(c, apperr.New(apperr.Conflict, booth.MsgAssignClosed, fair.StatusName(f.Status)))
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	resp, err := rt.commitLast(c.Request.Context(), httpx.Logger(c), f, p.AccountID, c.Query("proposal_id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Vary", "Accept-Language")
	lang := httpx.Lang(c)
	for i := range resp.Failed {
		resp.Failed[i].Reason = resp.Failed[i].text.In(lang)
	}
	c.JSON(http.StatusOK, resp)
}
