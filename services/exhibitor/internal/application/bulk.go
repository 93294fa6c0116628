package application

import (
	"context"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// maxBulk is how many applications one bulk review moves: a page of the queue.
const maxBulk = 100

// bulkRequest reviews several applications of one fair at once.
type bulkRequest struct {
	Action string   `json:"action" required:"true" enum:"approve,waitlist,reject"`
	IDs    []string `json:"ids" required:"true" doc:"1 to 100 application IDs of this fair; repeats count once"`
	Reason string   `json:"reason" doc:"a note shown to each producer; required to reject; at most 1,000 characters"`
}

// bulkResult is what became of one application of a bulk review: its state after the move, or
// the error that kept it where it was.
type bulkResult struct {
	ID          string         `json:"id"`
	Moved       bool           `json:"moved"`
	Application *response      `json:"application,omitempty" doc:"the application after the move"`
	Error       *httpx.Problem `json:"error,omitempty" doc:"why it was not moved, as a single review would have answered"`
}

// bulkResponse answers a bulk review, one result per distinct ID in the order asked.
type bulkResponse struct {
	Results []bulkResult `json:"results"`
	Moved   int          `json:"moved"`
	Failed  int          `json:"failed"`
}

func (h *Routes) bulk(c *gin.Context) {
	var req bulkRequest
	if !httpx.Bind(c, &req) {
		return
	}
	act := Action(req.Action)
	var v apperr.Validation
	v.Expect(slices.Contains([]Action{Approve, Waitlist, Reject}, act), "action", msgQueueValue, req.Action, "approve, waitlist, reject")
	seen := map[string]bool{}
	ids := slices.DeleteFunc(slices.Clone(req.IDs), func(id string) bool { dup := seen[id]; seen[id] = true; return dup })
	v.Expect(len(ids) >= 1 && len(ids) <= maxBulk, "ids", msgBulkIDs, maxBulk)
	if act == Reject {
		v.Expect(vntext.Clean(req.Reason) != "", "reason", msgReasonField)
	}
	v.Text("reason", req.Reason, 1000)
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	f, _, ok := h.listScope(c)
	if !ok {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	if !canReview(p, f) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOrganisersReview))
		return
	}
	lang := answerLang(c)
	out := bulkResponse{Results: make([]bulkResult, 0, len(ids))}
	for _, id := range ids {
		r := bulkResult{ID: id}
		next, err := h.bulkOne(c.Request.Context(), f, id, act, req.Reason)
		if err != nil {
			body := httpx.ProblemOf(c, err)
			r.Error = &body
			out.Failed++
		} else {
			resp := toResponse(next, f.NameVI, lang)
			r.Moved, r.Application = true, &resp
			out.Moved++
		}
		out.Results = append(out.Results, r)
	}
	if out.Moved > 0 {
		h.Notify()
	}
	c.JSON(http.StatusOK, out)
}

// bulkOne moves one application of fair f, as review does: from the model's copy, asking the
// database's again when the copy's status refuses the move.
func (h *Routes) bulkOne(ctx context.Context, f Fair, id string, act Action, reason string) (Application, error) {
	a, ok := Application{}, false
	if h.Model != nil {
		a, ok = h.Model.Get(id)
	}
	if !ok {
		var err error
		if a, err = h.Store.Get(ctx, id); err != nil {
			return Application{}, err
		}
	}
	if a.FairID != f.ID {
		return Application{}, apperr.New(apperr.NotFound, msgBulkOtherFair)
	}
	return h.move(ctx, f, a, act, reason)
}

// move applies act to a, an application of fair f read from the model, and saves it. Nothing
// moves an application of a fair that is over (see Fair.Moves). The copy may be a moment behind
// the database: a move its status refuses is asked again of the stored application, when that is
// newer (a stale write is retried by Move itself).
func (h *Routes) move(ctx context.Context, f Fair, a Application, act Action, reason string) (Application, error) {
	if err := f.Moves(act); err != nil {
		return Application{}, err
	}
	next, err := h.Store.Move(ctx, a, act, reason, h.now)
	if apperr.Is(err, apperr.Conflict) {
		if fresh, gerr := h.Store.Get(ctx, a.ID); gerr == nil && fresh.Revision != a.Revision {
			next, err = h.Store.Move(ctx, fresh, act, reason, h.now)
		}
	}
	return next, err
}
