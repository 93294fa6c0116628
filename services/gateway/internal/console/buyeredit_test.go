package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// stepAnsweringOnAPhone: the exhibitor, on a phone, sees at a glance that a meeting request
// waits for its answer (on the folded menu and in it); opening "Đề xuất thời gian khác" puts the
// keyboard in the panel and "Hủy" gives it back to the meeting; Tab past the open menu closes it.
func stepAnsweringOnAPhone(t *testing.T, ex browser) {
	t.Helper()
	ex.open("#/producer")
	ex.until("the count on the folded menu", "document.querySelector('#menu-due') && document.querySelector('#menu-due').textContent === '1 (1 cần trả lời)'", true)
	ex.run(chromedp.Click("#menu"))
	ex.until("the count beside Gặp gỡ B2B", "document.querySelector('.top.open') && document.querySelector('#nav a[href=\"#/meetings\"] #nav-due')", false)
	ex.run(chromedp.Focus("#logout"), chromedp.KeyEvent(kb.Tab))
	ex.until("Tab past the menu closes it", "!document.querySelector('.top').classList.contains('open') && document.querySelector('#menu').getAttribute('aria-expanded') === 'false'", false)

	ex.open("#/meetings")
	ex.until("the request to answer", "document.querySelector('#meeting-list .propose')", true)
	ex.run(chromedp.Click("#meeting-list .propose"))
	ex.until("the keyboard in the proposal's first field", "document.activeElement && document.activeElement.closest('.propose-panel') && document.activeElement.tagName === 'SELECT'", false)
	ex.run(chromedp.Click("#meeting-list .propose-panel button.secondary"))
	ex.until("the keyboard back on the button that opened the panel", "!document.querySelector('.propose-panel') && document.activeElement && document.activeElement.matches('#meeting-list button.propose')", false)
	// Escape closes it too.
	ex.run(chromedp.Click("#meeting-list .propose"))
	ex.until("the panel open again", "document.activeElement && document.activeElement.closest('.propose-panel')", false)
	ex.run(chromedp.KeyEvent(kb.Escape))
	ex.until("Escape closed the panel", "!document.querySelector('.propose-panel') && document.activeElement && document.activeElement.matches('#meeting-list button.propose')", false)
	fitsPhone(ex, "menu-count")
}

// stepBuyerAgendaBeforeScheduling: the buyer's meetings page names each fair's agenda, and the
// agenda, before the organisers schedule, names its fair and says what comes next instead of
// offering files with nothing in them.
func stepBuyerAgendaBeforeScheduling(t *testing.T, bb browser) {
	t.Helper()
	bb.open("#/meetings")
	bb.until("the agenda link with the fair's name", "document.querySelector('.agenda-link') && document.querySelector('.agenda-link').textContent === 'Lịch gặp · Hội chợ OCOP Hồ Gươm ›'", true)
	bb.run(chromedp.Click(".agenda-link"))
	bb.until("the empty agenda's next step", "document.querySelector('#guide-agenda-empty a[href=\"#/meetings\"]') && document.querySelector('h1').textContent === 'Lịch gặp · Hội chợ OCOP Hồ Gươm'", false)
	if bb.eval("String(!!document.querySelector('#ics-download, #agenda-pdf, #agenda-print'))") != "false" {
		t.Error("an agenda without a scheduled meeting offers its calendar file, PDF or print")
	}
	bb.shot("agenda-empty")
}

// stepBuyerEditsAndCloses: the buyer corrects a request and its profile in the console, is told
// (not overwritten) when another device changed the request meanwhile, and closes the request
// once the goods are found.
func stepBuyerEditsAndCloses(t *testing.T, bb browser, other client, reqID string) {
	t.Helper()
	bb.open("#/request/" + reqID)
	bb.until("the edit fold", "document.querySelector('#request-edit summary')", true)
	bb.run(chromedp.Click("#request-edit summary"))
	bb.until("the request's values in the form", "document.querySelector('#request-edit-form-title').value === 'Mật ong rừng' && document.querySelector('#request-edit-form-monthly_volume').value === '500' && "+
		"document.querySelector('#request-edit-form-criteria_sets input[value=\"4\"]').checked", false)
	// Several choices are checkboxes in a group named by its label, each one named by its text;
	// the criteria sets stand under their sector, a group of its own.
	if got := bb.eval("(() => { const g = document.querySelector('#request-edit-form-criteria_sets'); const box = g.querySelector('input[value=\"4\"]'); const set = box.closest('[role=group]');" +
		" return g.getAttribute('role') + '|' + document.getElementById(g.getAttribute('aria-labelledby')).textContent + '|' + document.getElementById(set.getAttribute('aria-labelledby')).textContent + '|' + box.type + '|' + box.closest('label').textContent })()"); !strings.HasPrefix(got, "group|Các bộ tiêu chí cần tìm|Thực phẩm|checkbox|4. ") {
		t.Errorf("the criteria sets read %q", got)
	}
	// A title refused is said under it; typing in it again takes the error away.
	bb.fill(map[string]string{"#request-edit-form-title": "M"})
	bb.submit("request-edit-form")
	title := "document.querySelector('#request-edit-form [data-field=title]')"
	bb.until("the short title refused under it", title+".classList.contains('bad') && "+title+".querySelector('.err').textContent.includes('ít nhất 3 ký tự')", false)
	bb.run(chromedp.SendKeys("#request-edit-form-title", "ật"))
	bb.until("the error gone once corrected", "!"+title+".classList.contains('bad') && "+title+".querySelector('.err').textContent === ''", false)
	bb.fill(map[string]string{"#request-edit-form-title": "Mật ong rừng Tây Bắc", "#request-edit-form-monthly_volume": "800", "#request-edit-form-max_price_vnd": "280000"})
	bb.submit("request-edit-form")
	bb.until("the request saved", "document.querySelector('h1').textContent.startsWith('Mật ong rừng Tây Bắc') && document.querySelector('h1 + p').textContent.startsWith('800 lít/tháng · giá tối đa 280.000 ₫/lít · ') && "+
		"document.querySelector('#toast').textContent === 'Đã lưu nhu cầu.'", false)

	// Another device changes the request while this page shows it: the save is refused, said
	// above the button, and the page shows the request as it is now.
	other.call("PATCH", "/api/requests/"+reqID, map[string]any{"keywords": []string{"mật ong", "rừng"}})
	bb.run(chromedp.Click("#request-edit summary"))
	bb.fill(map[string]string{"#request-edit-form-title": "Mật ong bạc hà"})
	bb.submit("request-edit-form")
	bb.until("the change meanwhile said", "document.querySelector('#request-edit-form .form-err').textContent.includes('vừa được thay đổi') && document.querySelector('h1 + p').textContent.includes('rừng')", false)
	if got := bb.eval("document.querySelector('h1').textContent"); !strings.HasPrefix(got, "Mật ong rừng Tây Bắc") {
		t.Errorf("the title after a refused save reads %q", got)
	}

	bb.eval("window.asked = ''; window.confirm = (m) => { window.asked = m; return true }, ''")
	bb.run(chromedp.Click("#close-request"))
	bb.until("the request closed", "document.querySelector('#request-closed') && !document.querySelector('#request-edit') && document.querySelector('h1 .badge').textContent === 'Đã đóng'", true)
	if got := bb.eval("window.asked"); !strings.Contains(got, "không còn thấy") {
		t.Errorf("closing asked %q first", got)
	}
	if got := other.call("GET", "/api/requests/"+reqID, nil)["status"]; got != "closed" {
		t.Errorf("the request's status after closing: %v", got)
	}

	bb.open("#/buyer")
	bb.until("the profile's edit fold", "document.querySelector('#buyer-edit summary') && document.querySelector('#request-list .badge.grey')", true)
	bb.run(chromedp.Click("#buyer-edit summary"))
	// Two fields refused: the keyboard goes to the first on the page (the phone), whatever order
	// the API lists them in.
	bb.fill(map[string]string{"#buyer-edit-form-contact_phone": "09123", "#buyer-edit-form-contact_email": "lan@sieuthixanh"})
	bb.submit("buyer-edit-form")
	bb.until("both refused, the keyboard on the phone", "document.querySelectorAll('#buyer-edit-form .field.bad').length === 2 && document.activeElement.id === 'buyer-edit-form-contact_phone'", false)
	bb.fill(map[string]string{"#buyer-edit-form-contact_name": "Nguyễn Thu Hà", "#buyer-edit-form-contact_phone": "0912 345 678", "#buyer-edit-form-contact_email": "lan@sieuthixanh.vn"})
	bb.submit("buyer-edit-form")
	bb.until("the profile saved", "document.querySelector('#toast').textContent === 'Đã lưu hồ sơ.'", false)
	contact, _ := other.call("GET", "/api/buyers/me", nil)["contact"].(map[string]any)
	if contact["name"] != "Nguyễn Thu Hà" || !strings.HasSuffix(contact["phone"].(string), "912345678") {
		t.Errorf("the buyer's contact after the edit: %v", contact)
	}
	bb.shot("buyer-edit")
}

// stepCardsSpeakOfTheFairChosen: with a second fair chosen, where nobody exhibits yet, no card
// names a booth or a meeting at the first fair: each says the producer has no booth there.
func stepCardsSpeakOfTheFairChosen(t *testing.T, bb browser, reqID, otherFair string) {
	t.Helper()
	bb.open("#/request/" + reqID)
	bb.until("the second fair offered", "document.querySelector('#meeting-fair option[value=\""+otherFair+"\"]')", true)
	bb.eval("(() => { const only = document.querySelector('#only-exhibitors'); if (only.checked) only.click(); const f = document.querySelector('#meeting-fair'); f.value = '" + otherFair + "'; f.dispatchEvent(new Event('change')); return '' })()")
	card := "[...document.querySelectorAll('#matches .card')].find((c) => c.textContent.includes('Bắc Hà'))"
	bb.until("the exhibitor's card for the second fair", "!document.querySelector('#match-box').hasAttribute('aria-busy') && "+card+" && "+card+".querySelector('.not-exhibiting')", false)
	if got := bb.eval(card + ".textContent"); strings.Contains(got, "Có gian hàng") || strings.Contains(got, "A0") || strings.Contains(got, "Đã gửi yêu cầu") || strings.Contains(got, "Không tham gia") {
		t.Errorf("the exhibitor's card for the second fair speaks of the first, or says twice it has no booth: %q", got)
	}
	// Why they cannot be invited there is said once, above the cards, not on each of them.
	if got := bb.eval("[...document.querySelectorAll('#match-box p')].filter((p) => p.textContent.includes('Chỉ hẹn gặp')).map((p) => p.id).join()"); got != "away-note" {
		t.Errorf("the reason no card offers a meeting is said in %q, want once in #away-note", got)
	}
}

// stepProducerInvitesFromOpportunities: a producer without a booth at any fair is offered no
// invitation but told how to get one; the exhibitor, its earlier meeting declined, invites the
// buyer from "Cơ hội" and the card then says the invitation waits for the buyer.
func stepProducerInvitesFromOpportunities(t *testing.T, ex, other browser, exhibitor client, reqID string) {
	t.Helper()
	invite := "document.querySelector('[data-request=\"" + reqID + "\"] button.invite')"
	other.open("#/producer/opportunities")
	other.until("no invitation without a booth, and why", "document.querySelector('[data-request=\""+reqID+"\"]') && !"+invite+" && document.querySelector('#opp-no-booth')", true)

	ex.open("#/producer/opportunities")
	ex.until("the meeting asked by the buyer on the card", "document.querySelector('[data-request=\""+reqID+"\"] a.meeting-status') && !"+invite, true)
	items, _ := exhibitor.call("GET", "/api/meetings", nil)["items"].([]any)
	for _, it := range items {
		exhibitor.call("POST", "/api/meetings/"+it.(map[string]any)["id"].(string)+"/decline", map[string]any{"reason_code": "no_time"})
	}
	ex.until("the invitation offered once the meeting is declined", invite+" && "+invite+".textContent === 'Mời gặp tại Hội chợ OCOP Hồ Gươm (Chuỗi Siêu thị Sen)'", true)
	// The declines reach the page as live updates, each drawing it again: a tap on the button as a
	// redraw replaces it can land on the old one, and nothing happens (nothing is said). Tap
	// again then, as a person would, at most three times.
	for tap := 0; tap < 3; tap++ {
		ex.run(chromedp.Click("[data-request=\"" + reqID + "\"] button.invite"))
		said := false
		for i := 0; i < 25 && !said; i++ {
			time.Sleep(200 * time.Millisecond)
			said = ex.eval("document.querySelector('#toast').textContent") != ""
		}
		if said {
			break
		}
	}
	ex.until("the invitation sent and shown", "document.querySelector('#toast').textContent.startsWith('Đã gửi lời mời gặp') && document.querySelector('[data-request=\""+reqID+"\"] a.meeting-status')", true)
	got := exhibitor.call("GET", "/api/meetings", nil)["items"].([]any)
	if n := len(got); n != 2 || got[1].(map[string]any)["requested_by"] != "producer" || got[1].(map[string]any)["status"] != "requested" ||
		got[1].(map[string]any)["note"] != "Về nhu cầu “Mật ong rừng” của quý công ty." {
		t.Errorf("the exhibitor's meetings after its invitation: %v", got)
	}
	fitsPhone(ex, "invite")
}

// stepForgottenPassword: a producer who forgot the password phones the office; the admin finds
// the account by its email and reads out the code shown once; on the phone the producer follows
// "Quên mật khẩu?", types the code as heard (lower case, a space) and a new password, and is
// signed in.
func stepForgottenPassword(t *testing.T, admin, prod browser, email string) {
	t.Helper()
	admin.open("#/admin")
	admin.until("the reset card", "document.querySelector('#reset-issue-email')", false)
	admin.eval("window.asked = ''; window.confirm = (m) => { window.asked = m; return true }, ''")
	admin.fill(map[string]string{"#reset-issue-email": "nobody@cards.example.vn"})
	admin.submit("reset-issue")
	admin.until("an email without an account said under it", "document.querySelector('#reset-issue [data-field=email] .err').textContent === 'không có tài khoản nào dùng email này'", false)
	admin.fill(map[string]string{"#reset-issue-email": strings.ToUpper(email)})
	admin.submit("reset-issue")
	admin.until("the code shown", "/^[0-9A-Z]{5}-[0-9A-Z]{5}$/.test((document.querySelector('#reset-code') || {}).textContent || '')", false)
	if got := admin.eval("window.asked"); !strings.Contains(got, email) {
		t.Errorf("the admin was asked %q before issuing, want the account named", got)
	}
	code := admin.eval("document.querySelector('#reset-code').textContent")
	admin.shot("reset-code")

	prod.eval("logout(), ''")
	prod.open("#/login")
	prod.run(chromedp.Click("#to-reset"))
	prod.until("the reset form", "document.querySelector('#reset-code')", false)
	fitsPhone(prod, "the reset form")
	prod.fill(map[string]string{"#reset-email": email, "#reset-code": strings.ToLower(strings.Replace(code, "-", " ", 1)), "#reset-new_password": "mật-khẩu-mới-2026"})
	// "Hiện" shows the new password typed, to check it on a phone's small keys.
	prod.run(chromedp.Click("#reset-new_password-show"))
	if got := prod.eval("document.querySelector('#reset-new_password').type + ' ' + document.querySelector('#reset-new_password-show').getAttribute('aria-pressed')"); got != "text true" {
		t.Errorf("after Hiện the password field is %q, want text and pressed", got)
	}
	prod.submit("reset")
	prod.until("signed in with the new password", "location.hash === '#/producer' && localStorage.getItem('ocopfair.token') && document.querySelector('#toast').textContent.startsWith('Đã đổi mật khẩu')", false)
	prod.eval("logout(), ''")
	prod.login(email, "mật-khẩu-mới-2026")
	// The office sees afterwards who issued the code and that it was used; with no email typed,
	// it is asked for one (not shown another account's codes).
	admin.eval("document.querySelector('#reset-issue-email').value = '', ''")
	admin.run(chromedp.Click("#reset-history-show"))
	admin.until("an email asked for", "document.querySelector('#reset-issue [data-field=email] .err').textContent === 'Nhập email đăng ký của tài khoản.' && !document.querySelector('#reset-history')", false)
	admin.fill(map[string]string{"#reset-issue-email": email})
	admin.run(chromedp.Click("#reset-history-show"))
	admin.until("the code on record, used", "document.querySelector('#reset-history tbody tr[data-status=used]') && document.querySelectorAll('#reset-history tbody tr').length === 1", false)
	if got := admin.eval("document.querySelector('#reset-history tbody tr').textContent"); !strings.Contains(got, "Quản trị viên") || !strings.Contains(got, "Đã dùng lúc") || strings.Contains(got, code) {
		t.Errorf("the record of the code reads %q, want who issued it and when it was used, not the code", got)
	}
	admin.shot("reset-record")
}
