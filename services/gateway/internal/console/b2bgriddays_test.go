package console_test

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleB2BGridDays: a forum of two long B2B days (14 tables, 32 slots of 15 minutes, an
// hour's lunch). At 1366 × 768 the organiser scrolls each day's grid down its box to the last slot:
// the day's date stays in sight at the top of the box, the tables' header under it, neither hiding
// the other; scrolled back up, the first slot is under them. Each day's grid, scrolled to a place
// of its own, stays there when the page is drawn again; once the first day is removed, the second
// day's grid is still where the organiser left it, not where the removed day's was. On a 360 px
// phone the date is above the header and goes up with the page, and stays in sight while the grid
// scrolls sideways.
func TestConsoleB2BGridDays(t *testing.T) {
	j := startJourney(t)
	x := setUpB2BFair(t, j, "griddays", "Diễn đàn kết nối giao thương OCOP hai ngày", 14, []string{"domestic"})
	first, err := time.Parse(time.DateOnly, x.day)
	if err != nil {
		t.Fatal(err)
	}
	days := []time.Time{first, first.AddDate(0, 0, 1)}
	var body []map[string]any
	for _, d := range days {
		body = append(body, map[string]any{"date": d.Format(time.DateOnly), "start_time": "08:00", "slot_minutes": 15, "slots": 32, "morning_slots": 16, "tables": 14, "lunch_minutes": 60})
	}
	x.org.call("PUT", "/api/fairs/"+x.fairID+"/b2b-sessions", map[string]any{"days": body})
	for deadline := time.Now().Add(20 * time.Second); len(asList(x.org.call("GET", "/api/fairs/"+x.fairID+"/agenda", nil)["grid"])) != 2; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("matchmaking's grid never had the two days")
		}
	}
	const drawn = "document.querySelectorAll('#b2b-grid .tablewrap').length === 2 && [...document.querySelectorAll('#b2b-grid .tablewrap')].every((w) => w.querySelectorAll('tbody td.slot').length === 32)"
	org := j.person("griddays-organiser", 1366, 768)
	org.login("sct@griddays.example.vn", "organiser-pass-1")
	org.open("#/fair/" + x.fairID + "/b2b")
	org.until("the two days' grids", drawn, true)
	for i, d := range days {
		stepDayInSightScrolledDown(t, org, i, d.Format("02/01/2006"))
	}
	phone := j.person("griddays-organiser-phone", 360, 800)
	phone.login("sct@griddays.example.vn", "organiser-pass-1")
	phone.open("#/fair/" + x.fairID + "/b2b")
	phone.until("the two days' grids on a phone", drawn, true)
	stepDayOnAPhone(t, phone, days[0].Format("02/01/2006"))
	stepScrollKeptByDay(t, org, days[0].Format(time.DateOnly), days[1].Format(time.DateOnly))
}

// seenJS defines, in the page, seen(w, e): element e is wholly inside its box w and on the screen,
// and what is at its middle is e, not something drawn over it.
const seenJS = `const seen = (w, e) => { const r = e.getBoundingClientRect(), b = w.getBoundingClientRect();
		return r.height > 0 && r.top >= Math.max(b.top, 0) - 0.5 && r.bottom <= Math.min(b.bottom, innerHeight) + 0.5 && r.left >= b.left - 0.5 && r.right <= b.right + 0.5
			&& e.contains(document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)); };`

// stepDayInSightScrolledDown: the i-th day's grid (of the day date, dd/mm/yyyy), scrolled down its
// box to the last slot, shows the date and the tables' header; scrolled back up, the first slot.
func stepDayInSightScrolledDown(t *testing.T, org browser, i int, date string) {
	t.Helper()
	got := org.eval(`(() => { ` + seenJS + ` const w = document.querySelectorAll('#b2b-grid .tablewrap')[` + strconv.Itoa(i) + `];
		window.scrollTo(0, 0); w.scrollIntoView({ block: 'start' }); w.scrollTop = w.scrollHeight;
		const day = w.querySelector('h2'), head = [...w.querySelectorAll('thead th')], last = w.querySelector('tbody tr:last-child td.slot');
		const down = [w.scrollTop > w.clientHeight / 4 ? 'scrolled down' : 'box still', seen(w, day) ? 'date ' + day.textContent : 'date off',
			head.every((th) => seen(w, th)) ? 'header in sight' : 'header off: ' + head.filter((th) => !seen(w, th)).map((th) => th.textContent).join(', '),
			seen(w, last) ? 'last slot in sight' : 'last slot off'];
		w.scrollTop = 0;
		return [...down, seen(w, w.querySelector('tbody td.slot')) ? 'first slot in sight at the top' : 'first slot hidden at the top'].join(', ') })()`)
	if want := "scrolled down, date " + date + ", header in sight, last slot in sight, first slot in sight at the top"; got != want {
		org.shot(fmt.Sprintf("b2b-grid-day-%d-off", i+1))
		t.Errorf("the grid of %s at 1366 px, scrolled down its box, has %q, want %q", date, got, want)
	}
}

// stepDayOnAPhone: at 360 px the first day's date (date) is above the tables' header, not over
// the grid; it stays in sight with the grid scrolled sideways in its box, and goes up with the
// page as the page is scrolled down to the last slot (the box does not scroll down on a phone).
func stepDayOnAPhone(t *testing.T, phone browser, date string) {
	t.Helper()
	got := phone.eval(`(() => { ` + seenJS + ` const w = document.querySelector('#b2b-grid .tablewrap'), day = w.querySelector('h2'), head = w.querySelector('thead');
		window.scrollTo(0, 0); w.scrollIntoView({ block: 'start' }); w.scrollLeft = w.scrollWidth;
		const at = () => day.getBoundingClientRect().top - w.getBoundingClientRect().top, was = at(), y = scrollY;
		const said = [w.scrollLeft > 0 ? 'box scrolled sideways' : 'box still', seen(w, day) ? 'date ' + day.textContent : 'date off',
			day.getBoundingClientRect().bottom <= head.getBoundingClientRect().top + 0.5 ? 'above the header' : 'over the grid', w.scrollHeight <= w.clientHeight ? 'page scrolls down' : 'box scrolls down'];
		w.querySelector('tbody tr:last-child').scrollIntoView({ block: 'end' }); w.scrollLeft = 0;
		said.push(scrollY > y && Math.abs(at() - was) < 1 ? 'date gone up with the page' : 'date stuck');
		return said.join(', ') })()`)
	if want := "box scrolled sideways, date " + date + ", above the header, page scrolls down, date gone up with the page"; got != want {
		phone.shot("b2b-grid-day-phone")
		t.Errorf("on a 360 px phone the grid of %s has %q, want %q", date, got, want)
	}
}

// stepScrollKeptByDay: the organiser scrolls the first day's grid a little and the second's
// to its last slot (the days first and second, yyyy-mm-dd); the page drawn again keeps both. The
// first day removed, the second day's grid, now the only one, is still at its last slot.
func stepScrollKeptByDay(t *testing.T, org browser, first, second string) {
	t.Helper()
	scrolled := org.eval(`(() => { const [w1, w2] = document.querySelectorAll('#b2b-grid .tablewrap'); w1.scrollTop = 120; w2.scrollTop = w2.scrollHeight;
		return Math.round(w1.scrollTop) + ' ' + Math.round(w2.scrollTop) })()`)
	var little, last float64
	if _, err := fmt.Sscan(scrolled, &little, &last); err != nil || little != 120 || last <= little {
		t.Fatalf("the grids scrolled to %q (%v), want the first at 120 px and the second further", scrolled, err)
	}
	tops := func() string {
		return org.eval(`[...document.querySelectorAll('#b2b-grid .tablewrap')].map((w) => w.dataset.day + ' ' + Math.round(w.scrollTop)).join(', ')`)
	}
	kept, err := chromedp.Run(org.ctx, chromedp.Evaluate[string](`(async () => { const was = document.querySelector('#b2b-grid .tablewrap');
		await render(true); await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
		return document.querySelector('#b2b-grid .tablewrap') === was ? 'not drawn again' : 'drawn again' })()`, chromedp.EvalAwaitPromise))
	if err != nil || kept != "drawn again" {
		t.Fatalf("the page was %s (%v)", kept, err)
	}
	if got, want := tops(), fmt.Sprintf("%s 120, %s %v", first, second, last); got != want {
		t.Errorf("drawn again, the grids are scrolled to %q, want %q", got, want)
	}
	// The day being edited is the first; the organiser removes it.
	org.until("the first day being edited", "document.querySelector('#b2b-day-pick') && document.querySelector('#b2b-day-pick').selectedIndex === 0", false)
	org.eval("window.confirm = () => true, ''")
	org.run(chromedp.Click("#b2b-day-remove"))
	org.until("the first day's grid gone", "document.querySelectorAll('#b2b-grid .tablewrap').length === 1 && document.querySelector('#b2b-grid .tablewrap').dataset.day === '"+second+"'", true)
	got := org.eval(`String(document.querySelector('#b2b-grid .tablewrap').scrollTop)`)
	if top, err := strconv.ParseFloat(got, 64); err != nil || math.Abs(top-last) > 2 {
		org.shot("b2b-grid-day-removed")
		t.Errorf("the first day removed, the second day's grid is scrolled to %s px, want %v px where it was left (the removed day's was 120)", got, last)
	}
}
