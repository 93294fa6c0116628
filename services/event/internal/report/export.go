package report

import (
	"strconv"
	"strings"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/sheet"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
)

// ExhibitorTable lists exhibitors with their booths and products, in lang.
func ExhibitorTable(in Input, lang apperr.Lang) sheet.Table {
	t := sheet.Table{Title: msgExhibitorsTitle.In(lang), Lang: lang, Money: []int{9}}
	for _, h := range msgExhibitorsHead {
		t.Header = append(t.Header, h.In(lang))
	}
	for i, ex := range Exhibitors(in) {
		a := ex.Application
		prov, _ := ocop.ProvinceByCode(a.Province)
		codes := make([]string, len(ex.Booths))
		var fee int64
		for j, b := range ex.Booths {
			codes[j] = b.Code
			fee += booth.PriceOf(in.Fair, b)
		}
		names := make([]string, len(a.Products))
		for j, p := range a.Products {
			names[j] = p.Name
		}
		sets := make([]string, 0)
		for _, s := range a.CriteriaSets() {
			sets = append(sets, strconv.Itoa(s))
		}
		best := a.Best()
		stars := msgStars.With(best.Stars).In(lang)
		if best.PotentialFive {
			stars = msgPotentialStars.In(lang)
		}
		t.Rows = append(t.Rows, []any{i + 1, strings.Join(codes, ", "), ex.Booths[0].Zone, a.ProducerName, prov.Name,
			strings.Join(names, "; "), strings.Join(sets, ", "), stars, len(ex.Booths), fee})
	}
	return t
}
