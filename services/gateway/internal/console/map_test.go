package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// floorPlan is what TestConsoleFloorPlan sets up through the API: a published fair with two
// zones of four booths (Khu A: A01–A04 on the top row, Khu B: B01–B04 below), A01 held by a
// honey cooperative and A02 by a fish-sauce cooperative.
type floorPlan struct {
	fairID    string
	organiser client
}

func setUpFloorPlan(t *testing.T, j journey) floorPlan {
	t.Helper()
	anon := client{t: t, base: j.base}
	admin := anon.as("admin@example.vn", "admin-password-1")
	admin.call("POST", "/api/accounts", map[string]string{"name": "Trung tâm Xúc tiến", "email": "xt@map.example.vn", "password": "organiser-pass-1", "role": "organiser"})
	oc := anon.as("xt@map.example.vn", "organiser-pass-1")
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	fair := oc.call("POST", "/api/fairs", map[string]any{"name_vi": "Hội chợ OCOP Sông Hồng", "kind": "fair", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Cung Văn hóa Hữu nghị", "address": "91 Trần Hưng Đạo"}, "start_date": day(30), "end_date": day(34),
		"applications_open": day(0), "applications_close": day(20), "eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 2}})
	id := fair["id"].(string)
	oc.call("POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "kind": "standard", "rows": 1, "columns": 4}})
	oc.call("POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu B", "prefix": "B", "kind": "standard", "rows": 1, "columns": 4, "origin_y": 7}})
	oc.call("POST", "/api/fairs/"+id+"/publish", nil)
	_, honey := anon.applicant(id, "mo@map.example.vn", "HTX Mật ong Bắc Hà", "5300777111", "15", "Mật ong bạc hà", 4)
	_, fish := anon.applicant(id, "nm@map.example.vn", "HTX Nước mắm Phú Quốc", "1700777222", "91", "Nước mắm cá cơm", 5)
	oc.call("POST", "/api/applications/"+honey+"/approve", nil)
	oc.call("POST", "/api/applications/"+fish+"/approve", nil)
	// The approvals reach the event service as events: the assignment is tried until they have.
	oc.call("PUT", "/api/fairs/"+id+"/booths/A01/assignment", map[string]string{"application_id": honey})
	oc.call("PUT", "/api/fairs/"+id+"/booths/A02/assignment", map[string]string{"application_id": fish})
	return floorPlan{fairID: id, organiser: oc}
}

// TestConsoleFloorPlan drives the floor plan as its users would: a buyer on a desktop finds an
// exhibitor by name, the map flies to its booth and the panel names it, zooms and pans with the
// buttons and keys; a producer on a phone opens its booth from its application, sees the "your
// booth" marker and finds a product; an organiser drags a booth to a free place and saves it
// (it is there after a reload), and a drag onto another booth is refused in the page and saves
// nothing, as does a drag cancelled with Esc.
func TestConsoleFloorPlan(t *testing.T) {
	j := startJourney(t)
	p := setUpFloorPlan(t, j)
	anon := client{t: t, base: j.base}
	anon.register("mua@map.example.vn", "Chuỗi Siêu thị Sen", "buyer")
	buyer := j.person("map-buyer", 1366, 800)
	buyer.login("mua@map.example.vn", "parity-pass-1")
	stepSearchFliesToBooth(t, buyer, p.fairID)
	noAxeFindings(buyer, "the map with a booth's panel")
	stepZoomAndPan(t, buyer, p.fairID)
	prod := j.person("map-producer", 360, 800)
	prod.login("mo@map.example.vn", "parity-pass-1")
	stepOwnBoothFromApplication(t, prod, p.fairID)
	noAxeFindings(prod, "the map with search hits")
	stepPinchAndSwipe(t, prod)
	org := j.person("map-organiser", 1366, 800)
	org.login("xt@map.example.vn", "organiser-pass-1")
	stepDragBoothAndSave(t, org, p.fairID)
	stepDragOntoBoothRefused(t, org, p.fairID)
	stepRefusalInTheAPIsWords(t, org, p)
	stepResizeByGrip(t, org, p)
	stepDrawZone(t, org, p)
	stepZoneInPanel(t, org, p)
	stepSkipTheBooths(t, org, p.fairID)
	orgPhone := j.person("map-organiser-phone", 360, 800)
	orgPhone.login("xt@map.example.vn", "organiser-pass-1")
	orgPhone.open("#/fair/" + p.fairID)
	orgPhone.until("the map", "document.querySelectorAll('#booth-map rect').length === 8", true)
	orgPhone.run(chromedp.Click("#edit-plan"))
	orgPhone.until("edit mode", "document.querySelector('#save-plan') && document.querySelector('#save-plan').offsetParent", false)
	fitsPhone(orgPhone, "the plan in edit mode")
	orgPhone.eval(`document.querySelector('#booth-map g[data-code="A03"]').dispatchEvent(new MouseEvent('click', { bubbles: true })), ''`)
	orgPhone.until("the panel's fields", "document.querySelector('#booth-edit-w')", false)
	noAxeFindings(orgPhone, "the plan in edit mode with a booth's fields")
	orgPhone.run(chromedp.Click("#lang"))
	orgPhone.until("the plan in English", "document.querySelector('#edit-plan') && document.querySelector('#edit-plan').textContent === 'Edit plan'", false)
	if got := orgPhone.eval("document.querySelector('#map-zoom-in').getAttribute('aria-label') + '|' + document.querySelector('label[for=map-search]').textContent"); got != "Zoom in|Find an exhibitor or product" {
		t.Errorf("the plan's controls in English read %q", got)
	}
	orgPhone.run(chromedp.Click("#lang"))
	orgPhone.shot("map-edit")
}

// viewBox is the map's viewBox as x, y, width, height, once the map has been laid out in its
// box (a page just drawn may not have measured its box yet).
func viewBox(t *testing.T, b browser) [4]float64 {
	t.Helper()
	b.until("the map laid out", "document.querySelector('#booth-map') && document.querySelector('#booth-map').getAttribute('viewBox')", false)
	var v [4]float64
	s := b.eval("document.querySelector('#booth-map').getAttribute('viewBox')")
	f := strings.Fields(s)
	if len(f) != 4 {
		t.Fatalf("viewBox %q", s)
	}
	for i := range v {
		x, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			t.Fatalf("viewBox %q: %v", s, err)
		}
		v[i] = x
	}
	return v
}

// boothCentre is where booth code's middle is on the screen, in CSS pixels.
func boothCentre(t *testing.T, b browser, code string) (float64, float64) {
	t.Helper()
	var x, y float64
	s := b.eval(`(() => { const r = document.querySelector('#booth-map rect[data-code="` + code + `"]').getBoundingClientRect(); return (r.left + r.width / 2) + ' ' + (r.top + r.height / 2) })()`)
	if _, err := fmt.Sscan(s, &x, &y); err != nil {
		t.Fatalf("centre of %s: %q: %v", code, s, err)
	}
	return x, y
}

// pxPerMetre is the map's current scale on the screen.
func pxPerMetre(t *testing.T, b browser) float64 {
	t.Helper()
	viewBox(t, b) // laid out first
	v, err := strconv.ParseFloat(b.eval("String(document.querySelector('#booth-map').getBoundingClientRect().width / document.querySelector('#booth-map').viewBox.baseVal.width)"), 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// stepSearchFliesToBooth: the buyer types part of an exhibitor's name without diacritics,
// chooses the hit, and the map flies to its booth (centred, closer) and opens the panel with
// the exhibitor's name, its province and product; the keyboard goes to the panel and back to
// the booth when it closes.
func stepSearchFliesToBooth(t *testing.T, b browser, fairID string) {
	t.Helper()
	b.open("#/fair/" + fairID)
	b.until("the map", "document.querySelectorAll('#booth-map rect').length === 8", true)
	if names := b.eval("[...document.querySelectorAll('#booth-map .zone-label')].map((z) => z.textContent).join('|')"); names != "Khu A|Khu B" {
		t.Errorf("zone names drawn %q, want Khu A|Khu B", names)
	}
	before := viewBox(t, b)
	b.run(chromedp.SendKeys("#map-search", "nuoc mam"))
	b.until("the hit", "document.querySelector('#map-hits button.hit') && document.querySelector('#map-hits').textContent.includes('HTX Nước mắm Phú Quốc')", false)
	b.shot("map-search")
	b.run(chromedp.Click("#map-hits button.hit"))
	b.until("the panel with the exhibitor", "!document.querySelector('#booth-panel').hidden && document.querySelector('#booth-panel').textContent.includes('HTX Nước mắm Phú Quốc')", false)
	// The flight ends with A02 in view, clear of the panel that stands over the map's right side.
	clear := `(() => { const r = document.querySelector('#booth-map rect[data-code="A02"]').getBoundingClientRect(), box = document.querySelector('.mapbox').getBoundingClientRect(),
		p = document.querySelector('#booth-panel').getBoundingClientRect();
		return r.left >= box.left && r.top >= box.top && r.bottom <= box.bottom && r.right <= p.left && p.left - r.right < box.width / 2 })()`
	b.until("the flight over A02", clear, false)
	time.Sleep(600 * time.Millisecond) // the flight has ended
	if b.eval("String("+clear+")") != "true" {
		t.Error("after the flight A02 is out of view or under the panel")
	}
	after := viewBox(t, b)
	if after[2] >= before[2] {
		t.Errorf("the map did not come closer: viewBox %v before, %v after", before, after)
	}
	if got := b.eval("document.querySelector('#booth-panel h2').textContent"); got != "Gian hàng A02" {
		t.Errorf("panel title %q, want Gian hàng A02", got)
	}
	b.until("province and product in the panel", "document.querySelector('#booth-panel').textContent.includes('An Giang') && document.querySelector('#booth-panel').textContent.includes('Nước mắm cá cơm · 5★')", false)
	if id := b.eval("document.activeElement.id"); id != "booth-panel-title" {
		t.Errorf("focus on %q after choosing the hit, want the panel's title", id)
	}
	b.shot("map-flown")
	// A live update redraws the page: the view, the search and the open panel stay as they were.
	flown := b.eval("document.querySelector('#booth-map').getAttribute('viewBox')")
	b.eval("document.querySelector('#booth-map').dataset.old = '1', render(true), ''")
	b.until("the page redrawn", "document.querySelector('#booth-map') && !document.querySelector('#booth-map').dataset.old", false)
	b.until("the panel open again", "!document.querySelector('#booth-panel').hidden && document.querySelector('#booth-panel h2').textContent === 'Gian hàng A02'", false)
	if got := b.eval("document.querySelector('#booth-map').getAttribute('viewBox') + ' ' + document.querySelector('#map-search').value"); got != flown+" nuoc mam" {
		t.Errorf("after a live update the map shows %q, want %q", got, flown+" nuoc mam")
	}
	b.eval("document.querySelector('#booth-panel h2').focus(), ''")
	b.run(chromedp.KeyEvent(kb.Escape))
	b.until("the panel closed, focus back on the booth", "document.querySelector('#booth-panel').hidden && document.activeElement.dataset.code === 'A02'", false)
}

// stepZoomAndPan: the zoom buttons, the fit button and the arrow keys change what the map shows.
func stepZoomAndPan(t *testing.T, b browser, fairID string) {
	t.Helper()
	b.reload()
	b.until("the map", "document.querySelectorAll('#booth-map rect').length === 8", true)
	fit := viewBox(t, b)
	if label := b.eval("document.querySelector('#map-zoom-in').getAttribute('aria-label')"); label != "Phóng to" {
		t.Errorf("zoom-in button labelled %q", label)
	}
	b.run(chromedp.Click("#map-zoom-in"))
	b.until("zoomed in", fmt.Sprintf("document.querySelector('#booth-map').viewBox.baseVal.width < %f", fit[2]*0.7), false)
	b.run(chromedp.Click("#map-zoom-out"))
	b.run(chromedp.Click("#map-zoom-out"))
	b.until("zoomed out", fmt.Sprintf("document.querySelector('#booth-map').viewBox.baseVal.width > %f", fit[2]*1.2), false)
	b.run(chromedp.Click("#map-fit"))
	b.until("fitted again", fmt.Sprintf("Math.abs(document.querySelector('#booth-map').viewBox.baseVal.width - %f) < 0.01", fit[2]), false)
	b.run(chromedp.Click("#map-zoom-in"))
	b.until("zoomed in", fmt.Sprintf("document.querySelector('#booth-map').viewBox.baseVal.width < %f", fit[2]*0.7), false)
	zoomed := viewBox(t, b)
	b.eval("document.querySelector('#booth-map').focus(), ''")
	b.run(chromedp.KeyEvent(kb.ArrowRight))
	b.until("panned right", fmt.Sprintf("document.querySelector('#booth-map').viewBox.baseVal.x > %f", zoomed[0]+0.5), false)
	// A plain wheel is the page's: the page scrolls, the map stays and says how to zoom. With
	// Ctrl held the wheel zooms where it points (the protocol wants both deltas, and leaves a zero
	// out).
	x, y := boothCentre(t, b, "B01")
	panned, scrolled := viewBox(t, b), b.eval("String(scrollY)")
	canScroll := b.eval("String(scrollY + innerHeight < document.documentElement.scrollHeight - 1)") == "true"
	// The hint shows for a moment only: a watcher notes that it did, however slow the machine.
	b.eval(`(() => { const n = document.querySelector('#map-wheel-hint'); window.hintShown = false;
		new MutationObserver(() => { if (!n.hidden) window.hintShown = true }).observe(n, { attributes: true }); return '' })()`)
	b.run(chromedp.MouseEvent(chromedp.MouseWheel, x, y, func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 1, 240 }))
	b.until("the Ctrl hint", "window.hintShown && document.querySelector('#map-wheel-hint').textContent.includes('Ctrl')", false)
	if canScroll {
		b.until("the page scrolled", "String(scrollY) !== '"+scrolled+"'", false)
	}
	if got := viewBox(t, b); got != panned {
		t.Errorf("a wheel without Ctrl changed the map from %v to %v", panned, got)
	}
	x, y = boothCentre(t, b, "B01")
	b.run(chromedp.MouseEvent(chromedp.MouseWheel, x, y, func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY, p.Modifiers = 1, 240, 2 }))
	b.until("zoomed out by the wheel with Ctrl", fmt.Sprintf("document.querySelector('#booth-map').viewBox.baseVal.width > %f", zoomed[2]*1.2), false)
	b.shot("map-zoomed")
}

// stepOwnBoothFromApplication: on a phone, the producer follows "Xem trên sơ đồ" from its
// application; the map opens at its booth with the panel, the booth carries the "Gian của
// bạn" marker, a product search finds it, and the map goes full screen and back.
func stepOwnBoothFromApplication(t *testing.T, b browser, fairID string) {
	t.Helper()
	b.open("#/producer/apps")
	b.until("the link to the map", "document.querySelector('a.on-map')", true)
	if txt := b.eval("document.querySelector('a.on-map').textContent"); txt != "Xem trên sơ đồ" {
		t.Errorf("the application's map link reads %q", txt)
	}
	b.run(chromedp.Click("a.on-map"))
	b.until("the map at the booth", "location.hash === '#/fair/"+fairID+"/map?booth=A01' && document.querySelector('#booth-panel') && !document.querySelector('#booth-panel').hidden", false)
	if got := b.eval("document.querySelector('#booth-panel h2').textContent"); got != "Gian hàng A01" {
		t.Errorf("panel title %q, want Gian hàng A01", got)
	}
	b.until("the your-booth marker over A01", `(() => { const m = document.querySelector('#booth-map .own-marker text'), r = document.querySelector('#booth-map rect[data-code="A01"]').getBoundingClientRect();
		const pin = document.querySelector('#booth-map .own-marker .pin'), box = document.querySelector('.mapbox').getBoundingClientRect();
		if (!m || m.textContent !== 'Gian của bạn' || !pin) return false; const k = m.getBoundingClientRect(), p = pin.getBoundingClientRect();
		return k.width > 0 && k.left >= box.left && k.left < r.right && k.right > r.left && Math.abs((p.left + p.width / 2) - (r.left + r.width / 2)) < 2 && p.bottom <= r.bottom })()`, false)
	if !strings.Contains(b.eval("document.querySelector('.legend').textContent"), "Gian của bạn") {
		t.Error("the legend does not explain the your-booth marker")
	}
	// Dragged slowly to the left, the booth crosses the screen's left edge: while its centre is
	// on the screen its words stay whole on the screen (they were centred over the booth, and
	// half cut off at the edge).
	stepOwnWordsStayOnScreen(t, b)
	fitsPhone(b, "the map at the producer's booth")
	b.shot("map-own-booth")
	b.run(chromedp.Click("#booth-panel-close"))
	b.until("panel closed", "document.querySelector('#booth-panel').hidden", false)
	b.run(chromedp.SendKeys("#map-search", "bac ha"))
	b.until("the product's hit", "document.querySelector('#map-hits button.hit') && document.querySelector('#map-hits').textContent.includes('Mật ong bạc hà')", false)
	b.run(chromedp.Click("#map-full"))
	b.until("full screen", "document.querySelector('#floorplan.full') && Math.abs(document.querySelector('#floorplan').getBoundingClientRect().height - innerHeight) < 2", false)
	// The view was close on A01: full screen shows the whole plan in the whole screen.
	b.until("the whole plan in full screen", wholePlanShown, false)
	b.shot("map-full-screen")
	b.run(chromedp.Click("#map-full"))
	b.until("back from full screen", "!document.querySelector('#floorplan.full')", false)
	// Where the browser has no full screen for a page (an iPhone), the map covers the page; Esc
	// or the same button leaves it.
	b.eval("Element.prototype.requestFullscreen = undefined, ''")
	b.run(chromedp.Click("#map-full"))
	b.until("the map over the whole page", `(() => { const r = document.querySelector('#floorplan.full.overlay').getBoundingClientRect(); return r.top === 0 && r.left === 0 && r.width === innerWidth && Math.abs(r.height - innerHeight) < 2 })()`, false)
	fitsPhone(b, "the map covering the page")
	b.shot("map-overlay")
	b.run(chromedp.KeyEvent(kb.Escape))
	b.until("the page back", "!document.querySelector('#floorplan.full') && document.activeElement.id === 'map-full'", false)
	// Leaving the page while the map covers it (the menu, or back): the next page scrolls.
	b.run(chromedp.Click("#map-full"))
	b.until("the map over the page again", "document.querySelector('#floorplan.full.overlay')", false)
	b.eval("location.hash = '#/account', ''")
	b.until("the next page, scrolling", "!document.querySelector('#floorplan') && document.querySelector('#app h1') && getComputedStyle(document.body).overflow !== 'hidden'", false)
	b.eval("history.back(), ''")
	b.until("the map's page again", "document.querySelector('#floorplan') && !document.querySelector('#floorplan.full')", false)
}

// reload loads the page afresh, as the browser's reload button does.
// The old page is marked first: until the new one has loaded, the old one must not pass for it.
func (b browser) reload() {
	b.t.Helper()
	b.eval("window.beforeReload = true, ''")
	b.run(chromedp.Reload())
	b.until("page reloaded", "!window.beforeReload && document.querySelector('#app') && !document.querySelector('#app').textContent.startsWith('…') && !document.querySelector('#app').hasAttribute('aria-busy')", false)
}

// dragBooth drags booth code by (dx, dy) metres with the mouse, in steps, as a person would.
func dragBooth(t *testing.T, b browser, code string, dx, dy float64) {
	t.Helper()
	x, y := boothCentre(t, b, code)
	k := pxPerMetre(t, b)
	b.run(chromedp.DragAndDropXY(x, y, x+dx*k, y+dy*k, 12))
}

// boothAt is booth code's position on the map as "x y".
func boothAt(b browser, code string) string {
	return b.eval(`(() => { const r = document.querySelector('#booth-map rect[data-code="` + code + `"]'); return r.getAttribute('x') + ' ' + r.getAttribute('y') })()`)
}

// stepDragBoothAndSave: the organiser turns on editing, drags B04 (x 9, y 7) five metres to the
// right onto free floor, saves, and after a reload it stands there; arrow keys move a booth too.
func stepDragBoothAndSave(t *testing.T, b browser, fairID string) {
	t.Helper()
	b.open("#/fair/" + fairID)
	b.until("the map", "document.querySelectorAll('#booth-map rect').length === 8", true)
	b.run(chromedp.Click("#edit-plan"))
	b.until("edit mode", "document.querySelector('#floorplan.editing') && document.querySelector('#save-plan').disabled", false)
	b.eval("document.querySelector('#booth-map').scrollIntoView({ block: 'center' }), ''")
	dragBooth(t, b, "B04", 5, 0)
	b.until("B04 moved, not refused", `(() => { const g = document.querySelector('#booth-map g[data-code="B04"]'); return g.classList.contains('moved') && !g.classList.contains('bad') && !document.querySelector('#save-plan').disabled })()`, false)
	if at := boothAt(b, "B04"); at != "14 7" {
		t.Errorf("B04 dropped at %q, want 14 7 (on the 1 m grid)", at)
	}
	b.shot("map-dragged")
	b.run(chromedp.Click("#save-plan"))
	b.until("saved", "document.querySelector('#toast').textContent === 'Đã lưu'", false)
	b.reload()
	b.until("B04 where it was dropped after a reload", `document.querySelector('#booth-map rect[data-code="B04"]') && document.querySelector('#booth-map rect[data-code="B04"]').getAttribute('x') === '14'`, true)
	// The keyboard moves the chosen booth one grid step per arrow.
	b.run(chromedp.Click("#edit-plan"))
	b.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	b.eval(`document.querySelector('#booth-map g[data-code="B04"]').focus(), ''`)
	b.run(chromedp.KeyEvent(kb.ArrowDown))
	b.until("B04 one metre down", `document.querySelector('#booth-map rect[data-code="B04"]').getAttribute('y') === '8' && document.querySelector('#booth-info').textContent.includes('B04')`, false)
	b.run(chromedp.Click("#undo-plan"))
	b.until("undone", `document.querySelector('#booth-map rect[data-code="B04"]').getAttribute('y') === '7' && document.querySelector('#save-plan').disabled`, false)
	// In the booth's panel: a double booth takes its 6 × 3 m; saved, it stays so.
	b.eval(`document.querySelector('#booth-map g[data-code="B04"]').focus(), ''`)
	b.run(chromedp.KeyEvent(kb.Enter))
	b.until("the booth's fields", "document.querySelector('#booth-edit-kind')", false)
	b.eval(`(() => { const k = document.querySelector('#booth-edit-kind'); k.focus(); k.value = 'double'; k.dispatchEvent(new Event('change', { bubbles: true })); return '' })()`)
	b.until("B04 six metres wide", `document.querySelector('#booth-edit-w').value === '6' && document.querySelector('#booth-map rect[data-code="B04"]').getAttribute('width') === '5.9' && !document.querySelector('#save-plan').disabled && document.querySelector('#booth-panel .panel-facts').textContent.includes('6 × 3 m')`, false)
	b.shot("map-panel-edit")
	b.run(chromedp.Click("#save-plan"))
	b.until("saved", "document.querySelector('#toast').textContent === 'Đã lưu'", false)
	b.reload()
	b.until("B04 a double booth after a reload", `document.querySelector('#booth-map rect[data-code="B04"]') && document.querySelector('#booth-map rect[data-code="B04"]').getAttribute('width') === '5.9'`, true)
	b.eval(`document.querySelector('#booth-map g[data-code="B04"]').focus(), ''`)
	b.run(chromedp.KeyEvent(kb.Enter))
	b.until("the panel says Gian đôi", "document.querySelector('#booth-panel').textContent.includes('Gian đôi') && document.querySelector('#booth-panel').textContent.includes('6 × 3 m')", false)
	b.run(chromedp.KeyEvent(kb.Escape))
	b.run(chromedp.Click("#edit-plan"))
}

// stepDragOntoBoothRefused: dragging B03 onto B02 turns it red with a message naming both and
// keeps Save off; after a reload nothing moved. A drag cancelled with Esc puts the booth back.
func stepDragOntoBoothRefused(t *testing.T, b browser, fairID string) {
	t.Helper()
	b.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	b.eval("document.querySelector('#booth-map').scrollIntoView({ block: 'center' }), ''")
	dragBooth(t, b, "B03", -2, 0)
	b.until("B03 red over B02", `(() => { const g = document.querySelector('#booth-map g[data-code="B03"]'); return g.classList.contains('bad') && g.querySelector('rect').getAttribute('fill') === '#ef5350' })()`, false)
	if msg := b.eval("document.querySelector('#map-msg').textContent"); msg != "Gian B03 chồng lên gian B02: hãy dời sang chỗ trống." {
		t.Errorf("the refusal reads %q", msg)
	}
	if b.eval("String(document.querySelector('#save-plan').disabled)") != "true" {
		t.Error("Save is offered while a booth overlaps another")
	}
	b.shot("map-overlap")
	b.run(chromedp.Click("#undo-plan"))
	b.until("undone", `document.querySelector('#booth-map rect[data-code="B03"]').getAttribute('x') === '6'`, false)
	// Esc during a drag: the booth goes back to where it stood.
	x, y := boothCentre(t, b, "B03")
	k := pxPerMetre(t, b)
	held := func(p *input.DispatchMouseEventParams) { p.Button = input.MouseButtonLeft; p.Buttons = 1 }
	b.run(chromedp.MouseEvent(chromedp.MousePressed, x, y, held, chromedp.ClickCount(1)))
	for i := 1; i <= 6; i++ {
		b.run(chromedp.MouseEvent(chromedp.MouseMoved, x, y+float64(i)*k, held))
	}
	b.until("B03 dragged down", `document.querySelector('#booth-map rect[data-code="B03"]').getAttribute('y') !== '7'`, false)
	b.run(chromedp.KeyEvent(kb.Escape))
	// The drag is over: moving on before letting go moves nothing.
	b.run(chromedp.MouseEvent(chromedp.MouseMoved, x, y+8*k, held))
	b.run(chromedp.MouseEvent(chromedp.MouseReleased, x, y+8*k, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.until("B03 back after Esc", `document.querySelector('#booth-map rect[data-code="B03"]').getAttribute('y') === '7' && document.querySelector('#save-plan').disabled`, false)
	b.reload()
	b.until("the map", "document.querySelectorAll('#booth-map rect').length === 8", true)
	// The map may still be drawing its booths: wait for B03, which must stand where it stood.
	b.until("B03 at 6 7 after the refused drag (nothing saved)", `(() => { const r = document.querySelector('#booth-map rect[data-code="B03"]'); return r && r.getAttribute('x') === '6' && r.getAttribute('y') === '7' })()`, false)
}

// stepRefusalInTheAPIsWords: while the organiser moves B01 to free floor, another organiser puts
// B02 there; saving is refused by the API, and the page says so in Vietnamese on the booth.
func stepRefusalInTheAPIsWords(t *testing.T, b browser, p floorPlan) {
	t.Helper()
	b.run(chromedp.Click("#edit-plan"))
	b.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	b.eval("document.querySelector('#booth-map').scrollIntoView({ block: 'center' }), ''")
	dragBooth(t, b, "B01", 0, 5)
	b.until("B01 on free floor", `(() => { const g = document.querySelector('#booth-map g[data-code="B01"]'); return g.classList.contains('moved') && !g.classList.contains('bad') && !document.querySelector('#save-plan').disabled })()`, false)
	p.organiser.call("PATCH", "/api/fairs/"+p.fairID+"/booths/B02", map[string]float64{"x": 0, "y": 12})
	b.run(chromedp.Click("#save-plan"))
	b.until("the API's refusal on B01", `document.querySelector('#booth-map g[data-code="B01"]').classList.contains('bad') && document.querySelector('#map-msg').textContent.includes('Gian B01 chồng lên gian B02')`, false)
	t.Logf("refusal: %s", b.eval("document.querySelector('#map-msg').textContent"))
	b.shot("map-api-refusal")
	b.run(chromedp.Click("#undo-plan"))
	b.until("undone", `document.querySelector('#booth-map rect[data-code="B01"]').getAttribute('y') === '7' && !document.querySelector('#map-msg').textContent`, false)
}

// touch sends one touch event with the fingers at points (none for the end of a touch).
func touch(typ input.DispatchTouchEventType, points ...[2]float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
		for i, pt := range points {
			id := float64(i + 1)
			p.TouchPoints = append(p.TouchPoints, &input.TouchPoint{X: pt[0], Y: pt[1], ID: &id})
		}
		_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, p)
		return err
	})
}

// stepPinchAndSwipe: on the phone, two fingers spread apart zoom the map in, and one finger
// swiped to the left moves it.
func stepPinchAndSwipe(t *testing.T, b browser) {
	t.Helper()
	b.eval("document.querySelector('#booth-map').scrollIntoView({ block: 'center' }), ''")
	var cx, cy float64
	if _, err := fmt.Sscan(b.eval(`(() => { const r = document.querySelector('#booth-map').getBoundingClientRect(); return (r.left + r.width / 2 - 30) + ' ' + (r.top + r.height / 2) })()`), &cx, &cy); err != nil {
		t.Fatal(err)
	}
	before := viewBox(t, b)
	b.run(touch(input.DispatchTouchEventTypeTouchStart, [2]float64{cx - 20, cy}, [2]float64{cx + 20, cy}))
	for i := 1; i <= 8; i++ {
		d := 20 + float64(i)*8
		b.run(touch(input.DispatchTouchEventTypeTouchMove, [2]float64{cx - d, cy}, [2]float64{cx + d, cy}))
	}
	b.run(touch(input.DispatchTouchEventTypeTouchEnd))
	pinched := viewBox(t, b)
	if pinched[2] > before[2]/2 {
		t.Errorf("fingers spread from 40 to 168 px left the map %.1f m wide, was %.1f m; want about a quarter", pinched[2], before[2])
	}
	b.run(touch(input.DispatchTouchEventTypeTouchStart, [2]float64{cx + 40, cy}))
	for i := 1; i <= 6; i++ {
		b.run(touch(input.DispatchTouchEventTypeTouchMove, [2]float64{cx + 40 - float64(i)*15, cy}))
	}
	b.run(touch(input.DispatchTouchEventTypeTouchEnd))
	swiped := viewBox(t, b)
	if swiped[0] <= pinched[0] || swiped[2] != pinched[2] {
		t.Errorf("a swipe to the left moved the map from %v to %v; want it further right at the same scale", pinched, swiped)
	}
	b.shot("map-pinched")
}

// stepOwnWordsStayOnScreen drags the map left 8 px at a time from an empty corner until the
// producer's booth A01 has left the screen, and checks at each step that the "Gian của bạn" words
// are wholly on the screen while the booth's centre is.
func stepOwnWordsStayOnScreen(t *testing.T, b browser) {
	t.Helper()
	var box struct{ Left, Bottom float64 }
	if err := json.Unmarshal([]byte(b.eval("(() => { const r = document.querySelector('.mapbox').getBoundingClientRect(); return JSON.stringify({ Left: r.left, Bottom: r.bottom }) })()")), &box); err != nil {
		t.Fatal(err)
	}
	const state = `(() => { const m = document.querySelector('#booth-map .own-marker text'), r = document.querySelector('#booth-map rect[data-code="A01"]').getBoundingClientRect();
		const box = document.querySelector('.mapbox').getBoundingClientRect(), k = m.getBoundingClientRect(), c = r.left + r.width / 2;
		return c < box.left ? 'gone' : c > box.left + 60 ? 'far' : k.left >= box.left - 0.5 && k.right <= box.right + 0.5 ? 'whole' : 'cut ' + Math.round(k.left - box.left) })()`
	x, y := box.Left+12, box.Bottom-12
	b.run(chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	near := 0
	for i := 1; i <= 60; i++ {
		b.run(chromedp.MouseEvent(chromedp.MouseMoved, x-float64(8*i), y, chromedp.ButtonLeft))
		got := b.eval(state)
		if strings.HasPrefix(got, "cut") {
			t.Errorf("the booth's centre on the screen near its left edge, its words are %s px off it", got)
			break
		}
		if got == "whole" {
			near++
		}
		if got == "gone" {
			break
		}
	}
	b.run(chromedp.MouseEvent(chromedp.MouseReleased, x-480, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if near < 3 {
		t.Errorf("the drag showed the booth near the screen's left edge %d times, want a few", near)
	}
	b.shot("map-own-booth-at-edge")
}
