package buyer

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
)

type contactBody struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

type buyerRequest struct {
	Name     *string      `json:"name"`
	Kind     *string      `json:"kind" doc:"supermarket_chain, convenience_chain, distributor, wholesale_market, exporter, ecommerce, hotel, restaurant, industrial_catering, tourism_shop or other"`
	Province *string      `json:"province"`
	Markets  *[]string    `json:"markets" doc:"domestic, JP, KR, CN, EU, US, AU, ..."`
	Contact  *contactBody `json:"contact"`
}

func (r buyerRequest) fields() BuyerFields {
	f := BuyerFields{Name: r.Name, Kind: r.Kind, Province: r.Province, Markets: r.Markets}
	if r.Contact != nil {
		f.Contact = &Contact{Name: r.Contact.Name, Phone: r.Contact.Phone, Email: r.Contact.Email}
	}
	return f
}

type buyerResponse struct {
	ID        string      `json:"id"`
	AccountID string      `json:"account_id"`
	Name      string      `json:"name"`
	Kind      string      `json:"kind"`
	Province  string      `json:"province_code"`
	Markets   []string    `json:"markets"`
	Contact   contactBody `json:"contact"`
	Revision  int64       `json:"revision"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

func toBuyerResponse(b Buyer) buyerResponse {
	return buyerResponse{ID: b.ID, AccountID: b.AccountID, Name: b.Name, Kind: b.Kind, Province: b.Province, Markets: nonNil(b.Markets),
		Contact: contactBody{Name: b.Contact.Name, Phone: b.Contact.Phone, Email: b.Contact.Email}, Revision: b.Revision, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

type sourcingRequest struct {
	Title         *string   `json:"title"`
	CriteriaSets  *[]int    `json:"criteria_sets"`
	Sectors       *[]string `json:"sectors"`
	Keywords      *[]string `json:"keywords"`
	MinStars      *int      `json:"min_stars"`
	Volume        *float64  `json:"monthly_volume"`
	Unit          *string   `json:"unit"`
	RequiredCerts *[]string `json:"required_certifications"`
	Market        *string   `json:"target_market" doc:"domestic or an export market code"`
	Regions       *[]string `json:"regions"`
	Provinces     *[]string `json:"provinces"`
	MaxPrice      *int64    `json:"max_price_vnd"`
	NeededBy      *string   `json:"needed_by" doc:"YYYY-MM-DD"`
	FairID        *string   `json:"fair_id"`
}

func (r sourcingRequest) fields() (RequestFields, error) {
	f := RequestFields{Title: r.Title, CriteriaSets: r.CriteriaSets, Sectors: r.Sectors, Keywords: r.Keywords, MinStars: r.MinStars,
		Volume: r.Volume, Unit: r.Unit, RequiredCerts: r.RequiredCerts, Market: r.Market, Regions: r.Regions, Provinces: r.Provinces,
		MaxPrice: r.MaxPrice, FairID: r.FairID}
	if r.NeededBy != nil && *r.NeededBy != "" {
		d, err := time.ParseInLocation(time.DateOnly, *r.NeededBy, vntext.Zone)
		if err != nil {
			return f, &apperr.Error{Kind: apperr.Invalid, Message: "bad date", Fields: []apperr.FieldError{{Field: "needed_by", Message: "must be a date written YYYY-MM-DD"}}}
		}
		f.NeededBy = &d
	}
	return f, nil
}

type requestResponse struct {
	events.SourcingRequestV1
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toRequestResponse(r Request) requestResponse {
	return requestResponse{SourcingRequestV1: RequestEvent(r), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type matchesResponse struct {
	RequestID string         `json:"request_id"`
	Matches   []match.Result `json:"matches"`
}

type opportunity struct {
	Request requestResponse `json:"request"`
	Buyer   string          `json:"buyer_name"`
	Match   match.Result    `json:"match"`
}

// Handlers serves buyers, requests, matches and opportunities.
type Handlers struct {
	Store   *Store
	Matcher *match.Matcher
	Index   *index.Index
	Notify  func()
	Now     func() time.Time
	// Window is how many of the most recent open requests opportunities are drawn from; 0 is
	// OpportunityWindow.
	Window int
}

// OpportunityWindow is how many of the most recent open requests a producer's opportunities are
// drawn from: scoring every open request on each call would grow without bound.
const OpportunityWindow = 2000

// Need turns a request into what the matcher looks for.
func Need(r Request) match.Need {
	return match.Need{CriteriaSets: r.CriteriaSets, Sectors: r.Sectors, Keywords: r.Keywords, MinStars: r.MinStars, Volume: r.Volume,
		Unit: r.Unit, RequiredCerts: r.RequiredCerts, Market: r.Market, Regions: r.Regions, Provinces: r.Provinces, MaxPrice: r.MaxPrice, FairID: r.FairID}
}

// Mount registers the routes.
func (h *Handlers) Mount(api httpx.API) {
	buyers := []string{auth.RoleBuyer}
	staff := []string{auth.RoleOrganiser, auth.RoleAdmin}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/buyers", Tag: "buyers", Roles: buyers, Status: http.StatusCreated, Idempotent: true,
		Summary: "Create the signed-in buyer's organisation profile (one per account).", Request: buyerRequest{}, Response: buyerResponse{}}, h.createBuyer)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/buyers/me", Tag: "buyers", Roles: buyers, Summary: "The signed-in buyer's profile.", Response: buyerResponse{}}, h.me)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/buyers/:id", Tag: "buyers", Roles: append([]string{auth.RoleBuyer, auth.RoleProducer}, staff...),
		Summary: "A buyer profile (the buyer itself, producers, organisers; not other buyers).", Response: buyerResponse{}}, h.getBuyer)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/buyers/:id", Tag: "buyers", Roles: append([]string{auth.RoleBuyer}, auth.RoleAdmin),
		Summary: "Change a buyer profile.", Request: buyerRequest{}, Response: buyerResponse{}}, h.patchBuyer)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/buyers/:id/requests", Tag: "requests", Roles: buyers, Status: http.StatusCreated, Idempotent: true,
		Summary: "Post a sourcing request.", Request: sourcingRequest{}, Response: requestResponse{}}, h.createRequest)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/buyers/:id/requests", Tag: "requests", Roles: append([]string{auth.RoleBuyer}, staff...),
		Summary: "A buyer's sourcing requests.", Response: httpx.List[requestResponse]{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.listRequests)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/requests/:id", Tag: "requests", Roles: append([]string{auth.RoleBuyer, auth.RoleProducer}, staff...),
		Summary: "A sourcing request (its buyer, organisers; producers while it is open).", Response: requestResponse{}}, h.getRequest)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/requests/:id", Tag: "requests", Roles: buyers,
		Summary: "Change a sourcing request.", Request: sourcingRequest{}, Response: requestResponse{}}, h.patchRequest)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/requests/:id/close", Tag: "requests", Roles: buyers,
		Summary: "Close a sourcing request.", Response: requestResponse{}}, h.closeRequest)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/requests/:id/matches", Tag: "matches", Roles: append([]string{auth.RoleBuyer}, staff...),
		Summary:  "Producers ranked for the request, each with a score in [0,1], the factors and reasons in Vietnamese and English.",
		Response: matchesResponse{}, Query: []openapi.Param{{Name: "limit", Type: "integer", Description: "1 to 100, default 20"}}}, h.matches)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/producers/:id/opportunities", Tag: "matches", Roles: append([]string{auth.RoleProducer}, staff...),
		Summary: "Open sourcing requests that fit the producer, best first, with the same breakdown (drawn from the most recent 2,000 open requests).", Response: []opportunity{},
		Query: []openapi.Param{{Name: "limit", Type: "integer"}}}, h.opportunities)
}

func (h *Handlers) now() time.Time { return h.Now().In(vntext.Zone).Truncate(time.Millisecond) }

func (h *Handlers) createBuyer(c *gin.Context) {
	var req buyerRequest
	if !httpx.Bind(c, &req) {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	now := h.now()
	b := Buyer{ID: uuid.Must(uuid.NewV7()).String(), AccountID: p.AccountID, Revision: 1, CreatedAt: now, UpdatedAt: now}
	if err := b.Apply(req.fields(), true); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := h.Store.CreateBuyer(c.Request.Context(), b, correlation.From(c.Request.Context())); err != nil {
		httpx.RespondError(c, err)
		return
	}
	h.Notify()
	c.Header("Location", "/api/buyers/"+b.ID)
	c.JSON(http.StatusCreated, toBuyerResponse(b))
}

func (h *Handlers) me(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	b, err := h.Store.BuyerByAccount(c.Request.Context(), p.AccountID)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, toBuyerResponse(b))
}

// ownBuyer loads the :id buyer and checks the caller may act as it (or, with staff, is staff).
func (h *Handlers) ownBuyer(c *gin.Context, staffToo bool) (Buyer, bool) {
	b, err := h.Store.Buyer(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return Buyer{}, false
	}
	p, _ := httpx.PrincipalFrom(c)
	if b.AccountID == p.AccountID || p.Role == auth.RoleAdmin || (staffToo && p.Role == auth.RoleOrganiser) {
		return b, true
	}
	httpx.RespondError(c, apperr.E(apperr.Forbidden, "this is another buyer's profile"))
	return Buyer{}, false
}

func (h *Handlers) getBuyer(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	b, err := h.Store.Buyer(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if p.Role == auth.RoleBuyer && b.AccountID != p.AccountID {
		httpx.RespondError(c, apperr.E(apperr.Forbidden, "this is another buyer's profile"))
		return
	}
	c.JSON(http.StatusOK, toBuyerResponse(b))
}

func (h *Handlers) patchBuyer(c *gin.Context) {
	var req buyerRequest
	if !httpx.Bind(c, &req) {
		return
	}
	b, ok := h.ownBuyer(c, false)
	if !ok {
		return
	}
	next := b
	if err := next.Apply(req.fields(), false); err != nil {
		httpx.RespondError(c, err)
		return
	}
	next.Revision, next.UpdatedAt = b.Revision+1, h.now()
	if err := h.Store.SaveBuyer(c.Request.Context(), next, b.Revision, correlation.From(c.Request.Context())); err != nil {
		httpx.RespondError(c, err)
		return
	}
	h.Notify()
	c.JSON(http.StatusOK, toBuyerResponse(next))
}

func (h *Handlers) createRequest(c *gin.Context) {
	var req sourcingRequest
	if !httpx.Bind(c, &req) {
		return
	}
	b, ok := h.ownBuyer(c, false)
	if !ok {
		return
	}
	f, err := req.fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	now := h.now()
	r := Request{ID: httpx.NewID(c), BuyerID: b.ID, AccountID: b.AccountID, Open: true, Revision: 1, CreatedAt: now, UpdatedAt: now}
	if err := r.Apply(f, true); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := h.Store.CreateRequest(c.Request.Context(), r, correlation.From(c.Request.Context())); err != nil {
		stored, ok := h.createdBefore(c, r.ID, b.ID, err)
		if !ok {
			httpx.RespondError(c, err)
			return
		}
		// A re-run of a request whose first run stored the sourcing request but whose response
		// was lost: answer as that first run did, so the client learns the ID it created.
		r = stored
	}
	h.Notify()
	c.Header("Location", "/api/requests/"+r.ID)
	c.JSON(http.StatusCreated, toRequestResponse(r))
}

// createdBefore returns the sourcing request a re-run of an idempotent create meets: when err is
// a duplicate key, the ID came from the Idempotency-Key (so it is this request's own ID, not a
// clash) and the stored request is this buyer's. Anything else is a real conflict.
func (h *Handlers) createdBefore(c *gin.Context, id, buyerID string, err error) (Request, bool) {
	if !httpx.Rerun(c, id, err) {
		return Request{}, false
	}
	r, gerr := h.Store.Request(c.Request.Context(), id)
	if gerr != nil || r.BuyerID != buyerID {
		return Request{}, false
	}
	return r, true
}

func (h *Handlers) listRequests(c *gin.Context) {
	page, err := httpx.PageOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	b, ok := h.ownBuyer(c, true)
	if !ok {
		return
	}
	var after string
	if err := httpx.DecodeCursor(page.Cursor, &after); err != nil {
		httpx.RespondError(c, err)
		return
	}
	rs, err := h.Store.Requests(c.Request.Context(), bson.M{"buyer_id": b.ID}, after, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(rs, page.Limit, func(r Request) any { return r.ID }, toRequestResponse))
}

// visibleRequest loads a request the caller may read: its buyer, staff, producers while open.
func (h *Handlers) visibleRequest(c *gin.Context, ownerOnly bool) (Request, bool) {
	r, err := h.Store.Request(c.Request.Context(), c.Param("id"))
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
	httpx.RespondError(c, apperr.E(apperr.Forbidden, "this is another buyer's request"))
	return Request{}, false
}

func (h *Handlers) getRequest(c *gin.Context) {
	if r, ok := h.visibleRequest(c, false); ok {
		c.JSON(http.StatusOK, toRequestResponse(r))
	}
}

func (h *Handlers) saveRequest(c *gin.Context, subject string, fn func(Request) (Request, error)) {
	r, ok := h.visibleRequest(c, true)
	if !ok {
		return
	}
	next, err := fn(r)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	next.Revision, next.UpdatedAt = r.Revision+1, h.now()
	if err := h.Store.SaveRequest(c.Request.Context(), next, r.Revision, subject, correlation.From(c.Request.Context())); err != nil {
		httpx.RespondError(c, err)
		return
	}
	h.Notify()
	c.JSON(http.StatusOK, toRequestResponse(next))
}

func (h *Handlers) patchRequest(c *gin.Context) {
	var req sourcingRequest
	if !httpx.Bind(c, &req) {
		return
	}
	f, err := req.fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	h.saveRequest(c, events.RequestUpdated, func(r Request) (Request, error) {
		if !r.Open {
			return r, apperr.E(apperr.Conflict, "the request is closed")
		}
		return r, r.Apply(f, false)
	})
}

func (h *Handlers) closeRequest(c *gin.Context) {
	h.saveRequest(c, events.RequestClosed, func(r Request) (Request, error) {
		if !r.Open {
			return r, apperr.E(apperr.Conflict, "the request is already closed")
		}
		r.Open = false
		return r, nil
	})
}

func limitOf(c *gin.Context) (int, error) {
	s := c.DefaultQuery("limit", "20")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100 {
		return 0, &apperr.Error{Kind: apperr.Invalid, Message: "bad limit", Fields: []apperr.FieldError{{Field: "limit", Message: "must be 1 to 100"}}}
	}
	return n, nil
}

func (h *Handlers) matches(c *gin.Context) {
	limit, err := limitOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	r, ok := h.visibleRequest(c, false)
	if !ok {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	if p.Role == auth.RoleProducer {
		httpx.RespondError(c, apperr.E(apperr.Forbidden, "matches are for the buyer and organisers"))
		return
	}
	if err := h.Index.Ready(c.Request.Context()); err != nil {
		httpx.RespondError(c, apperr.Wrap(apperr.Unavailable, err, "matching is warming up; try again in a few seconds"))
		return
	}
	res := h.Matcher.Rank(Need(r), limit, h.Now())
	if res == nil {
		res = []match.Result{}
	}
	c.JSON(http.StatusOK, matchesResponse{RequestID: r.ID, Matches: res})
}

func (h *Handlers) opportunities(c *gin.Context) {
	limit, err := limitOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	producerID := c.Param("id")
	p, _ := httpx.PrincipalFrom(c)
	prod, ok := h.Index.ProducerByID(producerID)
	if !ok {
		httpx.RespondError(c, apperr.E(apperr.NotFound, "producer not found (a new profile may take a moment to appear)"))
		return
	}
	if p.Role == auth.RoleProducer && prod.AccountID != p.AccountID {
		httpx.RespondError(c, apperr.E(apperr.Forbidden, "these are another producer's opportunities"))
		return
	}
	out, err := h.Opportunities(c.Request.Context(), producerID, limit)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// Opportunities scores the most recent open requests (Window of them) for a producer, best
// first. A failed buyer lookup is returned, not shown as an empty name.
func (h *Handlers) Opportunities(ctx context.Context, producerID string, limit int) ([]opportunity, error) {
	window := h.Window
	if window <= 0 {
		window = OpportunityWindow
	}
	reqs, err := h.Store.RecentRequests(ctx, bson.M{"open": true}, window)
	if err != nil {
		return nil, err
	}
	now := h.Now()
	out := []opportunity{}
	names := map[string]string{}
	for _, r := range reqs {
		res, ok := h.Matcher.ScoreProducer(Need(r), producerID, now)
		if !ok {
			continue
		}
		if _, seen := names[r.BuyerID]; !seen {
			b, err := h.Store.Buyer(ctx, r.BuyerID)
			if err != nil && !apperr.Is(err, apperr.NotFound) {
				return nil, err
			}
			names[r.BuyerID] = b.Name
		}
		out = append(out, opportunity{Request: toRequestResponse(r), Buyer: names[r.BuyerID], Match: res})
	}
	slices.SortFunc(out, func(a, b opportunity) int {
		return cmp.Or(cmp.Compare(b.Match.Score, a.Match.Score), cmp.Compare(a.Request.ID, b.Request.ID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
