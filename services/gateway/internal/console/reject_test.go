package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// stepRejectAsksWhy: rejecting asks why in a form under the application, not in a browser
// prompt. On a phone, an empty reason is refused under the field and nothing is rejected; what
// is typed outlives the list drawn again; "Thôi" closes the form without rejecting; the reason sent is what
// the producer reads. On a desk, several applications are rejected at once with one reason.
func stepRejectAsksWhy(t *testing.T, anon client, phone, desk browser, fairID string) {
	t.Helper()
	tea, teaApp := anon.applicant(fairID, "che@queue.example.vn", "HTX Chè Tân Cương", "4600987651", "19", "Chè búp Tân Cương", 4)
	_, noodles := anon.applicant(fairID, "mien@queue.example.vn", "HTX Miến dong Bình Liêu", "5700987652", "22", "Miến dong Bình Liêu", 4)
	_, wine := anon.applicant(fairID, "ruou@queue.example.vn", "HTX Rượu ngô Bắc Hà", "5300987653", "15", "Rượu ngô men lá", 4)
	row := func(id string) string { return "document.querySelector('#app-queue tr[data-app=\"" + id + "\"]')" }
	box := "#reject-" + teaApp
	phone.open("#/fair/" + fairID + "/apps")
	phone.eval("window.prompt = () => { window.prompted = true; return 'từ prompt' }, ''")
	phone.until("the tea producer's application", row(teaApp), true)
	phone.run(chromedp.Click(`#app-queue tr[data-app="` + teaApp + `"] [data-act=reject]`))
	phone.until("the reject form, the cursor in its field", "document.activeElement === document.querySelector('"+box+" textarea')", false)
	fitsPhone(phone, "the reject form")
	phone.shot("reject-form")
	phone.submit(box[1:])
	phone.until("the empty reason refused under its field", "document.querySelector('"+box+"-reason-err').textContent !== ''", false)
	if got := phone.eval("document.querySelector('" + box + "-reason-err').textContent"); !strings.Contains(got, "vì sao đơn bị từ chối") {
		t.Errorf("an empty reason is refused with %q under the field", got)
	}
	phone.run(chromedp.SendKeys(box+" textarea", "Sản phẩm chưa có"))
	// Another application's form opened draws the list again: what was typed here stays.
	phone.eval("document.querySelector('" + box + " textarea').dataset.old = '1', ''")
	phone.run(chromedp.Click(`#app-queue tr[data-app="` + noodles + `"] [data-act=reject]`))
	phone.until("the typed reason kept through the list drawn again", "document.querySelector('#reject-"+noodles+"') && document.querySelector('"+box+" textarea:not([data-old])') && document.querySelector('"+box+" textarea').value === 'Sản phẩm chưa có'", false)
	phone.run(chromedp.Click("#reject-" + noodles + " [data-act=keep]"))
	phone.run(chromedp.Click(box + " [data-act=keep]"))
	phone.until("the form closed, the keyboard back on the button", "!document.querySelector('"+box+"') && document.activeElement === "+row(teaApp)+".querySelector('[data-act=reject]')", false)
	if st := tea.call("GET", "/api/applications/"+teaApp, nil)["status"]; st != "submitted" || phone.eval("String(!!window.prompted)") != "false" {
		t.Fatalf("after an empty reason and Thôi the application is %v (prompt used: %s)", st, phone.eval("String(!!window.prompted)"))
	}
	phone.run(chromedp.Click(`#app-queue tr[data-app="` + teaApp + `"] [data-act=reject]`))
	phone.until("the form again, empty", "document.querySelector('"+box+" textarea') && document.querySelector('"+box+" textarea').value === ''", false)
	reason := "Sản phẩm chưa có giấy chứng nhận OCOP còn hiệu lực."
	phone.run(chromedp.SendKeys(box+" textarea", reason))
	// The application listed after it (or before it, for the last) is where the keyboard goes.
	next := phone.eval("(() => { const rows = [...document.querySelectorAll('#app-queue tr[data-app]')], i = rows.findIndex((r) => r.dataset.app === '" + teaApp + "'); return (rows[i + 1] || rows[i - 1]).dataset.app })()")
	phone.submit(box[1:])
	// The toast names whose application it was; the keyboard is on the next application's first
	// button, where the organiser goes on.
	phone.until("the application off the active tab, said by name", "!"+row(teaApp)+" && document.querySelector('#toast').textContent === 'Đã từ chối đơn của HTX Chè Tân Cương.'", false)
	onNext := "document.activeElement.matches('#app-queue tr[data-app=\"" + next + "\"] td.actions button')"
	phone.until("the keyboard on the next application", onNext, false)
	// A live update draws the queue again a moment later: the keyboard stays there.
	phone.eval("document.querySelector('#queue').dataset.old = '1', render(true), ''")
	phone.until("the keyboard still on the next application after a live redraw", "!document.querySelector('#queue[data-old]') && "+onNext, false)
	if a := tea.call("GET", "/api/applications/"+teaApp, nil); a["status"] != "rejected" || a["reason"] != reason {
		t.Errorf("the producer reads status %v, reason %q; want rejected, %q", a["status"], a["reason"], reason)
	}

	// At a desk, two at once: the form names them, and one reason goes to both.
	desk.open("#/fair/" + fairID + "/apps")
	desk.eval("queuePage.size = 20, ''") // a page of two was left by the paging step
	desk.run(chromedp.Click("#queue-tabs button[data-tab=active]"))
	desk.until("the two left to reject", row(noodles)+" && "+row(wine), true)
	desk.eval("window.confirm = () => false, ''")
	for _, id := range []string{noodles, wine} {
		desk.run(chromedp.Click(`#app-queue tr[data-app="` + id + `"] input.pick`))
	}
	desk.until("two picked", "document.querySelector('#picked-count').textContent === 'Đã chọn 2 đơn'", false)
	desk.run(chromedp.Click("#bulk-reject-open"))
	desk.until("the bulk reject form naming both", "document.activeElement === document.querySelector('#reject-bulk textarea')", false)
	if said := desk.eval("document.querySelector('#bulk-reject').textContent"); !strings.Contains(said, "HTX Miến dong Bình Liêu") || !strings.Contains(said, "HTX Rượu ngô Bắc Hà") {
		t.Errorf("the bulk reject form says %q", said)
	}
	// Sent without a reason, the bulk is refused under the field and rejects none.
	desk.submit("reject-bulk")
	desk.until("the missing reason said under the bulk's field", "document.querySelector('#reject-bulk [data-field=reason].bad .err').textContent !== ''", false)
	if st := anon.as("sct@queue.example.vn", "organiser-pass-1").call("GET", "/api/applications/"+wine, nil)["status"]; st != "submitted" {
		t.Fatalf("a bulk sent without a reason left the application %v", st)
	}
	desk.run(chromedp.SendKeys("#reject-bulk textarea", "Hết chỗ cho ngành hàng này."))
	desk.submit("reject-bulk")
	desk.until("both rejected, said where the keyboard is", "document.activeElement === document.querySelector('#bulk-result p') && document.activeElement.textContent === 'Đã từ chối 2 đơn.'", false)
	desk.eval("document.querySelector('#queue').dataset.old = '1', render(true), ''")
	desk.until("the keyboard still on what was done after a live redraw", "!document.querySelector('#queue[data-old]') && document.activeElement === document.querySelector('#bulk-result p')", false)
	if desk.eval("document.querySelector('#queue-tabs button[data-tab=rejected]').textContent") != "Bị từ chối 3" || desk.eval("document.querySelector('#bulk-reject').textContent") != "" {
		t.Errorf("after the bulk, the rejected tab reads %q and the form %q", desk.eval("document.querySelector('#queue-tabs button[data-tab=rejected]').textContent"), desk.eval("document.querySelector('#bulk-reject').textContent"))
	}
}
