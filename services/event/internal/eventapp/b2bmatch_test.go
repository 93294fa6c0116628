package eventapp

import (
	"strconv"
	"strings"
	"testing"
)

// B2B days sent with If-Match replace only the revision of the fair the sender read: a save over
// an older revision is refused (409 fair_b2b_changed) and keeps what the other organiser saved.
func TestB2BDaysSavedOverTheRevisionRead(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội nghị kết nối cung cầu Tây Nguyên")
	var f struct {
		StartDate string `json:"start_date"`
		Revision  int64
		B2BDays   []struct{ Date string } `json:"b2b_days"`
	}
	e.org.Do(t, "GET", "/api/fairs/"+id, nil).Decode(t, &f)
	read := strconv.Quote(strconv.FormatInt(f.Revision, 10))
	day := func(tables int) map[string]any {
		return map[string]any{"date": f.StartDate, "start_time": "08:00", "slot_minutes": 20, "slots": 12, "morning_slots": 6, "tables": tables}
	}
	if r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/b2b-sessions", map[string]any{"days": []any{day(10)}}, "If-Match", read); r.Status != 200 {
		t.Fatalf("the first save over revision %s: %d %s", read, r.Status, r.Body)
	}
	r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/b2b-sessions", map[string]any{"days": []any{day(4)}}, "If-Match", read)
	if r.Status != 409 || !strings.Contains(string(r.Body), "fair_b2b_changed") {
		t.Errorf("a second save over the same revision: %d %s, want 409 fair_b2b_changed", r.Status, r.Body)
	}
	var now struct {
		B2BDays []struct{ Tables int } `json:"b2b_days"`
	}
	e.org.Do(t, "GET", "/api/fairs/"+id, nil).Decode(t, &now)
	if len(now.B2BDays) != 1 || now.B2BDays[0].Tables != 10 {
		t.Errorf("the fair's days after the refused save: %+v, want the first save's 10 tables", now.B2BDays)
	}
}
