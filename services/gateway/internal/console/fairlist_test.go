package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tradeWeek creates, as organiser c, a draft trade week in Hà Nội named name, held from start to
// start+2 days from now, taking applications from start-30 to start-10, and returns its ID.
func (c client) tradeWeek(name string, start int) string {
	c.t.Helper()
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	return c.call("POST", "/api/fairs", map[string]any{"name_vi": name, "kind": "trade_week", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Trung tâm Triển lãm Giảng Võ", "address": "148 Giảng Võ"}, "start_date": day(start), "end_date": day(start + 2),
		"applications_open": day(start - 30), "applications_close": day(start - 10), "eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 1}})["id"].(string)
}

// stepFairListPages: an organiser with more fairs than a page (53 of its own, one cancelled, and
// another organiser's published one) sees those not yet over, soonest first, a page at a time
// (the one under way at the top, none already over or cancelled), kept through a live redraw;
// the other tab lists every fair, the latest first, down to the one held two months ago.
func stepFairListPages(t *testing.T, j journey) {
	t.Helper()
	anon := client{t: t, base: j.base}
	admin := anon.as("admin@example.vn", "admin-password-1")
	admin.call("POST", "/api/accounts", map[string]string{"name": "Sở Công Thương", "email": "lich@parity.example.vn", "password": "organiser-pass-1", "role": "organiser"})
	org := anon.as("lich@parity.example.vn", "organiser-pass-1")
	create := org.tradeWeek
	create("Tuần hàng đã qua", -60)
	create("Tuần hàng đang diễn ra", -1)
	for i := range 50 {
		create(fmt.Sprintf("Tuần hàng số %02d", i+1), 40+i)
	}
	// A cancelled fair is over, whatever its dates.
	org.call("POST", "/api/fairs/"+create("Tuần hàng đã hủy", 45)+"/cancel", map[string]string{"reason": "Trùng lịch"})
	b := j.person("fair-list-organiser", 1366, 800)
	b.login("lich@parity.example.vn", "organiser-pass-1")
	b.open("#/fairs")
	const names = "[...document.querySelectorAll('#fair-list tbody tr td:first-child')].map((td) => td.textContent)"
	b.until("the first page", "document.querySelectorAll('#fair-list tbody tr').length === 50 && document.querySelector('#fairs-more')", false)
	if first := b.eval(names + "[0]"); first != "Tuần hàng đang diễn ra" {
		t.Errorf("the list of fairs not yet over starts with %q, want the one under way", first)
	}
	b.run(chromedp.Click("#fairs-more"))
	b.until("the second page", "document.querySelectorAll('#fair-list tbody tr').length === 52 && !document.querySelector('#fairs-more')", false)
	if got := b.eval(names + ".join('|')"); strings.Contains(got, "đã qua") || strings.Contains(got, "đã hủy") || !strings.HasSuffix(got, "Tuần hàng số 50") {
		t.Errorf("fairs not yet over: %q, want 52 (the published fair too) ending with the latest, none already over", got)
	}
	if got := b.eval("document.activeElement.textContent"); got != "Tuần hàng số 49" {
		t.Errorf("after Xem thêm the keyboard is on %q, want the first new fair", got)
	}
	// A live update redraws the page: the fairs shown, and the keyboard's place, stay.
	b.eval("window.redrawn = false, render(true).then(() => { window.redrawn = true }), ''")
	b.until("the list redrawn", "window.redrawn", false)
	if got := b.eval("document.querySelectorAll('#fair-list tbody tr').length + ' ' + (document.activeElement.closest('#fair-list') ? document.activeElement.textContent : document.activeElement.tagName)"); got != "52 Tuần hàng số 49" {
		t.Errorf("after a live redraw the list shows %q rows and focus, want 52 Tuần hàng số 49", got)
	}
	// The form to create a fair is below the list: a button at the top takes the person there.
	b.run(chromedp.Click("#fairs-new"))
	b.until("the cursor in the new fair's name", "document.activeElement.id === 'new-fair-name_vi'", false)
	b.run(chromedp.Click("#fairs-all"))
	b.until("every fair, the latest first", "location.hash === '#/fairs/all' && document.querySelectorAll('#fair-list tbody tr').length === 50", false)
	if first := b.eval(names + "[0]"); first != "Tuần hàng số 50" {
		t.Errorf("every fair, the latest first, starts with %q", first)
	}
	b.run(chromedp.Click("#fairs-more"))
	b.until("down to the oldest", "document.querySelectorAll('#fair-list tbody tr').length === 54", false)
	if last := b.eval(names + "[53]"); last != "Tuần hàng đã qua" {
		t.Errorf("every fair, the latest first, ends with %q, want the one two months ago", last)
	}
	if got := b.eval("document.querySelector('#fairs-all').getAttribute('aria-current') + ' ' + !!document.querySelector('#guide-no-fair')"); got != "page false" {
		t.Errorf("the tab shown and the guide: %q, want page false", got)
	}
}

// stepFairsOverLeaveTheLists: a published fair whose dates were moved two months back, never
// closed by its organisers, is over: the buyer's request form does not offer it; its organiser's
// link to its check-in still opens that fair, not another. A draft given up is offered to no one
// and reads as such to its organisers.
func stepFairsOverLeaveTheLists(t *testing.T, oc client, org, buyer browser, fairID string) {
	t.Helper()
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	past := oc.tradeWeek("Tuần hàng đã bế mạc", 20)
	oc.call("POST", "/api/fairs/"+past+"/publish", nil)
	oc.call("PATCH", "/api/fairs/"+past, map[string]any{"start_date": day(-60), "end_date": day(-58), "applications_open": day(-90), "applications_close": day(-70)})
	// A draft given up before it was published: its organisers see it as such, no one else at all.
	// The organiser gives it up on its page, and is asked why before it goes.
	scrapped := oc.tradeWeek("Tuần hàng bỏ dở", 30)
	org.open("#/fair/" + scrapped)
	org.run(chromedp.Click("#fair-cancel-open"))
	org.until("the reason asked", "!document.querySelector('#fair-cancel').hidden && document.activeElement.id === 'fair-cancel-form-reason'", false)
	if got := org.eval("document.querySelector('#fair-cancel-form-reason-hint').textContent"); !strings.HasPrefix(got, "Nháp chỉ ban tổ chức thấy") {
		t.Errorf("cancelling a draft says %q", got)
	}
	org.submit("fair-cancel-form")
	org.until("an empty reason said under its field", "(document.querySelector('#fair-cancel-form-reason-err')?.textContent || '').includes('lý do')", false)
	if got := org.eval("document.querySelector('#fair-cancelled') ? 'cancelled' : ''"); got != "" {
		t.Errorf("a fair cancelled without a reason: %q", got)
	}
	org.run(chromedp.SendKeys("#fair-cancel-form-reason", "Không đủ kinh phí"))
	org.submit("fair-cancel-form")
	org.until("the fair given up", "document.querySelector('#fair-cancelled')", false)
	if got := org.eval("document.activeElement.id"); got != "fair-cancelled" {
		t.Errorf("after cancelling, the keyboard is on %q, want the reason the fair now shows", got)
	}
	// The buyer's page may be the one shown: it is read anew.
	buyer.open("#/meetings")
	buyer.until("another page", "location.hash === '#/meetings' && !document.querySelector('#new-request')", false)
	buyer.open("#/buyer")
	opts := "[...document.querySelectorAll('#new-request-fair_id option')].map((o) => o.value)"
	buyer.until("the request form's fairs", opts+".includes('"+fairID+"')", false)
	if got := buyer.eval(opts + ".join(' ')"); strings.Contains(got, past) || strings.Contains(got, scrapped) {
		t.Errorf("the request form offers the fair over two months ago, or the draft given up: %q", got)
	}
	// Its list says its applications closed by date; the fair taking them says so.
	org.open("#/fairs/all")
	badge := func(id string) string {
		return "(document.querySelector(\"#fair-list a[href='#/fair/" + id + "']\") || {closest: () => null}).closest('tr')?.querySelector('.badge')?.textContent"
	}
	org.until("the fairs' statuses", badge(past)+" === 'Hết hạn nhận đơn' && "+badge(fairID)+" === 'Đang nhận đơn' && "+badge(scrapped)+" === 'Nháp đã bỏ'", false)
	org.open("#/fair/" + scrapped)
	org.until("the draft given up says so", "(document.querySelector('#fair-cancelled')?.textContent || '').includes('chỉ ban tổ chức thấy') && "+
		"document.querySelector('#fair-cancelled').textContent.includes('Không đủ kinh phí')", false)
	org.open("#/checkin/" + past)
	org.until("that fair's check-in", "document.querySelector('#checkin-fair') && document.querySelector('#checkin-fair').value === '"+past+"'", false)
	if got := org.eval("location.hash"); got != "#/checkin/"+past {
		t.Errorf("the check-in link went to %q", got)
	}
}

// checkRegionFollowsProvince: a new fair's region starts as its host province's grouping and
// follows the province chosen, until the organiser picks a region of their own; the form is left
// on Hà Nội and its grouping.
func checkRegionFollowsProvince(t *testing.T, org browser) {
	t.Helper()
	pick := func(sel, value string) {
		org.run(chromedp.SetValue(sel, value))
		org.eval("document.querySelector('" + sel + "').dispatchEvent(new Event('change', {bubbles: true})), ''")
	}
	region := func() string { return org.eval("document.querySelector('#new-fair-region').value") }
	if got := region(); got != "promo_red_river_delta" {
		t.Errorf("a new fair in Hà Nội starts in region %q, want promo_red_river_delta", got)
	}
	pick("#new-fair-host_province", "68") // Lâm Đồng
	if got := region(); got != "promo_central_highlands" {
		t.Errorf("a fair hosted in Lâm Đồng is in region %q, want promo_central_highlands", got)
	}
	pick("#new-fair-region", "promo_south")
	pick("#new-fair-host_province", "01")
	if got := region(); got != "promo_south" {
		t.Errorf("a region picked by the organiser became %q when the province changed, want it kept", got)
	}
	// Switching the language keeps what was typed and picked, and the region stays the one picked.
	org.fill(map[string]string{"#new-fair-name_vi": "Hội chợ chưa đặt tên"})
	org.run(chromedp.Click("#lang"))
	org.until("the form in English", "document.querySelector('label[for=new-fair-region]').textContent.startsWith('Promotion region')", false)
	pick("#new-fair-host_province", "68")
	if got := org.eval("document.querySelector('#new-fair-name_vi').value + ' | ' + document.querySelector('#new-fair-region').value"); got != "Hội chợ chưa đặt tên | promo_south" {
		t.Errorf("after switching the language the name and region are %q, want what was typed and picked", got)
	}
	org.run(chromedp.Click("#lang"))
	org.until("the form in Vietnamese", "document.querySelector('label[for=new-fair-region]').textContent.startsWith('Vùng')", false)
	pick("#new-fair-host_province", "01")
	pick("#new-fair-region", "promo_red_river_delta")
}
