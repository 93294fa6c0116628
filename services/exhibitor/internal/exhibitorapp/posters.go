package exhibitorapp

import (
	"cmp"
	"log/slog"
	"slices"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/poster"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/verify"
)

// fairDay holds the routes a fair day needs: the public verification and the booth posters
// whose QR codes open it.
type fairDay struct {
	verify  *verify.Routes
	posters *poster.Routes
}

// Register registers both.
func (d fairDay) Register(api httpx.API) {
	d.verify.Register(api)
	d.posters.Register(api)
}

// posterRoutes builds the posters on the applications model (fairs, placed exhibitors, their
// booths) and the catalogue (their products), with the verification URLs of v.
func posterRoutes(a *App, v *verify.Routes, log *slog.Logger) *poster.Routes {
	return &poster.Routes{
		Fair: func(id string) (poster.Fair, bool) {
			f, ok := a.apps.Fair(id)
			return poster.Fair{Name: f.NameVI, Organisers: f.Organisers, Private: f.Private()}, ok
		},
		ProducerOf: a.apps.ProducerOf,
		Exhibitors: func(fairID string) []poster.Exhibitor { return placed(a.apps, fairID) },
		Items: func(producerID string) []poster.Item {
			var out []poster.Item
			for _, l := range a.catalogue.ByProducer(producerID, product.NameCursor{}, 1000) {
				if l.Code != "" { // a product given its code a moment from now: on the next print
					out = append(out, poster.Item{Name: l.NameVI, Stars: l.Rating.Stars, PotentialFive: l.Rating.PotentialFive, URL: v.URL(l.Code)})
				}
			}
			return out
		},
		Log: log.With("component", "posters"),
	}
}

// placed returns the exhibitors of a fair, its approved applications that hold booths, by
// their first booth's code.
func placed(m *application.Model, fairID string) []poster.Exhibitor {
	var out []poster.Exhibitor
	after := ""
	for range 1000 { // a million applications: a bound for the loop
		page := m.List(fairID, "", []string{string(application.Approved)}, after, 1000)
		if len(page) == 0 {
			break
		}
		for _, app := range page {
			if len(app.Booths) == 0 {
				continue
			}
			e := poster.Exhibitor{ProducerID: app.ProducerID, Name: app.ProducerName, Province: app.Province}
			if p, ok := ocop.ProvinceByCode(app.Province); ok {
				e.Province = p.Name
			}
			for _, code := range app.Booths {
				e.Booths = append(e.Booths, poster.Booth{Code: code, Zone: app.BoothZones[code]})
			}
			out = append(out, e)
		}
		after = page[len(page)-1].ID
	}
	slices.SortFunc(out, func(x, y poster.Exhibitor) int {
		return cmp.Or(cmp.Compare(x.Booths[0].Code, y.Booths[0].Code), cmp.Compare(x.ProducerID, y.ProducerID))
	})
	return out
}
