package matchmakingapp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// A request many producers answer names the first 20 of them (with the count) on the request
// and in its buyer's list, and its buyer or an organiser pages through all of them, the earliest
// first; nobody else reads them.
func TestManyInterestsArePagedNotCarried(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startReplica(t, natsURL, testenv.SharedURI(t), tokens, func(*App) {})
	buyerTok, _ := tokens.Token(t, "buyer", "")
	otherTok, _ := tokens.Token(t, "buyer", "")
	orgTok, _ := tokens.Token(t, "organiser", "")
	buyer := api.With(buyerTok)
	now := time.Now().In(vntext.Zone)
	const n = 25
	producers := make([]testenv.Client, n)
	for i := range n {
		id := fmt.Sprintf("p%02d", i)
		tok, acc := tokens.Token(t, "producer", "")
		producers[i] = api.With(tok)
		producerOf(t, app, id, acc)
		publish(t, app, events.ProductCreated, "x-"+id, events.ProductChangedV1{Product: events.ProductV1{ID: "x-" + id, ProducerID: id,
			NameVI: "Mật ong " + id, CriteriaSet: 4, Sector: "food", Stars: 4, Unit: "litre", MonthlyCapacity: 100, Revision: 1,
			Certificate: events.CertificateV1{ExpiresOn: now.AddDate(2, 0, 0).Format(time.DateOnly)}}})
	}
	testenv.Eventually(t, "the index holds every product", func() bool { return app.Index.Stats().Products == n })
	buyerID := newBuyer(t, buyer, "Siêu thị Xanh")
	r := buyer.Do(t, "POST", "/api/buyers/"+buyerID+"/requests", map[string]any{"title": "Mật ong sạch", "criteria_sets": []int{4}})
	if r.Status != 201 {
		t.Fatalf("request: %d %s", r.Status, r.Body)
	}
	var req struct{ ID string }
	r.Decode(t, &req)
	for i, p := range producers {
		if r := p.Do(t, "POST", fmt.Sprintf("/api/producers/p%02d/opportunities/%s/interest", i, req.ID), nil); r.Status != 200 {
			t.Fatalf("p%02d marks interest: %d %s", i, r.Status, r.Body)
		}
	}
	type interests struct {
		Interests struct {
			Count     int
			Producers []struct{}
		}
	}
	var one interests
	buyer.Do(t, "GET", "/api/requests/"+req.ID, nil).Decode(t, &one)
	var list struct{ Items []interests }
	buyer.Do(t, "GET", "/api/buyers/"+buyerID+"/requests", nil).Decode(t, &list)
	if one.Interests.Count != n || len(one.Interests.Producers) != 20 || len(list.Items) != 1 || list.Items[0].Interests.Count != n || len(list.Items[0].Interests.Producers) != 20 {
		t.Errorf("the request carries %+v, in the buyer's list %+v; want the count %d and 20 producers", one.Interests, list.Items, n)
	}
	for _, who := range []testenv.Client{buyer, api.With(orgTok)} {
		if seen := interestsPaged(t, who, req.ID, n); len(seen) != n || seen[0] != "p00 HTX p00" || seen[n-1] != "p24 HTX p24" {
			t.Errorf("paged through: %d producers %v, want %d, the earliest first", len(seen), seen, n)
		}
	}
	for who, c := range map[string]testenv.Client{"a producer": producers[0], "another buyer": api.With(otherTok)} {
		if r := c.Do(t, "GET", "/api/requests/"+req.ID+"/interests", nil); r.Status != 403 {
			t.Errorf("%s reads the interests: %d %s, want 403", who, r.Status, r.Body)
		}
	}
	if r := buyer.Do(t, "GET", "/api/requests/"+req.ID+"/interests?cursor=garbage!", nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"cursor"`) {
		t.Errorf("a garbage cursor: %d %s, want 422 at the cursor", r.Status, r.Body)
	}
}

// interestsPaged reads the producers interested in request page by page, 7 at a time, as
// "ID name"; more than max pages fails.
func interestsPaged(t *testing.T, who testenv.Client, request string, max int) []string {
	t.Helper()
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > max {
			t.Fatal("the pages do not end")
		}
		var page struct {
			Items []struct {
				ProducerID   string `json:"producer_id"`
				ProducerName string `json:"producer_name"`
			}
			NextCursor string `json:"next_cursor"`
		}
		r := who.Do(t, "GET", "/api/requests/"+request+"/interests?limit=7&cursor="+cursor, nil)
		if r.Status != 200 {
			t.Fatalf("interests page %d: %d %s", pages, r.Status, r.Body)
		}
		r.Decode(t, &page)
		for _, it := range page.Items {
			seen = append(seen, it.ProducerID+" "+it.ProducerName)
		}
		if cursor = page.NextCursor; cursor == "" {
			return seen
		}
	}
}
