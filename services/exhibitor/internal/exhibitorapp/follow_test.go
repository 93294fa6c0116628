package exhibitorapp

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

type shownApplication struct {
	ID           string
	ProducerName string `json:"producer_name"`
	ProvinceCode string `json:"province_code"`
	Status       string
	Revision     int64
}

// An application shows its producer as the profile is now: a producer that renames itself and
// moves is shown so in the organisers' queue and in the application, its status unchanged, and
// the other services hear it (exhibitor.application.updated); a late event of an older profile
// changes nothing.
func TestApplicationsShowTheirProducerAsItIsNow(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	f.publishFair(t, openFair("fair-rename", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, productID := f.producerWithProduct(t, "1700000088", "Mật ong bạc hà", 4, issued)
	var app shownApplication
	testenv.Eventually(t, "the application", func() bool {
		r := a.Do(t, "POST", "/api/fairs/fair-rename/applications", map[string]any{"product_ids": []string{productID}})
		r.Decode(t, &app)
		return r.Status == http.StatusCreated
	})
	const name = "HTX Mật ong Mèo Vạc"
	if r := a.Do(t, "PATCH", "/api/producers/"+aID, map[string]any{"legal_name": name, "province": "Hà Nội"}); r.Status != http.StatusOK {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	shown := func() (one shownApplication, queued shownApplication) {
		org.Do(t, "GET", "/api/applications/"+app.ID, nil).Decode(t, &one)
		var page struct{ Items []shownApplication }
		org.Do(t, "GET", "/api/fairs/fair-rename/applications", nil).Decode(t, &page)
		if len(page.Items) == 1 {
			queued = page.Items[0]
		}
		return one, queued
	}
	testenv.Eventually(t, "the application under the producer's new name and province", func() bool {
		one, queued := shown()
		return one.ProducerName == name && one.ProvinceCode == "01" && queued.ProducerName == name && queued.ProvinceCode == "01"
	})
	if one, _ := shown(); one.Status != "submitted" || one.Revision != 2 {
		t.Errorf("after the rename the application is %s at revision %d, want submitted at 2", one.Status, one.Revision)
	}
	testenv.Eventually(t, "the updated event with the new name", func() bool {
		for _, env := range f.messages(t, events.ApplicationUpdated) {
			var pl events.ApplicationChangedV1
			if env.Decode(&pl) == nil && pl.Application.ID == app.ID && pl.Application.ProducerName == name && pl.Application.Status == "submitted" {
				return true
			}
		}
		return false
	})
	// Every event of the rename is out (its product's too) before the late one, so that the
	// consumer is settled once it has handled the late one.
	testenv.Eventually(t, "the product's event with the new name", func() bool {
		for _, env := range f.messages(t, events.ProductUpdated) {
			var pl events.ProductChangedV1
			if env.Decode(&pl) == nil && pl.Product.ID == productID && pl.Product.ProducerName == name {
				return true
			}
		}
		return false
	})

	old, err := events.New(events.ProducerUpdated, 1, aID, "", events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: aID, LegalName: "Tên cũ",
		ProvinceCode: "91", Revision: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), f.js, old); err != nil {
		t.Fatal(err)
	}
	f.settled(t, "EXHIBITOR", "exhibitor-application-producers")
	if one, _ := shown(); one.ProducerName != name || one.Revision != 2 {
		t.Errorf("after an older producer event the application shows %q at revision %d", one.ProducerName, one.Revision)
	}
}
