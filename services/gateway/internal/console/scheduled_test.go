package console_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// stepMeetingIsScheduled: the producer accepts; the organiser sets the B2B session, schedules,
// and reads the fair's report.
func stepMeetingIsScheduled(t *testing.T, org, prod, buyer browser, fairID string) {
	t.Helper()
	prod.open("#/meetings")
	prod.until("meeting request", "document.querySelector('#meeting-list button.accept')", true)
	prod.run(chromedp.Click("#meeting-list button.accept"))
	prod.until("accepted", "document.body.textContent.includes('Đã chấp nhận')", true)
	buyer.until("the buyer sees it accepted without a reload", "document.querySelector('#meeting-list') && document.querySelector('#meeting-list').textContent.includes('Đã chấp nhận')", false)
	org.open("#/fair/" + fairID + "/b2b")
	// A new day is a working day, its times said under the form.
	org.until("a new day's times", "document.querySelector('#b2b-times') && document.querySelector('#b2b-times').textContent === 'Sáng 08:00–11:20 · Nghỉ trưa 11:20–13:20 · Chiều 13:20–16:00'", false)
	org.fill(map[string]string{"#b2b-slots": "6", "#b2b-morning_slots": "3", "#b2b-tables": "2"})
	// The toast may still say an earlier save: cleared, it says this save alone. The run right
	// after the save waits until the matchmaking service has the day.
	org.eval("document.querySelector('#toast').textContent = '', ''")
	org.submit("b2b")
	org.until("sessions saved", "document.querySelector('#toast').textContent === 'Đã lưu'", false)
	org.eval("window.realFetch = window.realFetch || window.fetch, window.asked = [], window.fetch = (url, opts) => (window.asked.push(String(url)), window.realFetch(url, opts)), ''")
	org.run(chromedp.Click("#run-schedule"))
	// The result in words: "03/01/2027: 1 cuộc gặp · tối ưu", not "03/01/2027: 1 · optimal",
	// said under the buttons until the next run.
	org.until("schedule result in Vietnamese", "/^\\d{2}\\/\\d{2}\\/\\d{4}: 1 cuộc gặp · (tối ưu|đã xếp)/.test(document.querySelector('#schedule-said').textContent)", false)
	if asked := org.eval("window.fetch = window.realFetch, window.asked.filter((u) => u.includes('/schedule?')).join(' ')"); !strings.Contains(asked, "fair_revision=") {
		t.Errorf("the run right after the save asked %q, without the revision saved to wait for", asked)
	}
	org.until("agenda grid with the meeting", "document.querySelector('#b2b-grid') && document.querySelector('#b2b-grid').textContent.includes('Siêu thị Xanh')", true)
	// A new B2B day gets two hours' lunch between its sessions, which the grid shows.
	org.until("the lunch break in the grid", "document.querySelector('#b2b-grid tr.lunch') && document.querySelector('#b2b-grid tr.lunch').textContent.includes('120 phút')", false)
	// Its words are on the screen, not off to the side of a grid wider than a phone (a forum's ten
	// tables, made so here), wherever the grid is scrolled.
	if where := org.eval(`(() => { const tb = document.querySelector('#b2b-grid table'); tb.style.minWidth = (innerWidth * 3) + 'px';
		const w = tb.closest('.tablewrap') || tb.parentElement; w.scrollLeft = w.scrollWidth;
		const r = document.querySelector('#b2b-grid tr.lunch .lunch-label').getBoundingClientRect(); tb.style.minWidth = ''; w.scrollLeft = 0;
		return r.left >= 0 && r.right <= innerWidth ? 'in sight' : r.left + '–' + r.right })()`); where != "in sight" {
		t.Errorf("the lunch break's words are at %s px, off a %s px screen", where, org.eval("String(innerWidth)"))
	}
	org.shot("b2b-grid")
	org.open("#/fair/" + fairID + "/report")
	org.until("report", "document.querySelector('#report')", false)
	// The dashboard at a glance: one approved, one booth of twelve taken, the meeting scheduled.
	org.until("the dashboard's figures", "document.querySelector('#kpi-approved .n').textContent === '1' && document.querySelector('#kpi-booths .n').textContent === '1/12' && "+
		"document.querySelector('#kpi-scheduled .n').textContent === '1' && document.querySelector('#kpi-requested .n').textContent === '0' && document.querySelector('#meeting-funnel')", true)
	// A share in Vietnamese has a decimal comma: one booth of twelve is 8,3%.
	if got := org.eval("document.querySelector('#kpi-booths .sub').textContent"); got != "8,3%" {
		t.Errorf("the booths' occupancy reads %q, want 8,3%%", got)
	}
	org.shot("report")
	// The meetings and their outcomes as a spreadsheet for the fair's report.
	book, err := excelize.OpenReader(bytes.NewReader(org.download("the meetings' spreadsheet", "#agenda-xlsx")))
	if err != nil {
		t.Fatalf("the meetings' spreadsheet: %v", err)
	}
	defer book.Close()
	if rows, _ := book.GetRows("Danh sách"); len(rows) != 2 || rows[0][3] != "Bên mua" || rows[1][3] != "Siêu thị Xanh" {
		t.Errorf("the meetings' spreadsheet holds %q, want a header and the meeting with Siêu thị Xanh", rows)
	}
}
