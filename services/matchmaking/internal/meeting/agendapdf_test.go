package meeting

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv/pdftext"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// A long day goes on over as many pages as it needs, each with the columns' names again, and
// every meeting's other party, a free gap where a slot is skipped and the lunch break are on paper.
func TestAgendaPDFLongDay(t *testing.T) {
	start := time.Date(2027, 1, 14, 8, 0, 0, 0, vntext.Zone)
	a := agendaResponse{Version: 3, LunchBreaks: []lunchBreak{{Day: "2027-01-14", Starts: start.Add(40 * 20 * time.Minute).Format(time.RFC3339),
		Ends: start.Add(40*20*time.Minute + time.Hour).Format(time.RFC3339), Minutes: 60}}}
	for i := range 40 {
		if i == 5 {
			continue // a free slot
		}
		s := start.Add(time.Duration(i*20) * time.Minute)
		a.Meetings = append(a.Meetings, response{ID: fmt.Sprint(i), Day: "2027-01-14", Table: i%3 + 1, BuyerID: "b", ProducerID: fmt.Sprint("p", i),
			ProducerName: fmt.Sprintf("Hợp tác xã Nông sản Sạch Đồng Tháp Mười số %d", i), Booths: []string{fmt.Sprintf("A%02d", i)},
			Starts: s.Format(time.RFC3339), Ends: s.Add(20 * time.Minute).Format(time.RFC3339), Attended: i == 0, Outcome: map[bool]string{true: "mou_signed"}[i == 1]})
	}
	var buf bytes.Buffer
	if err := renderAgenda(&buf, printedAgenda{Fair: "Hội chợ OCOP", Who: "b", Name: "Siêu thị Hương Việt", Agenda: a, Lang: apperr.Vietnamese, Now: start}); err != nil {
		t.Fatal(err)
	}
	text := pdftext.Text(t, buf.Bytes())
	if n := pdftext.Pages(t, buf.Bytes()); n < 2 {
		t.Errorf("a day of 39 meetings fills %d page, want more", n)
	}
	if n := strings.Count(text, "Gặp với"); n != pdftext.Pages(t, buf.Bytes()) {
		t.Errorf("the columns' names show %d times, want once a page", n)
	}
	for _, want := range []string{"Số 0", "số 39", "Gian hàng A39", "09:40 – 10:00", "Trống", "21:20 – 22:20", "Nghỉ trưa", "Đã tham dự", "Ký biên bản ghi nhớ"} {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}

// An agenda whose fair, holder or other party has an emoji in its name prints without it: one
// such name made both sides' agenda.pdf answer 500.
func TestAgendaPDFWithEmoji(t *testing.T) {
	start := time.Date(2027, 1, 14, 8, 0, 0, 0, vntext.Zone)
	a := agendaResponse{Version: 1, Meetings: []response{{ID: "m1", Day: "2027-01-14", Table: 2, BuyerID: "b", ProducerID: "p",
		ProducerName: "HTX Mật ong Bắc Hà 🐝", Booths: []string{"A07"}, Starts: start.Format(time.RFC3339), Ends: start.Add(20 * time.Minute).Format(time.RFC3339)}}}
	var buf bytes.Buffer
	if err := renderAgenda(&buf, printedAgenda{Fair: "🎉 Hội chợ OCOP", Who: "b", Name: "Siêu thị 🛒 Hương Việt", Agenda: a, Lang: apperr.Vietnamese, Now: start}); err != nil {
		t.Fatalf("an agenda with emoji: %v", err)
	}
	text := pdftext.Text(t, buf.Bytes())
	for _, want := range []string{"HTX Mật ong Bắc Hà", "Siêu thị Hương Việt", "Hội chợ OCOP"} {
		if !strings.Contains(text, want) {
			t.Errorf("the agenda lacks %q:\n%s", want, text)
		}
	}
}
