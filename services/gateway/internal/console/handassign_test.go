package console_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// freeBooths returns the codes of a fair's booths that are available and held by no one.
func (c client) freeBooths(fairID string) []string {
	c.t.Helper()
	var out []string
	for _, b := range c.call("GET", "/api/fairs/"+fairID+"/booths", nil)["booths"].([]any) {
		booth := b.(map[string]any)
		if booth["holder"] == nil && booth["status"] == "available" {
			out = append(out, booth["code"].(string))
		}
	}
	return out
}

// stepBoothByHand: on a phone, the organiser taps a free booth on the map, finds an approved
// producer by a word of its name typed without diacritics, and gives it the booth; a second booth
// for a producer at the fair's most is refused under the list, saying why. On a desktop the
// organiser takes the booth back, confirming on the button. The fair ends as it began.
func stepBoothByHand(t *testing.T, oc client, phone, desk browser, fairID, producer string) {
	t.Helper()
	free := oc.freeBooths(fairID)
	if len(free) < 2 {
		t.Fatalf("free booths %v, want two to assign by hand", free)
	}
	tap := func(b browser, code string) {
		b.until("booth "+code+" on the map", `document.querySelector('#booth-map g[data-code="`+code+`"]')`, true)
		b.eval(`document.querySelector('#booth-map g[data-code="` + code + `"]').dispatchEvent(new MouseEvent('click', { bubbles: true })), ''`)
		b.until("booth "+code+"'s panel", "!document.querySelector('#booth-panel').hidden && document.querySelector('#booth-panel h2').textContent === 'Gian hàng "+code+"'", false)
	}
	names := "[...document.querySelectorAll('#booth-assign-list .assign-name')].map((s) => s.textContent).join('|')"
	phone.open("#/fair/" + fairID + "/map")
	tap(phone, free[0])
	phone.until("the approved producers offered", names+".includes('"+producer+"')", false)
	phone.run(chromedp.SendKeys("#booth-assign-q", "mat ong"))
	phone.until("the producer found", names+" === '"+producer+"'", false)
	fitsPhone(phone, "the booth's panel with producers to assign")
	phone.shot("booth-by-hand")
	phone.run(chromedp.Click("#booth-assign-list .assign-to"))
	phone.until("the booth given", "!document.querySelector('#booth-panel').hidden && document.querySelector('#booth-panel h2').textContent === 'Gian hàng "+free[0]+"' && "+
		"document.querySelector('#booth-panel .panel-holder')?.textContent.includes('"+producer+"') && document.querySelector('#booth-release')", true)
	if got := phone.eval("document.activeElement.id"); got != "booth-release" {
		t.Errorf("after assigning, the keyboard is on %q, want the booth's release", got)
	}
	// The producer now holds the fair's most (two): a third booth is refused, and says why.
	tap(phone, free[1])
	phone.until("the producer offered again", names+".includes('"+producer+"')", false)
	phone.run(chromedp.SendKeys("#booth-assign-q", "mat ong"))
	phone.until("the producer found again", names+" === '"+producer+"'", false)
	phone.run(chromedp.Click("#booth-assign-list .assign-to"))
	phone.until("the refusal said", "(document.querySelector('#booth-assign-err')?.textContent || '').includes('tối đa 2 gian')", false)
	desk.open("#/fair/" + fairID + "/map")
	tap(desk, free[0])
	desk.run(chromedp.Click("#booth-release"))
	desk.until("the release asked again", "document.activeElement.id === 'booth-release-confirm'", false)
	desk.run(chromedp.Click("#booth-release-confirm"))
	desk.until("the booth free again", "document.querySelector('#booth-assign-q') && !document.querySelector('#booth-panel .panel-holder')", true)
	if got := desk.eval("document.activeElement.id"); got != "booth-assign-q" {
		t.Errorf("after releasing, the keyboard is on %q, want the search for a producer", got)
	}
	if got := oc.freeBooths(fairID); len(got) != len(free) {
		t.Errorf("free booths after the release: %v, want %v", got, free)
	}
}
