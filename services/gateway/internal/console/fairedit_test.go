package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepOrganiserEditsAFair: on a phone an organiser corrects a fair after creating it: its name,
// its deadline and a corner booth's price, which the row generator then names beside the kind
// (a kind without one says so, not a silent 0 ₫). Only what was changed is sent: another
// organiser's change meanwhile to the venue, the subsidy, another kind's price and the provinces
// stays. A deadline typed as a day takes the whole of that day. A refused step is said under the
// buttons; what a finger taps is 44 px tall; a row of booths generated on the empty plan is
// shown whole, the view fitted anew.
func stepOrganiserEditsAFair(t *testing.T, j journey) {
	t.Helper()
	anon := client{t: t, base: j.base}
	anon.as("admin@example.vn", "admin-password-1").call("POST", "/api/accounts", map[string]string{"name": "Sở Công Thương Huế", "email": "sua@parity.example.vn", "password": "organiser-pass-1", "role": "organiser"})
	org := anon.as("sua@parity.example.vn", "organiser-pass-1")
	fairID := org.tradeWeek("Tuần hàng cần sửa", 40)
	b := j.person("fair-edit-organiser", 360, 800)
	b.login("sua@parity.example.vn", "organiser-pass-1")
	b.open("#/fair/" + fairID)
	corner := "[...document.querySelectorAll('#grid-kind option')].find((o) => o.value === 'corner').textContent"
	if got := b.eval(corner); !strings.Contains(got, "chưa có giá") {
		t.Errorf("the row generator offers a corner booth as %q, want it said to have no price yet", got)
	}
	// A step of the fair's life refused (here: by a stand-in answer) stays said under the buttons,
	// not in a toast gone in seconds.
	b.eval(`window.realFetch = window.realFetch || window.fetch, window.realConfirm = window.realConfirm || window.confirm, window.confirm = () => true,
		window.fetch = (u, o) => String(u).endsWith('/publish') ? Promise.resolve(new Response(JSON.stringify({ status: 409, detail: 'Hội chợ chưa có sơ đồ gian hàng.' }), { status: 409 })) : window.realFetch(u, o), ''`)
	b.run(chromedp.Click("[data-action=publish]"))
	b.until("the refusal said under the buttons", "document.querySelector('#fair-actions-err').textContent === 'Hội chợ chưa có sơ đồ gian hàng.'", false)
	b.eval("window.fetch = window.realFetch, window.confirm = window.realConfirm, ''")
	b.run(chromedp.Click("#fair-edit > summary"))
	close := time.Now().AddDate(0, 0, 32)
	b.fill(map[string]string{"#fair-edit-form-name_vi": "Tuần hàng đặc sản Huế", "#fair-edit-form-price_corner": "15.000.000",
		"#fair-edit-form-applications_close": close.Format("02/01/2006")})
	org.call("PATCH", "/api/fairs/"+fairID, map[string]any{"venue": map[string]string{"name": "Cung Văn hóa Hữu nghị", "address": "91 Trần Hưng Đạo"},
		"fees": map[string]any{"subsidy_percent": 70, "booth_prices": map[string]any{"double": 20000000}}, "eligibility": map[string]any{"allowed_provinces": []string{"46"}}})
	fitsPhone(b, "the fair edit form")
	b.submit("fair-edit-form")
	b.until("the fair renamed, the keyboard back on the edit fold", "document.querySelector('h1').textContent.includes('Tuần hàng đặc sản Huế') && document.activeElement === document.querySelector('#fair-edit > summary')", false)
	f := org.call("GET", "/api/fairs/"+fairID, nil)
	fees, _ := f["fees"].(map[string]any)
	prices, _ := fees["booth_prices"].(map[string]any)
	if provinces := fmt.Sprint(f["eligibility"].(map[string]any)["allowed_provinces"]); fees["subsidy_percent"] != float64(70) || prices["double"] != float64(20000000) || provinces != "[46]" {
		t.Errorf("another organiser's subsidy, double booth price and provinces after the edit: %v, %v, %s; want them kept", fees["subsidy_percent"], prices["double"], provinces)
	}
	if f["name_vi"] != "Tuần hàng đặc sản Huế" || prices["corner"] != float64(15000000) || f["venue"].(map[string]any)["name"] != "Cung Văn hóa Hữu nghị" ||
		f["applications_close"] != close.Format(time.DateOnly)+"T23:59:59.999+07:00" {
		t.Errorf("the fair after the edit: name %v, prices %v, venue %v, applications close %v; want the new name, the corner's price, the other organiser's venue kept and the whole of the day typed",
			f["name_vi"], prices, f["venue"], f["applications_close"])
	}
	if got := b.eval(corner); !strings.Contains(got, "15.000.000") {
		t.Errorf("the row generator offers a corner booth as %q, want its price", got)
	}
	// What a finger taps on a phone is at least 44 px tall: the fold's toggle, the report's
	// downloads and a fair's name in the list.
	for _, c := range []struct{ page, sel string }{{"#/fair/" + fairID, "#fair-edit > summary"}, {"#/fair/" + fairID + "/report", "#report .actions a"}, {"#/fairs", "#fair-list td a"}} {
		b.open(c.page)
		b.until(c.sel, "document.querySelector('"+c.sel+"')", false)
		if small := b.eval("[...document.querySelectorAll('" + c.sel + "')].filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.textContent).join('|')"); small != "" {
			t.Errorf("on %s these are under 44 px tall: %s", c.page, small)
		}
	}
	b.open("#/fair/" + fairID)
	b.fill(map[string]string{"#grid-rows": "2", "#grid-columns": "10"})
	b.submit("grid")
	b.until("20 booths on the map", "document.querySelectorAll('#booth-map rect[data-code]').length === 20", false)
	whole := `(() => { const s = document.querySelector('#booth-map').getBoundingClientRect();
		return [...document.querySelectorAll('#booth-map rect[data-code]')].filter((r) => { const a = r.getBoundingClientRect();
			return a.left < s.left - 1 || a.right > s.right + 1 || a.top < s.top - 1 || a.bottom > s.bottom + 1 }).map((r) => r.dataset.code).join() })()`
	if cut := b.eval(whole); cut != "" {
		b.shot("grid-cut-off")
		t.Errorf("after a row of booths is generated, these are cut off the map: %s", cut)
	}
}
