package matchmakingapp

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestAMatchShowsTheProductPhoto checks that each product of a match carries the photo_url of
// the product's newest event: null before a photo, the new URL once an update brings one.
func TestAMatchShowsTheProductPhoto(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	buyerTok, _ := tokens.Token(t, "buyer", "")
	buyer := api.With(buyerTok)
	expires := time.Now().In(vntext.Zone).AddDate(2, 0, 0).Format(time.DateOnly)
	publish(t, app, events.ProducerRegistered, "p1", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "p1", AccountID: "acc-p1",
		LegalName: "HTX Chè Shan tuyết Hà Giang", ProvinceCode: "08", Region: "northern_midlands_mountains", Revision: 1}})
	product := events.ProductV1{ID: "x1", ProducerID: "p1", NameVI: "Chè Shan tuyết cổ thụ", CriteriaSet: 11, Sector: "food", Stars: 4,
		Unit: "kg", MonthlyCapacity: 500, Revision: 1, Certificate: events.CertificateV1{ExpiresOn: expires}}
	publish(t, app, events.ProductCreated, "x1", events.ProductChangedV1{Product: product})
	testenv.Eventually(t, "the index holds the product", func() bool { return app.Index.Stats().Products == 1 })

	r := buyer.Do(t, "POST", "/api/buyers", map[string]any{"name": "Chuỗi Trà Việt", "kind": "supermarket_chain", "province": "Hà Nội", "markets": []string{"domestic"}})
	if r.Status != 201 {
		t.Fatalf("buyer: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.Decode(t, &b)
	r = buyer.Do(t, "POST", "/api/buyers/"+b.ID+"/requests", map[string]any{"title": "Chè Shan tuyết", "criteria_sets": []int{11},
		"monthly_volume": 100, "unit": "kg"})
	if r.Status != 201 {
		t.Fatalf("request: %d %s", r.Status, r.Body)
	}
	var req struct{ ID string }
	r.Decode(t, &req)
	photos := func() []*string {
		var got struct {
			Matches []struct {
				Products []struct {
					PhotoURL *string `json:"photo_url"`
				}
			}
		}
		buyer.Do(t, "GET", "/api/requests/"+req.ID+"/matches", nil).Decode(t, &got)
		var out []*string
		for _, m := range got.Matches {
			for _, p := range m.Products {
				out = append(out, p.PhotoURL)
			}
		}
		return out
	}
	if got := photos(); len(got) != 1 || got[0] != nil {
		t.Fatalf("photo_url of the matched products before a photo = %v, want one null", got)
	}
	product.PhotoURL, product.Revision = "/api/products/x1/photo?v=0123456789abcdef", 2
	publish(t, app, events.ProductUpdated, "x1", events.ProductChangedV1{Product: product})
	testenv.Eventually(t, "the match shows the product's photo", func() bool {
		got := photos()
		return len(got) == 1 && got[0] != nil && *got[0] == product.PhotoURL
	})
}
