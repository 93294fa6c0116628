package exhibitorapp

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// A producer removes a product on one phone while applying with it on another, both at once:
// never do both pass. Either the application is stored and the product stays (the removal
// answers 409), or the product is removed and the application is refused on product_ids[0]; both
// may be refused, never both stored.
func TestARemovalAndAnApplicationNamingItNeverBothPass(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	const rounds = 16
	const spare = 6
	for i := range rounds {
		f.publishFair(t, openFair(fmt.Sprintf("fair-race-%d", i), orgID), events.FairPublished)
	}
	for i := range spare {
		f.publishFair(t, openFair(fmt.Sprintf("fair-spare-%d", i), orgID), events.FairPublished)
	}
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, producerID, _ := f.producerWithProduct(t, "1700000091", "Mật ong bạc hà Đồng Văn", 4, issued)
	testenv.Eventually(t, "the fairs in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", fmt.Sprintf("/api/fairs/fair-spare-%d/applications", spare-1), nil).Status == http.StatusOK
	})
	checkOthersRemovalsHoldUpNothing(t, f, a, producerID, issued, spare)
	passedBoth, applied, removed := 0, 0, 0
	for i := range rounds {
		product := addProduct(t, a, producerID, fmt.Sprintf("Mật ong bạc hà lô %d", i), issued)
		var app, del testenv.Response
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Go(func() {
			<-start
			app = a.Do(t, "POST", fmt.Sprintf("/api/fairs/fair-race-%d/applications", i), map[string]any{"product_ids": []string{product}})
		})
		wg.Go(func() {
			<-start
			if i%2 == 1 {
				time.Sleep(time.Duration(i) * time.Millisecond) // the removal a little later, by turns
			}
			del = a.Do(t, "DELETE", "/api/products/"+product, nil)
		})
		close(start)
		wg.Wait()
		switch {
		case app.Status == http.StatusCreated && del.Status == http.StatusNoContent:
			passedBoth++
		case app.Status == http.StatusCreated:
			applied++
			if del.Status != http.StatusConflict {
				t.Errorf("round %d: the removal beside a stored application: %d %s, want 409", i, del.Status, del.Body)
			}
		case del.Status == http.StatusNoContent:
			removed++
			if app.Status != http.StatusUnprocessableEntity || !strings.Contains(string(app.Body), "product_ids[0]") {
				t.Errorf("round %d: the application beside the removal: %d %s, want 422 on product_ids[0]", i, app.Status, app.Body)
			}
		}
		if got := a.Do(t, "GET", "/api/products/"+product, nil); app.Status == http.StatusCreated && got.Status != http.StatusOK {
			t.Errorf("round %d: the product an application stored lists: %d, want it kept", i, got.Status)
		}
	}
	t.Logf("%d rounds: the application stored %d, the product removed %d, both %d", rounds, applied, removed, passedBoth)
	if passedBoth > 0 {
		t.Errorf("in %d of %d rounds both the removal and the application naming the product passed", passedBoth, rounds)
	}
}

// checkOthersRemovalsHoldUpNothing: another producer cannot mark the producer's product as being
// removed: refused before any mark, their removals at the same time hold up none of the
// producer's applications (to the fairs fair-spare-0… fair-spare-<spare-1>).
func checkOthersRemovalsHoldUpNothing(t *testing.T, f fixture, a testenv.Client, producerID, issued string, spare int) {
	t.Helper()
	other, _, _ := f.producerWithProduct(t, "1700000092", "Chè Shan tuyết Hà Giang", 4, issued)
	first := addProduct(t, a, producerID, "Mật ong bạc hà hũ nhỏ", issued)
	for i := range spare {
		var app, del testenv.Response
		var wg sync.WaitGroup
		wg.Go(func() { del = other.Do(t, "DELETE", "/api/products/"+first, nil) })
		wg.Go(func() {
			app = a.Do(t, "POST", fmt.Sprintf("/api/fairs/fair-spare-%d/applications", i), map[string]any{"product_ids": []string{first}})
		})
		wg.Wait()
		if del.Status != http.StatusForbidden || app.Status != http.StatusCreated {
			t.Errorf("applying while another producer tries to remove the product: %d %s beside %d, want 201 beside 403", app.Status, app.Body, del.Status)
		}
	}
}
