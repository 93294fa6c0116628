package httpbench

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"
)

// TestImportCSV checks the generated import file: the importer's header, a row per product, and
// product names unique across the file (the importer skips a producer's second product of the
// same name) with their codes searchable.
func TestImportCSV(t *testing.T) {
	data := importCSV(0, 40, 5, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("importCSV() is not CSV: %v", err)
	}
	if len(recs) != 1+200 {
		t.Fatalf("importCSV(40 producers × 5) has %d records, want a header and 200 rows", len(recs))
	}
	if got := len(recs[0]); got != len(importHeader) {
		t.Errorf("header has %d columns, want %d", got, len(importHeader))
	}
	names := map[string]bool{}
	taxCodes := map[string]int{}
	for i, r := range recs[1:] {
		if len(r) != len(importHeader) {
			t.Fatalf("row %d has %d cells, want %d", i, len(r), len(importHeader))
		}
		if names[r[6]] {
			t.Errorf("row %d repeats the product name %q", i, r[6])
		}
		names[r[6]] = true
		taxCodes[r[2]]++
		if code := ProductCode(i); !bytes.Contains([]byte(r[6]), []byte(code)) {
			t.Errorf("row %d is named %q, want it to carry %s", i, r[6], code)
		}
	}
	if len(taxCodes) != 40 {
		t.Errorf("the rows have %d tax codes, want one per producer (40)", len(taxCodes))
	}
}
