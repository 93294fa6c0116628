package console_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// wholePlanShown is true when every booth lies inside the map's box and the booths take most of
// its width or height: the plan is fitted to the box it is in.
const wholePlanShown = `(() => { const box = document.querySelector('.mapbox').getBoundingClientRect();
	const rs = [...document.querySelectorAll('#booth-map .booth rect')].map((r) => r.getBoundingClientRect());
	if (!rs.length || !rs.every((r) => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1)) return false;
	const w = Math.max(...rs.map((r) => r.right)) - Math.min(...rs.map((r) => r.left)), h = Math.max(...rs.map((r) => r.bottom)) - Math.min(...rs.map((r) => r.top));
	return w > (box.width - 56) * 0.6 || h > box.height * 0.6 })()`

// screenAt is where the point (x, y) of the plan, in metres, is on the screen.
func screenAt(t *testing.T, b browser, x, y float64) (float64, float64) {
	t.Helper()
	var sx, sy float64
	js := fmt.Sprintf(`(() => { const svg = document.querySelector('#booth-map'), p = svg.createSVGPoint(); p.x = %f; p.y = %f;
		const q = p.matrixTransform(svg.getScreenCTM()); return q.x + ' ' + q.y })()`, x, y)
	if _, err := fmt.Sscan(b.eval(js), &sx, &sy); err != nil {
		t.Fatalf("screen point of %v %v: %v", x, y, err)
	}
	return sx, sy
}

// rectOf is booth code's rectangle as drawn: "x y width height".
func rectOf(b browser, code string) string {
	return b.eval(`(() => { const r = document.querySelector('#booth-map rect[data-code="` + code + `"]'); return ['x', 'y', 'width', 'height'].map((a) => r.getAttribute(a)).join(' ') })()`)
}

// stepResizeByGrip: in edit mode the organiser chooses B03 (6, 7, 3 × 3 m); the grip on its
// bottom-right corner drags it two metres deeper, and Alt + arrow right makes it a metre wider.
// Widened by the grip onto B04 (which stands at x 14 since stepDragBoothAndSave) it turns red
// and Save is off; Alt + arrow left brings it back, and the 4 × 5 m booth is saved.
func stepResizeByGrip(t *testing.T, b browser, p floorPlan) {
	t.Helper()
	b.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	b.eval("document.querySelector('#booth-map').scrollIntoView({ block: 'center' }), ''")
	b.eval(`document.querySelector('#booth-map g[data-code="B03"]').dispatchEvent(new MouseEvent('click', { bubbles: true })), ''`)
	b.until("the grip on B03's corner", `(() => { const g = document.querySelector('#booth-map .grip-hit'); return g && g.dataset.grip === 'B03' && g.getAttribute('cx') === '9' && g.getAttribute('cy') === '10' })()`, false)
	b.eval("document.querySelector('#booth-map .grip-hit').scrollIntoView({ block: 'center' }), ''")
	x, y := screenAt(t, b, 9, 10)
	k := pxPerMetre(t, b)
	b.run(chromedp.DragAndDropXY(x, y, x, y+2*k, 12))
	b.until("B03 five metres deep", `document.querySelector('#booth-edit-h') && document.querySelector('#booth-edit-h').value === '5' && !document.querySelector('#save-plan').disabled`, false)
	if got := rectOf(b, "B03"); got != "6 7 2.9 4.9" {
		t.Errorf("B03 drawn at %q after the grip's drag, want 6 7 2.9 4.9", got)
	}
	if info := b.eval("document.querySelector('#booth-info').textContent"); info != "Gian B03: 3 × 5 m (chưa lưu)." {
		t.Errorf("the info line reads %q", info)
	}
	b.shot("map-resized")
	// Alt + arrow right: one metre wider, by the keyboard.
	b.eval(`document.querySelector('#booth-map g[data-code="B03"]').focus(), ''`)
	b.run(chromedp.KeyEvent(kb.ArrowRight, chromedp.KeyModifiers(chromedp.ModifierAlt)))
	b.until("B03 four metres wide", `document.querySelector('#booth-map rect[data-code="B03"]').getAttribute('width') === '3.9'`, false)
	b.until("the grip on B03's new corner", `document.querySelector('#booth-map .grip-hit').getAttribute('cx') === '10'`, false)
	// Widened onto B04 (x 14), it is refused in the page. The whole plan is shown first: the
	// grip is at the view's lower edge.
	b.run(chromedp.KeyEvent("0"))
	b.until("the whole plan", wholePlanShown, false)
	b.eval("document.querySelector('#booth-map .grip-hit').scrollIntoView({ block: 'center' }), ''")
	x, y = screenAt(t, b, 10, 12)
	k = pxPerMetre(t, b)
	b.run(chromedp.DragAndDropXY(x, y, x+5*k, y, 12))
	b.until("B03 red over B04", `document.querySelector('#booth-map g[data-code="B03"]').classList.contains('bad') && document.querySelector('#save-plan').disabled && document.querySelector('#map-msg').textContent.includes('Gian B03 chồng lên gian B04')`, false)
	b.eval(`document.querySelector('#booth-map g[data-code="B03"]').focus(), ''`)
	for range 5 {
		b.run(chromedp.KeyEvent(kb.ArrowLeft, chromedp.KeyModifiers(chromedp.ModifierAlt)))
	}
	b.until("B03 clear again", `!document.querySelector('#booth-map g[data-code="B03"]').classList.contains('bad') && !document.querySelector('#save-plan').disabled`, false)
	b.run(chromedp.Click("#save-plan"))
	b.until("saved", "document.querySelector('#toast').textContent === 'Đã lưu'", false)
	b.reload()
	b.until("B03 resized after a reload", `document.querySelector('#booth-map rect[data-code="B03"]') && document.querySelector('#booth-map rect[data-code="B03"]').getAttribute('height') === '4.9'`, true)
	size := "no B03"
	for _, it := range p.organiser.call("GET", "/api/fairs/"+p.fairID+"/booths", nil)["booths"].([]any) {
		if bo := it.(map[string]any); bo["code"] == "B03" {
			size = fmt.Sprintf("%v × %v", bo["w"], bo["h"])
		}
	}
	if size != "4 × 5" {
		t.Errorf("the API has B03 %s m, want 4 × 5", size)
	}
	// Esc on the booth undoes a resize by the keyboard, exactly.
	b.run(chromedp.Click("#edit-plan"))
	b.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	b.eval(`document.querySelector('#booth-map g[data-code="B03"]').focus(), ''`)
	b.run(chromedp.KeyEvent(kb.ArrowDown, chromedp.KeyModifiers(chromedp.ModifierAlt)))
	b.until("B03 six metres deep", `document.querySelector('#booth-map rect[data-code="B03"]').getAttribute('height') === '5.9' && !document.querySelector('#save-plan').disabled`, false)
	b.run(chromedp.KeyEvent(kb.Escape))
	b.until("B03 back to five metres", `document.querySelector('#booth-map rect[data-code="B03"]').getAttribute('height') === '4.9' && document.querySelector('#save-plan').disabled`, false)
	b.run(chromedp.Click("#edit-plan"))
}

// stepDrawZone: the organiser presses "Vẽ khu" and drags a frame over A02, A03 and B03; the panel
// names the two free booths and says A02, assigned, keeps its zone; without a name it asks for
// one; named "Khu C" the zone is drawn, saved, and after a reload A03 and B03 are in Khu C and
// A02 still in Khu A.
func stepDrawZone(t *testing.T, b browser, p floorPlan) {
	t.Helper()
	b.run(chromedp.Click("#edit-plan"))
	b.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	b.eval("document.querySelector('#booth-map').scrollIntoView({ block: 'center' }), ''")
	b.run(chromedp.Click("#draw-zone"))
	b.until("drawing", "document.querySelector('#draw-zone').getAttribute('aria-pressed') === 'true' && document.querySelector('#map-msg').textContent.includes('Kéo một khung')", false)
	x0, y0 := screenAt(t, b, 3.6, 0.4)
	x1, y1 := screenAt(t, b, 9.4, 10.4)
	b.run(chromedp.DragAndDropXY(x0, y0, x1, y1, 12))
	b.until("the new zone's panel", "!document.querySelector('#booth-panel').hidden && document.querySelector('#zone-name') && document.activeElement.id === 'zone-name'", false)
	panel := b.eval("document.querySelector('#booth-panel').textContent")
	for _, want := range []string{"Khu mới", "2 gian được chọn: A03, B03.", "Gian đã xếp cho đơn vị giữ khu cũ: A02."} {
		if !strings.Contains(panel, want) {
			t.Errorf("the zone panel reads %q, want %q in it", panel, want)
		}
	}
	b.run(chromedp.Click("#zone-apply"))
	b.until("the missing name said at the field", "!document.querySelector('#zone-name-error').hidden && document.querySelector('#zone-name-error').textContent === 'Hãy nhập tên khu.'", false)
	b.shot("map-zone-drawn")
	noAxeFindings(b, "the plan with a zone's form")
	// Esc closes the form and ends drawing; the keyboard is back on "Vẽ khu", which starts again.
	b.run(chromedp.KeyEvent(kb.Escape))
	b.until("the form closed", "document.querySelector('#booth-panel').hidden && document.activeElement.id === 'draw-zone' && document.querySelector('#draw-zone').getAttribute('aria-pressed') === 'false' && !document.querySelector('#booth-map .zone-draft')", false)
	b.run(chromedp.Click("#draw-zone"))
	b.run(chromedp.DragAndDropXY(x0, y0, x1, y1, 12))
	b.until("the new zone's panel again", "!document.querySelector('#booth-panel').hidden && document.activeElement.id === 'zone-name'", false)
	noStrayText(t, b, "#booth-panel", "the new zone's panel")
	b.run(chromedp.SendKeys("#zone-name", "Khu C"), chromedp.Click("#zone-apply"))
	b.until("Khu C drawn, not yet saved", `document.querySelector('#booth-panel').hidden && [...document.querySelectorAll('#booth-map .zone-label')].some((z) => z.textContent === 'Khu C') && !document.querySelector('#save-plan').disabled`, false)
	if msg := b.eval("document.querySelector('#map-msg').textContent"); !strings.HasPrefix(msg, "Đã xếp 2 gian vào khu “Khu C” (chưa lưu).") {
		t.Errorf("after setting the zone the plan says %q", msg)
	}
	b.run(chromedp.Click("#save-plan"))
	b.until("saved", "document.querySelector('#toast').textContent === 'Đã lưu'", false)
	b.reload()
	b.until("Khu C after a reload", "[...document.querySelectorAll('#booth-map .zone-label')].some((z) => z.textContent === 'Khu C')", true)
	zones := map[string][]string{}
	for _, it := range p.organiser.call("GET", "/api/fairs/"+p.fairID+"/booths", nil)["booths"].([]any) {
		bo := it.(map[string]any)
		zones[bo["zone"].(string)] = append(zones[bo["zone"].(string)], bo["code"].(string))
	}
	slices.Sort(zones["Khu C"])
	if got := strings.Join(zones["Khu C"], " "); got != "A03 B03" || !slices.Contains(zones["Khu A"], "A02") {
		t.Errorf("zones after saving: %v; want A03 and B03 in Khu C, A02 in Khu A", zones)
	}
	stepDrawZoneByKeyboard(t, b, p)
}

// stepDrawZoneByKeyboard: with "Vẽ khu" on, the keyboard picks A04 and B01 with Space (B04
// picked and picked off again) and Enter opens the form for those two; named "Khu D" and saved,
// they are in Khu D.
func stepDrawZoneByKeyboard(t *testing.T, b browser, p floorPlan) {
	t.Helper()
	b.run(chromedp.Click("#edit-plan"))
	b.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	b.run(chromedp.Click("#draw-zone"))
	b.until("drawing", "document.querySelector('#draw-zone').getAttribute('aria-pressed') === 'true'", false)
	for _, code := range []string{"A04", "B04", "B01", "B04"} {
		b.eval(`document.querySelector('#booth-map g[data-code="` + code + `"]').focus(), ''`)
		b.run(chromedp.KeyEvent(" "))
	}
	b.until("two booths picked", `document.querySelector('#booth-info').textContent === 'Khu mới: đã chọn 2 gian (A04, B01); bấm Enter để đặt tên khu.' && document.querySelectorAll('#booth-map .booth.in-zone').length === 2`, false)
	// As right after a save: "Đã lưu" is still shown when the next zone is set.
	b.eval("toast('Đã lưu'), ''")
	b.run(chromedp.KeyEvent(kb.Enter))
	b.until("the form for the picked booths", "document.activeElement.id === 'zone-name' && document.querySelector('#booth-panel').textContent.includes('2 gian được chọn: A04, B01.')", false)
	// None of the two is assigned: the panel has no note on assigned booths, and nothing in its place.
	noStrayText(t, b, "#booth-panel", "the new zone's panel without assigned booths")
	b.run(chromedp.SendKeys("#zone-name", "Khu D"), chromedp.KeyEvent(kb.Enter))
	b.until("Khu D drawn", `[...document.querySelectorAll('#booth-map .zone-label')].some((z) => z.textContent === 'Khu D') && !document.querySelector('#save-plan').disabled`, false)
	if got := b.eval("document.activeElement.id"); got != "draw-zone" {
		t.Errorf("after naming the zone the keyboard is on %q, want draw-zone", got)
	}
	if got := b.eval("document.querySelector('#toast').classList.contains('show') ? document.querySelector('#toast').textContent : ''"); got == "Đã lưu" {
		t.Errorf("with Khu D set but not saved, the page still says %q", got)
	}
	if msg := b.eval("document.querySelector('#map-msg').textContent"); !strings.HasPrefix(msg, "Đã xếp 2 gian vào khu “Khu D” (chưa lưu).") {
		t.Errorf("after setting Khu D the plan says %q", msg)
	}
	b.eval("document.querySelector('#toast').textContent = '', ''")
	// The keyboard saves too: Shift+Tab goes back from "Vẽ khu" over "Hoàn tác" to "Lưu thay đổi".
	b.run(chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)), chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
	b.until("the keyboard on Save", "document.activeElement.id === 'save-plan'", false)
	b.eval("document.querySelector('#floorplan').dataset.old = '1', ''")
	b.run(chromedp.KeyEvent(kb.Enter))
	b.until("saved", "document.querySelector('#toast').textContent === 'Đã lưu'", false)
	// The save draws the page again after its toast: the next step works on the page drawn.
	b.until("the plan drawn again", "document.querySelector('#floorplan') && !document.querySelector('#floorplan').dataset.old", false)
	var inD []string
	for _, it := range p.organiser.call("GET", "/api/fairs/"+p.fairID+"/booths", nil)["booths"].([]any) {
		if bo := it.(map[string]any); bo["zone"] == "Khu D" {
			inD = append(inD, bo["code"].(string))
		}
	}
	slices.Sort(inD)
	if got := strings.Join(inD, " "); got != "A04 B01" {
		t.Errorf("Khu D holds %q after saving, want A04 B01", got)
	}
}

// stepZoneInPanel: B04's zone changed in its panel's own "Khu" field is said to be set and
// waiting for "Lưu thay đổi", as a drawn zone is; saved, the API has B04 in that zone.
func stepZoneInPanel(t *testing.T, b browser, p floorPlan) {
	t.Helper()
	if b.eval("document.querySelector('#floorplan.editing') ? 'yes' : 'no'") == "no" {
		b.run(chromedp.Click("#edit-plan"))
	}
	b.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	b.eval(`document.querySelector('#booth-map g[data-code="B04"]').dispatchEvent(new MouseEvent('click', { bubbles: true })), ''`)
	b.until("B04's zone field", "document.querySelector('#booth-edit-zone')", false)
	b.eval(`(() => { const el = document.querySelector('#booth-edit-zone'); el.value = 'Khu E'; el.dispatchEvent(new Event('change', { bubbles: true })) })(), ''`)
	b.until("the new zone waiting to be saved", "!document.querySelector('#save-plan').disabled", false)
	if msg := b.eval("document.querySelector('#map-msg').textContent"); msg != "Gian B04 vào khu “Khu E” (chưa lưu)." {
		t.Errorf("after B04's zone is changed in its panel the plan says %q", msg)
	}
	b.eval("document.querySelector('#toast').textContent = '', document.querySelector('#floorplan').dataset.old = '1', ''")
	b.run(chromedp.Click("#save-plan"))
	b.until("saved", "document.querySelector('#toast').textContent === 'Đã lưu'", false)
	b.until("the plan drawn again", "document.querySelector('#floorplan') && !document.querySelector('#floorplan').dataset.old", false)
	zone := "no B04"
	for _, it := range p.organiser.call("GET", "/api/fairs/"+p.fairID+"/booths", nil)["booths"].([]any) {
		if bo := it.(map[string]any); bo["code"] == "B04" {
			zone = fmt.Sprint(bo["zone"])
		}
	}
	if zone != "Khu E" {
		t.Errorf("the API has B04 in %q, want Khu E", zone)
	}
}
