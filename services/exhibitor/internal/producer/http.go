package producer

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// certificationBody is a certification in requests and responses.
type certificationBody struct {
	Code       string `json:"code" enum:"iso_22000,iso_9001,haccp,vietgap,globalgap,organic_tcvn,organic_eu,organic_usda,organic_jas"`
	Number     string `json:"number"`
	ValidUntil string `json:"valid_until" format:"date" doc:"last valid day"`
}

// writeRequest is the body of POST (all required fields) and PATCH (any subset).
type writeRequest struct {
	Kind           *string              `json:"kind" enum:"cooperative,enterprise,household_business,cooperative_group"`
	LegalName      *string              `json:"legal_name" example:"Hợp tác xã Nông nghiệp Bát Xát"`
	TaxCode        *string              `json:"tax_code" example:"5300123456" doc:"10 digits, or 10 digits-3 digits (001 to 999) for a branch"`
	Province       *string              `json:"province" example:"Lào Cai" doc:"code or name of one of the 34 provinces; old names are accepted"`
	Commune        *string              `json:"commune" doc:"at most 120 characters"`
	Address        *string              `json:"address" doc:"at most 300 characters"`
	Phone          *string              `json:"phone"`
	Email          *string              `json:"email"`
	DescriptionVI  *string              `json:"description_vi"`
	DescriptionEN  *string              `json:"description_en"`
	Certifications *[]certificationBody `json:"certifications"`
	Trademark      *string              `json:"trademark_registration" doc:"at most 80 characters"`
	ExportMarkets  *[]string            `json:"export_markets"`
	ExportNotes    *string              `json:"export_experience" doc:"at most 2,000 characters"`
}

// createProfile is writeRequest as POST /api/producers documents it. Only the tax code is
// required: a new profile needs the fields New asks for, but a claim of an imported profile (with
// claim_code) may leave them out and keeps what the organiser imported, and one schema cannot say
// both. A profile handed over from another account is written whole, as a new one. It converts to
// writeRequest, so the two keep the same fields and types; TestCreateRequest keeps their tags alike.
type createProfile struct {
	Kind           *string              `json:"kind" enum:"cooperative,enterprise,household_business,cooperative_group" doc:"required for a new profile (a hand-over too); a claim of an imported profile may leave it out"`
	LegalName      *string              `json:"legal_name" example:"Hợp tác xã Nông nghiệp Bát Xát" doc:"required for a new profile (a hand-over too); a claim of an imported profile may leave it out"`
	TaxCode        *string              `json:"tax_code" example:"5300123456" doc:"10 digits, or 10 digits-3 digits (001 to 999) for a branch" required:"true"`
	Province       *string              `json:"province" example:"Lào Cai" doc:"code or name of one of the 34 provinces; old names are accepted; required for a new profile (a hand-over too), a claim of an imported profile may leave it out"`
	Commune        *string              `json:"commune" doc:"at most 120 characters; required for a new profile (a hand-over too), a claim of an imported profile may leave it out"`
	Address        *string              `json:"address" doc:"at most 300 characters"`
	Phone          *string              `json:"phone" doc:"required for a new profile (a hand-over too); a claim of an imported profile may leave it out"`
	Email          *string              `json:"email"`
	DescriptionVI  *string              `json:"description_vi"`
	DescriptionEN  *string              `json:"description_en"`
	Certifications *[]certificationBody `json:"certifications"`
	Trademark      *string              `json:"trademark_registration" doc:"at most 80 characters"`
	ExportMarkets  *[]string            `json:"export_markets"`
	ExportNotes    *string              `json:"export_experience" doc:"at most 2,000 characters"`
}

// createRequest is the body of POST /api/producers.
type createRequest struct {
	createProfile
	ClaimCode *string `json:"claim_code" doc:"the claim code the organiser gave you (e.g. K7QX-94MP-2RHT): when they imported your profile, or when another account registered your tax code first and the organiser, having checked, hands that profile over to you"`
}

func (r writeRequest) fields() (Fields, error) {
	f := Fields{Kind: r.Kind, LegalName: r.LegalName, TaxCode: r.TaxCode, Province: r.Province, Commune: r.Commune,
		Address: r.Address, Phone: r.Phone, Email: r.Email, DescriptionVI: r.DescriptionVI, DescriptionEN: r.DescriptionEN,
		Trademark: r.Trademark, ExportMarkets: r.ExportMarkets, ExportNotes: r.ExportNotes}
	if r.Certifications != nil {
		var v apperr.Validation
		certs := make([]Certification, 0, len(*r.Certifications))
		for i, c := range *r.Certifications {
			var until time.Time
			if c.ValidUntil != "" {
				d, err := time.ParseInLocation(time.DateOnly, c.ValidUntil, vntext.Zone)
				if !v.Expect(err == nil, "certifications["+strconv.Itoa(i)+"].valid_until", apperr.NotDate) {
					continue
				}
				until = d
			}
			certs = append(certs, Certification{Code: c.Code, Number: c.Number, ValidUntil: until})
		}
		if err := v.Err(); err != nil {
			return Fields{}, err
		}
		f.Certifications = &certs
	}
	return f, nil
}

type provinceBody struct {
	Code   string `json:"code" example:"15"`
	Name   string `json:"name" example:"Lào Cai"`
	Region string `json:"region"`
}

type response struct {
	ID             string              `json:"id" format:"uuid"`
	AccountID      string              `json:"account_id"`
	Kind           string              `json:"kind" enum:"cooperative,enterprise,household_business,cooperative_group"`
	LegalName      string              `json:"legal_name"`
	TaxCode        string              `json:"tax_code,omitempty" doc:"shown to the producer itself, organisers and admins"`
	Province       provinceBody        `json:"province"`
	Commune        string              `json:"commune"`
	Address        string              `json:"address"`
	Phone          string              `json:"phone"`
	Email          string              `json:"email"`
	DescriptionVI  string              `json:"description_vi"`
	DescriptionEN  string              `json:"description_en"`
	Certifications []certificationBody `json:"certifications"`
	Trademark      string              `json:"trademark_registration"`
	ExportMarkets  []string            `json:"export_markets"`
	ExportNotes    string              `json:"export_experience"`
	Claim          *claimBody          `json:"claim,omitempty" doc:"organisers and admins, for a profile imported and not yet claimed"`
	Revision       int64               `json:"revision"`
	CreatedAt      time.Time           `json:"created_at"`
	UpdatedAt      time.Time           `json:"updated_at"`
}

func toResponse(p Producer, full bool) response {
	certs := make([]certificationBody, len(p.Certifications))
	for i, c := range p.Certifications {
		certs[i] = certificationBody{Code: c.Code, Number: c.Number, ValidUntil: c.ValidUntil.In(vntext.Zone).Format(time.DateOnly)}
	}
	markets := p.ExportMarkets
	if markets == nil {
		markets = []string{}
	}
	r := response{
		ID: p.ID, AccountID: p.AccountID, Kind: p.Kind, LegalName: p.LegalName,
		Province: provinceBody{Code: p.Province.Code, Name: p.Province.Name, Region: p.Province.Region},
		Commune:  p.Commune, Address: p.Address, Phone: p.Phone, Email: p.Email, DescriptionVI: p.DescriptionVI,
		DescriptionEN: p.DescriptionEN, Certifications: certs, Trademark: p.Trademark, ExportMarkets: markets,
		ExportNotes: p.ExportNotes, Revision: p.Revision, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
	if full {
		r.TaxCode = p.TaxCode
	}
	return r
}

// Routes serves the producer endpoints.
type Routes struct {
	Store  *Store
	Claims *ClaimStore
	Notify func() // wakes the outbox relay after a write
	Now    func() time.Time
	// kept says which accounts without a profile had none handed over (see noProfile).
	kept keptNone
}

// keptNone remembers, for a minute, the accounts found without a profile and with none handed
// over: a producer without a profile reads its own (every floor plan drawn asks) without each read
// going to the audit log. A hand-over in that minute is said at most a minute late.
type keptNone struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

const keptNoneFor, keptNoneMost = time.Minute, 10000

func (k *keptNone) has(account string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	at, ok := k.seen[account]
	return ok && now.Sub(at) < keptNoneFor
}

func (k *keptNone) forget(account string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.seen, account)
}

func (k *keptNone) add(account string, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.seen == nil || len(k.seen) >= keptNoneMost {
		k.seen = map[string]time.Time{}
	}
	k.seen[account] = now
}

func (h *Routes) now() time.Time { return h.Now().In(vntext.Zone).Truncate(time.Millisecond) }

// Register registers the producer routes.
func (h *Routes) Register(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/producers", Tag: "producers", Roles: []string{auth.RoleProducer},
		Status: http.StatusCreated, Idempotent: true, Summary: "Create the signed-in producer's profile (one per account). When the organiser imported the producer already, the tax code alone is refused: send claim_code, the code the organiser handed over, to take over that profile (5 tries per account and code; wrong tries from other accounts never lock the producer holding the code out). When another account registered the tax code first, the answer is 409: the organisers, once they have checked who the company is, issue a claim code for that profile, and the company sends it as claim_code to take the profile over with its products, applications and meetings; the other account keeps none of them.",
		Request: createRequest{}, Response: response{}}, h.create)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/producers", Tag: "producers", Roles: []string{auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "List and search producers (name search ignores diacritics).", Response: httpx.List[response]{},
		Query: []openapi.Param{{Name: "q", Description: "part of the legal name; at most 200 characters"}, {Name: "tax_code", Description: "a tax code, exactly: the one profile registered with it, if any, with the state of its claim code (the other filters are then ignored)"}, {Name: "province", Description: "province code or name"},
			{Name: "kind"}, {Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.list)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/producers/unclaimed", Tag: "producers", Roles: []string{auth.RoleOrganiser, auth.RoleAdmin},
		Summary:  "Imported profiles no producer has claimed yet, newest first, each with the state of its claim code (outstanding, expiry, wrong tries from all accounts; never the code), so an organiser can issue a new one (organisers, admins).",
		Response: httpx.List[response]{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.unclaimed)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/producers/me", Tag: "producers", Roles: []string{auth.RoleProducer},
		Summary: "The signed-in producer's own profile (404 until it is created).", Response: response{}, Errors: []int{http.StatusNotFound}}, h.me)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/producers/:id", Tag: "producers", Roles: []string{auth.RoleProducer, auth.RoleBuyer, auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "A producer profile. Producers may read only their own.", Response: response{}}, h.get)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/producers/:id", Tag: "producers", Roles: []string{auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "Change some fields of a profile (the producer itself, organisers and admins). Send If-Match with the revision to avoid overwriting a concurrent change.",
		Request: writeRequest{}, Response: response{}}, h.patch)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/producers/:id/claim-code", Tag: "producers", Roles: []string{auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "Issue a new claim code for a profile (organisers and admins; any organiser, as a province's organisers work as one team), valid 30 days: for an imported profile not claimed yet, or to hand a registered profile over to the company that owns its tax code, once checked (another account registered it first); whoever registers with the code takes the profile, its products, applications and meetings. For a registered profile the body must give the reason (what was checked). The previous code stops working. The code is shown only in this response; the issue is recorded in the claim audit log, with the reason.",
		Request: issueRequest{}, OptionalBody: true, Response: claimCodeResponse{}}, h.issueClaimCode)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/producers/:id/claim-attempts", Tag: "producers", Roles: []string{auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "The audit log of a profile's claim codes, newest first: each code issued, and each try in which a code was compared (a claim, a wrong code), with its account and client address; requests refused before a code was compared are not recorded (organisers, admins).", Response: httpx.List[claimAttemptBody]{},
		Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.claimAttempts)
}

func (h *Routes) create(c *gin.Context) {
	var req createRequest
	if !httpx.Bind(c, &req) {
		return
	}
	f, err := writeRequest(req.createProfile).fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	ctx := c.Request.Context()
	if f.TaxCode != nil {
		existing, err := h.Store.ByTaxCode(ctx, strings.TrimSpace(*f.TaxCode))
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			httpx.RespondError(c, err)
			return
		}
		// An imported profile is claimed with its code; so is a profile registered by another
		// account when the organisers, having checked who the company is, issued a code to hand
		// it over (tax codes are public: anyone could register one first).
		if err == nil && (existing.Claimable() || req.ClaimCode != nil && strings.TrimSpace(*req.ClaimCode) != "") {
			h.claim(c, p, existing, f, req.ClaimCode)
			return
		}
	}
	prod, err := New(httpx.NewID(c), p.AccountID, f, h.now())
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := h.Store.Create(ctx, prod, correlation.From(ctx)); err != nil {
		stored, ok := httpx.StoredBefore(c, prod.ID, err, h.Store.Get, func(x Producer) bool { return x.AccountID == p.AccountID })
		if !ok {
			httpx.RespondError(c, err)
			return
		}
		// A re-run of a request whose first run stored the profile but whose response was lost:
		// answer as that first run did, not with the 409 of a profile already registered.
		prod = stored
	}
	h.created(c, prod)
}

// created answers a request that stored prod as the caller's profile, new or claimed.
func (h *Routes) created(c *gin.Context, prod Producer) {
	h.Notify()
	h.kept.forget(prod.AccountID) // it has a profile now, which may be handed over in the minute
	c.Header("Location", "/api/producers/"+prod.ID)
	c.Header("ETag", httpx.RevisionTag(prod.Revision))
	c.JSON(http.StatusCreated, toResponse(prod, true))
}

// visible loads a producer and checks that the caller may see it: producers only their own.
func (h *Routes) visible(c *gin.Context) (Producer, auth.Principal, bool) {
	p, _ := httpx.PrincipalFrom(c)
	prod, err := h.Store.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return Producer{}, p, false
	}
	if p.Role == auth.RoleProducer && prod.AccountID != p.AccountID {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgNotYours))
		return Producer{}, p, false
	}
	return prod, p, true
}

func fullView(p auth.Principal, prod Producer) bool {
	return prod.AccountID == p.AccountID || p.Is(auth.RoleOrganiser, auth.RoleAdmin)
}

func (h *Routes) get(c *gin.Context) {
	prod, p, ok := h.visible(c)
	if !ok {
		return
	}
	r := toResponse(prod, fullView(p, prod))
	if p.Is(auth.RoleOrganiser, auth.RoleAdmin) {
		// Organisers see an imported profile's code, and a code issued to hand a registered
		// profile over while it can still be used.
		st, err := h.Claims.Status(c.Request.Context(), prod.ID, h.now())
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		if prod.Claimable() || st.Outstanding {
			r.Claim = toClaimBody(st)
		}
	}
	c.Header("ETag", httpx.RevisionTag(prod.Revision))
	c.JSON(http.StatusOK, r)
}

func (h *Routes) me(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	prod, err := h.Store.ByAccount(c.Request.Context(), p.AccountID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			err = h.noProfile(c, p.AccountID, err)
		}
		httpx.RespondError(c, err)
		return
	}
	c.Header("ETag", httpx.RevisionTag(prod.Revision))
	c.JSON(http.StatusOK, toResponse(prod, true))
}

// noProfile is the answer to an account without a profile (err, not found): one whose profile was
// handed over to the company owning its tax code is told so, and when, not asked to register as
// if it never had one.
func (h *Routes) noProfile(c *gin.Context, account string, err error) error {
	now := h.Now()
	if !h.kept.has(account, now) {
		gone, ok, lerr := h.Claims.HandedOverFrom(c.Request.Context(), account)
		if lerr != nil {
			return lerr
		}
		if ok {
			return apperr.New(apperr.NotFound, msgHandedOver, gone.At.Format("15:04 02/01/2006"))
		}
		h.kept.add(account, now)
	}
	return apperr.WrapMsg(apperr.NotFound, err, msgNoProfileYet)
}

func (h *Routes) patch(c *gin.Context) {
	prod, p, ok := h.visible(c)
	if !ok {
		return
	}
	var req writeRequest
	if !httpx.Bind(c, &req) {
		return
	}
	if !httpx.IfMatchRevision(c.GetHeader("If-Match"), prod.Revision) {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgRevisionChanged, prod.Revision))
		return
	}
	f, err := req.fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	next, err := h.patchWithRetry(c.Request.Context(), p, prod, f, c.GetHeader("If-Match") != "")
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	h.Notify()
	c.Header("ETag", httpx.RevisionTag(next.Revision))
	c.JSON(http.StatusOK, toResponse(next, fullView(p, next)))
}

// patchWithRetry applies f for who; without If-Match a concurrent change of other fields is
// merged by re-reading and re-applying (a few times), with If-Match it is reported. A profile read
// again is the producer's own still: handed over meanwhile (a claim), it is another's, and the
// first account's fields are not written onto it.
func (h *Routes) patchWithRetry(ctx context.Context, who auth.Principal, prod Producer, f Fields, strict bool) (Producer, error) {
	tries := storage.StaleTries
	if strict {
		tries = 1
	}
	return storage.RetryStale(ctx, prod, tries, ErrStale,
		func(p Producer) (Producer, error) {
			return p.Patch(f, h.now())
		},
		func(ctx context.Context, next, prev Producer) error {
			return h.Store.Update(ctx, next, prev.Revision, correlation.From(ctx))
		},
		func(ctx context.Context, prev Producer) (Producer, error) {
			cur, err := h.Store.Get(ctx, prev.ID)
			if err == nil && who.Role == auth.RoleProducer && cur.AccountID != who.AccountID {
				return Producer{}, apperr.New(apperr.Forbidden, msgNotYours)
			}
			return cur, err
		})
}

// byTaxCode lists the one profile with the tax code, if any, with the state of its claim code:
// how organisers find the profile another account registered with a company's tax code.
func (h *Routes) byTaxCode(c *gin.Context, tax string) {
	ctx := c.Request.Context()
	items := []response{}
	prod, err := h.Store.ByTaxCode(ctx, tax)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		httpx.RespondError(c, err)
		return
	}
	if err == nil {
		st, err := h.Claims.Status(ctx, prod.ID, h.now())
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		r := toResponse(prod, true)
		r.Claim = toClaimBody(st)
		items = append(items, r)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, httpx.List[response]{Items: items})
}

func (h *Routes) list(c *gin.Context) {
	page, err := httpx.PageOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if tax := strings.TrimSpace(c.Query("tax_code")); tax != "" {
		h.byTaxCode(c, tax)
		return
	}
	var v apperr.Validation
	f := Filter{Query: httpx.SearchText(c, &v), Kind: c.Query("kind"), Limit: page.Limit + 1}
	if err := httpx.DecodeCursor(page.Cursor, &f.After); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if s := c.Query("province"); s != "" {
		prov, ok := ocop.LookupProvince(s)
		v.Expect(ok, "province", msgProvince, oldProvinceExample)
		f.Province = prov.Code
	}
	if f.Kind != "" {
		v.Expect(slices.Contains(Kinds, f.Kind), "kind", apperr.OneOf, apperr.OrOf(Kinds...))
	}
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	prods, err := h.Store.List(c.Request.Context(), f)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(prods, page.Limit, func(p Producer) any { return p.ID },
		func(p Producer) response { return toResponse(p, true) }))
}
