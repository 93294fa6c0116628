package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestConsoleB2BGridFits: the organiser's grid of a B2B day like the demo fair's (14 tables, 21
// slots of 20 minutes, 12 in the morning) fits a 1366 × 768 desktop: the page does not scroll
// sideways, every table is on the screen, and each meeting's cell says who meets whom with its
// "Chuyển…" inside the cell; the grid scrolls down in its own box with the tables' header in
// sight. With 40 tables the grid scrolls sideways in its own box, never the page, with the
// slots' times and the header in sight; on a 360 px phone it scrolls sideways in its box too,
// with the lunch break's words and a finger-sized "Chuyển…".
func TestConsoleB2BGridFits(t *testing.T) {
	j := startJourney(t)
	x := setUpB2BFair(t, j, "gridfit", "Hội nghị kết nối cung cầu Đồng bằng sông Hồng", 2, []string{"domestic", "JP"})
	setB2BTables(t, x, 14)
	for _, m := range []struct {
		buyer, producer     client
		buyerID, producerID string
	}{{x.buyer, x.honey, x.buyerID, x.honeyID}, {x.buyer, x.tea, x.buyerID, x.teaID}, {x.buyer2, x.honey, x.buyer2ID, x.honeyID}, {x.buyer2, x.tea, x.buyer2ID, x.teaID}} {
		asked := m.buyer.call("POST", "/api/fairs/"+x.fairID+"/meetings", map[string]any{"buyer_id": m.buyerID, "producer_id": m.producerID, "session": "any"})
		m.producer.call("POST", fmt.Sprintf("/api/meetings/%s/accept", asked["id"]), nil)
	}
	x.org.call("POST", "/api/fairs/"+x.fairID+"/schedule?time_limit_ms=3000&mode=fresh", nil)
	org := j.person("gridfit-organiser", 1366, 768)
	org.login("sct@gridfit.example.vn", "organiser-pass-1")
	org.open("#/fair/" + x.fairID + "/b2b")
	org.until("the grid with the four meetings", "document.querySelectorAll('#b2b-grid .mcell').length === 4", true)
	stepGridFitsDesktop(t, org)
	phone := j.person("gridfit-organiser-phone", 360, 800)
	phone.login("sct@gridfit.example.vn", "organiser-pass-1")
	phone.open("#/fair/" + x.fairID + "/b2b")
	phone.until("the grid on a phone", "document.querySelectorAll('#b2b-grid .mcell').length === 4", true)
	stepGridScrollsInItsBoxOnAPhone(t, phone)
	setB2BTables(t, x, 40)
	org.run(chromedp.Reload())
	org.until("the grid with 40 tables", "document.querySelectorAll('#b2b-grid thead th').length === 41", true)
	stepManyTablesScrollInTheirBox(t, org)
	stepLunchRefusedAsTyped(t, org)
}

// stepLunchRefusedAsTyped: the line of the day's times, as the settings are typed, says a lunch
// break the API refuses, in the words the API then puts under the field, in Vietnamese and in
// English: more than 240 minutes, or on a day with only a morning or only an afternoon; and a day
// that would end past midnight.
func stepLunchRefusedAsTyped(t *testing.T, org browser) {
	t.Helper()
	const line = "document.querySelector('#b2b-times')"
	said := func(values map[string]string) string {
		org.fill(values)
		return org.eval(line + ".textContent + (" + line + ".classList.contains('refused') ? ' [refused]' : '')")
	}
	for _, c := range []struct {
		values map[string]string
		want   string
	}{
		{map[string]string{"#b2b-morning_slots": "12", "#b2b-lunch_minutes": "300"}, "Sáng 08:00–12:00 · Nghỉ trưa phải từ 0 đến 240 phút [refused]"},
		{map[string]string{"#b2b-lunch_minutes": "-5"}, "Sáng 08:00–12:00 · Nghỉ trưa phải từ 0 đến 240 phút [refused]"},
		{map[string]string{"#b2b-morning_slots": "0", "#b2b-lunch_minutes": "60"}, "Chiều 08:00–15:00 · Nghỉ trưa " + oneSession + " [refused]"},
		{map[string]string{"#b2b-morning_slots": "12", "#b2b-lunch_minutes": "60"}, "Sáng 08:00–12:00 · Nghỉ trưa 12:00–13:00 · Chiều 13:00–16:00"},
		// A day past midnight: its times wrapped round to "Chiều 01:00–04:00"; the API refuses it.
		{map[string]string{"#b2b-start_time": "20:00"}, "Ngày B2B sẽ kết thúc lúc 04:00 hôm sau: giờ bắt đầu cộng số lượt × số phút mỗi lượt và giờ nghỉ trưa phải xong trước 24:00 [refused]"},
		{map[string]string{"#b2b-start_time": "08:00"}, "Sáng 08:00–12:00 · Nghỉ trưa 12:00–13:00 · Chiều 13:00–16:00"},
		{map[string]string{"#b2b-morning_slots": "21"}, "Sáng 08:00–15:00 · Nghỉ trưa " + oneSession + " [refused]"},
	} {
		if got := said(c.values); got != c.want {
			t.Errorf("with %v the day's times read %q, want %q", c.values, got, c.want)
		}
	}
	// Saved as typed, the API refuses the lunch break in the same words.
	org.submit("b2b")
	org.until("the refusal under the lunch break", "document.querySelector('[data-field=lunch_minutes].bad .err')", false)
	if got := org.eval("document.querySelector('[data-field=lunch_minutes] .err').textContent"); got != oneSession {
		t.Errorf("the API refuses the lunch break with %q, the line said %q", got, oneSession)
	}
	org.run(chromedp.Click("#lang"))
	org.until("the line in English", line+".textContent.startsWith('Morning')", false)
	if got := said(map[string]string{"#b2b-morning_slots": "21", "#b2b-lunch_minutes": "60"}); got != "Morning 08:00–15:00 · Lunch break can be set only on a day with both a morning and an afternoon (the morning's slots above 0 and below the day's slots) [refused]" {
		t.Errorf("in English the day's times read %q", got)
	}
	if got := said(map[string]string{"#b2b-lunch_minutes": "300"}); got != "Morning 08:00–15:00 · Lunch break must be 0 to 240 minutes [refused]" {
		t.Errorf("in English, with 300 minutes' lunch, the day's times read %q", got)
	}
	org.shot("b2b-lunch-refused")
	org.run(chromedp.Click("#lang"))
}

// oneSession is the API's refusal of a lunch break on a day with one session.
const oneSession = "chỉ đặt được khi ngày có cả buổi sáng và buổi chiều (số lượt buổi sáng lớn hơn 0 và nhỏ hơn số lượt trong ngày)"

// setB2BTables sets the fair's B2B day to the demo's (21 slots of 20 minutes, 12 in the
// morning, an hour's lunch) at tables tables, and waits until matchmaking's grid has them.
func setB2BTables(t *testing.T, x b2bFair, tables int) {
	t.Helper()
	x.org.call("PUT", "/api/fairs/"+x.fairID+"/b2b-sessions", map[string]any{"days": []map[string]any{{"date": x.day, "start_time": "08:00", "slot_minutes": 20,
		"slots": 21, "morning_slots": 12, "tables": tables, "lunch_minutes": 60}}})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if g := asList(x.org.call("GET", "/api/fairs/"+x.fairID+"/agenda", nil)["grid"]); len(g) == 1 && g[0]["tables"] == float64(tables) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("matchmaking's grid never had %d tables", tables)
		}
	}
}

// gridJS defines, in the page, the grid's box (w), its table's header row (head) and its last
// slot's row (last).
const gridJS = `const w = document.querySelector('#b2b-grid .tablewrap'), head = w.querySelector('thead tr'), last = w.querySelector('tbody tr:last-child');
	const on = (e) => { const r = e.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight + 1 && r.left >= 0 && r.right <= innerWidth + 1; };
	const all = (es) => [...es].every(on);`

// stepGridFitsDesktop: at 1366 × 768 the 14 tables' grid is no wider than the window, each table's
// header is on the screen, each meeting's cell holds its names and its "Chuyển…" without spilling
// over, and with the last slot scrolled into sight the tables' header is still in sight.
func stepGridFitsDesktop(t *testing.T, org browser) {
	t.Helper()
	if got := org.eval(`(() => { ` + gridJS + ` return [document.scrollingElement.scrollWidth, w.scrollWidth, innerWidth].join(' ') })()`); got != "1366 "+org.eval(`String(document.querySelector('#b2b-grid .tablewrap').clientWidth)`)+" 1366" {
		t.Errorf("the B2B tab with 14 tables is %s px wide (page, grid, window), want no wider than its box and the window", got)
	}
	if off := org.eval(`(() => { ` + gridJS + ` w.scrollIntoView({ block: 'start' }); return [...head.children].filter((th) => !on(th)).map((th) => th.textContent).join(', ') })()`); off != "" {
		t.Errorf("the tables' header is off a 1366 px screen at %s", off)
	}
	cells := org.eval(`[...document.querySelectorAll('#b2b-grid .mcell')].map((c) => { const b = c.querySelector('button.move-menu'), r = c.getBoundingClientRect(), br = b.getBoundingClientRect();
		const range = document.createRange(); range.selectNodeContents(b);
		return (c.scrollWidth <= c.clientWidth && br.left >= r.left && br.right <= r.right + 0.5 && range.getClientRects().length === 1 ? 'fits' : 'spills') + ': ' + c.textContent }).sort().join(' | ')`)
	want := "fits: Chuỗi Siêu thị SenHTX Chè Shan TuyếtChuyển… | fits: Chuỗi Siêu thị SenHTX Mật ong Bắc HàChuyển… | " +
		"fits: Cửa hàng Đặc sản ViệtHTX Chè Shan TuyếtChuyển… | fits: Cửa hàng Đặc sản ViệtHTX Mật ong Bắc HàChuyển…"
	if cells != want {
		t.Errorf("the meetings' cells read %q, want %q", cells, want)
	}
	if got := org.eval(`(() => { ` + gridJS + ` last.scrollIntoView({ block: 'end' });
		return (on(last) ? 'last slot in sight' : 'last slot off') + ', ' + (all(head.children) ? 'header in sight' : 'header off') })()`); got != "last slot in sight, header in sight" {
		t.Errorf("scrolled to the last slot, the grid has its %s", got)
	}
	// Drawn again (as by a live update), the grid stays scrolled down where it was.
	kept, err := chromedp.Run(org.ctx, chromedp.Evaluate[string](`(async () => { const was = document.querySelector('#b2b-grid .tablewrap'), top = was.scrollTop;
		await render(true); await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
		const w = document.querySelector('#b2b-grid .tablewrap');
		return w !== was && top > 0 && Math.abs(w.scrollTop - top) < 2 ? 'kept' : 'scrolled ' + w.scrollTop + ' px, was ' + top + (w === was ? ' (not drawn again)' : '') })()`, chromedp.EvalAwaitPromise))
	if err != nil || kept != "kept" {
		t.Errorf("drawn again, the grid is %s (%v)", kept, err)
	}
	org.shot("b2b-grid-14-tables")
	noAxeFindings(org, "the 14 tables' grid")
}

// stepManyTablesScrollInTheirBox: with 40 tables the grid's box scrolls sideways, the page does
// not, and scrolled to the last table the day's date, the slots' times and the header are still
// in sight.
func stepManyTablesScrollInTheirBox(t *testing.T, org browser) {
	t.Helper()
	got := org.eval(`(() => { ` + gridJS + ` window.scrollTo(0, 0); w.scrollIntoView({ block: 'start' }); w.scrollLeft = w.scrollWidth; last.scrollIntoView({ block: 'end', inline: 'nearest' });
		const page = document.scrollingElement.scrollWidth <= innerWidth ? 'page still' : 'page scrolls';
		const box = w.scrollLeft > 0 ? 'box scrolled' : 'box still';
		const slot = on(last.querySelector('td.slot')) ? 'time in sight' : 'time off';
		const t40 = on(head.lastElementChild) && on(head.firstElementChild) ? 'header in sight' : 'header off';
		const day = on(w.querySelector('h2')) ? 'date in sight' : 'date off';
		return [page, box, day, slot, t40].join(', ') })()`)
	if got != "page still, box scrolled, date in sight, time in sight, header in sight" {
		t.Errorf("with 40 tables, scrolled to the last table and slot: %s", got)
	}
	org.shot("b2b-grid-40-tables")
	// Printed, the box is not a screen high: every slot is on paper (it was cut at the first
	// screenful, the box's own rule winning over the print rule).
	media := func(m string) {
		if _, err := chromedp.Call(org.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
			t.Fatal(err)
		}
	}
	media("print")
	if cut := org.eval(`(() => { ` + gridJS + ` return getComputedStyle(w).maxHeight + ' ' + (w.scrollHeight > w.clientHeight ? 'cut' : 'whole') })()`); cut != "none whole" {
		t.Errorf("printed, the grid's box is %s", cut)
	}
	media("")
}

// stepGridScrollsInItsBoxOnAPhone: at 360 px the grid scrolls sideways in its box, not the page,
// the lunch break's words stay on the screen wherever it is scrolled, and "Chuyển…" is a finger's
// size.
func stepGridScrollsInItsBoxOnAPhone(t *testing.T, phone browser) {
	t.Helper()
	got := phone.eval(`(() => { ` + gridJS + ` const wide = w.scrollWidth > w.clientWidth ? 'box scrolls' : 'box still';
		const page = document.scrollingElement.scrollWidth <= innerWidth ? 'page still' : 'page scrolls';
		const lunch = w.querySelector('tr.lunch .lunch-label'); lunch.scrollIntoView({ block: 'center' }); w.scrollLeft = w.scrollWidth;
		const words = on(lunch) ? 'lunch in sight' : 'lunch off';
		const finger = [...w.querySelectorAll('button.move-menu')].every((b) => b.getBoundingClientRect().height >= 44) ? 'finger-sized' : 'small';
		w.scrollLeft = 0; return [wide, page, words, finger].join(', ') })()`)
	if want := "box scrolls, page still, lunch in sight, finger-sized"; got != want {
		t.Errorf("on a 360 px phone the grid has %s, want %s", got, want)
	}
	if strings.Contains(got, "lunch off") {
		phone.shot("b2b-grid-phone-lunch-off")
	}
	phone.shot("b2b-grid-phone")
}
