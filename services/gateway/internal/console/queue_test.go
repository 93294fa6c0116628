package console_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// applicant registers a producer in a province with one product of the given stars and applies
// to the fair; it returns the account and the application's ID.
func (c client) applicant(fairID, email, name, tax, province, product string, stars int) (client, string) {
	c.t.Helper()
	p := c.register(email, name, "producer")
	prof := p.call("POST", "/api/producers", map[string]any{"kind": "cooperative", "legal_name": name, "tax_code": tax, "province": province, "commune": "Xã Tân Lập", "phone": "0912000222"})
	prod := p.call("POST", fmt.Sprintf("/api/producers/%s/products", prof["id"]), map[string]any{"name_vi": product, "criteria_set": 4, "stars": stars, "unit": "litre",
		"certificate": map[string]string{"decision_no": "21/QĐ-UBND", "issued_by": "UBND tỉnh", "issued_on": time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)}})
	app := p.call("POST", "/api/fairs/"+fairID+"/applications", map[string]any{"product_ids": []string{prod["id"].(string)}, "booth_count": 1})
	return p, app["id"].(string)
}

// TestConsoleQueueAgendaAndGuides walks what organisers, producers and buyers expect beyond the
// basics: empty pages that say what to do next, the organiser's queue (tabs with counts, search
// without diacritics, filters, sorting, paging, bulk review with each refusal named, withdrawn
// applications out of the way, cards on a phone), a B2B day with a lunch break in the grid and
// the agenda, the agenda as a calendar file and a private feed, and its print view.
func TestConsoleQueueAgendaAndGuides(t *testing.T) {
	j := startJourney(t)
	anon := client{t: t, base: j.base}
	admin := anon.as("admin@example.vn", "admin-password-1")
	admin.call("POST", "/api/accounts", map[string]string{"name": "Sở Công Thương", "email": "sct@queue.example.vn", "password": "organiser-pass-1", "role": "organiser"})
	org := j.person("queue-organiser", 1366, 800)
	org.login("sct@queue.example.vn", "organiser-pass-1")
	stepGuides(t, j, anon, org)

	oc := anon.as("sct@queue.example.vn", "organiser-pass-1")
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	fair := oc.call("POST", "/api/fairs", map[string]any{"name_vi": "Tuần hàng OCOP các vùng miền", "kind": "trade_week", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Trung tâm Triển lãm Giảng Võ", "address": "148 Giảng Võ"}, "start_date": day(30), "end_date": day(34),
		"applications_open": day(0), "applications_close": day(20), "eligibility": map[string]any{"min_stars": 4, "max_booths_per_producer": 2},
		"fees": map[string]any{"booth_prices": map[string]int64{"standard": 10_000_000}, "subsidy_percent": 50, "max_subsidised_booths": 2}})
	fairID := fair["id"].(string)
	oc.call("POST", "/api/fairs/"+fairID+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "kind": "standard", "rows": 1, "columns": 6}})
	oc.call("POST", "/api/fairs/"+fairID+"/publish", nil)
	fish, _ := anon.applicant(fairID, "nm@queue.example.vn", "HTX Nước mắm Phú Quốc", "1700111222", "91", "Nước mắm cá cơm", 4)
	_, honey := anon.applicant(fairID, "mo@queue.example.vn", "HTX Mật ong Bắc Hà", "5300111222", "15", "Mật ong bạc hà", 4)
	anon.applicant(fairID, "tra@queue.example.vn", "Hộ kinh doanh Trà Shan Tuyết", "0500111222", "08", "Trà shan tuyết cổ thụ", 3)
	anon.applicant(fairID, "gao@queue.example.vn", "HTX Gạo Séng Cù", "5300111333", "15", "Gạo Séng Cù", 5)
	veg, vegApp := anon.applicant(fairID, "rau@queue.example.vn", "HTX Rau Đà Lạt", "5800111222", "68", "Rau an toàn", 4)
	veg.call("POST", "/api/applications/"+vegApp+"/withdraw", nil)
	oc.call("POST", "/api/applications/"+honey+"/approve", nil)

	stepQueue(t, org, fairID)
	orgPhone := j.person("queue-organiser-phone", 360, 800)
	orgPhone.login("sct@queue.example.vn", "organiser-pass-1")
	stepQueuePhone(t, orgPhone, fairID)
	stepRejectAsksWhy(t, anon, orgPhone, org, fairID)

	// Booths for the approved: only exhibitors can be met.
	oc.call("POST", "/api/fairs/"+fairID+"/allocation", nil)
	oc.call("POST", "/api/fairs/"+fairID+"/allocation/commit", nil)
	stepBoothByHand(t, oc, orgPhone, org, fairID, "HTX Mật ong Bắc Hà")
	stepWaitlistSaysTheBoothsGo(t, org, fairID)
	buyer := anon.register("mua@queue.example.vn", "Công ty Xuất khẩu Sao Mai", "buyer")
	b := buyer.call("POST", "/api/buyers", map[string]any{"name": "Công ty Xuất khẩu Sao Mai", "kind": "exporter", "province": "79", "markets": []string{"JP"}})
	fishID := fish.call("GET", "/api/producers/me", nil)["id"].(string)
	m := buyer.call("POST", "/api/fairs/"+fairID+"/meetings", map[string]any{"buyer_id": b["id"], "producer_id": fishID, "session": "any"})
	fish.call("POST", fmt.Sprintf("/api/meetings/%s/accept", m["id"]), nil)
	stepLunchInGrid(t, org, fairID)
	bb := j.person("queue-buyer", 1366, 800)
	bb.login("mua@queue.example.vn", "parity-pass-1")
	stepAgendaCalendar(t, bb, fairID)
	stepRequestFairsTakeMeetings(t, oc, buyer, b["id"].(string), bb, fairID)
	stepFairsOverLeaveTheLists(t, oc, org, bb, fairID)
}

// stepRequestFairsTakeMeetings: a cancelled fair is not offered in the buyer's request form; the
// published one is; a request naming the cancelled fair says so above the matches, which are for
// the fair still taking meetings.
func stepRequestFairsTakeMeetings(t *testing.T, oc, bc client, buyerID string, buyer browser, fairID string) {
	t.Helper()
	gone := oc.tradeWeek("Hội chợ OCOP đã hủy", 40)
	oc.call("POST", "/api/fairs/"+gone+"/publish", nil)
	req := bc.call("POST", "/api/buyers/"+buyerID+"/requests", map[string]any{"title": "Nước mắm cho Nhật", "criteria_sets": []int{9}, "min_stars": 3,
		"monthly_volume": 1500, "unit": "litre", "target_market": "JP", "fair_id": gone})["id"].(string)
	oc.call("POST", "/api/fairs/"+gone+"/cancel", map[string]string{"reason": "Thiếu địa điểm"})
	buyer.open("#/request/" + req)
	buyer.until("the request's cancelled fair said, the matches for the fair still open", "document.querySelector('#request-fair-gone') && document.querySelector('#meeting-fair').value === '"+fairID+"'", false)
	// Its volume in words, a month's: 1.500 lít/tháng; in English the unit counts as English does.
	const volume = "document.querySelector('h1 + p.muted').textContent"
	buyer.until("the volume", volume+".startsWith('1.500 lít/tháng · ')", false)
	buyer.run(chromedp.Click("#lang"))
	buyer.until("the volume in English", volume+".startsWith('1,500 litres a month · ')", false)
	buyer.run(chromedp.Click("#lang"))
	buyer.open("#/buyer")
	opts := "[...document.querySelectorAll('#new-request-fair_id option')].map((o) => o.value)"
	buyer.until("the request form's fairs", opts+".includes('"+fairID+"')", true)
	if got := buyer.eval(opts + ".join(' ')"); strings.Contains(got, gone) {
		t.Errorf("the request form offers the cancelled fair %s: %q", gone, got)
	}
}

// stepGuides: an organiser without a fair, a producer without a profile or a product, and a
// buyer without a request each see what to do next, and its button takes them there.
func stepGuides(t *testing.T, j journey, anon client, org browser) {
	t.Helper()
	org.open("#/fairs")
	org.until("the organiser's guide", "document.querySelector('#guide-no-fair')", false)
	if txt := org.eval("document.querySelector('#guide-no-fair').textContent"); !strings.Contains(txt, "Tạo hội chợ đầu tiên") {
		t.Errorf("organiser's empty page says %q", txt)
	}
	org.run(chromedp.Click("#guide-no-fair button"))
	org.until("the cursor in the fair's name", "document.activeElement.id === 'new-fair-name_vi'", false)

	pc := anon.register("moi@queue.example.vn", "HTX Miến dong Bình Liêu", "producer")
	prod := j.person("queue-new-producer", 360, 800)
	prod.login("moi@queue.example.vn", "parity-pass-1")
	prod.open("#/producer/fairs")
	prod.until("the producer's guide", "document.querySelector('#guide-no-profile')", false)
	prod.shot("guide-no-profile")
	prod.run(chromedp.Click("#guide-no-profile a"))
	prod.until("the profile form", "location.hash === '#/producer' && document.querySelector('#producer-profile')", false)
	pc.call("POST", "/api/producers", map[string]any{"kind": "cooperative", "legal_name": "HTX Miến dong Bình Liêu", "tax_code": "5700111222", "province": "22", "commune": "Xã Bình Liêu", "phone": "0912000333"})
	prod.open("#/producer/fairs")
	prod.until("the product guide", "document.querySelector('#guide-no-product')", true)
	if txt := prod.eval("document.querySelector('#guide-no-product').textContent"); !strings.Contains(txt, "Thêm sản phẩm") {
		t.Errorf("producer without a product reads %q", txt)
	}
	fitsPhone(prod, "the producer's guide")
	prod.run(chromedp.Click("#guide-no-product a"))
	prod.until("the cursor in the product's name", "document.activeElement && document.activeElement.id === 'new-product-name_vi'", false)

	bc := anon.register("mua-moi@queue.example.vn", "Nhà hàng Hương Sen", "buyer")
	bc.call("POST", "/api/buyers", map[string]any{"name": "Nhà hàng Hương Sen", "kind": "restaurant", "province": "01", "markets": []string{"domestic"}})
	buyer := j.person("queue-new-buyer", 360, 800)
	buyer.login("mua-moi@queue.example.vn", "parity-pass-1")
	buyer.open("#/buyer")
	buyer.until("the buyer's guide", "document.querySelector('#guide-no-request')", true)
	buyer.shot("guide-no-request")
	buyer.run(chromedp.Click("#guide-no-request button"))
	buyer.until("the cursor in the request's title", "document.activeElement.id === 'new-request-title'", false)
}

// rows is the JavaScript list of producer names the queue shows, in order.
const rows = "[...document.querySelectorAll('#app-queue tr[data-app] label.pick')].map((l) => l.textContent).join('|')"

// stepQueue: tabs with counts and withdrawn ones out of the way; search without diacritics;
// filters; sorting; "Xem thêm"; bulk approve that names the one it could not move.
func stepQueue(t *testing.T, org browser, fairID string) {
	t.Helper()
	org.open("#/fair/" + fairID + "/apps")
	org.until("four active applications", "document.querySelectorAll('#app-queue tr[data-app]').length === 4", true)
	org.shot("queue-tabs")
	tabs := org.eval("[...document.querySelectorAll('#queue-tabs button')].map((b) => b.textContent).join('|')")
	if !strings.HasPrefix(tabs, "Đơn hiện hành 4|Chờ duyệt 3|Đã duyệt 1|") || !strings.HasSuffix(tabs, "Đã rút / hủy 1") {
		t.Errorf("queue tabs read %q", tabs)
	}
	if names := org.eval(rows); strings.Contains(names, "Rau Đà Lạt") {
		t.Errorf("the withdrawn application is among the active ones: %q", names)
	}
	org.run(chromedp.SendKeys("#qf-q", "nuoc mam phu quoc"))
	org.until("search without diacritics", rows+" === 'HTX Nước mắm Phú Quốc' && document.querySelector('#queue-tabs button').textContent === 'Đơn hiện hành 1'", false)
	choose(org, "#qf-q", "")
	org.until("search cleared", "document.querySelectorAll('#app-queue tr[data-app]').length === 4", false)
	choose(org, "#qf-eligible", "false")
	org.until("only the ineligible one", rows+" === 'Hộ kinh doanh Trà Shan Tuyết'", false)
	choose(org, "#qf-eligible", "")
	choose(org, "#qf-province", "15")
	org.until("Lào Cai only", rows+".split('|').sort().join('|') === 'HTX Gạo Séng Cù|HTX Mật ong Bắc Hà'", false)
	choose(org, "#qf-province", "")
	choose(org, "#qf-stars", "5")
	org.until("five stars only", rows+" === 'HTX Gạo Séng Cù'", false)
	choose(org, "#qf-stars", "")
	choose(org, "#qf-sector", "beverage")
	org.until("no drinks: the empty queue says so", "!document.querySelector('#app-queue') && document.querySelector('#queue-list').textContent === 'Không có đơn nào khớp với bộ lọc này.'", false)
	choose(org, "#qf-sector", "")
	choose(org, "#qf-sort", "-stars")
	org.until("most stars first", rows+".startsWith('HTX Gạo Séng Cù|') && "+rows+".endsWith('|Hộ kinh doanh Trà Shan Tuyết')", false)
	stepQueueUnreadable(t, org)
	stepQueuePaging(t, org)
	// Bulk approve everything shown: the ineligible one is asked about, the approved one is not moved.
	org.eval("window.asked = ''; window.confirm = (m) => { window.asked = m; return true }, ''")
	org.run(chromedp.Click("#pick-all"))
	org.until("four picked", "document.querySelector('#picked-count').textContent === 'Đã chọn 4 đơn'", false)
	org.run(chromedp.Click("#bulk-approve"))
	org.until("bulk result", "document.querySelector('#bulk-result').textContent.includes('Đã duyệt 3 đơn')", false)
	org.shot("queue-bulk")
	// The buttons' cell is a cell of its row: as tall as the row, its lines the row's.
	if off := org.eval("String([...document.querySelectorAll('#app-queue tr[data-app]')].filter((tr) => Math.abs(tr.querySelector('td.actions').getBoundingClientRect().height - tr.getBoundingClientRect().height) > 1).length)"); off != "0" {
		t.Errorf("%s rows have a buttons' cell shorter or taller than the row", off)
	}
	if asked := org.eval("window.asked"); !strings.Contains(asked, "Trà Shan Tuyết") {
		t.Errorf("bulk approve of an ineligible application asked %q", asked)
	}
	if failed := org.eval("document.querySelector('#bulk-result .bulk-failed').textContent"); !strings.Contains(failed, "Không duyệt được 1 đơn") || !strings.Contains(failed, "HTX Mật ong Bắc Hà") {
		t.Errorf("bulk result names the refusal as %q", failed)
	}
	org.until("approved tab counts four", "document.querySelector('#queue-tabs button[data-tab=approved]').textContent === 'Đã duyệt 4'", false)
	// Bulk waitlist one from the approved tab.
	stepPickKeptPastALateView(t, org)
	org.run(chromedp.Click("#bulk-waitlist"))
	org.until("one waitlisted", "document.querySelector('#queue-tabs button[data-tab=waitlisted]').textContent === 'Danh sách chờ 1'", false)
	// A bulk with nothing refused says so in one line, and still does after going to another tab
	// of the fair and back.
	if got := org.eval("document.querySelector('#bulk-result').textContent"); got != "Đã chuyển 1 đơn vào danh sách chờ." {
		t.Errorf("the bulk result reads %q, want %q", got, "Đã chuyển 1 đơn vào danh sách chờ.")
	}
	noStrayText(t, org, "#app", "after a bulk with nothing refused")
	org.open("#/fair/" + fairID + "/b2b")
	org.until("the B2B tab", "document.querySelector('#b2b-grid')", true)
	org.open("#/fair/" + fairID + "/apps")
	org.until("the bulk result again", "document.querySelector('#bulk-result') && document.querySelector('#bulk-result').textContent.startsWith('Đã chuyển 1 đơn vào danh sách chờ')", true)
	noStrayText(t, org, "#app", "back on the queue after a bulk")
	for _, w := range []int64{700, 1366} {
		org.run(chromedp.EmulateViewport(w, 800))
		toastClearOfHeader(t, org, "the queue")
	}
}

// noStrayText fails when the page under sel shows a text node that is only "null", "undefined"
// or "NaN": a value the code left out that the DOM wrote as words (replaceChildren and append,
// unlike h(), write null out).
func noStrayText(t *testing.T, b browser, sel, what string) {
	t.Helper()
	stray := b.eval(`(() => { const root = document.querySelector('` + sel + `'); if (!root) return 'no ` + sel + `';
		const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), bad = [];
		while (w.nextNode()) if (/^\s*(null|undefined|NaN)\s*$/.test(w.currentNode.data)) bad.push(w.currentNode.parentNode.outerHTML.slice(0, 160));
		return bad.join(' | ') })()`)
	if stray != "" {
		b.shot("stray-text")
		t.Errorf("%s: %s shows stray text: %s", what, sel, stray)
	}
}

// toastClearOfHeader shows a long toast with the page at its top and fails when it covers any
// of the header's links or buttons (on a phone: the menu button, the language, sign-out).
func toastClearOfHeader(t *testing.T, b browser, what string) {
	t.Helper()
	covered := b.eval(`(() => { scrollTo(0, 0); toast('Đã lưu hồ sơ và sản phẩm; hãy chọn hội chợ và số gian rồi đăng ký gian hàng');
		const a = document.querySelector('#toast').getBoundingClientRect();
		if (!a.height) return 'no toast shown';
		return [...document.querySelectorAll('header.top a, header.top button')].filter((e) => e.offsetParent).filter((e) => {
			const r = e.getBoundingClientRect(); return a.left < r.right && r.left < a.right && a.top < r.bottom && r.top < a.bottom }).map((e) => e.id || e.textContent).join(', ') })()`)
	b.shot("toast-header")
	if covered != "" {
		t.Errorf("%s at %s: the toast covers %s", what, b.eval("String(innerWidth)"), covered)
	}
}

// stepPickKeptPastALateView: a live redraw's view of the queue that answers late neither shows
// the list it asked for before the organiser chose another tab (it asks again) nor, once a newer
// view is shown, forgets the organiser's pick, which reaches the bulk.
func stepPickKeptPastALateView(t *testing.T, org browser) {
	t.Helper()
	const approved = "document.querySelector('#queue-tabs button[data-tab=approved]').getAttribute('aria-selected') === 'true' && " +
		"document.querySelectorAll('#app-queue tr[data-app]').length === 2"
	withdrawnTab := func() {
		org.run(chromedp.Click("#queue-tabs button[data-tab=withdrawn]"))
		org.until("the withdrawn tab", "document.querySelector('#queue-tabs button[data-tab=withdrawn]').getAttribute('aria-selected') === 'true' && "+
			"document.querySelectorAll('#app-queue tr[data-app]').length === 1", false)
		// The next list asked for (not the counts) is held until window.heldList() is called.
		org.eval(`window.realFetch = window.realFetch || window.fetch, window.heldList = null, window.lateAnswered = false,
			window.fetch = (url, opts) => window.heldList || !/\/applications\?/.test(String(url)) ? window.realFetch(url, opts) : new Promise((ok) => { window.heldList = () => ok(
				window.realFetch(url, opts).then(async (r) => { const body = await r.text(); window.lateAnswered = true; return new Response(body, { status: r.status, headers: r.headers }) })) }), ''`)
		org.eval("document.querySelector('#queue').dataset.old = 'yes', render(true), ''")
		org.until("the redraw's list asked for and held", "window.heldList", false)
	}
	// The organiser picks the approved tab while the redraw's withdrawn list is held.
	withdrawnTab()
	org.run(chromedp.Click("#queue-tabs button[data-tab=approved]"))
	org.until("approved list", approved, false)
	org.eval("window.heldList(), ''")
	org.until("the redraw shown", "window.lateAnswered && document.querySelector('#queue') && !document.querySelector('#queue').dataset.old", false)
	time.Sleep(300 * time.Millisecond)
	if ok := org.eval("String(" + approved + ")"); ok != "true" {
		t.Errorf("a redraw asked on the withdrawn tab, shown after the organiser chose approved, does not show the approved list")
	}
	// A second redraw is shown before the first answers; the pick made there is kept.
	withdrawnTab()
	org.eval("render(true), ''")
	org.until("the second redraw shown", "document.querySelector('#queue') && !document.querySelector('#queue').dataset.old", false)
	org.run(chromedp.Click("#queue-tabs button[data-tab=approved]"))
	org.until("approved list", approved, false)
	org.run(chromedp.Click("#app-queue tr[data-app] input.pick"))
	org.until("one picked", "document.querySelector('#picked-count').textContent === 'Đã chọn 1 đơn'", false)
	org.eval("window.heldList(), ''")
	org.until("the first redraw's list answered", "window.lateAnswered", false)
	org.eval("window.fetch = window.realFetch, ''")
	// A late view changes nothing to wait for: give a wrongly kept one time to act.
	time.Sleep(500 * time.Millisecond)
	if got := org.eval("[...document.querySelectorAll('#app-queue tr[data-app] input.pick')].filter((x) => x.checked).length + ' ' + document.querySelector('#queue-tabs .active').dataset.tab"); got != "1 approved" {
		t.Errorf("after a late view of the withdrawn tab answered, the queue shows %q picked and tab, want 1 approved", got)
	}
}

// stepQueuePaging: two applications a page, the rest behind "Xem thêm". A page that answers
// after the organiser changed a filter is not added to the new list, a page that cannot be read
// says so and leaves the button to try again, and a page added takes the keyboard to its first row.
func stepQueuePaging(t *testing.T, org browser) {
	t.Helper()
	const onePage = "document.querySelectorAll('#app-queue tr[data-app]').length === 2 && document.querySelector('#queue-more')"
	org.eval("queuePage.size = 2, ''")
	org.run(chromedp.Click("#queue-tabs button[data-tab=active]"))
	org.until("one page of two", onePage, false)
	// The next page's answer is held back until the organiser has narrowed the queue to 5★.
	org.eval(`window.realFetch = window.fetch, window.held = null, window.pageAnswered = false,
		window.fetch = (url, opts) => !String(url).includes('cursor=') ? window.realFetch(url, opts) : new Promise((ok) => { window.held = () => ok(
			window.realFetch(url, opts).then(async (r) => { const body = await r.text(); window.pageAnswered = true; return new Response(body, { status: r.status, headers: r.headers }) })) }), ''`)
	org.run(chromedp.Click("#queue-more"))
	org.until("the next page asked for", "window.held", false)
	choose(org, "#qf-stars", "5")
	org.until("five stars only", rows+" === 'HTX Gạo Séng Cù'", false)
	org.eval("window.held(), ''")
	org.until("the overtaken page answered", "window.pageAnswered", false)
	// A dropped page changes nothing to wait for: give a wrongly kept one time to show.
	time.Sleep(500 * time.Millisecond)
	if got := org.eval(rows); got != "HTX Gạo Séng Cù" {
		t.Errorf("after a page overtaken by the 5★ filter answered, the queue shows %q, want the 5★ one alone", got)
	}
	choose(org, "#qf-stars", "")
	org.until("one page of two again", onePage, false)
	org.eval("window.fetch = (url, opts) => String(url).includes('cursor=') ? Promise.reject(new TypeError('Failed to fetch')) : window.realFetch(url, opts), " +
		"document.querySelector('#toast').textContent = '', ''")
	org.run(chromedp.Click("#queue-more"))
	org.until("the failure said and the button back", "document.querySelector('#toast').textContent === 'Không kết nối được: hãy kiểm tra mạng rồi thử lại.' && "+onePage+
		" && !document.querySelector('#queue-more').disabled", false)
	// A next page with nothing on it (the list ended just at the page before) takes the button
	// away and leaves the keyboard on the last row, not at the top of the page.
	org.eval(`window.fetch = (url, opts) => !String(url).includes('cursor=') ? window.realFetch(url, opts) :
		Promise.resolve(new Response('{"items":[],"next_cursor":""}', { status: 200, headers: { 'Content-Type': 'application/json' } })), ''`)
	org.run(chromedp.Click("#queue-more"))
	org.until("no button after an empty page, the keyboard on the last row", "!document.querySelector('#queue-more') && "+
		"document.activeElement === document.querySelectorAll('#app-queue tr[data-app]')[1].querySelector('input.pick')", false)
	org.eval("window.fetch = window.realFetch, ''")
	org.run(chromedp.Click("#queue-tabs button[data-tab=active]"))
	org.until("one page of two once more", onePage, false)
	org.run(chromedp.Click("#queue-more"))
	org.until("all four after Xem thêm, the keyboard on the first new row", "document.querySelectorAll('#app-queue tr[data-app]').length === 4 && !document.querySelector('#queue-more') && "+
		"document.activeElement === document.querySelectorAll('#app-queue tr[data-app]')[2].querySelector('input.pick')", false)
	org.shot("queue-more")
	// A live redraw lists the rows "Xem thêm" added too, and keeps a pick among them.
	org.run(chromedp.Click("#app-queue tr[data-app]:nth-child(3) input.pick"))
	org.until("the third row picked", "document.querySelector('#picked-count').textContent === 'Đã chọn 1 đơn'", false)
	org.eval("document.querySelector('#queue').dataset.old = 'yes', render(true, true), ''")
	org.until("after a live redraw, all four rows and the pick kept", "!document.querySelector('#queue').dataset.old && document.querySelectorAll('#app-queue tr[data-app]').length === 4 && "+
		"document.querySelectorAll('#app-queue tr[data-app]')[2].querySelector('input.pick').checked && document.querySelector('#picked-count').textContent === 'Đã chọn 1 đơn'", false)
}

// stepQueueUnreadable: a queue that cannot be read (no network, or the server failing) says so
// with Thử lại, never "no application matches" or tabs counting 0; Thử lại once the network is
// back shows the applications and puts the keyboard on the first.
func stepQueueUnreadable(t *testing.T, org browser) {
	t.Helper()
	const failedNotEmpty = "document.querySelector('#queue-list [role=alert]') && document.querySelector('#queue-retry') && !document.querySelector('#app-queue') && " +
		"!document.querySelector('#queue-list .empty') && !document.querySelector('#queue-list').textContent.includes('Không có đơn nào') && " +
		"document.querySelectorAll('#queue-tabs button').length === 6 && !document.querySelector('#queue-tabs .count')"
	org.eval("window.realFetch = window.fetch, window.fetch = (url, opts) => String(url).includes('/applications') ? Promise.reject(new TypeError('Failed to fetch')) : window.realFetch(url, opts), ''")
	org.eval("render(true), ''")
	org.until("the queue's first load failing said, with Thử lại", failedNotEmpty+" && document.querySelector('#queue-list [role=alert]').textContent.startsWith('Không kết nối được: hãy kiểm tra mạng rồi thử lại.')", false)
	org.shot("queue-unreadable")
	noAxeFindings(org, "the queue that cannot be read")
	// The list answers but its counts fail: the server's words, still no tab counting 0.
	org.eval(`window.fetch = (url, opts) => !String(url).includes('/applications/counts') ? window.realFetch(url, opts) :
		Promise.resolve(new Response('{"title":"Service Unavailable","status":503,"detail":"Máy chủ đang bận"}', { status: 503, headers: { 'Content-Type': 'application/problem+json' } })), ''`)
	org.run(chromedp.Click("#queue-retry"))
	org.until("the counts' failure said", failedNotEmpty+" && document.querySelector('#queue-list [role=alert]').textContent.startsWith('Máy chủ đang bận')", false)
	org.eval("window.fetch = window.realFetch, ''")
	org.run(chromedp.Click("#queue-retry"))
	org.until("the queue after Thử lại, the keyboard on its first row", "document.querySelectorAll('#app-queue tr[data-app]').length === 4 && !document.querySelector('#queue-retry') && "+
		"document.activeElement === document.querySelector('#app-queue tr[data-app] input.pick')", false)
	if tabs := org.eval("[...document.querySelectorAll('#queue-tabs button')].map((b) => b.textContent).join('|')"); !strings.HasPrefix(tabs, "Đơn hiện hành 4|") {
		t.Errorf("after Thử lại the queue tabs read %q", tabs)
	}
}

// choose sets a filter as a person picks it (the list's change event, or the search box's input).
func choose(b browser, sel, value string) {
	b.t.Helper()
	b.until("choose "+value+" in "+sel, `(() => { const e = document.querySelector('`+sel+`'); if (!e) return false;
		if (e.value !== '`+value+`') { e.value = '`+value+`'; e.dispatchEvent(new Event(e.tagName === 'SELECT' ? 'change' : 'input')) } return e.value === '`+value+`' })()`, false)
}

// stepQueuePhone: the queue on a 360 px phone is cards with their boxes and buttons on screen.
func stepQueuePhone(t *testing.T, org browser, fairID string) {
	t.Helper()
	org.open("#/fair/" + fairID + "/apps")
	org.until("queue", "document.querySelectorAll('#app-queue tr[data-app]').length === 4", true)
	fitsPhone(org, "the queue with filters")
	toastClearOfHeader(t, org, "the queue on a phone")
	if off := org.eval("String([...document.querySelectorAll('#queue button, #queue input, #queue select')].filter((b) => b.offsetParent && b.getBoundingClientRect().right > 360).length)"); off != "0" {
		t.Errorf("%s queue controls are off a 360 px screen", off)
	}
	org.shot("queue-phone")
}

// stepLunchInGrid: the B2B settings take a lunch break (more than 240 minutes is refused under
// the field) and the organiser's grid shows it between the sessions.
func stepLunchInGrid(t *testing.T, org browser, fairID string) {
	t.Helper()
	org.open("#/fair/" + fairID + "/b2b")
	org.fill(map[string]string{"#b2b-slots": "6", "#b2b-morning_slots": "3", "#b2b-tables": "2", "#b2b-lunch_minutes": "300"})
	org.submit("b2b")
	org.until("the limit under the field", "document.querySelector('[data-field=lunch_minutes].bad .err').textContent.includes('240')", false)
	org.fill(map[string]string{"#b2b-lunch_minutes": "45"})
	if got := org.eval("document.querySelector('#b2b-times').textContent"); got != "Sáng 08:00–09:00 · Nghỉ trưa 09:00–09:45 · Chiều 09:45–10:45" {
		t.Errorf("the day's times as typed read %q", got)
	}
	org.submit("b2b")
	org.until("sessions saved", "document.querySelector('#toast').textContent.includes('Đã lưu')", false)
	// Saved and left on the page (its answer in), the settings hold nothing typed: live updates
	// still redraw it.
	org.until("after saving the B2B settings the page holds nothing typed", "!formsDirty()", false)
	// The settings travel to matchmaking; the run waits for them (fair_revision) or is asked again.
	org.until("grid with the lunch break", "(document.querySelector('#b2b-grid tr.lunch') && document.querySelector('#b2b-grid').textContent.includes('Sao Mai')) || (document.querySelector('#run-schedule').click(), false)", false)
	if lunch := org.eval("document.querySelector('#b2b-grid tr.lunch').textContent"); !strings.HasPrefix(lunch, "Nghỉ trưa · ") || !strings.HasSuffix(lunch, "(45 phút)") {
		t.Errorf("grid's lunch row reads %q", lunch)
	}
	org.shot("b2b-lunch")
}

// stepAgendaCalendar: the buyer's agenda shows the lunch break, downloads the .ics, makes a
// private feed that works without signing in, changes it (the old one ends), ends it, and prints
// one page per day without the menu.
func stepAgendaCalendar(t *testing.T, b browser, fairID string) {
	t.Helper()
	b.open("#/agenda/" + fairID)
	b.until("agenda with the meeting and the lunch", "document.querySelectorAll('#agenda tr.meeting').length === 1 && document.querySelector('#agenda tr.lunch')", true)
	b.shot("agenda-lunch")
	if ics := string(b.download("the calendar file", "#ics-download")); !strings.Contains(ics, "BEGIN:VCALENDAR") || !strings.Contains(ics, "Nước mắm") {
		t.Errorf("downloaded calendar %q", ics)
	}
	b.run(chromedp.Click("#feed-sync"))
	b.until("the feed's address", "document.querySelector('#feed-url') && document.querySelector('#feed-url').value.startsWith(location.origin + '/api/calendar/')", false)
	first := b.eval("document.querySelector('#feed-url').value")
	if code, body := get(t, first); code != http.StatusOK || !strings.Contains(body, "BEGIN:VCALENDAR") {
		t.Errorf("GET the feed = %d %q", code, body)
	}
	b.run(chromedp.Click("#feed-copy"))
	b.until("copied", "document.querySelector('#toast').textContent === 'Đã sao chép địa chỉ'", false)
	b.eval("window.asked = ''; window.confirm = (m) => { window.asked = m; return true }, ''")
	b.run(chromedp.Click("#feed-new"))
	b.until("a new address", "document.querySelector('#feed-url').value !== '"+first+"'", false)
	if asked := b.eval("window.asked"); !strings.Contains(asked, "ngừng hoạt động") {
		t.Errorf("changing the address asked %q", asked)
	}
	if code, _ := get(t, first); code != http.StatusNotFound {
		t.Errorf("the replaced feed answers %d, want 404", code)
	}
	if code, _ := get(t, b.eval("document.querySelector('#feed-url').value")); code != http.StatusOK {
		t.Errorf("the new feed answers %d", code)
	}
	b.shot("agenda-feed")
	b.run(chromedp.EmulateViewport(360, 800))
	fitsPhone(b, "the agenda with its calendar address")
	b.shot("agenda-phone")
	b.run(chromedp.EmulateViewport(1366, 800))
	second := b.eval("document.querySelector('#feed-url').value")
	b.run(chromedp.Click("#feed-stop"))
	b.until("the address ended", "!document.querySelector('#feed-url') && document.querySelector('#calendar-feed').textContent.includes('Đã ngừng')", false)
	if code, _ := get(t, second); code != http.StatusNotFound {
		t.Errorf("the ended feed answers %d, want 404", code)
	}
	// On paper: the print rules hide the menu and the buttons and start each day on a new page.
	printed := b.eval(`[...document.styleSheets].flatMap((s) => [...s.cssRules]).filter((r) => r.media && r.media.mediaText === 'print')
		.flatMap((r) => [...r.cssRules]).map((x) => x.selectorText + ' { ' + x.style.cssText + ' }').join('\n')`)
	for _, want := range []string{"header.top", "display: none !important", ".agenda-day { break-after: page;"} {
		if !strings.Contains(printed, want) {
			t.Errorf("print rules lack %q:\n%s", want, printed)
		}
	}
	if n := b.eval("String(document.querySelectorAll('.agenda-day').length)"); n != "1" {
		t.Errorf("agenda has %s day sections, want 1", n)
	}
}

// get fetches a URL without signing in and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
