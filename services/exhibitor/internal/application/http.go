package application

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// Catalog finds what an application needs from producers and products.
type Catalog interface {
	// ApplicantOf returns the producer profile of an account (NotFound when it has none).
	ApplicantOf(ctx context.Context, accountID string) (Applicant, error)
	// Producer returns a producer's profile as it now is (NotFound when there is none).
	Producer(ctx context.Context, producerID string) (Applicant, error)
	// ProductsOf returns the listed live products of a producer, in the given order; an ID that
	// is not the producer's product is reported as a field error.
	ProductsOf(ctx context.Context, producerID string, ids []string) ([]Product, error)
	// Hold marks the products (the applicant's own) as named by application app until the hold
	// is released, so that none is removed meanwhile; a product whose removal is under way is
	// a field error on product_ids[i].
	Hold(ctx context.Context, app string, ids []string) (Hold, error)
}

// Hold is a mark on products an application being sent names (see Catalog.Hold).
type Hold interface {
	// Valid answers an error once the hold is too old to act on.
	Valid() error
	// Release removes the mark.
	Release()
}

type createRequest struct {
	ProductIDs    []string `json:"product_ids" required:"true" doc:"1 to 30 of your products to show, each once"`
	BoothKind     string   `json:"booth_kind" doc:"standard (default), corner, double or premium"`
	BoothCount    int      `json:"booth_count" doc:"default 1"`
	PreferredZone string   `json:"preferred_zone"`
	Notes         string   `json:"notes"`
}

// reviewRequest is the optional body of approve, waitlist and withdraw.
type reviewRequest struct {
	Reason string `json:"reason" doc:"a note shown to the producer; optional; at most 1,000 characters"`
}

// rejectRequest documents reject's body: reviewRequest's field, which a rejection needs.
type rejectRequest struct {
	Reason string `json:"reason" required:"true" doc:"why the application is rejected; shown to the producer; at most 1,000 characters"`
}

type productBody struct {
	ProductID     string `json:"product_id"`
	Name          string `json:"name"`
	CriteriaSet   int    `json:"criteria_set"`
	Sector        string `json:"sector"`
	Stars         int    `json:"stars"`
	PotentialFive bool   `json:"potential_five_star"`
	ExpiresOn     string `json:"certificate_expires_on" format:"date"`
}

// boothBody is a booth an application lists, with its zone. Its status is "assigned" while the
// application holds it, and "releasing" once the application has ended (withdrawn, rejected,
// cancelled): the event service releases the booth asynchronously, and it leaves the list then.
type boothBody struct {
	Code   string `json:"code"`
	Zone   string `json:"zone" doc:"empty for booths assigned before zones were recorded"`
	Status string `json:"status" doc:"assigned, or releasing: the application has ended and the release follows"`
}

// The statuses of a listed booth.
const (
	boothAssigned  = "assigned"
	boothReleasing = "releasing"
)

// ruleBody is one eligibility rule as the answers show it, its reason in the caller's language.
type ruleBody struct {
	Code   string `json:"code" doc:"the rule: certificates_current, certificates, min_stars, sector, province or booths"`
	Pass   bool   `json:"pass"`
	Blocks bool   `json:"blocks" doc:"true for a rule whose failure refuses the application (422 with a field error of this code); false for one that only warns (eligible=false)"`
	Reason string `json:"reason" doc:"in the language of Accept-Language (vi by default, en)"`
}

type response struct {
	ID            string        `json:"id" format:"uuid"`
	FairID        string        `json:"fair_id"`
	FairName      string        `json:"fair_name"`
	ProducerID    string        `json:"producer_id"`
	ProducerName  string        `json:"producer_name"`
	ProvinceCode  string        `json:"province_code"`
	ProvinceName  string        `json:"province_name"`
	Products      []productBody `json:"products"`
	BoothKind     string        `json:"booth_kind"`
	BoothCount    int           `json:"booth_count"`
	PreferredZone string        `json:"preferred_zone"`
	Notes         string        `json:"notes"`
	Status        string        `json:"status" enum:"submitted,approved,rejected,waitlisted,withdrawn,cancelled"`
	Reason        string        `json:"reason,omitempty" doc:"the reviewer's note, or why the application was cancelled, in the language of Accept-Language"`
	ReasonCode    string        `json:"reason_code,omitempty" doc:"fair_cancelled when the fair's cancellation cancelled the application; absent for a reviewer's note"`
	Eligible      bool          `json:"eligible"`
	Eligibility   []ruleBody    `json:"eligibility"`
	Booths        []string      `json:"booths" doc:"the codes of booth_details"`
	BoothDetails  []boothBody   `json:"booth_details"`
	// BoothsReleasing says that the booths listed are on their way out, so that a client does
	// not read a withdrawal's answer as "still holds its booths".
	BoothsReleasing bool      `json:"booths_releasing" doc:"true when the application has ended but still lists booths: the event service releases them asynchronously, and they leave the lists once released"`
	SubmittedAt     time.Time `json:"submitted_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Revision        int64     `json:"revision"`
}

func toResponse(a Application, fairName string, lang apperr.Lang) response {
	prov, _ := ocop.ProvinceByCode(a.Province)
	r := response{ID: a.ID, FairID: a.FairID, FairName: fairName, ProducerID: a.ProducerID, ProducerName: a.ProducerName, ProvinceCode: a.Province,
		ProvinceName: prov.Name, BoothKind: a.BoothKind, BoothCount: a.BoothCount, PreferredZone: a.PreferredZone, Notes: a.Notes,
		Status: string(a.Status), Reason: reasonOf(a).In(lang), ReasonCode: a.ReasonCode, Eligible: a.Eligible(), Booths: a.Booths,
		SubmittedAt: a.SubmittedAt, UpdatedAt: a.UpdatedAt, Revision: a.Revision, Products: []productBody{}}
	if r.Booths == nil {
		r.Booths = []string{}
	}
	r.BoothDetails = make([]boothBody, len(r.Booths))
	status := boothAssigned
	if !a.Status.Active() && len(r.Booths) > 0 {
		status, r.BoothsReleasing = boothReleasing, true
	}
	for i, code := range r.Booths {
		r.BoothDetails[i] = boothBody{Code: code, Zone: a.BoothZones[code], Status: status}
	}
	r.Eligibility = make([]ruleBody, len(a.Rules))
	for i, rule := range a.Rules {
		r.Eligibility[i] = ruleBody{Code: rule.Code, Pass: rule.Pass, Blocks: rule.Blocks, Reason: rule.Reason().In(lang)}
	}
	for _, p := range a.Products {
		r.Products = append(r.Products, productBody{ProductID: p.ProductID, Name: p.Name, CriteriaSet: p.CriteriaSet, Sector: p.Sector,
			Stars: p.Stars, PotentialFive: p.PotentialFive, ExpiresOn: p.ExpiresOn.Format(time.DateOnly)})
	}
	return r
}

// Routes serves the application endpoints.
type Routes struct {
	Store   *Store
	Catalog Catalog
	Notify  func() // wakes the outbox relay after a write
	Now     func() time.Time
	// Model answers a producer's own applications, a fair's queue and one application from
	// memory; nil reads them from the database.
	Model *Model
}

// Register registers the routes.
func (h *Routes) Register(api httpx.API) {
	reviewers := []string{auth.RoleOrganiser, auth.RoleAdmin}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/applications", Tag: "applications", Roles: []string{auth.RoleProducer},
		Status: http.StatusCreated, Idempotent: true, Summary: "Apply for booths while the fair's application window is open. Eligibility is checked rule by rule: a rule that blocks (an expired certificate) refuses the application with 422 and a field error carrying the rule's code; the rules that only warn are answered with eligible=false. A product being removed meanwhile (on another phone) is a 422 product_being_removed on its product_ids[i].",
		Request: createRequest{}, Response: response{}}, h.create)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/applications", Tag: "applications",
		Roles: []string{auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin}, Summary: "A fair's applications with eligibility (organisers: all; producers: their own).",
		Response: httpx.List[response]{}, Query: append([]openapi.Param{{Name: "status", Description: "comma-separated statuses"}, {Name: "limit", Type: "integer"}, {Name: "cursor"}}, queueParams...)}, h.list)
	h.registerQueue(api)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/applications", Tag: "applications", Roles: []string{auth.RoleProducer},
		Summary: "The signed-in producer's applications to every fair, newest first.", Response: httpx.List[response]{},
		Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.mine)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/applications/:id", Tag: "applications",
		Roles: []string{auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin}, Summary: "One application.", Response: response{}}, h.get)
	for _, a := range []Action{Approve, Reject, Waitlist} {
		op := openapi.Op{Method: http.MethodPost, Path: "/api/applications/:id/" + string(a), Tag: "applications", Roles: reviewers,
			Summary: "Review: " + string(a) + " (organisers of the fair, admins). A move the application's status does not allow is 409, and so is any once the fair is completed or cancelled (application_fair_over).",
			Request: reviewRequest{}, OptionalBody: true, Response: response{}}
		if a == Reject {
			op.Request, op.OptionalBody = rejectRequest{}, false
		}
		api.Handle(op, h.review(a))
	}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/applications/:id/withdraw", Tag: "applications", Roles: []string{auth.RoleProducer},
		Summary: "The producer withdraws its application. Its booths are released asynchronously: the answer lists them as releasing (booths_releasing) until the event service has released them. Once the fair is completed or cancelled, 409 application_fair_over.", Request: reviewRequest{}, OptionalBody: true,
		Response: response{}}, h.review(Withdraw))
}

func (h *Routes) now() time.Time { return stamp(h.Now()) }

// answerLang is the language c's answer says its reasons in (Accept-Language); the answer
// varies with it, which caches must know.
func answerLang(c *gin.Context) apperr.Lang {
	c.Header("Vary", "Accept-Language")
	return httpx.Lang(c)
}

func (h *Routes) create(c *gin.Context) {
	var body createRequest
	if !httpx.Bind(c, &body) {
		return
	}
	req := Request{ProductIDs: body.ProductIDs, BoothKind: body.BoothKind, BoothCount: body.BoothCount, PreferredZone: body.PreferredZone, Notes: body.Notes}
	if err := req.Validate(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	ctx := c.Request.Context()
	p, _ := httpx.PrincipalFrom(c)
	applicant, err := h.Catalog.ApplicantOf(ctx, p.AccountID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			err = apperr.WrapMsg(apperr.Conflict, err, msgNeedsProfile)
		}
		httpx.RespondError(c, err)
		return
	}
	// The fair as the list shows it: one that a producer sees listed can be applied to. A draft
	// is not found, as the event service answers producers for it (its window is no one's business).
	f, err := h.fair(ctx, c.Param("fairId"))
	if err == nil && f.Private() {
		err = apperr.New(apperr.NotFound, msgFairNotFound)
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	id := httpx.NewID(c)
	a, sent := h.sentBefore(c, id, applicant.ProducerID)
	if !sent {
		now := h.now()
		if err := f.Open(now); err != nil {
			httpx.RespondError(c, err)
			return
		}
		if a, err = h.submit(ctx, id, p.AccountID, f, applicant, req, now); err != nil {
			// A first run still writing when this one looked may have stored it since.
			again, ok := h.sentBefore(c, id, applicant.ProducerID)
			if !ok {
				httpx.RespondError(c, err)
				return
			}
			a = again
		}
	}
	h.Notify()
	c.Header("Location", "/api/applications/"+a.ID)
	c.JSON(http.StatusCreated, toResponse(a, f.NameVI, answerLang(c)))
}

// canReview reports whether the caller organises the fair (or is an admin).
func canReview(p auth.Principal, f Fair) bool {
	return p.Role == auth.RoleAdmin || (p.Role == auth.RoleOrganiser && slices.Contains(f.Organisers, p.AccountID))
}

func (h *Routes) list(c *gin.Context) {
	lang := answerLang(c)
	page, err := httpx.PageOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	q, err := queueOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	f, producerID, ok := h.listScope(c)
	if !ok {
		return
	}
	q.ProducerID = producerID
	apps, err := h.queuePage(c.Request.Context(), f.ID, q, page)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(apps, page.Limit, func(a Application) any { return q.Cursor(a) },
		func(a Application) response { return toResponse(a, f.NameVI, lang) }))
}

// fair returns a fair from the model, or from the database when the model is off or has not
// heard of it (a read by ID, which answers what it did before the model: NotFound with advice).
func (h *Routes) fair(ctx context.Context, id string) (Fair, error) {
	if h.Model != nil {
		if f, ok := h.Model.Fair(id); ok {
			return f, nil
		}
	}
	return h.Store.Fair(ctx, id)
}

// producerOf returns the producer ID of an account: from the model when it knows the account,
// otherwise from the catalog (NotFound when the account has no profile), so that a profile
// created a moment ago on another replica still counts.
func (h *Routes) producerOf(ctx context.Context, accountID string) (string, error) {
	if h.Model != nil {
		if id, ok := h.Model.ProducerOf(accountID); ok {
			return id, nil
		}
	}
	applicant, err := h.Catalog.ApplicantOf(ctx, accountID)
	return applicant.ProducerID, err
}

func (h *Routes) mine(c *gin.Context) {
	lang := answerLang(c)
	if h.Model != nil {
		h.mineFromModel(c)
		return
	}
	ctx := c.Request.Context()
	p, _ := httpx.PrincipalFrom(c)
	var before string
	page, err := httpx.PageAfter(c, &before)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	applicant, err := h.Catalog.ApplicantOf(ctx, p.AccountID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			c.JSON(http.StatusOK, httpx.List[response]{Items: []response{}})
			return
		}
		httpx.RespondError(c, err)
		return
	}
	apps, err := h.Store.ByProducer(ctx, applicant.ProducerID, before, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	names, err := h.fairNames(ctx, apps[:min(len(apps), page.Limit)])
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	httpx.JSONWithETag(c, httpx.ListOf(apps, page.Limit, func(a Application) any { return a.ID }, func(a Application) response {
		return toResponse(a, names[a.FairID], lang)
	}))
}

// mineFromModel answers mine from memory, with an ETag since producers' phones poll it. An
// account the model does not know has no applications it could show: each of a producer's
// applications reaches the model after the producer's profile (one stream, in order), and this
// replica's own applications after their applicant's lookup.
func (h *Routes) mineFromModel(c *gin.Context) {
	lang := answerLang(c)
	p, _ := httpx.PrincipalFrom(c)
	var before string
	page, err := httpx.PageAfter(c, &before)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	producerID, ok := h.Model.ProducerOf(p.AccountID)
	if !ok {
		httpx.JSONWithETag(c, httpx.List[response]{Items: []response{}})
		return
	}
	apps := h.Model.ByProducer(producerID, before, page.Limit+1)
	httpx.JSONWithETag(c, httpx.ListOf(apps, page.Limit, func(a Application) any { return a.ID }, func(a Application) response {
		f, _ := h.Model.Fair(a.FairID) // a fair not heard of yet has no name
		return toResponse(a, f.NameVI, lang)
	}))
}

// fairNames looks up the Vietnamese name of each fair apps refer to, once per fair rather than
// once per row. A fair this service has not heard of (yet) gets an empty name; any other failed
// lookup is returned, so a broken read never shows as a nameless fair.
func (h *Routes) fairNames(ctx context.Context, apps []Application) (map[string]string, error) {
	names := make(map[string]string, len(apps))
	for _, a := range apps {
		if _, done := names[a.FairID]; done {
			continue
		}
		f, err := h.Store.Fair(ctx, a.FairID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return nil, err
		}
		names[a.FairID] = f.NameVI
	}
	return names, nil
}

// visible loads an application the caller may see: its producer, the fair's organisers, admins.
// It takes the application and its fair from the model when it holds them, else from the
// database. A review takes them from the model too: its write is conditional on the revision it
// read, so a model a moment behind costs a stale write, after which Move re-reads the database,
// and a review costs no read of its own on the database's one connection.
func (h *Routes) visible(c *gin.Context) (Application, Fair, bool) {
	ctx := c.Request.Context()
	a, ok := Application{}, false
	if h.Model != nil {
		a, ok = h.Model.Get(c.Param("id"))
	}
	var err error
	if !ok {
		// Not in the model (yet): a read by ID, cheap on any database.
		if a, err = h.Store.Get(ctx, c.Param("id")); err != nil {
			httpx.RespondError(c, err)
			return Application{}, Fair{}, false
		}
	}
	f, err := h.fair(ctx, a.FairID)
	if err != nil {
		httpx.RespondError(c, err)
		return Application{}, Fair{}, false
	}
	p, _ := httpx.PrincipalFrom(c)
	if canReview(p, f) {
		return a, f, true
	}
	if mine, err := h.owns(ctx, p, a, false); err != nil || !mine {
		httpx.RespondError(c, cmp.Or(err, error(apperr.New(apperr.Forbidden, msgNotYours))))
		return Application{}, Fair{}, false
	}
	return a, f, true
}

// owns reports whether the caller is the producer that application a is from: the account the
// producer's profile belongs to now, not the one that sent it, so that a profile handed over to
// the company owning its tax code takes its applications along and leaves none behind. A read
// may take the model's word (a moment behind a hand-over at most); a change (fresh) reads the
// profile from the database.
func (h *Routes) owns(ctx context.Context, p auth.Principal, a Application, fresh bool) (bool, error) {
	if p.Role != auth.RoleProducer {
		return false, nil
	}
	var id string
	var err error
	if fresh {
		var applicant Applicant
		applicant, err = h.Catalog.ApplicantOf(ctx, p.AccountID)
		id = applicant.ProducerID
	} else {
		id, err = h.producerOf(ctx, p.AccountID)
	}
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	return err == nil && id == a.ProducerID, err
}

func (h *Routes) get(c *gin.Context) {
	if a, f, ok := h.visible(c); ok {
		c.JSON(http.StatusOK, toResponse(a, f.NameVI, answerLang(c)))
	}
}

func (h *Routes) review(act Action) gin.HandlerFunc {
	return func(c *gin.Context) {
		// One rule for a missing body (httpx.Bind): reject needs its reason, so a rejection
		// without a body is malformed; the other moves take an optional note.
		bind := httpx.BindOptional
		if act == Reject {
			bind = httpx.Bind
		}
		var req reviewRequest
		if !bind(c, &req) {
			return
		}
		a, f, ok := h.visible(c)
		if !ok {
			return
		}
		p, _ := httpx.PrincipalFrom(c)
		if act == Withdraw {
			if mine, err := h.owns(c.Request.Context(), p, a, true); err != nil || !mine {
				httpx.RespondError(c, cmp.Or(err, error(apperr.New(apperr.Forbidden, msgWithdrawOwn))))
				return
			}
		}
		if act != Withdraw && !canReview(p, f) {
			httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOrganisersReview))
			return
		}
		next, err := h.move(c.Request.Context(), f, a, act, req.Reason)
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		h.Notify()
		c.JSON(http.StatusOK, toResponse(next, f.NameVI, answerLang(c)))
	}
}
