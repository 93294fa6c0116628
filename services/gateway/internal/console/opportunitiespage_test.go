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
//
// (A buyer holds at most 100 requests open: the 41 posted here and the buyer's own fit.)
func stepOpportunitiesTwentyAtATime(t *testing.T, ex browser, buyer client, buyerID string) {
	t.Helper()
	posted := postHoneyRequests(buyer, buyerID, "Mật ong lô", 21)
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
	// The live update held above is not needed any more (the redraws below are the test's own).
	ex.eval("clearTimeout(redrawWhenFree.timer), ''")
	inCard := "String([...document.querySelectorAll('#opp-list > .card')].indexOf(document.activeElement.closest('.card'))) + ' ' + document.activeElement.className"
	if got := ex.eval(inCard); got != "20 interest secondary" {
		t.Errorf("after Xem thêm the keyboard is on %q, want the first new card's Quan tâm (20)", got)
	}
	// The keyboard stays on that button through a live update, and through marking interest
	// with Enter (the button is disabled while it is stored).
	liveRedraw(t, ex, "#opp-list")
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
	liveRedraw(t, ex, "#opp-list")
	if got := ex.eval("String(" + count + ")"); got != "22" {
		t.Errorf("after a live update %s opportunities are shown, want the 22 shown before", got)
	}
	ex.shot("opportunities-more")
	posted = append(posted, stepMoreTappedBeforeARedraw(t, ex, buyer, buyerID)...)
	for _, id := range posted {
		buyer.call("POST", "/api/requests/"+id+"/close", nil)
	}
}

// stepMoreTappedBeforeARedraw: with 20 more requests, "Xem thêm" is tapped and, before its page
// comes, the page is drawn again by the producer's own doing (a fair chosen, an invitation sent,
// which no pending read holds back); the page that then comes is shown on the page now drawn,
// not on the one it replaced. It returns the requests posted.
func stepMoreTappedBeforeARedraw(t *testing.T, ex browser, buyer client, buyerID string) []string {
	t.Helper()
	posted := postHoneyRequests(buyer, buyerID, "Mật ong đợt hai", 20)
	count := "document.querySelectorAll('#opp-list > .card').length"
	ex.until("22 shown and Xem thêm again", count+" === 22 && document.querySelector('#opp-more')", true)
	ex.eval(`window.heldNext = null, window.api = (m, p, ...rest) => p.includes('cursor=')
		? new Promise((res) => { window.heldNext = () => window.realApi(m, p, ...rest).then(res) }) : window.realApi(m, p, ...rest), ''`)
	ex.run(chromedp.Click("#opp-more"))
	ex.until("the next page asked", "window.heldNext", false)
	js := "document.querySelector('#opp-list').dataset.old = '1', render(true).then(() => !document.querySelector('#opp-list').dataset.old)"
	if redrawn, err := chromedp.Run(ex.ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil || !redrawn {
		t.Fatalf("the page was not drawn again (%v)", err)
	}
	ex.eval("window.api = window.realApi, window.heldNext(), ''")
	ex.until("all 42 on the page drawn, the button gone", count+" === 42 && !document.querySelector('#opp-more')", false)
	return posted
}

// liveRedraw draws b's page again as a live update does and fails unless the element sel names was
// replaced: a live update held (a form being filled, an answer awaited) would leave the old page,
// and what the test checks next would pass on it.
func liveRedraw(t *testing.T, b browser, sel string) {
	t.Helper()
	js := "document.querySelector('" + sel + "').dataset.old = '1', render(true, true).then(() => !document.querySelector('" + sel + "').dataset.old)"
	if redrawn, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil || !redrawn {
		t.Fatalf("%s: the live update did not draw %s again (%v)", b.name, sel, err)
	}
}

// postHoneyRequests has the buyer post n honey requests titled "<title> 1" to "<title> n", and
// returns their IDs.
func postHoneyRequests(buyer client, buyerID, title string, n int) []string {
	var posted []string
	for i := range n {
		r := buyer.call("POST", fmt.Sprintf("/api/buyers/%s/requests", buyerID), map[string]any{"title": fmt.Sprintf("%s %d", title, i+1),
			"criteria_sets": []int{4}, "keywords": []string{"mật ong"}})
		posted = append(posted, r["id"].(string))
	}
	return posted
}
