package console_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ocopfair/ocopfair/dev/testenv/pdftext"
)

// agendaFair is what TestConsoleAgenda sets up through the API: a fair with one B2B day (6
// slots, 3 in the morning, 2 tables, an hour's lunch), two exhibitors, a buyer who meets both
// and a second buyer who is busy all day, with a meeting that cannot be placed.
type agendaFair struct {
	b2bFair
	honeyMeeting string
	teaMeeting   string
	// busyMeeting is the second buyer's, which cannot be placed.
	busyMeeting string
}

// TestConsoleAgenda: the organiser runs the scheduling and reads the meeting it could not place
// with its reason in Vietnamese, also after a reload, and on another device in English; the buyer opens its agenda and reads each
// meeting's time range, table and producer, a free gap between two meetings and the lunch break,
// follows the producer's name to its booth on the map, and downloads the agenda as a PDF that
// names the producer with its diacritics; on a phone the producer opens the buyer's details.
func TestConsoleAgenda(t *testing.T) {
	j := startJourney(t)
	x := setUpAgendaFair(t, j)
	org := j.person("agenda-organiser", 1366, 800)
	org.login("sct@agenda.example.vn", "organiser-pass-1")
	stepUnscheduledWithReason(t, org, x)
	other := j.person("agenda-organiser-other", 1366, 800)
	other.login("sct@agenda.example.vn", "organiser-pass-1")
	stepUnscheduledOnAnotherDevice(t, other, x)
	x.spreadMeetings(t)
	bb := j.person("agenda-buyer", 1366, 800)
	bb.login("mua@agenda.example.vn", "parity-pass-1")
	stepBuyerAgenda(t, bb, x)
	prod := j.person("agenda-producer", 360, 800)
	prod.login("mo@agenda.example.vn", "parity-pass-1")
	stepProducerAgendaOnPhone(t, prod, x)
	stepAcceptedSinceTheRunWait(t, org, x)
}

// stepAcceptedSinceTheRunWait: a meeting accepted after the last run is counted on the B2B tab as
// waiting for a time and table, with the button that places it, beside the list of those the run
// could not place.
func stepAcceptedSinceTheRunWait(t *testing.T, org browser, x *agendaFair) {
	t.Helper()
	m := x.buyer2.call("POST", "/api/fairs/"+x.fairID+"/meetings", map[string]any{"buyer_id": x.buyer2ID, "producer_id": x.teaID, "session": "any"})
	x.tea.call("POST", fmt.Sprintf("/api/meetings/%s/accept", m["id"]), nil)
	org.open("#/fair/" + x.fairID + "/b2b")
	org.until("one meeting waiting", "document.querySelector('#unscheduled #sched-waiting') && document.querySelectorAll('#unscheduled li').length === 1", true)
	if got := org.eval("document.querySelector('#sched-waiting').textContent"); got != "1 cuộc gặp đã nhận lời, đang chờ xếp giờ và bàn. Bấm «Xếp thêm, giữ lịch đã có» để xếp mà không dời các cuộc gặp đã xếp." {
		t.Errorf("the meeting accepted since the run is said as %q", got)
	}
}

// setUpAgendaFair makes the fair (2 B2B tables) and three accepted meetings: the first buyer with
// both exhibitors, and the second buyer, who cannot come that day, with the honey producer.
func setUpAgendaFair(t *testing.T, j journey) *agendaFair {
	x := &agendaFair{b2bFair: setUpB2BFair(t, j, "agenda", "Hội nghị kết nối cung cầu Tây Bắc", 2, []string{"domestic", "JP"})}
	honey, tea, buyer, buyer2 := x.honey, x.tea, x.buyer, x.buyer2
	ask := func(b client, buyerID string, p client, producerID string) string {
		m := b.call("POST", "/api/fairs/"+x.fairID+"/meetings", map[string]any{"buyer_id": buyerID, "producer_id": producerID, "session": "any"})
		p.call("POST", fmt.Sprintf("/api/meetings/%s/accept", m["id"]), nil)
		return m["id"].(string)
	}
	x.honeyMeeting = ask(buyer, x.buyerID, honey, x.honeyID)
	x.teaMeeting = ask(buyer, x.buyerID, tea, x.teaID)
	x.busyMeeting = ask(buyer2, x.buyer2ID, honey, x.honeyID)
	// The second buyer cannot come at all that day: its meeting has no slot.
	buyer2.call("PUT", "/api/fairs/"+x.fairID+"/unavailability", map[string]any{"day": x.day, "slots": []int{1, 2, 3, 4, 5, 6}})
	// The B2B day has reached matchmaking once the organiser's grid shows it.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if g, _ := x.org.call("GET", "/api/fairs/"+x.fairID+"/agenda", nil)["grid"].([]any); len(g) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the B2B day never reached matchmaking")
		}
	}
	return x
}

// stepUnscheduledWithReason: the organiser runs the scheduling from the B2B tab; the meeting of
// the buyer who is busy all day is listed as left unscheduled, named by its buyer and producer,
// with why in Vietnamese (no ID in the words), and the list is still there after a reload, and
// with the tab's session storage cleared: the API says it, not something the page kept.
func stepUnscheduledWithReason(t *testing.T, org browser, x *agendaFair) {
	t.Helper()
	org.open("#/fair/" + x.fairID + "/b2b")
	org.until("the B2B tab", "document.querySelector('#run-schedule')", false)
	if org.eval("String(!!document.querySelector('#unscheduled'))") != "false" {
		t.Error("an unscheduled list shows before any run")
	}
	org.until("the accepted meetings said to wait", "document.querySelector('#sched-waiting')", false)
	if got := org.eval("document.querySelector('#sched-waiting').textContent"); got != "3 cuộc gặp đã nhận lời, đang chờ xếp giờ và bàn. Bấm «Xếp lịch gặp» để xếp." {
		t.Errorf("before any run the accepted meetings are said as %q", got)
	}
	org.run(chromedp.Click("#run-schedule"))
	org.until("the unscheduled list", "document.querySelectorAll('#unscheduled li').length === 1 && !document.querySelector('#sched-waiting')", false)
	org.shot("unscheduled")
	li := org.eval("document.querySelector('#unscheduled li').textContent")
	if !strings.HasPrefix(li, "Cửa hàng Đặc sản Việt – HTX Mật ong Bắc Hà: ") || !strings.Contains(li, "đều rảnh") || !strings.Contains(li, "cả ngày") {
		t.Errorf("the unscheduled meeting reads %q", li)
	}
	if regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-`).MatchString(li) {
		t.Errorf("the reason shows an ID: %q", li)
	}
	if title := org.eval("document.querySelector('#unscheduled h2').textContent"); !strings.HasPrefix(title, "Cuộc gặp chưa xếp được") {
		t.Errorf("the list's title reads %q", title)
	}
	org.until("the grid with the two placed meetings", "document.querySelectorAll('#b2b-grid .mcell').length === 2", true)
	// On a desktop the grid takes the screen's width, not the pages' 1,100 pixels.
	if w := org.eval("String(document.querySelector('main').getBoundingClientRect().width >= 1300)"); w != "true" {
		w = org.eval("String(Math.round(document.querySelector('main').getBoundingClientRect().width))")
		t.Errorf("the B2B tab is %s pixels wide on a 1366-pixel screen, want the screen's width", w)
	}
	stepRunAgainRepairs(t, org)
	org.reload()
	org.until("the list after a reload", "document.querySelectorAll('#unscheduled li').length === 1 && document.querySelector('#unscheduled li').textContent.includes('Cửa hàng Đặc sản Việt')", false)
	org.eval("sessionStorage.clear(), ''")
	org.reload()
	org.until("the list with the session storage cleared", "document.querySelectorAll('#unscheduled li').length === 1 && document.querySelector('#unscheduled li').textContent.includes('Cửa hàng Đặc sản Việt')", false)
}

// stepUnscheduledOnAnotherDevice: the organiser, signed in on another device (a browser of its
// own, which never saw the run's answer), reads the same meeting left unscheduled on the B2B
// tab, with why in English once it switches the language.
func stepUnscheduledOnAnotherDevice(t *testing.T, org browser, x *agendaFair) {
	t.Helper()
	org.open("#/fair/" + x.fairID + "/b2b")
	org.until("the unscheduled list on another device", "document.querySelectorAll('#unscheduled li').length === 1", false)
	li := "document.querySelector('#unscheduled li')"
	if got := org.eval(li + ".dataset.meeting + ' ' + " + li + ".dataset.code"); got != x.busyMeeting+" unscheduled.no_common_slot" {
		t.Errorf("the unscheduled meeting on another device is %q, want %s unscheduled.no_common_slot", got, x.busyMeeting)
	}
	org.run(chromedp.Click("#lang"))
	org.until("the reason in English", "document.querySelector('#unscheduled li .reason') && document.querySelector('#unscheduled li .reason').textContent.includes('is free for all of')", false)
	if got := org.eval(li + ".querySelector('.reason').textContent"); !strings.Contains(got, "Cửa hàng Đặc sản Việt") || !strings.Contains(got, "HTX Mật ong Bắc Hà") {
		t.Errorf("the reason in English reads %q, want the buyer and the producer named", got)
	}
	if title := org.eval("document.querySelector('#unscheduled h2').textContent"); !strings.HasPrefix(title, "Meetings left unscheduled") {
		t.Errorf("the list's title in English reads %q", title)
	}
	org.run(chromedp.Click("#lang"))
}

// spreadMeetings moves the buyer's meeting with the tea producer away from its meeting with the
// honey producer, so that its agenda has free time between them (the scheduler packs them).
func (x *agendaFair) spreadMeetings(t *testing.T) {
	t.Helper()
	a := x.org.call("GET", "/api/fairs/"+x.fairID+"/agenda", nil)
	honeySlot := 0
	for _, m := range asList(a["meetings"]) {
		if m["id"] == x.honeyMeeting {
			honeySlot = int(m["slot"].(float64))
		}
	}
	to := map[int]int{1: 3, 2: 5, 3: 1, 4: 6, 5: 2, 6: 4}[honeySlot]
	if to == 0 {
		t.Fatalf("the honey meeting is not scheduled: %v", a)
	}
	x.org.call("POST", "/api/meetings/"+x.teaMeeting+"/move", map[string]any{"day": x.day, "slot": to, "table": 1, "schedule_version": a["schedule_version"]})
}

// stepBuyerAgenda: the buyer's agenda lists both meetings with their time ranges, tables and
// producers, a "Trống" row between them, and the lunch break; the producer's name opens its
// booth on the floor plan; "Tải PDF" downloads the agenda with the producer's name in it.
func stepBuyerAgenda(t *testing.T, b browser, x *agendaFair) {
	t.Helper()
	b.open("#/agenda/" + x.fairID)
	b.until("two meetings, a free gap and the lunch", "document.querySelectorAll('#agenda tr.meeting').length === 2 && document.querySelector('#agenda tr.free') && document.querySelector('#agenda tr.lunch')", true)
	b.shot("agenda")
	honey := "document.querySelector('#agenda tr.meeting[data-meeting=\"" + x.honeyMeeting + "\"]')"
	if got := b.eval(honey + ".querySelector('td.slot').textContent"); !regexp.MustCompile(`^\d\d:\d\d – \d\d:\d\d$`).MatchString(got) {
		t.Errorf("the meeting's time reads %q, want a range", got)
	}
	if got := b.eval(honey + ".querySelectorAll('td')[1].textContent"); !regexp.MustCompile(`^Bàn [12]$`).MatchString(got) {
		t.Errorf("the meeting's table reads %q", got)
	}
	if got := b.eval("[...document.querySelectorAll('#agenda thead th')].map((th) => th.textContent).join('|')"); got != "Giờ|Bàn|Gặp với|Tình trạng" {
		t.Errorf("the agenda's columns read %q", got)
	}
	if got := b.eval("document.querySelector('#agenda tr.free').textContent"); !regexp.MustCompile(`^Trống · \d\d:\d\d – \d\d:\d\d$`).MatchString(got) {
		t.Errorf("the free gap reads %q", got)
	}
	// The rows are in time order: each starts when or after the one before ends.
	order := b.eval(`[...document.querySelectorAll('#agenda tbody tr')].map((tr) => tr.className.split(' ')[0] + ' ' + (tr.textContent.match(/\d\d:\d\d/g) || []).join('-')).join('|')`)
	if !strings.Contains(order, "free") || !sorted(order) {
		t.Errorf("the agenda's rows are %q, want them in time order", order)
	}
	// The whole day shows, 08:00 to 11:00 (six slots of 20 minutes and the hour's lunch), free
	// time before the first meeting and after the last included.
	if got := b.eval(`(() => { const ts = [...document.querySelectorAll('#agenda tbody tr')].flatMap((tr) => tr.textContent.match(/\d\d:\d\d/g) || []); return ts[0] + '-' + ts[ts.length - 1] })()`); got != "08:00-11:00" {
		t.Errorf("the agenda's day runs %s, want 08:00-11:00", got)
	}
	// The meeting coming next is said above everything (past days come first in the list), and
	// marked in its day; a tap shows its row.
	first := b.eval("document.querySelector('#agenda tr.meeting').dataset.meeting")
	if got := b.eval("document.querySelector('#next-meeting') ? document.querySelector('#next-meeting').textContent : ''"); !regexp.MustCompile(`^Cuộc gặp tiếp theo: \d\d:\d\d \d\d/\d\d/\d{4} · Bàn [12] · HTX `).MatchString(got) {
		t.Errorf("the next meeting reads %q", got)
	}
	if got := b.eval("[...document.querySelectorAll('#agenda tr.meeting.next')].map((tr) => tr.dataset.meeting).join(' ')"); got != first {
		t.Errorf("the rows marked next are %q, want the first meeting %q", got, first)
	}
	b.run(chromedp.Click("#next-meeting button"))
	b.until("the next meeting's row shown", "document.activeElement === document.querySelector('#agenda tr.meeting.next')", false)
	link := honey + ".querySelector('a.other-party')"
	if got := b.eval(link + ".textContent + ' ' + " + link + ".getAttribute('href')"); !strings.HasPrefix(got, "HTX Mật ong Bắc Hà #/fair/"+x.fairID+"/map?booth=A") {
		t.Errorf("the producer's link reads %q", got)
	}
	// The PDF, as the browser saves it.
	if got := b.eval("document.querySelector('#agenda-pdf').textContent"); got != "Tải PDF" {
		t.Errorf("the PDF button reads %q", got)
	}
	pdf := b.download("the PDF file", "#agenda-pdf")
	if text := pdftext.Text(t, pdf); !strings.Contains(text, "HTX Mật ong Bắc Hà") || !strings.Contains(text, "HTX Chè Shan Tuyết") || !strings.Contains(text, "Trống") {
		t.Errorf("the downloaded agenda PDF reads:\n%s", text)
	}
	b.run(chromedp.EmulateViewport(360, 800))
	fitsPhone(b, "the agenda")
	b.shot("agenda-phone")
	b.run(chromedp.EmulateViewport(1366, 800))
	b.run(chromedp.Click(`#agenda tr.meeting[data-meeting="` + x.honeyMeeting + `"] a.other-party`))
	b.until("the booth's panel on the map", "location.hash.includes('/map?booth=A') && document.querySelector('#booth-panel') && !document.querySelector('#booth-panel').hidden && document.querySelector('#booth-panel').textContent.includes('HTX Mật ong Bắc Hà')", false)
	b.shot("agenda-to-booth")
}

// sorted reports whether the agenda rows' times ("meeting 08:00-08:20|free 08:20-08:40|...")
// never go back.
func sorted(rows string) bool {
	last := ""
	for _, r := range strings.Split(rows, "|") {
		_, times, _ := strings.Cut(r, " ")
		for _, tm := range strings.Split(times, "-") {
			if tm == "" {
				continue
			}
			if tm < last {
				return false
			}
			last = tm
		}
	}
	return true
}

// stepProducerAgendaOnPhone: on a phone, the producer's agenda names the buyer, whose details
// (kind, province, markets) open under its name.
func stepProducerAgendaOnPhone(t *testing.T, p browser, x *agendaFair) {
	t.Helper()
	p.open("#/agenda/" + x.fairID)
	p.until("the producer's meeting", "document.querySelector('#agenda tr.meeting details.buyer-detail summary')", true)
	if got := p.eval("document.querySelector('#agenda tr.meeting summary').textContent"); got != "Chuỗi Siêu thị Sen" {
		t.Errorf("the producer's agenda names %q", got)
	}
	p.run(chromedp.Click("#agenda tr.meeting summary"))
	p.until("the buyer's details", "document.querySelector('#agenda .buyer-facts dl')", false)
	facts := p.eval("document.querySelector('#agenda .buyer-facts').textContent")
	for _, want := range []string{"Chuỗi siêu thị", "Hà Nội", "Trong nước"} {
		if !strings.Contains(facts, want) {
			t.Errorf("the buyer's details read %q, want %q in them", facts, want)
		}
	}
	fitsPhone(p, "the producer's agenda")
	p.shot("agenda-producer-phone")
}

// stepRunAgainRepairs: with a schedule in place, the run button keeps it: it asks for a repair,
// says how many meetings had to move (none), and each placed meeting keeps its cell. Running
// from scratch is the second button.
func stepRunAgainRepairs(t *testing.T, org browser) {
	t.Helper()
	cells := "Array.from(document.querySelectorAll('#b2b-grid .mcell')).map((m) => m.dataset.meeting + '@' + m.closest('td').dataset.slot + '/' + m.closest('td').dataset.table).sort().join(' ')"
	before := org.eval(cells)
	org.until("the repair offered", "document.querySelector('#run-schedule').textContent === 'Xếp thêm, giữ lịch đã có' && !document.querySelector('#run-fresh').hidden", false)
	org.eval("window.asked = []; const sent = window.fetch; window.fetch = (u, o) => { window.asked.push(String(u)); return sent(u, o) }, ''")
	org.run(chromedp.Click("#run-schedule"))
	// The answer stays said under the buttons (a toast was gone before a hurried reader looked).
	org.until("the repair's answer", "document.querySelector('#schedule-said').textContent.includes('0 cuộc gặp đã phải chuyển chỗ')", false)
	if got := org.eval("window.asked.filter((u) => u.includes('/schedule')).join(' ')"); !strings.Contains(got, "mode=repair") {
		t.Errorf("the run again asked %q, want mode=repair", got)
	}
	org.until("the grid after the repair", "document.querySelectorAll('#b2b-grid .mcell').length === 2", false)
	if after := org.eval(cells); after != before {
		t.Errorf("after the repair the meetings are at %q, were at %q", after, before)
	}
	stepRepairSaysWhatMoved(t, org)
}

// stepRepairSaysWhatMoved: while a run takes its seconds its button says so and takes no second
// tap; a repair that had to move a meeting names it with where from and to, and outlines its
// cell. The answer is stood in for: a move a repair cannot avoid needs a full day.
func stepRepairSaysWhatMoved(t *testing.T, org browser) {
	t.Helper()
	id := org.eval("document.querySelector('#b2b-grid .mcell').dataset.meeting")
	const runButton = "document.querySelector('#run-schedule').disabled + ' ' + document.querySelector('#run-schedule').textContent"
	org.eval(`(() => { const real = window.fetch; window.fetch = (u, o) => { if (!String(u).includes('/schedule')) return real(u, o); window.fetch = real;
		const answer = { days: [{ day: "2027-01-06", meetings: 2, status: "feasible", moved_count: 1,
			moved: [{ meeting_id: "` + id + `", from: { day: "2027-01-06", slot: 5, table: 1 }, to: { day: "2027-01-06", slot: 7, table: 2 } }] }] };
		return new Promise((ok) => { window.answerRun = () => ok(new Response(JSON.stringify(answer), { status: 200, headers: { "Content-Type": "application/json" } })) }) }; return '' })()`)
	org.run(chromedp.Click("#run-schedule"))
	if got := org.eval(runButton); got != "true Đang xếp lịch…" {
		t.Errorf("while the run goes, its button reads %q, want disabled and saying so", got)
	}
	// A live update drawing the tab again meanwhile draws its button waiting too.
	org.eval("document.querySelector('#run-schedule').dataset.old = '1', render(true, true), ''")
	org.until("the tab drawn again", "document.querySelector('#run-schedule') && !document.querySelector('#run-schedule').dataset.old", false)
	if got := org.eval(runButton); got != "true Đang xếp lịch…" {
		t.Errorf("drawn again while the run goes, its button reads %q, want disabled and saying so", got)
	}
	org.eval("window.answerRun(), ''")
	org.until("the move named and marked", "document.querySelector('#moved-box li') && document.querySelector('#b2b-grid .mcell.moved[data-meeting=\""+id+"\"]')", false)
	said := org.eval("document.querySelector('#moved-box').textContent")
	for _, want := range []string{"1 cuộc gặp đã phải chuyển chỗ", "06/01/2027 · Lượt 5 · Bàn 1 → 06/01/2027 · Lượt 7 · Bàn 2", " – "} {
		if !strings.Contains(said, want) {
			t.Errorf("the moves read %q, want %q in them", said, want)
		}
	}
	if got := org.eval(runButton); got != "false Xếp thêm, giữ lịch đã có" {
		t.Errorf("after the run its button reads %q", got)
	}
	org.shot("repair-moved")
}
