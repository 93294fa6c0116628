package console_test

import (
	"fmt"
	"testing"
	"time"
)

// TestConsoleAgendaDaysKeepTheirScroll: a buyer's agenda on a 360 px phone with a meeting on each
// of the fair's two B2B days. Each day's box fits the phone (its rows are cards) and is named by
// its date where the page keeps boxes' scroll through a redraw. With a day's list wider than the
// phone (stood in for by a wider table), the buyer scrolls the first day's box a little and the
// second's further; the organiser moves the first day's meeting to the second day, and the
// agenda, drawn again by the live update without the first day, still has the second day's box
// where the buyer left it. The meeting moved back, the first day comes back unscrolled and the
// second keeps its scroll.
func TestConsoleAgendaDaysKeepTheirScroll(t *testing.T) {
	j := startJourney(t)
	x := setUpB2BFair(t, j, "agendadays", "Diễn đàn kết nối giao thương OCOP hai ngày", 3, []string{"domestic"})
	days := twoB2BDays(t, x)
	var ids []string
	for _, p := range []struct {
		producer client
		id       string
	}{{x.honey, x.honeyID}, {x.tea, x.teaID}} {
		m := x.buyer.call("POST", "/api/fairs/"+x.fairID+"/meetings", map[string]any{"buyer_id": x.buyerID, "producer_id": p.id, "session": "any"})
		p.producer.call("POST", fmt.Sprintf("/api/meetings/%s/accept", m["id"]), nil)
		ids = append(ids, m["id"].(string))
	}
	x.org.call("POST", "/api/fairs/"+x.fairID+"/schedule?time_limit_ms=3000&mode=fresh", nil)
	move := func(id, day string, slot int) {
		x.org.call("POST", "/api/meetings/"+id+"/move", map[string]any{"day": day, "slot": slot, "table": 1})
	}
	move(ids[0], days[0], 1)
	move(ids[1], days[1], 2)
	b := j.person("agendadays-buyer", 360, 800)
	b.login("mua@agendadays.example.vn", "parity-pass-1")
	b.open("#/agenda/" + x.fairID)
	b.until("the agenda's two days", "document.querySelectorAll('#agenda .tablewrap').length === 2", true)
	stepAgendaDaysNamed(t, b, days)
	// Each box by the date it says (dd/mm/yyyy) and how far it is scrolled.
	scrolls := func() string {
		return b.eval(`[...document.querySelectorAll('#agenda .tablewrap')].map((w) => w.querySelector('h2').textContent + ' ' + Math.round(w.scrollLeft)).join(', ')`)
	}
	var said []string
	for _, d := range days {
		day, err := time.Parse(time.DateOnly, d)
		if err != nil {
			t.Fatal(err)
		}
		said = append(said, day.Format("02/01/2006"))
	}
	b.eval(`(() => { const s = document.createElement('style'); s.textContent = '#agenda table.agenda { min-width: 40rem }'; document.head.append(s);
		const [w1, w2] = document.querySelectorAll('#agenda .tablewrap'); w1.scrollLeft = 60; w2.scrollLeft = 200; document.querySelector('#agenda').drawn = true; return '' })()`)
	if got, want := scrolls(), said[0]+" 60, "+said[1]+" 200"; got != want {
		t.Fatalf("the wider days' boxes scrolled to %q, want %q", got, want)
	}
	move(ids[0], days[1], 4)
	b.until("the agenda drawn again without the first day", "!document.querySelector('#agenda').drawn && document.querySelectorAll('#agenda .tablewrap').length === 1 && (document.querySelector('#agenda').drawn = true)", false)
	if got, want := scrolls(), said[1]+" 200"; got != want {
		b.shot("agenda-day-gone-scroll")
		t.Errorf("the first day gone, the agenda's box is scrolled to %q, want %q where the buyer left it (the first day's was 60)", got, want)
	}
	move(ids[0], days[0], 1)
	b.until("the first day back", "!document.querySelector('#agenda').drawn && document.querySelectorAll('#agenda .tablewrap').length === 2", false)
	if got, want := scrolls(), said[0]+" 0, "+said[1]+" 200"; got != want {
		b.shot("agenda-day-back-scroll")
		t.Errorf("the first day back, the agenda's boxes are scrolled to %q, want %q", got, want)
	}
}

// stepAgendaDaysNamed: on the phone each of the agenda's days (days, yyyy-mm-dd) fits its box,
// which the page's keeping of scroll through a redraw names by its date.
func stepAgendaDaysNamed(t *testing.T, b browser, days []string) {
	t.Helper()
	got := b.eval(`scrollBoxes(document.querySelector('#app')).map(([key, w]) => key + (w.scrollWidth > w.clientWidth ? ' scrolls sideways' : ' fits')).join(', ')`)
	if want := "day " + days[0] + " fits, day " + days[1] + " fits"; got != want {
		t.Errorf("on a 360 px phone the agenda's boxes are %q, want %q", got, want)
	}
	fitsPhone(b, "the agenda of two days")
}
