package console_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// stepSkipTheBooths: on the plan each booth is a stop for the keyboard, in the order the plan is
// read (row by row from the top left); the link before them, shown once the keyboard reaches it,
// skips them all to what follows the plan.
func stepSkipTheBooths(t *testing.T, b browser, fairID string) {
	t.Helper()
	b.open("#/fair/" + fairID)
	b.until("the map", "document.querySelectorAll('#booth-map rect').length === 8", true)
	inOrder := `(() => { const at = [...document.querySelectorAll('#booth-map g.booth rect')].map((r) => { const c = r.getBoundingClientRect(); return [Math.round(c.top), Math.round(c.left)] });
		return at.every((p, i) => i === 0 || at[i - 1][0] < p[0] || (at[i - 1][0] === p[0] && at[i - 1][1] <= p[1])) })()`
	if b.eval("String("+inOrder+")") != "true" {
		t.Errorf("the booths are reached in the order %s, not row by row", b.eval("[...document.querySelectorAll('#booth-map g.booth')].map((g) => g.dataset.code).join(' ')"))
	}
	b.run(chromedp.Focus("#colour-sector"), chromedp.KeyEvent(kb.Tab))
	if got := b.eval("document.activeElement.id + ' | ' + document.activeElement.textContent + ' | ' + (document.activeElement.getBoundingClientRect().left >= 0)"); got != "map-skip | Bỏ qua 8 gian trên sơ đồ | true" {
		t.Errorf("after the plan's colour buttons the keyboard is on %q, want the link that skips the booths, in sight", got)
	}
	b.run(chromedp.KeyEvent(kb.Enter))
	b.until("the keyboard past the plan", "document.activeElement && !document.querySelector('#floorplan').contains(document.activeElement) && "+
		"(document.querySelector('#floorplan').compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)", false)
}
