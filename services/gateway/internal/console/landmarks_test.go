package console_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// landmarkAt is the entrance's place on the map as "x y".
func landmarkAt(b browser) string {
	return b.eval(`(() => { const r = document.querySelector('#booth-map .landmark[data-kind="entrance"] rect'); return r ? r.getAttribute('x') + ' ' + r.getAttribute('y') : '' })()`)
}

// dragLandmark drags the entrance by (dx, dy) metres with the mouse, in steps.
func dragLandmark(t *testing.T, b browser, dx, dy float64) {
	t.Helper()
	var x, y float64
	s := b.eval(`(() => { const r = document.querySelector('#booth-map .landmark[data-kind="entrance"] rect').getBoundingClientRect(); return (r.left + r.width / 2) + ' ' + (r.top + r.height / 2) })()`)
	if _, err := fmt.Sscan(s, &x, &y); err != nil {
		t.Fatalf("centre of the entrance: %q: %v", s, err)
	}
	k := pxPerMetre(t, b)
	b.run(chromedp.DragAndDropXY(x, y, x+dx*k, y+dy*k, 12))
}

// TestConsoleLandmarks: an organiser turns on "Sửa sơ đồ", adds an entrance (it appears on free
// floor with its panel open), drags it three metres to the right, names it, and after a reload it
// is there with its name; dragging it onto a booth is refused in the API's words and it goes
// back. A visitor on a phone sees the entrance on the map, named for screen readers, and in the
// legend.
func TestConsoleLandmarks(t *testing.T) {
	j := startJourney(t)
	p := setUpFloorPlan(t, j)
	org := j.person("landmarks-organiser", 1366, 800)
	org.login("xt@map.example.vn", "organiser-pass-1")
	org.open("#/fair/" + p.fairID)
	org.until("the map", "document.querySelectorAll('#booth-map g.booth').length === 8", true)
	org.run(chromedp.Click("#edit-plan"))
	org.until("edit mode", "document.querySelector('#floorplan.editing') && document.querySelector('#lm-add').offsetParent", false)
	org.runAgain(chromedp.SetValue("#lm-kind", "entrance"), chromedp.Click("#lm-add"))
	org.until("the entrance added with its panel", `document.querySelector('#booth-map .landmark[data-kind="entrance"]') && document.querySelector('#booth-panel-title').textContent === 'Lối vào' && document.querySelector('#map-msg').textContent === 'Đã thêm Lối vào; kéo để đặt đúng chỗ.'`, false)
	var x0, y0 float64
	if _, err := fmt.Sscan(landmarkAt(org), &x0, &y0); err != nil {
		t.Fatalf("the entrance's place %q: %v", landmarkAt(org), err)
	}
	org.eval("document.querySelector('#booth-map').scrollIntoView({ block: 'center' }), ''")
	dragLandmark(t, org, 3, 0)
	moved := fmt.Sprintf("%g %g", x0+3, y0)
	org.until("the entrance moved and saved", `document.querySelector('#map-msg').textContent === 'Đã lưu Lối vào.' && document.querySelector('#booth-map .landmark[data-kind="entrance"] rect').getAttribute('x') === '`+fmt.Sprint(x0+3)+`'`, false)
	org.eval(`document.querySelector('#booth-map .landmark[data-kind="entrance"]').dispatchEvent(new MouseEvent('click', { bubbles: true })), ''`)
	org.until("the entrance's fields", "document.querySelector('#lm-edit-label')", false)
	org.run(chromedp.SendKeys("#lm-edit-label", "Cổng chính"), chromedp.KeyEvent(kb.Tab))
	org.until("the name saved", `document.querySelector('#map-msg').textContent === 'Đã lưu Lối vào: Cổng chính.'`, false)
	noAxeFindings(org, "the plan in edit mode with a landmark's fields")
	org.shot("landmark-edit")
	org.reload()
	org.until("the entrance after a reload", `document.querySelector('#booth-map .landmark[data-kind="entrance"]') && document.querySelector('#booth-map .landmark[data-kind="entrance"]').getAttribute('aria-label') === 'Lối vào: Cổng chính'`, true)
	if at := landmarkAt(org); at != moved {
		t.Errorf("the entrance at %q after a reload, want %q", at, moved)
	}
	// Onto booth B01 (x 0, y 7): refused by the API, said in its words, and put back.
	org.run(chromedp.Click("#edit-plan"))
	org.until("edit mode", "document.querySelector('#floorplan.editing')", false)
	org.eval("document.querySelector('#booth-map').scrollIntoView({ block: 'center' }), ''")
	dragLandmark(t, org, -x0-3, 7-y0)
	org.until("the API's refusal", `document.querySelector('#map-msg').textContent.startsWith('Cổng chính chồng lên gian B01; hãy dời hoặc thu nhỏ nó, hoặc dời gian hàng.')`, false)
	org.until("the entrance back", `document.querySelector('#booth-map .landmark[data-kind="entrance"] rect').getAttribute('x') === '`+fmt.Sprint(x0+3)+`'`, false)
	org.shot("landmark-refused")
	// A booth dragged onto the entrance turns red in the page, and cannot be saved there.
	dragBooth(t, org, "B04", x0+3-9, y0-7)
	org.until("B04 red on the entrance", `document.querySelector('#booth-map g[data-code="B04"]').classList.contains('bad') && document.querySelector('#save-plan').disabled`, false)
	if msg := org.eval("document.querySelector('#map-msg').textContent"); msg != "Gian B04 chồng lên Cổng chính; hãy dời gian sang chỗ trống." {
		t.Errorf("a booth on the entrance reads %q", msg)
	}
	org.run(chromedp.Click("#undo-plan"))

	client{t: t, base: j.base}.register("khach@landmarks.example.vn", "Chuỗi Siêu thị Sen", "buyer")
	visitor := j.person("landmarks-visitor", 360, 800)
	visitor.login("khach@landmarks.example.vn", "parity-pass-1")
	visitor.open("#/fair/" + p.fairID)
	visitor.until("the entrance on the map and in the legend", `document.querySelector('#booth-map .landmark[role="img"][aria-label="Lối vào: Cổng chính"]') && [...document.querySelectorAll('#floorplan .legend span')].some((s) => s.textContent === 'Lối vào')`, true)
	if got := visitor.eval(`document.querySelector('#booth-map .landmark[data-kind="entrance"] text').textContent`); got != "➜ Cổng chính" && got != "➜" {
		t.Errorf("the entrance reads %q on the map, want its sign and name", got)
	}
	fitsPhone(visitor, "the plan with landmarks")
	noAxeFindings(visitor, "the plan with landmarks")
	visitor.shot("landmark-visitor")
	stepPlanWithoutBooths(t, p, org, visitor)
}

// stepPlanWithoutBooths: on a published fair with no booth yet, the organiser's plan says how to
// lay it out and still takes an entrance; a visitor then sees the entrance and that the booths
// are not laid out yet, instead of an empty page.
func stepPlanWithoutBooths(t *testing.T, p floorPlan, org, visitor browser) {
	t.Helper()
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	fair := p.organiser.call("POST", "/api/fairs", map[string]any{"name_vi": "Tuần hàng OCOP Hà Nội", "kind": "trade_week", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Trung tâm Triển lãm Giảng Võ", "address": "148 Giảng Võ"}, "start_date": day(40), "end_date": day(43),
		"applications_open": day(0), "applications_close": day(30), "eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 2}})
	id := fair["id"].(string)
	p.organiser.call("POST", "/api/fairs/"+id+"/publish", nil)
	org.open("#/fair/" + id)
	org.until("the empty plan's guidance", "document.querySelector('#map-empty') && document.querySelector('#map-empty').textContent.includes('Tạo dãy gian hàng') && document.querySelector('#edit-plan')", true)
	org.run(chromedp.Click("#edit-plan"))
	org.until("edit mode", "document.querySelector('#floorplan.editing') && document.querySelector('#lm-add').offsetParent", false)
	org.runAgain(chromedp.SetValue("#lm-kind", "entrance"), chromedp.Click("#lm-add"))
	org.until("the entrance added", `document.querySelector('#map-msg').textContent === 'Đã thêm Lối vào; kéo để đặt đúng chỗ.'`, false)
	org.shot("landmark-no-booths")
	visitor.open("#/fair/" + id)
	visitor.until("the entrance on a plan without booths", `document.querySelector('#booth-map .landmark[data-kind="entrance"]') && document.querySelector('#map-empty').textContent === 'Sơ đồ chưa có gian hàng nào; ban tổ chức sẽ công bố sơ đồ khi xếp xong.'`, true)
	if got := visitor.eval("String(!!document.querySelector('#edit-plan'))"); got != "false" {
		t.Error("a visitor is offered to edit the plan")
	}
	visitor.shot("landmark-no-booths")
}
