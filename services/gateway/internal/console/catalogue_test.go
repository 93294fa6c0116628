package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// setUpCatalogue registers two producers through the API: a honey cooperative in Lào Cai with
// HACCP (honey 4★, 2.000 litres a month at 250.000–320.000 ₫, and a tea whose certificate has
// expired) and a fish-sauce cooperative in An Giang (5★, 50.000 litres a month).
func setUpCatalogue(t *testing.T, j journey) {
	t.Helper()
	anon := client{t: t, base: j.base}
	issued := func(years int) map[string]string {
		return map[string]string{"decision_no": "21/QĐ-UBND", "issued_by": "UBND tỉnh", "issued_on": time.Now().AddDate(-years, 0, 0).Format(time.DateOnly)}
	}
	honey := anon.register("mo@catalogue.example.vn", "HTX Mật ong Bắc Hà", "producer")
	hp := honey.call("POST", "/api/producers", map[string]any{"kind": "cooperative", "legal_name": "HTX Mật ong Bắc Hà", "tax_code": "5300777333", "province": "15",
		"commune": "Xã Bắc Hà", "phone": "0912000333", "certifications": []map[string]string{{"code": "haccp", "number": "HACCP-0917", "valid_until": time.Now().AddDate(1, 0, 0).Format(time.DateOnly)}}})
	honey.call("POST", "/api/producers/"+hp["id"].(string)+"/products", map[string]any{"name_vi": "Mật ong bạc hà", "criteria_set": 4, "stars": 4, "unit": "litre",
		"monthly_capacity": 2000, "price_min_vnd": 250000, "price_max_vnd": 320000, "certificate": issued(1)})
	honey.call("POST", "/api/producers/"+hp["id"].(string)+"/products", map[string]any{"name_vi": "Trà shan tuyết", "criteria_set": 4, "stars": 3, "unit": "kg", "certificate": issued(4)})
	fish := anon.register("nm@catalogue.example.vn", "HTX Nước mắm Phú Quốc", "producer")
	fp := fish.call("POST", "/api/producers", map[string]any{"kind": "cooperative", "legal_name": "HTX Nước mắm Phú Quốc", "tax_code": "1700777444", "province": "91",
		"commune": "Đặc khu Phú Quốc", "phone": "0912000444"})
	fish.call("POST", "/api/producers/"+fp["id"].(string)+"/products", map[string]any{"name_vi": "Nước mắm cá cơm", "criteria_set": 4, "stars": 5, "unit": "litre",
		"monthly_capacity": 50000, "certificate": issued(1)})
}

// cards are the product names the catalogue shows, in order.
func cards(b browser) string {
	return b.eval("[...document.querySelectorAll('#catalogue-list .product-card h2')].map((h) => h.firstChild.textContent.trim()).join('|')")
}

// TestConsoleCatalogue: a buyer on a phone opens "Sản phẩm OCOP" from the menu and sees the
// products with valid certificates (the expired tea left out), each card with its stars,
// producer, province, certificate, monthly supply and price; a search without diacritics, a
// stars filter and a certification filter narrow it, "Xem thêm" pages, and the expired tea
// shows when asked for. An organiser at a desktop finds it in the menu too.
func TestConsoleCatalogue(t *testing.T) {
	j := startJourney(t)
	setUpCatalogue(t, j)
	client{t: t, base: j.base}.register("mua@catalogue.example.vn", "Chuỗi Siêu thị Sen", "buyer").
		call("POST", "/api/buyers", map[string]any{"name": "Chuỗi Siêu thị Sen", "kind": "supermarket_chain", "province": "01"})
	b := j.person("catalogue-buyer", 360, 800)
	b.login("mua@catalogue.example.vn", "parity-pass-1")
	// Tapped again while closed: the page drawn after signing in closes a menu tapped before it.
	b.until("the menu entry", "(document.querySelector('.top.open') || document.querySelector('#menu').click(), [...document.querySelectorAll('#nav a')].some((a) => a.textContent === 'Sản phẩm OCOP' && a.offsetParent))", false)
	b.eval("[...document.querySelectorAll('#nav a')].find((a) => a.textContent === 'Sản phẩm OCOP').click(), ''")
	b.until("two products", "document.querySelectorAll('#catalogue-list .product-card').length === 2 && document.querySelector('#catalogue-status').textContent === '2 sản phẩm'", false)
	if got := cards(b); !strings.Contains(got, "Mật ong bạc hà") || !strings.Contains(got, "Nước mắm cá cơm") {
		t.Errorf("the catalogue shows %q", got)
	}
	honey := b.eval("[...document.querySelectorAll('#catalogue-list .product-card')].find((c) => c.textContent.includes('Mật ong')).textContent")
	for _, want := range []string{"4★", "HTX Mật ong Bắc Hà", "Lào Cai", "Còn hiệu lực", "2.000 lít/tháng", "250.000–320.000\u00a0₫/lít", "HACCP"} {
		if !strings.Contains(honey, want) {
			t.Errorf("the honey's card reads %q, want %q in it", honey, want)
		}
	}
	if got := b.eval("document.querySelector('#nav a.active').textContent"); got != "Sản phẩm OCOP" {
		t.Errorf("the menu highlights %q", got)
	}
	fitsPhone(b, "the catalogue")
	noAxeFindings(b, "the catalogue")
	b.shot("catalogue")
	b.run(chromedp.SendKeys("#cf-q", "nuoc mam"))
	b.until("the search", "document.querySelectorAll('#catalogue-list .product-card').length === 1", false)
	if got := cards(b); got != "Nước mắm cá cơm" {
		t.Errorf("searching nuoc mam shows %q", got)
	}
	choose(b, "#cf-q", "")
	b.until("both again", "document.querySelectorAll('#catalogue-list .product-card').length === 2", false)
	choose(b, "#cf-min_stars", "5")
	b.until("5★ only", "document.querySelectorAll('#catalogue-list .product-card').length === 1", false)
	choose(b, "#cf-min_stars", "")
	choose(b, "#cf-certification", "haccp")
	b.until("HACCP producers only", "document.querySelectorAll('#catalogue-list .product-card').length === 1 && document.querySelector('#catalogue-list').textContent.includes('Mật ong bạc hà')", false)
	choose(b, "#cf-certification", "")
	choose(b, "#cf-certificate_status", "valid,expiring,expired")
	b.until("the expired tea too", "document.querySelectorAll('#catalogue-list .product-card').length === 3 && document.querySelector('#catalogue-list').textContent.includes('Hết hạn')", false)
	// One product a page: "Xem thêm" adds the next under it until there is none.
	b.eval("cataloguePage.size = 1, render(true), ''")
	b.until("one card and Xem thêm", "document.querySelectorAll('#catalogue-list .product-card').length === 1 && document.querySelector('#catalogue-more')", false)
	// With more to come and no total from the API, the line says what is shown, not a total.
	catalogueSays(t, b, "with more pages", "Đang xem 1 sản phẩm")
	// A page that cannot be read says so and leaves the button to try again.
	b.eval("window.realFetch = window.fetch, window.fetch = (u, o) => String(u).includes('cursor=') ? Promise.reject(new TypeError('Failed to fetch')) : window.realFetch(u, o), " +
		"document.querySelector('#toast').textContent = '', ''")
	b.run(chromedp.Click("#catalogue-more"))
	b.until("the failure said and the button back", "document.querySelector('#toast').textContent === 'Không kết nối được: hãy kiểm tra mạng rồi thử lại.' && "+
		"!document.querySelector('#catalogue-more').disabled && document.querySelectorAll('#catalogue-list .product-card').length === 1", false)
	b.eval("window.fetch = window.realFetch, ''")
	for n := 2; n <= 3; n++ {
		b.run(chromedp.Click("#catalogue-more"))
		b.until("the next page, the keyboard on its card", fmt.Sprintf(`document.querySelectorAll('#catalogue-list .product-card').length === %d &&
			document.activeElement === document.querySelectorAll('#catalogue-list .product-card h2')[%d]`, n, n-1), false)
	}
	b.until("no more pages", "!document.querySelector('#catalogue-more')", false)
	catalogueSays(t, b, "with every page shown", "3 sản phẩm")
	b.eval("cataloguePage.size = 24, ''")
	// A lost network says so, with a button to try again, and never "no product matches".
	b.eval("window.realFetch = window.fetch, window.fetch = () => Promise.reject(new TypeError('Failed to fetch')), ''")
	choose(b, "#cf-sector", "food")
	b.until("the error with a retry", "document.querySelector('#catalogue-retry') && !document.querySelector('#catalogue-list .empty')", false)
	b.eval("window.fetch = window.realFetch, ''")
	b.run(chromedp.Click("#catalogue-retry"))
	b.until("the answer after the retry", "!document.querySelector('#catalogue-retry') && (document.querySelector('#catalogue-list .product-card') || document.querySelector('#catalogue-list .empty'))", false)
	choose(b, "#cf-sector", "")
	b.until("the list back", "document.querySelectorAll('#catalogue-list .product-card').length === 3", false)
	stepClearFiltersAndSourceLikeThis(t, b)

	org := j.person("catalogue-organiser", 1366, 800)
	org.login("admin@example.vn", "admin-password-1")
	org.until("the menu entry", "[...document.querySelectorAll('#nav a')].some((a) => a.getAttribute('href') === '#/catalogue')", false)
	org.open("#/catalogue")
	org.until("the catalogue at a desktop", "document.querySelectorAll('#catalogue-list .product-card').length >= 2", false)
	noAxeFindings(org, "the catalogue at a desktop")
	org.shot("catalogue")
}

// catalogueSays checks the catalogue's status line reads want (when says in what state).
func catalogueSays(t *testing.T, b browser, when, want string) {
	t.Helper()
	if got := b.eval("document.querySelector('#catalogue-status').textContent"); got != want {
		t.Errorf("%s the catalogue says %q, want %q", when, got, want)
	}
}

// stepClearFiltersAndSourceLikeThis: "Xóa bộ lọc" puts every filter back (the expired tea goes
// again) and hides itself; "Tìm nguồn hàng như thế này" on the honey's card opens the buyer's
// new request with the honey's criteria set, name and stars filled in, the cursor in its title.
func stepClearFiltersAndSourceLikeThis(t *testing.T, b browser) {
	t.Helper()
	b.until("Xóa bộ lọc offered while a filter is set", "document.querySelector('#catalogue-clear') && !document.querySelector('#catalogue-clear').hidden", false)
	b.run(chromedp.SendKeys("#cf-q", "mat ong"))
	b.until("the search typed", "document.querySelectorAll('#catalogue-list .product-card').length === 1", false)
	b.run(chromedp.Click("#catalogue-clear"))
	b.until("the filters cleared, the search box too", "document.querySelectorAll('#catalogue-list .product-card').length === 2 && document.querySelector('#cf-certificate_status').value === 'valid,expiring' && document.querySelector('#cf-q').value === '' && "+
		"document.querySelector('#catalogue-clear').hidden && document.activeElement === document.querySelector('#cf-q')", false)
	b.eval("[...document.querySelectorAll('#catalogue-list .product-card')].find((c) => c.textContent.includes('Mật ong')).querySelector('a.source-like').click(), ''")
	b.until("the new request filled in", "location.hash === '#/buyer' && document.querySelector('#new-request-title') && document.querySelector('#new-request-title').value === 'Mật ong bạc hà' && "+
		"document.querySelector('#new-request-criteria_sets input[value=\"4\"]').checked && document.querySelector('#new-request-min_stars').value === '4' && "+
		"document.activeElement === document.querySelector('#new-request-title') && document.querySelector('#new-request-keywords').value === '' && "+
		"document.querySelector('#request-draft-note').textContent.includes('Mật ong bạc hà')", false)
	if !strings.Contains(b.eval("String(formsDirty())"), "true") {
		t.Error("the request begun from the catalogue does not count as typed: a live update would wipe it")
	}
	fitsPhone(b, "the request begun from the catalogue")
}
