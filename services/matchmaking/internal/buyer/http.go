package buyer

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
)

type contactBody struct {
	Name  string `json:"name" doc:"at most 120 characters"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

type buyerRequest struct {
	Name     *string      `json:"name" doc:"2–200 characters"`
	Kind     *string      `json:"kind" doc:"supermarket_chain, convenience_chain, distributor, wholesale_market, exporter, ecommerce, hotel, restaurant, industrial_catering, tourism_shop or other"`
	Province *string      `json:"province"`
	Markets  *[]string    `json:"markets" doc:"domestic, JP, KR, CN, EU, US, AU, ..."`
	Contact  *contactBody `json:"contact"`
}

// buyerCreateRequest is buyerRequest as POST /api/buyers documents it: the fields a new profile
// cannot do without are required. It converts to buyerRequest, so the two keep the same fields
// and types; TestCreateRequests keeps their tags alike and the required ones those Apply asks for.
type buyerCreateRequest struct {
	Name     *string      `json:"name" doc:"2–200 characters" required:"true"`
	Kind     *string      `json:"kind" doc:"supermarket_chain, convenience_chain, distributor, wholesale_market, exporter, ecommerce, hotel, restaurant, industrial_catering, tourism_shop or other" required:"true"`
	Province *string      `json:"province" required:"true"`
	Markets  *[]string    `json:"markets" doc:"domestic, JP, KR, CN, EU, US, AU, ..."`
	Contact  *contactBody `json:"contact"`
}

func (r buyerRequest) fields() BuyerFields {
	f := BuyerFields{Name: r.Name, Kind: r.Kind, Province: r.Province, Markets: r.Markets}
	if r.Contact != nil {
		contact := Contact(*r.Contact) // the body holds the domain's fields, one for one
		f.Contact = &contact
	}
	return f
}

type buyerResponse struct {
	ID        string      `json:"id" format:"uuid"`
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
	Title         *string   `json:"title" doc:"3–200 characters"`
	CriteriaSets  *[]int    `json:"criteria_sets"`
	Sectors       *[]string `json:"sectors"`
	Keywords      *[]string `json:"keywords" doc:"at most 20, each at most 60 characters; one that repeats another (in any case) is kept once, and one without a letter or digit is dropped; a request names at least one criteria set, sector or keyword (422 sourcing_goods_required on keywords)"`
	MinStars      *int      `json:"min_stars"`
	Volume        *float64  `json:"monthly_volume"`
	Unit          *string   `json:"unit" doc:"a unit code (kg, tonne, litre, bottle, box, ...); required when monthly_volume is more than 0"`
	RequiredCerts *[]string `json:"required_certifications"`
	Market        *string   `json:"target_market" doc:"domestic or an export market code"`
	Regions       *[]string `json:"regions"`
	Provinces     *[]string `json:"provinces"`
	MaxPrice      *int64    `json:"max_price_vnd"`
	NeededBy      *string   `json:"needed_by" doc:"YYYY-MM-DD"`
	FairID        *string   `json:"fair_id"`
}

// sourcingCreateRequest is sourcingRequest as POST /api/buyers/{id}/requests documents it, with
// the title required; it converts to sourcingRequest like buyerCreateRequest to buyerRequest.
type sourcingCreateRequest struct {
	Title         *string   `json:"title" doc:"3–200 characters" required:"true"`
	CriteriaSets  *[]int    `json:"criteria_sets"`
	Sectors       *[]string `json:"sectors"`
	Keywords      *[]string `json:"keywords" doc:"at most 20, each at most 60 characters; one that repeats another (in any case) is kept once, and one without a letter or digit is dropped; a request names at least one criteria set, sector or keyword (422 sourcing_goods_required on keywords)"`
	MinStars      *int      `json:"min_stars"`
	Volume        *float64  `json:"monthly_volume"`
	Unit          *string   `json:"unit" doc:"a unit code (kg, tonne, litre, bottle, box, ...); required when monthly_volume is more than 0"`
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
			return f, apperr.InvalidField("needed_by", apperr.NotDate)
		}
		f.NeededBy = &d
	}
	return f, nil
}

type requestResponse struct {
	events.SourcingRequestV1
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Interests are shown to the request's buyer and organisers only.
	Interests *requestInterests `json:"interests,omitempty" doc:"the producers who marked interest (quan tâm); only for the request's buyer and organisers"`
}

func toRequestResponse(r Request) requestResponse {
	return requestResponse{SourcingRequestV1: RequestEvent(r), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type opportunity struct {
	Request requestResponse `json:"request"`
	Buyer   string          `json:"buyer_name"`
	Match   match.Result    `json:"match"`
	// Interested says whether the producer marked interest in the request.
	Interested bool `json:"interested" doc:"the producer marked interest (quan tâm) in this request"`
}

// Routes serves buyers, sourcing requests, matches and opportunities over HTTP.
type Routes struct {
	*Service
	memo *httpx.Memo
}

// Register registers the routes.
func (rt *Routes) Register(api httpx.API) {
	rt.memo = httpx.NewMemo(16 << 20)
	buyers := []string{auth.RoleBuyer}
	staff := []string{auth.RoleOrganiser, auth.RoleAdmin}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/buyers", Tag: "buyers", Roles: buyers, Status: http.StatusCreated, Idempotent: true,
		Summary: "Create the signed-in buyer's organisation profile (one per account).", Request: buyerCreateRequest{}, Response: buyerResponse{}}, rt.createBuyer)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/buyers/me", Tag: "buyers", Roles: buyers, Summary: "The signed-in buyer's profile.", Response: buyerResponse{}, Headers: buyerVersion}, rt.me)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/buyers/:id", Tag: "buyers", Roles: append([]string{auth.RoleBuyer, auth.RoleProducer}, staff...),
		Summary: "A buyer profile (the buyer itself, producers, organisers; not other buyers).", Response: buyerResponse{}, Headers: buyerVersion}, rt.getBuyer)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/buyers/:id", Tag: "buyers", Roles: append([]string{auth.RoleBuyer}, auth.RoleAdmin),
		Summary: "Change a buyer profile. Send If-Match with the ETag loaded to avoid overwriting a concurrent change: 409 buyer_record_changed when the profile changed since.",
		Request: buyerRequest{}, Response: buyerResponse{}, Errors: []int{http.StatusConflict}, Headers: buyerVersion}, rt.patchBuyer)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/buyers/:id/requests", Tag: "requests", Roles: buyers, Status: http.StatusCreated, Idempotent: true,
		Summary: "Post a sourcing request.", Request: sourcingCreateRequest{}, Response: requestResponse{}}, rt.createRequest)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/buyers/:id/requests", Tag: "requests", Roles: append([]string{auth.RoleBuyer}, staff...),
		Summary: "A buyer's sourcing requests.", Response: httpx.List[requestResponse]{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, rt.listRequests)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/requests/:id", Tag: "requests", Roles: append([]string{auth.RoleBuyer, auth.RoleProducer}, staff...),
		Summary: "A sourcing request (its buyer, organisers; producers while it is open).", Response: requestResponse{}, Headers: requestVersion}, rt.getRequest)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/requests/:id", Tag: "requests", Roles: buyers,
		Summary: "Change an open sourcing request. Send If-Match with the ETag loaded to avoid overwriting a concurrent change: 409 buyer_record_changed when the request changed since.",
		Request: sourcingRequest{}, Response: requestResponse{}, Errors: []int{http.StatusConflict}, Headers: requestVersion}, rt.patchRequest)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/requests/:id/close", Tag: "requests", Roles: buyers,
		Summary:  "Close a sourcing request: producers no longer see it, its matches end. If-Match as on PATCH.",
		Response: requestResponse{}, Errors: []int{http.StatusConflict}, Headers: requestVersion}, rt.closeRequest)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/requests/:id/matches", Tag: "matches", Roles: append([]string{auth.RoleBuyer}, staff...),
		Summary:  "Producers ranked for the request, each with a score in [0,1], the factors and reasons in Vietnamese and English. A page's cursor is a position in the ranking as it stands when the next page is read (at most 1,000 deep).",
		Response: matchesResponse{}, Query: []openapi.Param{{Name: "limit", Type: "integer", Description: "1 or more, default 20; over 100 ranks 100"}, {Name: "cursor"},
			{Name: "fair_id", Description: "the fair the buyer meets producers at: ranked for it, with each producer's booths and the meeting at it; only its exhibitors unless only_exhibitors=false"},
			{Name: "only_exhibitors", Type: "boolean", Description: "with fair_id: true (default) keeps only the producers exhibiting there, false ranks every producer for that fair"}}}, rt.matches)
	rt.registerInterest(api)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/producers/:id/opportunities", Tag: "matches", Roles: append([]string{auth.RoleProducer}, staff...),
		Summary:  "Open sourcing requests that fit the producer, with the same breakdown: every buyer's best three before any buyer's further ones; within each, those naming the producer's goods narrowly (a keyword found in its product, its criteria set among at most three, or its sector alone) before those that fit every producer alike, then by score. A page's cursor is a position in the ranking as it stands when the next page is read: a request closed above it skips one, one posted above it repeats one.",
		Response: httpx.List[opportunity]{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, rt.opportunities)
}

func (rt *Routes) createBuyer(c *gin.Context) {
	var req buyerCreateRequest
	if !httpx.Bind(c, &req) {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	now := rt.now()
	b := Buyer{ID: httpx.NewID(c), AccountID: p.AccountID, Revision: 1, CreatedAt: now, UpdatedAt: now}
	if err := b.Apply(buyerRequest(req).fields(), true); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := rt.Store.CreateBuyer(c.Request.Context(), b, correlation.From(c.Request.Context())); err != nil {
		// A re-run of a request whose first run stored the profile but whose response was lost
		// (the ID came from the Idempotency-Key, the stored profile is the caller's): answer as
		// that first run did, not with the 409 of a profile already registered.
		stored, ok := httpx.StoredBefore(c, b.ID, err, rt.Store.Buyer, func(x Buyer) bool { return x.AccountID == p.AccountID })
		if !ok {
			httpx.RespondError(c, err)
			return
		}
		b = stored
	}
	rt.Notify()
	c.Header("Location", "/api/buyers/"+b.ID)
	c.JSON(http.StatusCreated, toBuyerResponse(b))
}

func (rt *Routes) me(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	b, err := rt.Store.BuyerByAccount(c.Request.Context(), p.AccountID)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("ETag", httpx.RevisionTag(b.Revision))
	c.JSON(http.StatusOK, toBuyerResponse(b))
}

// ownBuyer loads the :id buyer and checks the caller may act as it (or, with staff, is staff).
func (rt *Routes) ownBuyer(c *gin.Context, staffToo bool) (Buyer, bool) {
	b, err := rt.Store.Buyer(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return Buyer{}, false
	}
	p, _ := httpx.PrincipalFrom(c)
	if b.AccountID == p.AccountID || p.Role == auth.RoleAdmin || (staffToo && p.Role == auth.RoleOrganiser) {
		return b, true
	}
	httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOtherBuyer))
	return Buyer{}, false
}

func (rt *Routes) getBuyer(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	b, err := rt.Store.Buyer(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if p.Role == auth.RoleBuyer && b.AccountID != p.AccountID {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOtherBuyer))
		return
	}
	c.Header("ETag", httpx.RevisionTag(b.Revision))
	c.JSON(http.StatusOK, toBuyerResponse(b))
}

// patchBuyer changes the fields given; a contact given changes only the members it names.
func (rt *Routes) patchBuyer(c *gin.Context) {
	var req buyerRequest
	sent, ok := httpx.BindPatch(c, &req)
	if !ok {
		return
	}
	b, ok := rt.ownBuyer(c, false)
	if !ok {
		return
	}
	if !httpx.IfMatchRevision(c.GetHeader("If-Match"), b.Revision) {
		httpx.RespondError(c, ErrStale)
		return
	}
	if raw, given := sent["contact"]; given && req.Contact != nil {
		contact, err := httpx.PatchOnto(contactBody(b.Contact), raw)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		req.Contact = &contact
	}
	next := b
	if err := next.Apply(req.fields(), false); err != nil {
		httpx.RespondError(c, err)
		return
	}
	next.Revision, next.UpdatedAt = b.Revision+1, rt.now()
	if err := rt.Store.SaveBuyer(c.Request.Context(), next, b.Revision, correlation.From(c.Request.Context())); err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.Notify()
	c.Header("ETag", httpx.RevisionTag(next.Revision))
	c.JSON(http.StatusOK, toBuyerResponse(next))
}

// rankCursor is where the next page of a ranking starts: a producer's opportunities, a request's
// matches.
type rankCursor struct {
	At int `json:"at"`
}

// rankPageOf reads a page of a ranking: its limit, and the position its cursor starts at (one
// deeper than depth is refused at the cursor).
func rankPageOf(c *gin.Context, depth int) (httpx.Page, rankCursor, error) {
	var from rankCursor
	page, err := httpx.PageAfter(c, &from)
	if err == nil && (from.At < 0 || from.At > depth) {
		err = apperr.InvalidField("cursor", httpx.MsgCursor)
	}
	return page, from, err
}

// maxOpportunityDepth is the deepest position a page of opportunities starts at: far beyond what
// anyone pages through, it bounds what one read ranks.
const maxOpportunityDepth = 10_000

func (rt *Routes) opportunities(c *gin.Context) {
	producerID := c.Param("id")
	p, _ := httpx.PrincipalFrom(c)
	prod, ok := rt.Index.ProducerByID(producerID)
	if !ok {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgProducerUnknown))
		return
	}
	if p.Role == auth.RoleProducer && prod.AccountID != p.AccountID {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOtherProducer))
		return
	}
	page, from, err := rankPageOf(c, maxOpportunityDepth)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	found, more, err := rt.Opportunities(c.Request.Context(), producerID, from.At, page.Limit)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Vary", "Accept-Language")
	lang := httpx.Lang(c)
	out := httpx.List[opportunity]{Items: make([]opportunity, 0, len(found))}
	for _, o := range found {
		res := []match.Result{o.Match}
		match.Localize(res, lang)
		_, interested := rt.Interests.Of(o.Request.ID, producerID)
		out.Items = append(out.Items, opportunity{Request: toRequestResponse(o.Request), Buyer: o.BuyerName, Match: res[0], Interested: interested})
	}
	// The list ends at the deepest position a page may start at.
	if more && from.At+page.Limit <= maxOpportunityDepth {
		out.NextCursor = httpx.EncodeCursor(rankCursor{At: from.At + page.Limit})
	}
	c.JSON(http.StatusOK, out)
}
