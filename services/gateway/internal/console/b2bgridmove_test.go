package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleB2BGridMoveKeepsPlace: a forum's long B2B day (30 tables, 32 slots of 15 minutes)
// at 1366 × 768, whose grid scrolls down and sideways in its box. The organiser scrolls the box
// to a meeting in slot 18 of table 14 and drags it to the next cell; the grid, drawn again with
// the move, is still scrolled where it was, the meeting in sight in its new cell. So it stays
// after a repair run, and after moving the meeting with "Chuyển…" to a cell in sight.
func TestConsoleB2BGridMoveKeepsPlace(t *testing.T) {
	j := startJourney(t)
	x := setUpB2BFair(t, j, "gridmove", "Diễn đàn kết nối giao thương OCOP toàn quốc", 3, []string{"domestic"})
	x.org.call("PUT", "/api/fairs/"+x.fairID+"/b2b-sessions", map[string]any{"days": []map[string]any{{"date": x.day, "start_time": "08:00", "slot_minutes": 15,
		"slots": 32, "morning_slots": 16, "tables": 30, "lunch_minutes": 60}}})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if g := asList(x.org.call("GET", "/api/fairs/"+x.fairID+"/agenda", nil)["grid"]); len(g) == 1 && g[0]["tables"] == float64(30) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("matchmaking's grid never had the 30 tables")
		}
	}
	var id string
	for _, m := range []struct {
		buyer, producer     client
		buyerID, producerID string
	}{{x.buyer, x.honey, x.buyerID, x.honeyID}, {x.buyer2, x.tea, x.buyer2ID, x.teaID}} {
		asked := m.buyer.call("POST", "/api/fairs/"+x.fairID+"/meetings", map[string]any{"buyer_id": m.buyerID, "producer_id": m.producerID, "session": "any"})
		m.producer.call("POST", fmt.Sprintf("/api/meetings/%s/accept", asked["id"]), nil)
		if id == "" {
			id = asked["id"].(string)
		}
	}
	x.org.call("POST", "/api/fairs/"+x.fairID+"/schedule?time_limit_ms=3000&mode=fresh", nil)
	x.org.call("POST", "/api/meetings/"+id+"/move", map[string]any{"day": x.day, "slot": 18, "table": 14})
	org := j.person("gridmove-organiser", 1366, 768)
	org.login("sct@gridmove.example.vn", "organiser-pass-1")
	org.open("#/fair/" + x.fairID + "/b2b")
	meeting := `document.querySelector('#b2b-grid .mcell[data-meeting="` + id + `"]')`
	org.until("the meeting in slot 18 of table 14", cell(18, 14)+" && "+cell(18, 14)+".contains("+meeting+")", true)
	stepScrollToTheMeeting(t, org, meeting)
	org.eval("window.dt = new DataTransfer(); " + meeting + ".dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: dt })), " +
		cell(19, 15) + ".dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt })), ''")
	stepGridStaysWithTheMeeting(t, org, meeting, "dropped in slot 19 of table 15", cell(19, 15)+".contains("+meeting+") && document.querySelector('#move-msg').textContent.startsWith('Đã chuyển cuộc gặp')")
	// The run's button is above the grid: the page scrolls up to it, and back down to the grid.
	org.run(chromedp.Click("#run-schedule"))
	const ran = "document.querySelector('#schedule-said').textContent.includes('cuộc gặp đã phải chuyển chỗ')"
	org.until("the repair's answer", ran, false)
	org.eval("document.querySelector('#b2b-grid .tablewrap').scrollIntoView({ block: 'end' }), ''")
	stepGridStaysWithTheMeeting(t, org, meeting, "a repair run", ran)
	org.run(chromedp.Click(`#b2b-grid .mcell[data-meeting="` + id + `"] button.move-menu`))
	org.until("the move menu", "document.querySelector('#move-panel #move-slot')", false)
	org.runAgain(chromedp.SetValue("#move-slot", x.day+"|17"), chromedp.Evaluate[chromedp.Void]("document.querySelector('#move-slot').dispatchEvent(new Event('change'))"),
		chromedp.SetValue("#move-table", "13"), chromedp.Click("#move-do"))
	stepGridStaysWithTheMeeting(t, org, meeting, "moved to slot 17 of table 13 with «Chuyển…»", cell(17, 13)+".contains("+meeting+") && !document.querySelector('#move-panel')")
}

// stepScrollToTheMeeting scrolls the grid's box to the meeting (a script finding it), which takes
// the box down and sideways, short of its ends (a box drawn again and scrolled back to the meeting
// would be there too), and notes where the box is (window.was) and marks it drawn.
func stepScrollToTheMeeting(t *testing.T, org browser, meeting string) {
	t.Helper()
	got := org.eval(`(() => { const w = document.querySelector('#b2b-grid .tablewrap'); ` + meeting + `.scrollIntoView({ block: 'center', inline: 'center' });
		window.was = [w.scrollLeft, w.scrollTop]; w.drawn = true;
		const mid = (at, most) => at > 0 && at < most - 1;
		return (mid(w.scrollLeft, w.scrollWidth - w.clientWidth) ? 'box scrolled sideways' : 'box at ' + w.scrollLeft + ' of ' + (w.scrollWidth - w.clientWidth)) + ', ' +
			(mid(w.scrollTop, w.scrollHeight - w.clientHeight) ? 'box scrolled down' : 'box at ' + w.scrollTop + ' of ' + (w.scrollHeight - w.clientHeight)) })()`)
	if got != "box scrolled sideways, box scrolled down" {
		org.shot("grid-move-not-scrolled")
		t.Fatalf("scrolled to the meeting in slot 18 of table 14, the grid's %s, want it scrolled both ways short of its ends", got)
	}
}

// stepGridStaysWithTheMeeting waits for the grid drawn again after what was done (done: a script
// that holds once the page says it), then checks that the box is scrolled where it was and the
// meeting (a script finding it) is in sight in its box and on the screen.
func stepGridStaysWithTheMeeting(t *testing.T, org browser, meeting, what, done string) {
	t.Helper()
	org.until("the grid drawn again after "+what, "!document.querySelector('#b2b-grid .tablewrap').drawn && "+done, false)
	got := org.eval(`(() => { ` + seenJS + ` const w = document.querySelector('#b2b-grid .tablewrap'), m = ` + meeting + `;
		const kept = Math.abs(w.scrollLeft - was[0]) < 2 && Math.abs(w.scrollTop - was[1]) < 2 ? 'box kept' : 'box at ' + [w.scrollLeft, w.scrollTop] + ', was ' + was;
		w.drawn = true;
		return kept + ', ' + (seen(w, m) ? 'meeting in sight' : 'meeting off') })()`)
	if got != "box kept, meeting in sight" {
		org.shot("grid-moved-away-after-" + strings.ReplaceAll(what, " ", "-"))
		t.Errorf("after %s the grid's %s, want the box kept and the meeting in sight", what, got)
	}
}
