package matchmakingapp

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// stepTheAgendaAsASpreadsheet: after the fair, its organisers download the agenda as XLSX or CSV
// for their report: a row per scheduled meeting with the outcome, its value in đồng and who
// recorded it, headers in the reader's language; a participant's file holds its own meetings.
func stepTheAgendaAsASpreadsheet(t *testing.T, x *meetingRules) {
	r := x.org.Do(t, "GET", "/api/fairs/f1/agenda?format=xlsx", nil)
	if got := r.Header.Get("Content-Disposition"); r.Status != 200 || !strings.HasPrefix(got, `attachment; filename="lich-gap-b2b-`) || !strings.HasSuffix(got, `.xlsx"`) {
		t.Fatalf("the agenda as XLSX: %d, Content-Disposition %q", r.Status, got)
	}
	book, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, _ := book.GetRows("Danh sách", excelize.Options{RawCellValue: true})
	if len(rows) != 3 || rows[0][7] != "Kết quả" || rows[0][8] != "Giá trị (đồng)" {
		t.Fatalf("the organisers' sheet = %q, want a header and the 2 scheduled meetings", rows)
	}
	if got := rows[1]; len(got) < 11 || got[3] == "" || got[7] != "Ký hợp đồng" || got[8] != "900000000" || got[9] != "Bên mua" || got[10] == "" {
		t.Errorf("yesterday's meeting's row = %q, want the buyer, the contract of 900,000,000 đồng, recorded by the buyer, and when", got)
	}
	r = x.p2.Do(t, "GET", "/api/fairs/f1/agenda?format=csv", nil, "Accept-Language", "en")
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
	if err != nil || r.Status != 200 || len(recs) != 2 || recs[0][0] != "Date" || recs[1][7] != "" {
		t.Errorf("p2's agenda as CSV in English: %d %q (%v), want a header and its one meeting, no outcome yet", r.Status, recs, err)
	}
	if r := x.org.Do(t, "GET", "/api/fairs/f1/agenda?format=pdf", nil); r.Status != 422 {
		t.Errorf("format=pdf: %d %s, want 422", r.Status, r.Body)
	}
}
