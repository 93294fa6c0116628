package console_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// stepApplyForACornerBooth: once the plan has corner booths too, the apply form asks which kind,
// each with its price where the fair sets one, and the estimate follows the kind chosen.
func stepApplyForACornerBooth(t *testing.T, p parity, prod browser) {
	t.Helper()
	org := client{t: t, base: p.j.base}.as("btc@parity.example.vn", "organiser-pass-1")
	org.call("POST", "/api/fairs/"+p.fairID+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu B", "prefix": "B", "kind": "corner", "rows": 1, "columns": 2, "origin_y": 40}})
	form := "#apply-" + p.fairID
	prod.open("#/producer/fairs")
	prod.until("the kind of booth asked", "document.querySelector('"+form+"-booth_kind')", true)
	if got := prod.eval("[...document.querySelectorAll('" + form + "-booth_kind option')].map((o) => o.value + '=' + o.textContent).join('|')"); got != "standard=Gian tiêu chuẩn · 12.000.000\u00a0₫|corner=Gian góc" {
		t.Errorf("the kinds offered read %q", got)
	}
	prod.eval("(() => { const k = document.querySelector('" + form + "-booth_kind'); k.value = 'corner'; k.dispatchEvent(new Event('change', { bubbles: true })); return '' })()")
	if got := prod.eval("document.querySelector('" + form + " .fee-estimate').textContent"); got != "" {
		t.Errorf("a kind the fair sets no price for is estimated at %q", got)
	}
	prod.run(chromedp.Click(form + " [name=product_ids]"))
	prod.submit("apply-" + p.fairID)
	prod.until("the corner booth asked for", "location.hash === '#/producer/apps' && [...document.querySelectorAll('[data-app] .asked')].some((e) => e.textContent.startsWith('Đã đăng ký: 1 × Gian góc'))", true)
}
