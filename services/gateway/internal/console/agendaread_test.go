package console_test

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleAgendaKeepsReadingPlace: a producer reads its agenda on a 360 px phone, four
// meetings over the fair's two B2B days, scrolled down to the second day's second meeting. The
// organiser cancels the first day's only meeting: drawn again by the live update without that
// day, the agenda still shows the meeting read where it was on the screen (keeping the page's
// offset moved it up by the day's height). The organiser moves the meeting above it in its day
// to the day's end: it stays where it was again. The keyboard, on the buyer's name in the meeting
// read, stays there throughout.
func TestConsoleAgendaKeepsReadingPlace(t *testing.T) {
	j := startJourney(t)
	x := setUpB2BFair(t, j, "agendaread", "Diễn đàn giao thương OCOP hai ngày", 3, []string{"domestic"})
	days := twoB2BDays(t, x)
	buyers := []client{x.buyer, x.buyer2}
	buyerIDs := []string{x.buyerID, x.buyer2ID}
	for i, name := range []string{"Công ty Nông sản Sạch", "Hệ thống Cửa hàng Quà Việt"} {
		b := client{t: t, base: j.base}.register(fmt.Sprintf("mua%d@agendaread.example.vn", i+3), name, "buyer")
		buyers = append(buyers, b)
		buyerIDs = append(buyerIDs, b.call("POST", "/api/buyers", map[string]any{"name": name, "kind": "distributor", "province": "01", "markets": []string{"domestic"}})["id"].(string))
	}
	var ids []string
	for i, b := range buyers {
		m := b.call("POST", "/api/fairs/"+x.fairID+"/meetings", map[string]any{"buyer_id": buyerIDs[i], "producer_id": x.honeyID, "session": "any"})
		x.honey.call("POST", fmt.Sprintf("/api/meetings/%s/accept", m["id"]), nil)
		ids = append(ids, m["id"].(string))
	}
	x.org.call("POST", "/api/fairs/"+x.fairID+"/schedule?time_limit_ms=3000&mode=fresh", nil)
	// The first day holds one meeting; the second three, the third of them the one read.
	placeHoneyMeetings(t, x, map[string]dayPlace{ids[0]: {days[0], 2}, ids[1]: {days[1], 1}, ids[2]: {days[1], 3}, ids[3]: {days[1], 5}})
	p := j.person("agendaread-producer", 360, 640)
	p.login("mo@agendaread.example.vn", "parity-pass-1")
	p.open("#/agenda/" + x.fairID)
	p.until("the agenda's four meetings over two days", "document.querySelectorAll('#agenda tr.meeting').length === 4 && document.querySelectorAll('#agenda .agenda-day').length === 2", true)
	read := `document.querySelector('#agenda tr[data-meeting="` + ids[2] + `"]')`
	top := func() float64 {
		v, err := strconv.ParseFloat(p.eval(read+".getBoundingClientRect().top.toFixed(1)"), 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	p.eval("scrollBy(0, " + read + ".getBoundingClientRect().top - 150), ''")
	before := top()
	if before < 140 || before > 160 || p.eval("String(scrollY > 0)") != "true" {
		t.Fatalf("scrolled down to the meeting read, it is %.1f px below the screen's top (scrollY %s), want 150", before, p.eval("String(scrollY)"))
	}
	// The producer opens the buyer's details in the meeting read: they stay open, shown, through
	// each redraw (the fold had no name, and closed at every live update).
	p.run(chromedp.Click(`#agenda tr[data-meeting="` + ids[2] + `"] summary`))
	facts := read + ".querySelector('details[open] .buyer-facts dl')?.textContent.includes('Nhà phân phối')"
	p.until("the buyer's details open", facts, false)
	p.eval("scrollBy(0, " + read + ".getBoundingClientRect().top - 150), ''")
	before = top()
	// The keyboard is on the buyer's name in the meeting read: it stays there, in sight.
	p.eval(read + ".querySelector('summary').focus({ preventScroll: true }), document.querySelector('#agenda').drawn = true, ''")
	redrawn := func(what, cond string) {
		t.Helper()
		p.until(what, "!document.querySelector('#agenda').drawn && "+cond+" && (document.querySelector('#agenda').drawn = true)", false)
	}
	still := func(after string) {
		t.Helper()
		if got := top(); math.Abs(got-before) > 3 {
			p.shot("agenda-reading-place")
			t.Errorf("%s, the meeting read is %.1f px below the screen's top, want %.1f where it was", after, got, before)
		}
		p.until(after+", the buyer's details still open and shown", facts, false)
		if p.eval("String("+read+".querySelector('summary') === document.activeElement)") != "true" {
			t.Errorf("%s, the keyboard is on %s, want the buyer's name in the meeting read", after, p.eval("document.activeElement.outerHTML.slice(0, 80)"))
		}
	}
	x.org.call("POST", "/api/meetings/"+ids[0]+"/cancel", map[string]any{"reason": "Bên mua báo bận"})
	redrawn("the agenda drawn again without the first day", "document.querySelectorAll('#agenda .agenda-day').length === 1")
	still("the first day's meeting cancelled")
	x.org.call("POST", "/api/meetings/"+ids[1]+"/move", map[string]any{"day": days[1], "slot": 6, "table": 1})
	redrawn("the agenda drawn again with the meeting above moved below", `document.querySelector('#agenda tr.meeting:last-child')?.dataset.meeting === "`+ids[1]+`"`)
	still("the meeting above it moved to the day's end")
}

// dayPlace is a meeting's day and slot in the B2B grid.
type dayPlace struct {
	day  string
	slot int
}

// twoB2BDays gives the fair of x a second B2B day after its first, both of six 20-minute slots
// with a lunch break after the third, and returns the two dates once matchmaking has them.
func twoB2BDays(t *testing.T, x b2bFair) []string {
	t.Helper()
	first, err := time.Parse(time.DateOnly, x.day)
	if err != nil {
		t.Fatal(err)
	}
	days := []string{x.day, first.AddDate(0, 0, 1).Format(time.DateOnly)}
	var body []map[string]any
	for _, d := range days {
		body = append(body, map[string]any{"date": d, "start_time": "08:00", "slot_minutes": 20, "slots": 6, "morning_slots": 3, "tables": 3, "lunch_minutes": 60})
	}
	x.org.call("PUT", "/api/fairs/"+x.fairID+"/b2b-sessions", map[string]any{"days": body})
	for deadline := time.Now().Add(20 * time.Second); len(asList(x.org.call("GET", "/api/fairs/"+x.fairID+"/agenda", nil)["grid"])) != 2; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("matchmaking's grid never had the two days")
		}
	}
	return days
}

// placeHoneyMeetings moves the honey producer's scheduled meetings (by ID) to the places wanted,
// at table 1, each once no other of them holds its place (the producer meets one buyer at a
// time); when each is in another's way, one first steps aside to a place none holds or wants.
func placeHoneyMeetings(t *testing.T, x b2bFair, want map[string]dayPlace) {
	t.Helper()
	at, wanted := map[string]dayPlace{}, map[dayPlace]bool{}
	for _, m := range asList(x.org.call("GET", "/api/fairs/"+x.fairID+"/agenda", nil)["meetings"]) {
		at[m["id"].(string)] = dayPlace{m["day"].(string), int(m["slot"].(float64))}
	}
	held := func(p dayPlace, but string) bool {
		for id, q := range at {
			if q == p && id != but {
				return true
			}
		}
		return false
	}
	move := func(id string, p dayPlace) {
		x.org.call("POST", "/api/meetings/"+id+"/move", map[string]any{"day": p.day, "slot": p.slot, "table": 1})
		at[id] = p
	}
	var todo []string
	for id, p := range want {
		todo, wanted[p] = append(todo, id), true
	}
	sort.Strings(todo)
	for len(todo) > 0 {
		var rest []string
		for _, id := range todo {
			if at[id] == want[id] {
				continue
			}
			if held(want[id], id) {
				rest = append(rest, id)
				continue
			}
			move(id, want[id])
		}
		if len(rest) == len(todo) {
			move(rest[0], aside(t, at, wanted, want[rest[0]].day))
		}
		todo = rest
	}
}

// aside is a place on day that no meeting holds (at) and none is wanted at.
func aside(t *testing.T, at map[string]dayPlace, wanted map[dayPlace]bool, day string) dayPlace {
	t.Helper()
	for slot := 1; slot <= 6; slot++ {
		p := dayPlace{day, slot}
		if wanted[p] {
			continue
		}
		if !slices.Contains(slices.Collect(maps.Values(at)), p) {
			return p
		}
	}
	t.Fatalf("no place left aside on %s: %v", day, at)
	return dayPlace{}
}
