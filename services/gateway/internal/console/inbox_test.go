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
)

// inboxFair is what TestConsoleInboxAndMoves sets up through the API: a fair with a B2B day,
// two exhibitors, two buyers, and the people's API clients.
type inboxFair struct {
	b2bFair
	requestID string
}

// TestConsoleInboxAndMoves: a buyer asks for a meeting, the producer answers on a phone with
// another time, the buyer accepts it, and both see "Đã chấp nhận" without a reload; another
// producer declines with a reason the buyer reads; the organiser drags a meeting to another cell
// of the grid (the cells that cannot take it are marked while it moves) and after a reload it is
// there; on a phone, a move with "Chuyển…" onto a slot where a participant already meets is
// refused in words.
func TestConsoleInboxAndMoves(t *testing.T) {
	j := startJourney(t)
	x := setUpInboxFair(t, j)
	bb := j.person("inbox-buyer", 1366, 800)
	bb.login("mua@inbox.example.vn", "parity-pass-1")
	prod := j.person("inbox-producer", 360, 800)
	prod.login("mo@inbox.example.vn", "parity-pass-1")
	stepAskProposeAccept(t, bb, prod, x)
	tea := j.person("inbox-tea", 360, 800)
	tea.login("tra@inbox.example.vn", "parity-pass-1")
	stepDeclineWithAReason(t, bb, tea, x)
	org := j.person("inbox-organiser", 1366, 800)
	org.login("sct@inbox.example.vn", "organiser-pass-1")
	stepDragAMeeting(t, org, x)
	orgPhone := j.person("inbox-organiser-phone", 360, 800)
	orgPhone.run(chromedp.EmulateViewport(360, 800, chromedp.EmulateTouch))
	orgPhone.login("sct@inbox.example.vn", "organiser-pass-1")
	// The floor plan's hint speaks of fingers on a touch screen, of the mouse and keys at a desk.
	for _, c := range []struct {
		who  browser
		want string
	}{{orgPhone, "chụm hoặc mở hai ngón"}, {org, "mũi tên để di chuyển"}} {
		who, want := c.who, c.want
		who.open("#/fair/" + x.fairID)
		who.until("the floor plan's hint", "document.querySelector('#map-keys')", false)
		if hint := who.eval("document.querySelector('#map-keys').textContent"); !strings.Contains(hint, want) {
			t.Errorf("%s: the floor plan's hint reads %q, want %q in it", who.name, hint, want)
		}
	}
	stepDragWithAFinger(t, orgPhone, x)
	stepMoveRefusedInWords(t, orgPhone, x)
	stepCancelAMeeting(t, prod, bb, x)
}

// stepCancelAMeeting: on a phone, the honey producer calls off its scheduled meeting with the
// first buyer from the inbox, with a message; "Giữ cuộc gặp" closes the panel first and keeps
// it. The buyer reads the cancellation and the message, and the organiser's agenda has the table
// free again.
func stepCancelAMeeting(t *testing.T, prod, bb browser, x *inboxFair) {
	t.Helper()
	prod.open("#/meetings")
	mine := item("Siêu thị Sen")
	prod.until("the meeting's cancel button", mine+" && "+mine+".querySelector('button.cancel')", true)
	if got := prod.eval(mine + ".textContent"); !strings.Contains(got, "· Bàn ") || strings.Contains(got, "Buổi:") {
		t.Errorf("the scheduled meeting reads %q, want its time and table without the session asked for", got)
	}
	cancel := `#meeting-list li[data-meeting="` + prod.eval(mine+".dataset.meeting") + `"] button.cancel`
	prod.run(chromedp.Click(cancel))
	prod.until("the cancel panel", "document.querySelector('#meeting-list form[id^=cancel-] textarea[name=reason]')", false)
	prod.run(chromedp.Click("#meeting-list .cancel-panel button.close-panel"))
	prod.until("the panel closed, the meeting kept", mine+".querySelector('button.cancel') && !document.querySelector('.cancel-panel') && "+mine+".querySelector('.badge').textContent === 'Đã chấp nhận'", false)
	prod.run(chromedp.Click(cancel))
	prod.until("the cancel panel again", "document.querySelector('#meeting-list form[id^=cancel-] textarea[name=reason]')", false)
	prod.run(chromedp.SendKeys("#meeting-list form[id^=cancel-] textarea[name=reason]", "Xin lỗi, hàng mẫu chưa kịp về"))
	fitsPhone(prod, "the cancel form")
	prod.shot("cancel-meeting")
	prod.run(chromedp.Click("#meeting-list form[id^=cancel-] button[type=submit]"))
	prod.until("cancelled", mine+".querySelector('.badge').textContent === 'Đã hủy' && !"+mine+".querySelector('button.cancel')", false)
	bb.open("#/meetings")
	theirs := item("Mật ong Bắc Hà")
	bb.until("the cancellation on the buyer's side", theirs+" && "+theirs+".querySelector('.reason')", true)
	if got := bb.eval(theirs + ".querySelector('.badge').textContent + ' | ' + " + theirs + ".querySelector('.reason').textContent"); !strings.HasPrefix(got, "Đã hủy | ") || !strings.Contains(got, "Xin lỗi, hàng mẫu chưa kịp về") {
		t.Errorf("the buyer reads the cancelled meeting as %q", got)
	}
	bb.shot("cancelled")
	if p, ok := x.places(t)["Chuỗi Siêu thị Sen – HTX Mật ong Bắc Hà"]; ok {
		t.Errorf("the organiser's agenda still has the cancelled meeting at slot %d table %d", p.slot, p.table)
	}
}

// setUpInboxFair makes the fair (3 B2B tables) and the first buyer's request.
func setUpInboxFair(t *testing.T, j journey) *inboxFair {
	x := &inboxFair{b2bFair: setUpB2BFair(t, j, "inbox", "Hội nghị kết nối cung cầu OCOP", 3, []string{"domestic"})}
	x.requestID = x.buyer.call("POST", fmt.Sprintf("/api/buyers/%s/requests", x.buyerID), map[string]any{"title": "Mật ong cho chuỗi siêu thị", "criteria_sets": []int{4},
		"keywords": []string{"mật ong"}, "min_stars": 3, "monthly_volume": 500, "unit": "litre", "target_market": "domestic", "fair_id": x.fairID})["id"].(string)
	return x
}

// item is the inbox entry (li) whose text includes name.
func item(name string) string {
	return "[...document.querySelectorAll('#meeting-list li[data-meeting]')].find((li) => li.querySelector('.who').textContent.includes('" + name + "'))"
}

// stepAskAnswerLost: the answer to the ask is lost on the way back (the ask is stored): the card
// says the network dropped and the button works again; tapped again, it is the same ask,
// answered as sent.
func stepAskAnswerLost(t *testing.T, bb browser, card string) {
	t.Helper()
	bb.eval(`window.fetch = (u, o) => o && o.method === 'POST' && String(u).endsWith('/meetings') ? window.realFetch(u, o).then(() => { throw new TypeError('Failed to fetch') }) : window.realFetch(u, o),
		document.querySelector('#toast').textContent = '', ''`)
	// The ask is stored, so its event redraws the page live, which would take the button away
	// before the second tap: the page is held as being typed in, as a live update holds it.
	bb.eval("document.querySelector('#match-box').dataset.dirty = '1', ''")
	bb.run(chromedp.Click(card + " .request-meeting"))
	bb.until("the lost answer said, the button back", "document.querySelector('#toast').textContent.startsWith('Mất kết nối mạng') && !document.querySelector('"+card+" .request-meeting').disabled", false)
	bb.eval("window.fetch = window.realFetch, ''")
	bb.run(chromedp.Click(card + " .request-meeting"))
	bb.until("the request sent", "document.querySelector('"+card+" .meeting-status')", true)
	if got := bb.eval("document.querySelector('#toast').textContent"); !strings.HasPrefix(got, "Đã gửi") {
		t.Errorf("the ask tapped again after a lost answer says %q, want it sent", got)
	}
	// The keyboard is on what took the button's place, not back at the top of the page.
	bb.until("the keyboard on the card's new state", "document.activeElement === document.querySelector('"+card+" .meeting-status')", false)
	// and stays there through the live update of the ask, which draws the page again.
	bb.eval("delete document.querySelector('#match-box').dataset.dirty, ''")
	liveRedraw(t, bb, "#match-box")
	bb.until("the keyboard still on the card's new state", "document.activeElement === document.querySelector('"+card+" .meeting-status')", false)
}

// stepAskProposeAccept: the buyer asks the honey producer for a morning meeting from the match
// card; the producer, on a phone, proposes the afternoon of the fair's B2B day instead; the
// buyer's inbox shows the proposal without a reload and accepts it; both read "Đã chấp nhận".
func stepAskProposeAccept(t *testing.T, bb, prod browser, x *inboxFair) {
	t.Helper()
	bb.open("#/request/" + x.requestID)
	card := "#matches .card[data-producer=\"" + x.honeyID + "\"]"
	bb.until("the honey producer's card", "document.querySelector('"+card+" .request-meeting')", true)
	// A live update's redraw, reading the matches while the buyer chooses the morning, shows
	// that choice, not the one it was started with.
	bb.eval(`window.realFetch = window.realFetch || window.fetch, window.heldRead = null,
		window.fetch = (url, opts) => window.heldRead || !String(url).includes('/matches') ? window.realFetch(url, opts) : new Promise((ok) => { window.heldRead = () => ok(window.realFetch(url, opts)) }),
		document.querySelector('#match-box').dataset.old = 'yes', render(true, true), ''`)
	bb.until("the redraw's matches asked for", "window.heldRead", false)
	bb.run(chromedp.SetValue("#meeting-session", "morning"))
	bb.eval("document.querySelector('#meeting-session').dispatchEvent(new Event('change')), window.heldRead(), window.fetch = window.realFetch, ''")
	bb.until("the page redrawn", "!document.querySelector('#match-box').dataset.old && document.querySelector('"+card+" .request-meeting')", false)
	if got := bb.eval("document.querySelector('#meeting-session').value"); got != "morning" {
		t.Errorf("the session chosen after a refresh: %q, want morning", got)
	}
	stepAskAnswerLost(t, bb, card)
	bb.open("#/meetings")
	bb.until("the request under Đã gửi", item("Bắc Hà")+" && document.querySelector('#inbox-tab-sent').getAttribute('aria-selected') === 'true'", true)
	if n := bb.eval("String([...document.querySelectorAll('#meeting-list li[data-meeting]')].filter((li) => li.querySelector('.who').textContent.includes('Bắc Hà')).length)"); n != "1" {
		t.Errorf("%s meetings with the honey producer after an ask tapped twice, want 1", n)
	}
	if got := bb.eval(item("Bắc Hà") + ".querySelector('.badge').textContent"); got != "Chờ trả lời" {
		t.Errorf("the buyer's sent request reads %q, want Chờ trả lời", got)
	}
	fairOf := func(b browser, name string) string {
		return b.eval("(" + item(name) + ".querySelector('.fair-name') || {}).textContent || ''")
	}
	if got := fairOf(bb, "Bắc Hà"); got != "Hội nghị kết nối cung cầu OCOP" {
		t.Errorf("the buyer's meeting card names the fair %q, want Hội nghị kết nối cung cầu OCOP", got)
	}

	prod.open("#/meetings")
	prod.until("the request under Đã nhận, with its answers", item("Siêu thị Sen")+" && "+item("Siêu thị Sen")+".querySelector('button.propose')", true)
	if got := fairOf(prod, "Siêu thị Sen"); got != "Hội nghị kết nối cung cầu OCOP" {
		t.Errorf("the producer's meeting card names the fair %q, want Hội nghị kết nối cung cầu OCOP", got)
	}
	if got := prod.eval("[..." + item("Siêu thị Sen") + ".querySelectorAll('.actions button')].map((b) => b.textContent).join('|')"); got != "Chấp nhận|Đề xuất thời gian khác|Từ chối" {
		t.Errorf("the producer's answers read %q", got)
	}
	prod.run(chromedp.Click("#meeting-list button.propose"))
	prod.until("the proposal form", "document.querySelector('#meeting-list form[id^=propose-]')", false)
	prod.run(chromedp.SetValue("#meeting-list form[id^=propose-] select[name=session]", "afternoon"))
	prod.run(chromedp.SetValue("#meeting-list form[id^=propose-] select[name=day]", x.day))
	prod.run(chromedp.SendKeys("#meeting-list form[id^=propose-] textarea[name=note]", "Buổi sáng chúng tôi bận đón đoàn"))
	fitsPhone(prod, "the proposal form")
	prod.shot("propose")
	prod.run(chromedp.Click("#meeting-list form[id^=propose-] button[type=submit]"))
	prod.until("the proposal sent", item("Siêu thị Sen")+" && "+item("Siêu thị Sen")+".querySelector('.badge').textContent === 'Đã đề xuất thời gian khác' && !"+item("Siêu thị Sen")+".querySelector('button.accept')", false)

	bb.until("the proposal in the buyer's inbox without a reload", item("Bắc Hà")+" && "+item("Bắc Hà")+".querySelector('.badge').textContent === 'Đã đề xuất thời gian khác' && "+item("Bắc Hà")+".querySelector('button.accept')", false)
	if got := bb.eval(item("Bắc Hà") + ".querySelector('.proposal').textContent"); !strings.Contains(got, "Chiều · "+dmyOf(x.day)) || !strings.Contains(got, "bận đón đoàn") {
		t.Errorf("the proposal reads %q, want the afternoon of %s with the note", got, dmyOf(x.day))
	}
	if got := bb.eval(item("Bắc Hà") + ".querySelector('button.accept').textContent"); got != "Chấp nhận thời gian mới" {
		t.Errorf("the buyer's accept reads %q", got)
	}
	bb.shot("proposal")
	bb.run(chromedp.Click("#meeting-list button.accept"))
	bb.until("accepted on the buyer's side", item("Bắc Hà")+".querySelector('.badge').textContent === 'Đã chấp nhận'", false)
	// The accept button is gone with the answer: the keyboard is on the meeting, not the page.
	bb.until("the keyboard on the accepted meeting", "document.activeElement === "+item("Bắc Hà"), false)
	// and stays there when a live update draws the list again, whatever state its classes said
	// before ("awaiting" here, gone since).
	bb.eval("document.activeElement.classList.add('awaiting'), ''")
	liveRedraw(t, bb, "#meeting-list")
	if got := bb.eval("document.activeElement === " + item("Bắc Hà") + " ? '' : document.activeElement.tagName"); got != "" {
		t.Errorf("after a live update the keyboard is on %s, not on the accepted meeting", got)
	}
	prod.until("accepted on the producer's phone without a reload", item("Siêu thị Sen")+".querySelector('.badge').textContent === 'Đã chấp nhận'", false)
	// Not yet scheduled: the meeting says who gives it a time and a table.
	if got := prod.eval(item("Siêu thị Sen") + ".textContent"); !strings.Contains(got, "Chiều · "+dmyOf(x.day)) || !strings.Contains(got, "Chờ ban tổ chức xếp giờ và bàn") {
		t.Errorf("the accepted meeting reads %q, want the afternoon agreed and waiting for a time and table", got)
	}
	fitsPhone(prod, "the inbox")
	prod.shot("accepted")
}

// dmyOf writes a yyyy-mm-dd date as the console does.
func dmyOf(iso string) string {
	d, _ := time.Parse(time.DateOnly, iso)
	return d.Format("02/01/2006")
}

// stepDeclineWithAReason: the tea producer declines a request, picking a reason and adding words
// after the confirmation step; the buyer reads both, and its match card says when it may ask again.
func stepDeclineWithAReason(t *testing.T, bb, tea browser, x *inboxFair) {
	t.Helper()
	x.buyer.call("POST", "/api/fairs/"+x.fairID+"/meetings", map[string]any{"buyer_id": x.buyerID, "producer_id": x.teaID, "session": "any"})
	tea.open("#/meetings")
	tea.until("the request", item("Siêu thị Sen")+" && document.querySelector('#meeting-list button.decline')", true)
	tea.run(chromedp.Click("#meeting-list button.decline"))
	tea.until("the reason picker", "document.querySelector('#meeting-list form[id^=decline-] select[name=reason_code]')", false)
	if got := tea.eval("[...document.querySelectorAll('#meeting-list form[id^=decline-] select[name=reason_code] option')].map((o) => o.textContent).join('|')"); got != "Không sắp xếp được thời gian|Không phù hợp với nhu cầu|Lý do khác" {
		t.Errorf("the reasons offered read %q", got)
	}
	// "Lý do khác" without words would tell the buyer nothing: the words are asked for.
	tea.run(chromedp.SetValue("#meeting-list form[id^=decline-] select[name=reason_code]", "other"))
	tea.run(chromedp.Click("#meeting-list form[id^=decline-] button[type=submit]"))
	tea.until("words asked for with another reason", "document.querySelector('#meeting-list form[id^=decline-] textarea[name=reason][aria-invalid=true]')", false)
	if got := tea.eval("document.querySelector('#meeting-list form[id^=decline-] textarea[name=reason]').closest('.field, div').querySelector('.err').textContent"); !strings.Contains(got, "cần vài lời khi chọn lý do khác") {
		t.Errorf("another reason without words says %q", got)
	}
	tea.run(chromedp.SetValue("#meeting-list form[id^=decline-] select[name=reason_code]", "not_relevant"))
	tea.run(chromedp.SendKeys("#meeting-list form[id^=decline-] textarea[name=reason]", "Chúng tôi chỉ bán chè khô"))
	fitsPhone(tea, "the decline form")
	tea.shot("decline")
	tea.run(chromedp.Click("#meeting-list form[id^=decline-] button[type=submit]"))
	tea.until("declined", item("Siêu thị Sen")+".querySelector('.badge').textContent === 'Đã từ chối'", false)
	bb.open("#/meetings")
	bb.until("the reason on the buyer's side", item("Chè Shan Tuyết")+" && "+item("Chè Shan Tuyết")+".querySelector('.reason')", true)
	if got := bb.eval(item("Chè Shan Tuyết") + ".querySelector('.reason').textContent"); got != "Lý do: Không phù hợp với nhu cầu: Chúng tôi chỉ bán chè khô" {
		t.Errorf("the buyer reads the decline as %q", got)
	}
	bb.shot("declined")
	// Its card says from when the buyer may ask again, instead of a button the API would refuse.
	bb.open("#/request/" + x.requestID)
	card := "document.querySelector('#matches .card[data-producer=\"" + x.teaID + "\"]')"
	bb.until("the tea producer's card", card+" && "+card+".querySelector('.meeting-status')", true)
	if got := bb.eval(card + ".querySelector('.ask-again')?.textContent || ''"); !strings.Contains(got, "có thể đề nghị lại từ") || bb.eval(card+".querySelector('.request-meeting') ? 'button' : ''") != "" {
		t.Errorf("the declined producer's card says %q, with a button %q; want when to ask again and no button", got, bb.eval(card+".querySelector('.request-meeting') ? 'button' : ''"))
	}
}

// gridPlace is a meeting's place in the organiser's agenda.
type gridPlace struct {
	id, buyer, producer string
	slot, table         int
}

// places reads where the organiser's agenda has each meeting, by buyer – producer.
func (x *inboxFair) places(t *testing.T) map[string]gridPlace {
	t.Helper()
	a := x.org.call("GET", "/api/fairs/"+x.fairID+"/agenda", nil)
	out := map[string]gridPlace{}
	for _, raw := range a["meetings"].([]any) {
		m := raw.(map[string]any)
		p := gridPlace{id: m["id"].(string), buyer: m["buyer_id"].(string), producer: m["producer_id"].(string), slot: int(m["slot"].(float64)), table: int(m["table"].(float64))}
		out[m["buyer_name"].(string)+" – "+m["producer_name"].(string)] = p
	}
	return out
}

// freeCell returns a slot among slots where none of who meets and a table nobody holds there.
func freeCell(t *testing.T, places map[string]gridPlace, slots []int, who ...string) (int, int) {
	t.Helper()
	for _, s := range slots {
		busy, taken := false, map[int]bool{}
		for _, p := range places {
			if p.slot != s {
				continue
			}
			taken[p.table] = true
			for _, w := range who {
				busy = busy || p.buyer == w || p.producer == w
			}
		}
		for table := 1; table <= 3 && !busy; table++ {
			if !taken[table] {
				return s, table
			}
		}
	}
	t.Fatalf("no free cell in slots %v", slots)
	return 0, 0
}

// cell is the grid's cell at slot and table.
func cell(slot, table int) string {
	return "document.querySelector('#b2b-grid td.cell[data-slot=\"" + strconv.Itoa(slot) + "\"][data-table=\"" + strconv.Itoa(table) + "\"]')"
}

// stepDragAMeeting: two more meetings are accepted and the organiser schedules the fair, then
// drags the agreed afternoon meeting to a free afternoon cell: while it moves, the cells it cannot
// take are marked with why; after the drop and a reload it is in its new cell.
func stepDragAMeeting(t *testing.T, org browser, x *inboxFair) {
	t.Helper()
	for _, p := range []struct {
		producer client
		id       string
	}{{x.tea, x.teaID}, {x.honey, x.honeyID}} {
		m := x.buyer2.call("POST", "/api/fairs/"+x.fairID+"/meetings", map[string]any{"buyer_id": x.buyer2ID, "producer_id": p.id, "session": "any"})
		p.producer.call("POST", fmt.Sprintf("/api/meetings/%s/accept", m["id"]), nil)
	}
	org.open("#/fair/" + x.fairID + "/b2b")
	org.until("the grid with three meetings", "document.querySelectorAll('#b2b-grid .mcell').length === 3 || (document.querySelector('#run-schedule').click(), false)", false)
	places := x.places(t)
	agreed := places["Chuỗi Siêu thị Sen – HTX Mật ong Bắc Hà"]
	if agreed.slot <= 3 {
		t.Errorf("the meeting agreed for the afternoon is in slot %d", agreed.slot)
	}
	var afternoon []int
	for s := 4; s <= 6; s++ {
		if s != agreed.slot {
			afternoon = append(afternoon, s)
		}
	}
	slot, table := freeCell(t, places, afternoon, x.buyerID, x.honeyID)
	from := "document.querySelector('#b2b-grid .mcell[data-meeting=\"" + agreed.id + "\"]')"
	// The whole drag runs as one script: a live update that redraws the grid (the run's events
	// arrive late on a busy machine) cannot come between its steps and leave them on old cells.
	marked := org.eval("(() => { const from = " + from + ", to = " + cell(slot, table) + "; window.dt = new DataTransfer(); " +
		"from.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: dt })); " +
		"to.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt })); " +
		"const marked = JSON.stringify([to.className, [...new Set([...document.querySelectorAll('#b2b-grid td.no-drop')].map((td) => td.title))].sort()]); " +
		"to.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt })); " +
		"from.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: dt })); return marked; })()")
	if !strings.Contains(marked, "can-drop") || !strings.Contains(marked, "Ngoài buổi đã hẹn") {
		t.Errorf("while the meeting moves the grid marks %s, want the morning struck out and the target free", marked)
	}
	org.until("the move said", "document.querySelector('#move-msg') && document.querySelector('#move-msg').textContent.startsWith('Đã chuyển cuộc gặp')", false)
	org.shot("grid-moved")
	org.open("#/fair/" + x.fairID + "/b2b")
	org.until("the meeting in its new cell after a reload", cell(slot, table)+" && "+cell(slot, table)+".textContent.includes('Chuỗi Siêu thị Sen') && !document.querySelector('#b2b-grid td.cell[data-slot=\""+strconv.Itoa(agreed.slot)+"\"][data-table=\""+strconv.Itoa(agreed.table)+"\"]').textContent", false)
	if p := x.places(t)["Chuỗi Siêu thị Sen – HTX Mật ong Bắc Hà"]; p.slot != slot || p.table != table {
		t.Errorf("the agenda has the meeting at slot %d table %d, want %d and %d", p.slot, p.table, slot, table)
	}
	org.shot("grid-moved")
}

// touchDrag drags a finger from one point of the page to another in ten moves.
func touchDrag(x0, y0, x1, y1 float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		id := 0.0
		send := func(typ input.DispatchTouchEventType, pts []*input.TouchPoint) error {
			_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts})
			return err
		}
		at := func(x, y float64) []*input.TouchPoint { return []*input.TouchPoint{{X: x, Y: y, ID: &id}} }
		if err := send(input.DispatchTouchEventTypeTouchStart, at(x0, y0)); err != nil {
			return err
		}
		for i := 1; i <= 10; i++ {
			f := float64(i) / 10
			if err := send(input.DispatchTouchEventTypeTouchMove, at(x0+(x1-x0)*f, y0+(y1-y0)*f)); err != nil {
				return err
			}
			time.Sleep(30 * time.Millisecond)
		}
		return send(input.DispatchTouchEventTypeTouchEnd, []*input.TouchPoint{})
	})
}

// stepDragWithAFinger: on a phone, the organiser drags the agreed meeting with a finger to
// another free afternoon cell; after a reload it is there.
func stepDragWithAFinger(t *testing.T, org browser, x *inboxFair) {
	t.Helper()
	places := x.places(t)
	agreed := places["Chuỗi Siêu thị Sen – HTX Mật ong Bắc Hà"]
	var slots []int
	for s := 4; s <= 6; s++ {
		if s != agreed.slot {
			slots = append(slots, s)
		}
	}
	slot, table := freeCell(t, places, slots, x.buyerID, x.honeyID)
	org.open("#/fair/" + x.fairID + "/b2b")
	from := "document.querySelector('#b2b-grid .mcell[data-meeting=\"" + agreed.id + "\"]')"
	org.until("the grid", from, true)
	var pts [4]float64
	if err := json.Unmarshal([]byte(org.eval("(() => { const s = "+from+", d = "+cell(slot, table)+"; d.scrollIntoView({ block: 'center', inline: 'nearest' }); "+
		"const a = s.getBoundingClientRect(), b = d.getBoundingClientRect(); return JSON.stringify([a.left + 12, a.top + 12, b.left + b.width / 2, b.top + b.height / 2]) })()")), &pts); err != nil {
		t.Fatal(err)
	}
	if pts[0] < 0 || pts[0] > 360 || pts[2] < 0 || pts[2] > 360 {
		t.Fatalf("the meeting and its target are not both on the screen: %v", pts)
	}
	org.run(touchDrag(pts[0], pts[1], pts[2], pts[3]))
	org.until("the move said", "document.querySelector('#move-msg').textContent.startsWith('Đã chuyển cuộc gặp')", false)
	org.open("#/fair/" + x.fairID + "/b2b")
	org.until("the meeting in its new cell after a reload", cell(slot, table)+" && "+cell(slot, table)+".textContent.includes('Chuỗi Siêu thị Sen')", false)
	if p := x.places(t)["Chuỗi Siêu thị Sen – HTX Mật ong Bắc Hà"]; p.slot != slot || p.table != table {
		t.Errorf("the agenda has the meeting at slot %d table %d, want %d and %d", p.slot, p.table, slot, table)
	}
	org.shot("grid-finger")
}

// stepMoveRefusedInWords: on a phone, the organiser moves the second buyer's meeting with the tea
// producer, with "Chuyển…", into the slot of that buyer's meeting with the honey producer; the
// slot is marked as busy in the menu, and the API's refusal is said under the grid's title.
func stepMoveRefusedInWords(t *testing.T, org browser, x *inboxFair) {
	t.Helper()
	places := x.places(t)
	tea, honey := places["Cửa hàng Đặc sản Việt – HTX Chè Shan Tuyết"], places["Cửa hàng Đặc sản Việt – HTX Mật ong Bắc Hà"]
	org.open("#/fair/" + x.fairID + "/b2b")
	btn := "#b2b-grid .mcell[data-meeting=\"" + tea.id + "\"] button.move-menu"
	org.until("the meeting's move button", "document.querySelector('"+btn+"')", true)
	fitsPhone(org, "the B2B grid")
	org.run(chromedp.Click(btn))
	chooseMoveSlot(t, org, x.day+"|"+strconv.Itoa(honey.slot), "Trùng lịch")
	free := 0
	for table := 1; table <= 3 && free == 0; table++ {
		taken := false
		for _, p := range places {
			taken = taken || (p.slot == honey.slot && p.table == table)
		}
		if !taken {
			free = table
		}
	}
	org.run(chromedp.SetValue("#move-table", strconv.Itoa(free)))
	org.shot("move-menu")
	org.run(chromedp.Click("#move-do"))
	org.until("the refusal in words", "document.querySelector('#move-msg.bad') && document.querySelector('#move-msg').textContent.length > 0", false)
	want := fmt.Sprintf("Cửa hàng Đặc sản Việt đã có một cuộc gặp khác ở khung giờ %d.", honey.slot)
	if got := org.eval("document.querySelector('#move-msg').textContent"); got != want {
		t.Errorf("the refusal reads %q, want %q", got, want)
	}
	if p := x.places(t)["Cửa hàng Đặc sản Việt – HTX Chè Shan Tuyết"]; p != tea {
		t.Errorf("the refused move changed the meeting's place: %+v → %+v", tea, p)
	}
	org.shot("move-refused")
}
