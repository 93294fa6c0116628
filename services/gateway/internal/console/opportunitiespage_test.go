package console_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// stepOpportunitiesTwentyAtATime: with 22 open requests that fit, the exhibitor's phone shows the
// best twenty and "Xem thêm"; tapped, the other two follow, the keyboard on the first of them,
// and the button goes. A live update draws the page again with all 22. Before, only the first
// twenty could ever be seen. The requests are closed again afterwards.
func stepOpportunitiesTwentyAtATime(t *testing.T, ex browser, buyer client, buyerID string) {
	t.Helper()
	var posted []string
	for i := range 21 {
		r := buyer.call("POST", fmt.Sprintf("/api/buyers/%s/requests", buyerID), map[string]any{"title": fmt.Sprintf("Mật ong lô %d", i+1),
			"criteria_sets": []int{4}, "keywords": []string{"mật ong"}})
		posted = append(posted, r["id"].(string))
	}
	ex.open("#/producer/opportunities")
	count := "document.querySelectorAll('#opp-list > .card').length"
	ex.until("the first twenty and Xem thêm", count+" === 20 && document.querySelector('#opp-more')", true)
	if got := ex.eval("document.querySelector('#opp-more').textContent"); got != "Xem thêm" {
		t.Errorf("the next page's button reads %q", got)
	}
	fitsPhone(ex, "opportunities with more")
	ex.run(chromedp.Click("#opp-more"))
	ex.until("all 22, the button gone", count+" === 22 && !document.querySelector('#opp-more')", false)
	if got := ex.eval("String([...document.querySelectorAll('#opp-list > .card')].indexOf(document.activeElement.closest('.card')))"); got != "20" {
		t.Errorf("after Xem thêm the keyboard is in card %s, want the first new one (20)", got)
	}
	if n := ex.eval("String(new Set([...document.querySelectorAll('#opp-list > .card')].map((c) => c.dataset.request)).size)"); n != "22" {
		t.Errorf("%s different requests listed, want 22", n)
	}
	if _, err := chromedp.Run(ex.ctx, chromedp.Evaluate[bool]("render(true, true).then(() => true)", chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	if got := ex.eval("String(" + count + ")"); got != "22" {
		t.Errorf("after a live update %s opportunities are shown, want the 22 shown before", got)
	}
	ex.shot("opportunities-more")
	for _, id := range posted {
		buyer.call("POST", "/api/requests/"+id+"/close", nil)
	}
}
