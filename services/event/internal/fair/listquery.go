package fair

import (
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
)

// listFilter reads the fair list's query (GET /api/fairs) into a Filter, each field checked:
// one 422 names every field wrong. Who is asking (drafts, organiser=me) is for the caller.
func listFilter(c *gin.Context, page httpx.Page) (Filter, error) {
	var v apperr.Validation
	flt := Filter{Kind: c.Query("kind"), Region: c.Query("region"), Query: httpx.SearchText(c, &v), Limit: page.Limit + 1}
	if flt.Kind != "" {
		v.Expect(slices.Contains(Kinds, flt.Kind), "kind", apperr.OneOf, apperr.OrOf(Kinds...))
	}
	if flt.Region != "" {
		_, ok := ocop.RegionByCode(flt.Region)
		v.Expect(ok, "region", msgRegion)
	}
	if pv := c.Query("province"); pv != "" {
		prov, ok := ocop.LookupProvince(pv)
		v.Expect(ok, "province", msgProvince)
		flt.Province = prov.Code
	}
	for _, st := range httpx.QueryChoices(c, &v, "status", "draft", "published", "applications_closed", "live", "completed", "cancelled") {
		flt.Statuses = append(flt.Statuses, Status(st))
	}
	if s := c.Query("from"); s != "" {
		flt.From = parseDate(&v, "from", s)
	}
	if s := c.Query("to"); s != "" {
		flt.To = parseDate(&v, "to", s)
	}
	switch order := c.Query("order"); order {
	case "", "asc", "desc":
		flt.Desc = order == "desc"
	default:
		v.Expect(false, "order", apperr.OneOf, apperr.OrOf("asc", "desc"))
	}
	var cur Cursor
	if page.Cursor != "" {
		if err := httpx.DecodeCursor(page.Cursor, &cur); err != nil {
			return Filter{}, err
		}
		v.Expect(cur.Desc == flt.Desc, "cursor", msgCursorOrder)
		flt.After = &cur
	}
	if organiser := c.Query("organiser"); organiser != "" {
		v.Expect(organiser == "me", "organiser", msgOrganiserMe)
	}
	return flt, v.Err()
}
