package verify

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

// MaxAge is how long a browser or proxy may keep a verification answer: short, as the status
// it shows changes when the certificate expires, and the counts want most views to reach us.
const MaxAge = 60 * time.Second

// Routes serves the public verification, the QR codes and the view counts, all from memory.
type Routes struct {
	Catalogue *product.Catalogue
	Producers *Producers
	// Places returns the fairs where a producer holds booths (the applications model).
	Places func(producerID string) []Place
	// FairName names a fair for the view counts ("" when unknown).
	FairName func(fairID string) string
	Counter  *Counter
	Stats    *Stats
	// PublicURL is where visitors reach the gateway, e.g. https://ocopfair.vn; a product's
	// verification URL is PublicURL + "/v/" + its code.
	PublicURL string
	Now       func() time.Time
}

// URL returns the public verification URL of a product's code.
func (h *Routes) URL(code string) string { return strings.TrimRight(h.PublicURL, "/") + "/v/" + code }

// scansBody is a product's counted views.
type scansBody struct {
	ProductID string      `json:"product_id" format:"uuid"`
	Code      string      `json:"code"`
	URL       string      `json:"url" format:"uri" doc:"the public verification URL the product's QR code carries"`
	Total     int         `json:"total" doc:"views of the verification page, counted in batches (up to a minute late)"`
	ByDay     []DayCount  `json:"by_day" doc:"by day in Vietnam, newest first"`
	ByFair    []FairCount `json:"by_fair" doc:"views during fairs where the producer held booths"`
}

// Register registers the routes.
func (h *Routes) Register(api httpx.API) {
	editors := []string{auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin}
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/verify/:code", Tag: "verification",
		Summary:  "Public verification of an OCOP product by the code its QR carries (no sign-in): certificate with its status at this moment (an expired one is shown as expired), producer, criteria set and where to buy it. In the language of Accept-Language (Vietnamese by default, English). Cacheable for 60 s; answers 304 to If-None-Match. Each answer counts one view of the product (no personal data).",
		Response: Answer{}, Headers: map[string]string{"ETag": "tag of the answer", "Cache-Control": "public, max-age=60"}}, h.verify)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/products/:id/scans", Tag: "verification", Roles: editors,
		Summary: "How often a product's verification page was viewed, by day and by fair, with its public code and URL (its producer, organisers, admins).", Response: scansBody{}}, h.scans)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/products/:id/qr.png", Tag: "verification", Roles: editors,
		Summary: "The QR code of the product's public verification URL, as a PNG (its producer, organisers, admins).", Files: []string{"image/png"}}, h.qrPNG)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/products/:id/qr.svg", Tag: "verification", Roles: editors,
		Summary: "The QR code of the product's public verification URL, as an SVG for print (its producer, organisers, admins).", Files: []string{"image/svg+xml"}}, h.qrSVG)
}

func (h *Routes) verify(c *gin.Context) {
	code := c.Param("code")
	l, ok := product.Listed{}, product.ValidCode(code)
	if ok {
		l, ok = h.Catalogue.ByCode(code)
	}
	if !ok {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgCodeNotFound))
		return
	}
	now := h.Now()
	p, _ := h.Producers.Get(l.ProducerID)
	places := h.Places(l.ProducerID)
	h.Counter.Add(l.ID, l.ProducerID, Running(places, now), now)
	lang := httpx.Lang(c)
	c.Header("Cache-Control", "public, max-age=60")
	c.Header("Vary", "Accept-Language")
	c.Header("Content-Language", string(lang))
	httpx.JSONWithETag(c, Build(l, p, places, now, lang))
}

// owned returns the live product of :id if the caller may see its codes and counts: its own
// producer, organisers and admins.
func (h *Routes) owned(c *gin.Context) (product.Listed, bool) {
	l, ok := h.Catalogue.Get(c.Param("id"))
	if !ok || l.Code == "" {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgProductNotFound))
		return l, false
	}
	who, _ := httpx.PrincipalFrom(c)
	if !who.Is(auth.RoleOrganiser, auth.RoleAdmin) && who.AccountID != l.Owner.AccountID {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgNotYours))
		return l, false
	}
	return l, true
}

func (h *Routes) scans(c *gin.Context) {
	l, ok := h.owned(c)
	if !ok {
		return
	}
	total, days, fairs := h.Stats.Of(l.ID)
	for i := range fairs {
		fairs[i].FairName = h.FairName(fairs[i].FairID)
	}
	c.JSON(http.StatusOK, scansBody{ProductID: l.ID, Code: l.Code, URL: h.URL(l.Code), Total: total, ByDay: days, ByFair: fairs})
}

func (h *Routes) qrPNG(c *gin.Context) {
	h.qr(c, "image/png", "png", func(s string) ([]byte, error) { return PNG(s, 8) })
}

func (h *Routes) qrSVG(c *gin.Context) { h.qr(c, "image/svg+xml", "svg", SVG) }

// qr answers the QR code of the product's verification URL drawn by draw.
func (h *Routes) qr(c *gin.Context, contentType, ext string, draw func(string) ([]byte, error)) {
	l, ok := h.owned(c)
	if !ok {
		return
	}
	img, err := draw(h.URL(l.Code))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="ocop-`+l.Code+`.`+ext+`"`)
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, contentType, img)
}
