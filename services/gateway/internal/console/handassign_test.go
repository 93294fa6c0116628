package console_test

import (
	"strings"
	"testing"
	"time"

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
// producer by a word of its name typed without diacritics, and gives it the booth; a producer at
// the fair's most is shown but cannot be chosen; a booth given away by another organiser
// meanwhile (blocked) is said so and shown as it now is. On a desktop the organiser takes the booth back,
// confirming on the button. The fair ends as it began.
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
	// The page may be drawn again meanwhile (a live update): the keyboard stays on the release.
	phone.until("the keyboard on the booth's release", "document.activeElement.id === 'booth-release'", false)
	phone.eval("document.querySelector('#booth-release').dataset.old = '1', render(true), ''")
	phone.until("the keyboard on the release of the page drawn again", "document.activeElement.id === 'booth-release' && !document.activeElement.dataset.old", false)
	// The producer now holds the fair's most (two): it is shown, and cannot be given a third.
	tap(phone, free[1])
	phone.until("the producer offered again", names+".includes('"+producer+"')", false)
	phone.run(chromedp.SendKeys("#booth-assign-q", "mat ong"))
	phone.until("the producer at the most", names+" === '"+producer+"' && document.querySelector('#booth-assign-list .assign-to').disabled && "+
		"document.querySelector('#booth-assign-list .assign-to').textContent.includes('đã đủ số gian tối đa')", false)
	// Another organiser blocks the booth meanwhile: the phone's choice is refused, said, and the
	// panel shows the booth as it now is, which no one can be given.
	other := oc.call("GET", "/api/fairs/"+fairID+"/applications?status=approved&q=nuoc+mam", nil)["items"].([]any)[0].(map[string]any)
	phone.eval("document.querySelector('#booth-assign-q').value = '', ''")
	phone.run(chromedp.SendKeys("#booth-assign-q", "nuoc mam"))
	phone.until("another producer found", names+" === '"+other["producer_name"].(string)+"'", false)
	oc.call("PATCH", "/api/fairs/"+fairID+"/booths/"+free[1], map[string]any{"status": "blocked"})
	phone.run(chromedp.Click("#booth-assign-list .assign-to"))
	phone.until("the booth shown as now blocked", "document.querySelector('#toast').textContent.includes('đang bị khóa') && "+
		"document.querySelector('#booth-panel h2').textContent === 'Gian hàng "+free[1]+"' && !document.querySelector('#booth-assign-q')", false)
	oc.call("PATCH", "/api/fairs/"+fairID+"/booths/"+free[1], map[string]any{"status": "available"})
	desk.open("#/fair/" + fairID + "/map")
	tap(desk, free[0])
	desk.run(chromedp.Click("#booth-release"))
	desk.until("the release asked again", "document.activeElement.id === 'booth-release-confirm'", false)
	desk.run(chromedp.Click("#booth-release-confirm"))
	desk.until("the booth free again", "document.querySelector('#booth-assign-q') && !document.querySelector('#booth-panel .panel-holder')", true)
	desk.until("the keyboard on the search for a producer", "document.activeElement.id === 'booth-assign-q'", false)
	// On a desktop the panel scrolls within the map: what a search finds is brought into sight.
	desk.run(chromedp.SendKeys("#booth-assign-q", "mat ong"))
	desk.until("the producer found, in sight in the panel", `(() => { const p = document.querySelector('#booth-panel').getBoundingClientRect();
		const r = document.querySelector('#booth-assign-list li') && document.querySelector('#booth-assign-list li').getBoundingClientRect();
		return r && document.querySelector('#booth-assign-list .assign-name').textContent === '`+producer+`' && r.top >= p.top && r.bottom <= p.bottom && r.bottom <= innerHeight; })()`, false)
	// What was typed in the panel stays when the page is drawn again (a live update).
	desk.eval("document.querySelector('#booth-assign-q').dataset.old = '1', render(true), ''")
	desk.until("the search kept across a redraw", "document.querySelector('#booth-assign-q') && !document.querySelector('#booth-assign-q').dataset.old && "+
		"document.querySelector('#booth-assign-q').value === 'mat ong' && document.querySelector('#booth-assign-list .assign-name')?.textContent === '"+producer+"'", false)
	if got := oc.freeBooths(fairID); len(got) != len(free) {
		t.Errorf("free booths after the release: %v, want %v", got, free)
	}
}

// stepWaitlistSaysTheBoothsGo: moving an approved producer that holds booths to the waitlist, on
// its own or in a bulk, first says which booths go back (and its meetings with them); said no,
// nothing moves.
func stepWaitlistSaysTheBoothsGo(t *testing.T, desk browser, fairID string) {
	t.Helper()
	desk.open("#/fair/" + fairID + "/apps")
	desk.run(chromedp.Click("#queue-tabs button[data-tab=approved]"))
	holder := "[...document.querySelectorAll('#app-queue tr[data-app]')].find((r) => r.textContent.includes('Gian hàng: '))"
	desk.until("an approved producer holding booths", holder, true)
	name := desk.eval(holder + ".querySelector('label.pick').textContent")
	booths := desk.eval("[..." + holder + ".querySelectorAll('td div')].find((d) => d.textContent.startsWith('Gian hàng: ')).textContent.replace('Gian hàng: ', '')")
	tab := desk.eval("document.querySelector('#queue-tabs button[data-tab=approved]').textContent")
	desk.eval("window.asked = ''; window.confirm = (m) => { window.asked = m; return false }, ''")
	desk.eval("[..." + holder + ".querySelectorAll('td.actions button')].find((b) => b.textContent === 'Danh sách chờ').click(), ''")
	desk.until("the waitlist asked about", "window.asked !== ''", false)
	if asked := desk.eval("window.asked"); !strings.Contains(asked, name) || !strings.Contains(asked, "thu hồi gian "+booths) || !strings.Contains(asked, "hủy các cuộc gặp B2B") {
		t.Errorf("waitlisting %s (booths %s) asked %q", name, booths, asked)
	}
	desk.eval("window.asked = '', " + holder + ".querySelector('input.pick').click(), ''")
	desk.run(chromedp.Click("#bulk-waitlist"))
	desk.until("the bulk waitlist asked about", "window.asked !== ''", false)
	if asked := desk.eval("window.asked"); !strings.Contains(asked, name+" ("+booths+")") {
		t.Errorf("a bulk waitlist of %s (booths %s) asked %q", name, booths, asked)
	}
	// Read again from the service, a moment later: nothing was sent.
	time.Sleep(500 * time.Millisecond)
	desk.eval("document.querySelector('#queue-tabs').dataset.old = '1', render(true), ''")
	desk.until("the queue read again", "document.querySelector('#queue-tabs') && !document.querySelector('#queue-tabs').dataset.old && "+holder, false)
	if now := desk.eval("document.querySelector('#queue-tabs button[data-tab=approved]').textContent"); now != tab || desk.eval(holder+" ? 'held' : ''") != "held" {
		t.Errorf("after saying no, the approved tab reads %q (was %q) and the producer holds its booths: %q", now, tab, desk.eval(holder+" ? 'held' : ''"))
	}
	desk.eval("window.confirm = () => true, " + holder + ".querySelector('input.pick').click(), ''")
}
