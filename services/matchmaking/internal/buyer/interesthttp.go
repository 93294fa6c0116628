package buyer

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

type interestResponse struct {
	RequestID  string     `json:"request_id"`
	ProducerID string     `json:"producer_id"`
	Interested bool       `json:"interested"`
	At         *time.Time `json:"at" doc:"when the producer marked interest; null once withdrawn"`
}

type interestedProducer struct {
	ProducerID   string    `json:"producer_id"`
	ProducerName string    `json:"producer_name"`
	Province     string    `json:"province_code"`
	At           time.Time `json:"at"`
}

type requestInterests struct {
	Count     int                  `json:"count"`
	Producers []interestedProducer `json:"producers" doc:"the earliest first, at most 20: GET /api/requests/{id}/interests pages through all"`
}

// interestsShown is how many interested producers a request's answer names; a popular request's
// hundred are read page by page (listInterests), not carried by every request of a list.
const interestsShown = 20

// interestCursor is the last interested producer of a page: the next starts after it.
type interestCursor struct {
	At         time.Time `json:"at"`
	ProducerID string    `json:"producer_id"`
}

func (rt *Routes) registerInterest(api httpx.API) {
	producers := []string{auth.RoleProducer}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/producers/:id/opportunities/:requestId/interest", Tag: "matches", Roles: producers,
		Summary:  "Mark the producer's interest (quan tâm) in an open sourcing request among its opportunities; marking again changes nothing.",
		Response: interestResponse{}}, rt.markInterest)
	api.Handle(openapi.Op{Method: http.MethodDelete, Path: "/api/producers/:id/opportunities/:requestId/interest", Tag: "matches", Roles: producers,
		Summary: "Withdraw the producer's interest in a sourcing request; withdrawing again changes nothing.", Response: interestResponse{}}, rt.withdrawInterest)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/requests/:id/interests", Tag: "requests", Roles: []string{auth.RoleBuyer, auth.RoleOrganiser, auth.RoleAdmin},
		Summary:  "The producers interested in a sourcing request, the earliest first (its buyer, organisers).",
		Response: httpx.List[interestedProducer]{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, rt.listInterests)
}

func (rt *Routes) listInterests(c *gin.Context) {
	var after interestCursor
	page, err := httpx.PageAfter(c, &after)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// Its buyer or staff: the route takes no producer, and another buyer is refused its request.
	r, ok := rt.visibleRequest(c, false)
	if !ok {
		return
	}
	ins := rt.Interests.InRequest(r.ID)
	if page.Cursor != "" {
		ins = slices.DeleteFunc(ins, func(in Interest) bool {
			return cmp.Or(in.At.Compare(after.At), cmp.Compare(in.ProducerID, after.ProducerID)) <= 0
		})
	}
	c.JSON(http.StatusOK, httpx.ListOf(ins[:min(len(ins), page.Limit+1)], page.Limit,
		func(in Interest) any { return interestCursor{At: in.At, ProducerID: in.ProducerID} }, rt.interested))
}

// interested is an interest as its request's buyer reads it: the producer named.
func (rt *Routes) interested(in Interest) interestedProducer {
	ip := interestedProducer{ProducerID: in.ProducerID, At: in.At}
	if prod, ok := rt.Index.ProducerByID(in.ProducerID); ok {
		ip.ProducerName, ip.Province = prod.Name, prod.Province
	}
	return ip
}

// ownProducer checks that the caller is the :id producer's account, and returns its ID.
func (rt *Routes) ownProducer(c *gin.Context) (string, bool) {
	p, _ := httpx.PrincipalFrom(c)
	prod, ok := rt.Index.ProducerByID(c.Param("id"))
	switch {
	case !ok:
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgProducerUnknown))
	case p.Role != auth.RoleProducer:
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgInterestNotProducers))
	case prod.AccountID != p.AccountID:
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOtherProducer))
	default:
		return prod.ID, true
	}
	return "", false
}

func (rt *Routes) markInterest(c *gin.Context) {
	producerID, ok := rt.ownProducer(c)
	if !ok {
		return
	}
	r, err := rt.Store.RecentRequest(c.Request.Context(), c.Param("requestId"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if !r.Open {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgRequestClosed))
		return
	}
	if _, fits := rt.Matcher.ScoreProducer(Need(r), producerID, rt.Now()); !fits {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgInterestNoFit))
		return
	}
	in, err := rt.Interests.Mark(c.Request.Context(), Interest{RequestID: r.ID, ProducerID: producerID, BuyerID: r.BuyerID, At: rt.now()})
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.Notify()
	c.JSON(http.StatusOK, interestResponse{RequestID: r.ID, ProducerID: producerID, Interested: true, At: &in.At})
}

func (rt *Routes) withdrawInterest(c *gin.Context) {
	producerID, ok := rt.ownProducer(c)
	if !ok {
		return
	}
	r, err := rt.Store.RecentRequest(c.Request.Context(), c.Param("requestId"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := rt.Interests.Withdraw(c.Request.Context(), r.ID, producerID); err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.Notify()
	c.JSON(http.StatusOK, interestResponse{RequestID: r.ID, ProducerID: producerID})
}

// withInterests adds the producers interested in r to its answer, for its buyer and staff only:
// which producers answer a request is the buyer's business, not other producers'.
func (rt *Routes) withInterests(c *gin.Context, r Request) requestResponse {
	out := toRequestResponse(r)
	p, _ := httpx.PrincipalFrom(c)
	if rt.Interests == nil || (r.AccountID != p.AccountID && !p.Is(auth.RoleOrganiser, auth.RoleAdmin)) {
		return out
	}
	ins := rt.Interests.InRequest(r.ID)
	ri := &requestInterests{Count: len(ins), Producers: make([]interestedProducer, 0, min(len(ins), interestsShown))}
	for _, in := range ins[:min(len(ins), interestsShown)] {
		ri.Producers = append(ri.Producers, rt.interested(in))
	}
	out.Interests = ri
	return out
}
