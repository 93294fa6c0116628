package console_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
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
	// The next page's read is held; a live update arriving meanwhile waits for it (drawn before
	// it, the page would drop the page asked for).
	ex.eval(`window.realApi = api, window.heldNext = null, window.api = (m, p, ...rest) => p.includes('cursor=')
		? new Promise((res) => { window.heldNext = () => window.realApi(m, p, ...rest).then(res) }) : window.realApi(m, p, ...rest), ''`)
	ex.run(chromedp.Click("#opp-more"))
	ex.until("the next page asked", "window.heldNext", false)
	if _, err := chromedp.Run(ex.ctx, chromedp.Evaluate[bool]("render(true, true).then(() => true)", chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	ex.eval("window.api = window.realApi, window.heldNext(), ''")
	ex.until("all 22, the button gone", count+" === 22 && !document.querySelector('#opp-more')", false)
	inCard := "String([...document.querySelectorAll('#opp-list > .card')].indexOf(document.activeElement.closest('.card'))) + ' ' + document.activeElement.className"
	if got := ex.eval(inCard); got != "20 interest secondary" {
		t.Errorf("after Xem thêm the keyboard is on %q, want the first new card's Quan tâm (20)", got)
	}
	// The keyboard stays on that button through a live update, and through marking interest
	// with Enter (the button is disabled while it is stored).
	if _, err := chromedp.Run(ex.ctx, chromedp.Evaluate[bool]("render(true, true).then(() => true)", chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	if got := ex.eval(inCard); got != "20 interest secondary" {
		t.Errorf("after a live update the keyboard is on %q, want card 20's Quan tâm", got)
	}
	ex.run(chromedp.KeyEvent(kb.Enter))
	ex.until("interest marked by keyboard", "document.activeElement.getAttribute('aria-pressed') === 'true' || document.querySelectorAll('#opp-list > .card')[20].querySelector('button.interest').getAttribute('aria-pressed') === 'true'", false)
	if got := ex.eval(inCard); got != "20 interest" {
		t.Errorf("after marking interest with Enter the keyboard is on %q, want card 20's Quan tâm", got)
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
