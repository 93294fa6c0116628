package product

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// certificateBody is a product's OCOP certificate; a create or a PATCH that gives one gives it
// whole, with its decision, issuer and date (TestCertificateRequiresItsFields).
type certificateBody struct {
	DecisionNo string `json:"decision_no" doc:"e.g. 1234/QĐ-UBND; at most 80 characters" required:"true"`
	IssuedBy   string `json:"issued_by" doc:"at most 200 characters" required:"true"`
	IssuedOn   string `json:"issued_on" format:"date" required:"true"`
	ExpiresOn  string `json:"expires_on,omitempty" format:"date" doc:"first day no longer valid; default issue date + 36 months"`
}

// writeRequest creates (required fields) or patches (any subset) a product.
type writeRequest struct {
	NameVI          *string          `json:"name_vi" example:"Mật ong hoa bạc hà Mèo Vạc"`
	NameEN          *string          `json:"name_en"`
	CriteriaSet     *int             `json:"criteria_set" doc:"1 to 26 (Decision 148/QĐ-TTg)"`
	Stars           *int             `json:"stars" enum:"3,4,5"`
	PotentialFive   *bool            `json:"potential_five_star"`
	Certificate     *certificateBody `json:"certificate"`
	GTIN            *string          `json:"gtin" doc:"13 digits, optional"`
	Unit            *string          `json:"unit" doc:"kg, tonne, litre, bottle, jar, box, pack, bag, piece, set, ..."`
	PriceMin        *int64           `json:"price_min_vnd"`
	PriceMax        *int64           `json:"price_max_vnd"`
	MonthlyCapacity *float64         `json:"monthly_capacity" doc:"units per month"`
	ShelfLifeDays   *int             `json:"shelf_life_days"`
	SeasonMonths    *[]int           `json:"season_months"`
	DescriptionVI   *string          `json:"description_vi"`
	DescriptionEN   *string          `json:"description_en"`
	ImageURLs       *[]string        `json:"image_urls" format:"uri"`
}

// createRequest is writeRequest as POST /api/producers/{id}/products documents it: the fields New
// refuses to do without are required. It converts to writeRequest, so the two keep the same
// fields and types; TestCreateRequest keeps their tags alike and the required ones those New asks for.
type createRequest struct {
	NameVI          *string          `json:"name_vi" example:"Mật ong hoa bạc hà Mèo Vạc" required:"true"`
	NameEN          *string          `json:"name_en"`
	CriteriaSet     *int             `json:"criteria_set" doc:"1 to 26 (Decision 148/QĐ-TTg)" required:"true"`
	Stars           *int             `json:"stars" enum:"3,4,5" required:"true"`
	PotentialFive   *bool            `json:"potential_five_star"`
	Certificate     *certificateBody `json:"certificate" required:"true"`
	GTIN            *string          `json:"gtin" doc:"13 digits, optional"`
	Unit            *string          `json:"unit" doc:"kg, tonne, litre, bottle, jar, box, pack, bag, piece, set, ..." required:"true"`
	PriceMin        *int64           `json:"price_min_vnd"`
	PriceMax        *int64           `json:"price_max_vnd"`
	MonthlyCapacity *float64         `json:"monthly_capacity" doc:"units per month"`
	ShelfLifeDays   *int             `json:"shelf_life_days"`
	SeasonMonths    *[]int           `json:"season_months"`
	DescriptionVI   *string          `json:"description_vi"`
	DescriptionEN   *string          `json:"description_en"`
	ImageURLs       *[]string        `json:"image_urls" format:"uri"`
}

// Fields converts the request, with field errors for unreadable dates.
func (r writeRequest) Fields() (Fields, error) {
	var v apperr.Validation
	f := Fields{NameVI: r.NameVI, NameEN: r.NameEN, CriteriaSet: r.CriteriaSet, Stars: r.Stars, PotentialFive: r.PotentialFive,
		GTIN: r.GTIN, Unit: r.Unit, PriceMin: r.PriceMin, PriceMax: r.PriceMax, MonthlyCapacity: r.MonthlyCapacity,
		ShelfLifeDays: r.ShelfLifeDays, SeasonMonths: r.SeasonMonths, DescriptionVI: r.DescriptionVI, DescriptionEN: r.DescriptionEN, ImageURLs: r.ImageURLs}
	if c := r.Certificate; c != nil {
		f.DecisionNo, f.IssuedBy = &c.DecisionNo, &c.IssuedBy
		if d, err := time.ParseInLocation(time.DateOnly, c.IssuedOn, vntext.Zone); v.Expect(err == nil, "certificate.issued_on", apperr.NotDate) {
			f.IssuedOn = &d
		}
		if c.ExpiresOn != "" {
			if d, err := time.ParseInLocation(time.DateOnly, c.ExpiresOn, vntext.Zone); v.Expect(err == nil, "certificate.expires_on", apperr.NotDate) {
				f.ExpiresOn = &d
			}
		}
	}
	return f, v.Err()
}

type response struct {
	ID                string          `json:"id" format:"uuid"`
	ProducerID        string          `json:"producer_id" format:"uuid"`
	ProducerName      string          `json:"producer_name"`
	ProvinceCode      string          `json:"province_code"`
	ProvinceName      string          `json:"province_name"`
	Region            string          `json:"region"`
	NameVI            string          `json:"name_vi"`
	NameEN            string          `json:"name_en"`
	CriteriaSet       int             `json:"criteria_set"`
	Sector            string          `json:"sector"`
	Group             string          `json:"group"`
	Stars             int             `json:"stars"`
	PotentialFive     bool            `json:"potential_five_star"`
	Certificate       certificateBody `json:"certificate"`
	CertificateStatus string          `json:"certificate_status" doc:"valid, expiring (under 90 days left) or expired"`
	ShownAsOCOP       bool            `json:"shown_as_ocop" doc:"false once the certificate has expired"`
	GTIN              string          `json:"gtin"`
	Unit              string          `json:"unit"`
	PriceMin          int64           `json:"price_min_vnd"`
	PriceMax          int64           `json:"price_max_vnd"`
	MonthlyCapacity   float64         `json:"monthly_capacity"`
	ShelfLifeDays     int             `json:"shelf_life_days"`
	SeasonMonths      []int           `json:"season_months"`
	DescriptionVI     string          `json:"description_vi"`
	DescriptionEN     string          `json:"description_en"`
	ImageURLs         []string        `json:"image_urls" format:"uri"`
	PhotoURL          *string         `json:"photo_url" doc:"the product's photo (add &size=thumb for the 320 px thumbnail); null without one"`
	ProducerCerts     []string        `json:"producer_certifications"`
	Revision          int64           `json:"revision"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
	ChangedBy         *editorBody     `json:"changed_by,omitempty" doc:"who made the last change (at updated_at), shown to those who may change the product: its producer, organisers and admins; absent for an import"`
}

// editorBody is who made a product's last change.
type editorBody struct {
	Role string `json:"role" enum:"producer,organiser,admin"`
	Name string `json:"name"`
}

// editorOf is the signed-in caller as a product's editor.
func editorOf(c *gin.Context) Editor {
	p, _ := httpx.PrincipalFrom(c)
	return Editor{Role: p.Role, Name: p.Name}
}

// respond renders l for the caller: with who changed it last when the caller may change it too.
func (h *Routes) respond(c *gin.Context, l Listed) response {
	r := ToResponse(l, h.Now())
	if e := l.ChangedBy; e.Role != "" && mayEdit(c, l.Owner) {
		r.ChangedBy = &editorBody{Role: e.Role, Name: e.Name}
	}
	return r
}

// ToResponse renders a product at time now.
func ToResponse(l Listed, now time.Time) response {
	p := l.Product
	cs, _ := ocop.CriteriaSetByNumber(p.CriteriaSet)
	status := p.Certificate.Status(now)
	return response{
		ID: p.ID, ProducerID: p.ProducerID, ProducerName: l.Owner.Name, ProvinceCode: l.Owner.Province.Code, ProvinceName: l.Owner.Province.Name,
		Region: l.Owner.Province.Region, NameVI: p.NameVI, NameEN: p.NameEN, CriteriaSet: p.CriteriaSet, Sector: cs.Sector, Group: cs.Group,
		Stars: p.Rating.Stars, PotentialFive: p.Rating.PotentialFive,
		Certificate: certificateBody{DecisionNo: p.Certificate.DecisionNo, IssuedBy: p.Certificate.IssuedBy,
			IssuedOn: p.Certificate.IssuedOn.In(vntext.Zone).Format(time.DateOnly), ExpiresOn: p.Certificate.ExpiresOn.In(vntext.Zone).Format(time.DateOnly)},
		CertificateStatus: string(status), ShownAsOCOP: status != ocop.CertificateExpired, GTIN: p.GTIN, Unit: p.Unit,
		PriceMin: p.PriceMin, PriceMax: p.PriceMax, MonthlyCapacity: p.MonthlyCapacity, ShelfLifeDays: p.ShelfLifeDays,
		SeasonMonths: nonNilInts(p.SeasonMonths), DescriptionVI: p.DescriptionVI, DescriptionEN: p.DescriptionEN, ImageURLs: nonNil(p.ImageURLs), PhotoURL: photoURL(p),
		ProducerCerts: nonNil(l.Owner.Certifications), Revision: p.Revision, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

// Owners finds the producer of a product and who may change it.
type Owners interface {
	// OwnerOf returns the owner record of producer id.
	OwnerOf(ctx context.Context, producerID string) (Owner, error)
}

// Routes serves the product endpoints.
type Routes struct {
	Store  *Store
	Owners Owners
	// Catalogue answers the public catalogue and producers' lists from memory; nil reads them
	// from the database.
	Catalogue *Catalogue
	Notify    func()
	Now       func() time.Time
	// Holding names the fairs not yet over to which an active application lists a product of a
	// producer, which then cannot be removed (nil: none).
	Holding func(ctx context.Context, producerID, productID string) ([]string, error)
	// Holds, when set, keeps a removal and an application naming the product being sent from
	// passing each other (see HoldsCollection).
	Holds *Holds
	memo  *httpx.Memo
}

// Register registers the product routes.
func (h *Routes) Register(api httpx.API) {
	h.memo = httpx.NewMemo(32 << 20)
	editors := []string{auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin}
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/producers/:id/products", Tag: "products", Roles: editors, Status: http.StatusCreated, Idempotent: true,
		Summary: "Add an OCOP product with its certificate to a producer (the producer itself, organisers, admins).", Request: createRequest{}, Response: response{}, Headers: versionHeader}, h.create)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/producers/:id/products", Tag: "products",
		Summary: "A producer's products with their certificate status, by name.", Response: httpx.List[response]{},
		Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.listOfProducer)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/products", Tag: "products",
		Summary:  "The public catalogue. Search ignores diacritics and case; exact-diacritic matches come first. Expired certificates are left out unless asked for.",
		Response: httpx.List[response]{}, Query: []openapi.Param{{Name: "q", Description: "words of the product's names, whole or their start, without diacritics if you like; at most 200 characters"}, {Name: "sector"}, {Name: "criteria_set", Type: "integer"},
			{Name: "min_stars", Type: "integer"}, {Name: "province"}, {Name: "region"}, {Name: "certification", Description: "a producer certification code"},
			{Name: "certificate_status", Description: "valid, expiring, expired (comma-separated)"}, {Name: "limit", Type: "integer"}, {Name: "cursor"}}}, h.catalogue)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/products/:id", Tag: "products", Summary: "One product.", Response: response{}, Headers: versionHeader}, h.get)
	api.Handle(openapi.Op{Method: http.MethodPatch, Path: "/api/products/:id", Tag: "products", Roles: editors,
		Summary: "Change a product (its producer, organisers, admins). Send If-Match with the ETag loaded to avoid overwriting a concurrent change: 409 product_revision_changed when the product changed since.",
		Request: writeRequest{}, Response: response{}, Errors: []int{http.StatusConflict}, Headers: versionHeader}, h.patch)
	api.Handle(openapi.Op{Method: http.MethodDelete, Path: "/api/products/:id", Tag: "products", Roles: editors, Status: http.StatusNoContent,
		Summary: "Remove a product from the catalogue. 409 product_in_application while an active application to a fair not yet over lists it (it is what the fair shows): withdraw the application first; 409 product_being_applied while an application listing it is being sent (try again in a few minutes).",
		Errors:  []int{http.StatusConflict}}, h.delete)
}

// versionHeader documents the ETag of a product's answers.
var versionHeader = map[string]string{"ETag": "the product's version, for If-Match on PATCH and DELETE (409 product_revision_changed when it changed since)"}

// mayEdit reports whether the caller may change products of owner.
func mayEdit(c *gin.Context, o Owner) bool {
	p, _ := httpx.PrincipalFrom(c)
	return p.Is(auth.RoleOrganiser, auth.RoleAdmin) || (p.Role == auth.RoleProducer && p.AccountID == o.AccountID)
}

func (h *Routes) now() time.Time { return h.Now().In(vntext.Zone).Truncate(time.Millisecond) }

func (h *Routes) create(c *gin.Context) {
	var req createRequest
	if !httpx.Bind(c, &req) {
		return
	}
	owner, err := h.Owners.OwnerOf(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if !mayEdit(c, owner) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgAddOwnOnly))
		return
	}
	f, err := writeRequest(req).Fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, err := New(httpx.NewID(c), owner.ProducerID, f, h.now())
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p.ChangedBy = editorOf(c)
	l := Listed{Product: p, Owner: owner}
	if err := h.Store.Create(c.Request.Context(), p, owner, correlation.From(c.Request.Context())); err != nil {
		stored, ok := httpx.StoredBefore(c, p.ID, err, h.Store.Get, func(l Listed) bool { return l.ProducerID == owner.ProducerID && !l.Deleted })
		if !ok {
			httpx.RespondError(c, err)
			return
		}
		// A re-run of a request whose first run stored the product but whose response was lost:
		// answer as that first run did, not with the 409 of its own name (kept for a day).
		l = stored
	}
	h.ownerSince(c, l)
	h.Notify()
	c.Header("Location", "/api/products/"+l.ID)
	c.Header("ETag", etag(l.Product))
	c.JSON(http.StatusCreated, h.respond(c, l))
}

// ownerSince reads the producer's profile again once product l is stored with the copy read
// before: a profile change stored in between refreshed the producer's products without this one
// (on this replica, or on another whose model had not seen it), so it is refreshed here. A read
// or write that fails leaves it to the producer's next change; it is logged.
func (h *Routes) ownerSince(c *gin.Context, l Listed) {
	ctx := c.Request.Context()
	now, err := h.Owners.OwnerOf(ctx, l.ProducerID)
	if err == nil && now.Revision > l.Owner.Revision {
		_, err = h.Store.RefreshOwner(context.WithoutCancel(ctx), now, correlation.From(ctx))
	}
	if err != nil {
		httpx.Logger(c).Warn("re-reading a new product's producer", "product", l.ID, "err", err)
	}
}

func (h *Routes) listOfProducer(c *gin.Context) {
	var after NameCursor
	page, err := httpx.PageAfter(c, &after)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	var items []Listed
	if h.Catalogue != nil {
		items = h.Catalogue.ByProducer(c.Param("id"), after, page.Limit+1)
	} else if items, err = h.Store.ByProducer(c.Request.Context(), c.Param("id"), after, page.Limit+1); err != nil {
		httpx.RespondError(c, err)
		return
	}
	httpx.JSONWithETag(c, httpx.ListOf(items, page.Limit, func(l Listed) any { return CursorAfter(l) },
		func(l Listed) response { return h.respond(c, l) }))
}

func (h *Routes) get(c *gin.Context) {
	l, err := h.Store.Get(c.Request.Context(), c.Param("id"))
	if err == nil && l.Deleted {
		err = apperr.New(apperr.NotFound, msgNotFound)
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("ETag", etag(l.Product))
	c.JSON(http.StatusOK, h.respond(c, l))
}

// etag is the entity tag of a product's own content, for If-Match: the time of its last change
// (Unix milliseconds, as its updated_at says). Not its revision: copying a changed producer
// profile onto its products advances that, and a product form loaded before would be refused
// for a change no one made to the product.
func etag(p Product) string { return `"` + strconv.FormatInt(p.UpdatedAt.UnixMilli(), 10) + `"` }

// matchesVersion reports whether an If-Match header names p's entity tag (see httpx.IfMatch).
func matchesVersion(header string, p Product) bool {
	return httpx.IfMatch(header, strings.Trim(etag(p), `"`))
}

// change loads the product, checks the caller may edit it, applies fn and saves with subject,
// re-reading when another writer got in between.
// With If-Match (the product's ETag as the caller loaded it) the change is made only to that
// version: an edit from a second phone is refused (409) instead of overwriting what the first
// one saved.
func (h *Routes) change(c *gin.Context, subject string, fn func(Product) (Product, error)) (Listed, bool) {
	ctx := c.Request.Context()
	m := c.GetHeader("If-Match")
	strict := m != "" && strings.TrimSpace(m) != "*"
	// load reads the product to change, refusing it when it is no longer the version asked for:
	// a write that lost to another is tried again only while the product read anew still is
	// (the other write copied the producer's profile onto it).
	load := func(ctx context.Context, id string) (Listed, error) {
		l, err := h.editable(ctx, c, id)
		if err == nil && strict && !matchesVersion(m, l.Product) {
			err = apperr.New(apperr.Conflict, msgRevisionChanged)
		}
		return l, err
	}
	l, err := load(ctx, c.Param("id"))
	if err == nil {
		l, err = storage.RetryStale(ctx, l, storage.StaleTries, ErrStale,
			func(l Listed) (Listed, error) {
				next, err := fn(l.Product)
				next.ChangedBy = editorOf(c)
				return Listed{Product: next, Owner: l.Owner}, err
			},
			func(ctx context.Context, next, prev Listed) error {
				return h.Store.Save(ctx, next.Product, next.Owner, prev.Revision, subject, correlation.From(ctx))
			},
			func(ctx context.Context, prev Listed) (Listed, error) { return load(ctx, prev.ID) })
	}
	if err != nil {
		httpx.RespondError(c, err)
		return Listed{}, false
	}
	h.Notify()
	return l, true
}

// editable loads a product that is not deleted, with its owner, if the caller may edit it.
func (h *Routes) editable(ctx context.Context, c *gin.Context, id string) (Listed, error) {
	l, err := h.Store.Get(ctx, id)
	if err == nil && l.Deleted {
		err = apperr.New(apperr.NotFound, msgNotFound)
	}
	if err != nil {
		return Listed{}, err
	}
	owner, err := h.Owners.OwnerOf(ctx, l.ProducerID)
	if err != nil {
		return Listed{}, err
	}
	if !mayEdit(c, owner) {
		return Listed{}, apperr.New(apperr.Forbidden, msgNotYours)
	}
	return Listed{Product: l.Product, Owner: owner}, nil
}

func (h *Routes) patch(c *gin.Context) {
	var req writeRequest
	if !httpx.Bind(c, &req) {
		return
	}
	f, err := req.Fields()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// A producer's new stars come with the decision that gave them; organisers and admins
	// correct stars typed wrong without one.
	pr, _ := httpx.PrincipalFrom(c)
	patch := func(p Product) (Product, error) {
		next, err := p.Patch(f, h.now())
		if err == nil && pr.Role == auth.RoleProducer && next.Rating.Stars != p.Rating.Stars && decisionKey(next.Certificate.DecisionNo) == decisionKey(p.Certificate.DecisionNo) {
			return Product{}, apperr.InvalidField("certificate.decision_no", msgStarsNeedDecision)
		}
		return next, err
	}
	if l, ok := h.change(c, events.ProductUpdated, patch); ok {
		c.Header("ETag", etag(l.Product))
		c.JSON(http.StatusOK, h.respond(c, l))
	}
}

func (h *Routes) catalogue(c *gin.Context) {
	page, err := httpx.PageOf(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	var v apperr.Validation
	q := Query{Text: httpx.SearchText(c, &v), Sector: c.Query("sector"), Region: c.Query("region"), Certification: c.Query("certification"), Now: h.Now(), Limit: page.Limit}
	if q.Sector != "" {
		_, ok := ocop.SectorByCode(q.Sector)
		v.Expect(ok, "sector", apperr.OneOf, sectorCodes())
	}
	intParam := func(name string, lo, hi int) int {
		s := c.Query(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		v.Expect(err == nil && n >= lo && n <= hi, name, apperr.Between, lo, hi)
		return n
	}
	q.CriteriaSet, q.MinStars = intParam("criteria_set", 1, 26), intParam("min_stars", 3, 5)
	if s := c.Query("province"); s != "" {
		p, ok := ocop.LookupProvince(s)
		v.Expect(ok, "province", msgProvinceFilter)
		q.Province = p.Code
	}
	if q.Region != "" {
		_, ok := ocop.RegionByCode(q.Region)
		v.Expect(ok, "region", msgRegionFilter)
	}
	if q.Certification != "" {
		_, ok := ocop.CertificationByCode(q.Certification)
		v.Expect(ok, "certification", msgCertificationFilter)
	}
	for _, st := range httpx.QueryChoices(c, &v, "certificate_status", "valid", "expiring", "expired") {
		q.Statuses = append(q.Statuses, ocop.CertificateStatus(st))
	}
	if err := httpx.DecodeCursor(page.Cursor, &q.Cursor); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if h.Catalogue != nil {
		// The same page or search of an unchanged catalogue is built once a minute (certificate
		// statuses follow the clock), however many visitors ask. The version is read before the
		// catalogue, so a change in between is rebuilt at the next read.
		version := strconv.FormatUint(h.Catalogue.Version(), 10) + "/" + q.Now.UTC().Format("2006-01-02T15:04")
		h.memo.JSON(c, c.Request.URL.RawQuery, version, func() any {
			items, next, done := h.Catalogue.Query(q)
			return catalogueAnswer(items, next, done, q.Now)
		})
		return
	}
	items, next, done, err := h.Store.Catalogue(c.Request.Context(), q)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	httpx.JSONWithETag(c, catalogueAnswer(items, next, done, q.Now))
}

// catalogueAnswer is the answer of a catalogue page, its certificate statuses as of now.
func catalogueAnswer(items []Listed, next CatalogueCursor, done bool, now time.Time) httpx.List[response] {
	out := httpx.List[response]{Items: make([]response, len(items))}
	for i, l := range items {
		out.Items[i] = ToResponse(l, now)
	}
	if !done {
		out.NextCursor = httpx.EncodeCursor(next)
	}
	return out
}

// sectorCodes lists the sectors the catalogue filters by, as they are written in requests.
func sectorCodes() apperr.Or {
	var codes apperr.Or
	for _, s := range ocop.Sectors() {
		codes = append(codes, s.Code)
	}
	return codes
}
