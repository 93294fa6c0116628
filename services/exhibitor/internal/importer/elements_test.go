package importer

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// manyStrings is n short shared strings of random letters (so that they pack about as well as a
// real list does), set between two "X" texts; after rows empty rows at the start of the part.
func manyStrings(n, rows int) string {
	var b strings.Builder
	b.WriteString("X</t></si>")
	b.WriteString(strings.Repeat("<row/>", rows))
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		fmt.Fprintf(&b, "<si><t>%c%c%c</t></si>", 'a'+r.IntN(26), 'A'+r.IntN(26), 'a'+r.IntN(26))
	}
	b.WriteString("<si><t>X")
	return b.String()
}

// refusedFor reports whether err refuses a workbook with a message holding want.
func refusedFor(err error, want string) bool {
	return apperr.Is(err, apperr.Invalid) && strings.Contains(err.Error(), want)
}

// The reader holds every shared string at once (about 430 bytes each): a workbook of 130,000
// short ones, a few MB packed and within every limit on its parts, is refused before it is read,
// and so it is when its part of shared strings starts with more rows than a sheet is read for
// (the check stopped there, and 1.1 million strings after them took 448 MiB); 80,000, as many as
// 5,000 rows of 16 columns of text can hold, are read. Before, 1.1 million strings in a 2.6 MB
// file took the service to 480 MB (two imports at once, to 920 MB).
func TestParseRefusesTooManySharedStrings(t *testing.T) {
	rows, err := Parse(withSharedString(t, sharedStringWorkbook(t, 40, "X"), "X", manyStrings(80_000, 0)))
	if err != nil || len(rows) != 40 {
		t.Errorf("80,000 shared strings: %d rows, %v; want the 40 rows read", len(rows), err)
	}
	for _, prefix := range []int{0, MaxRows + 3} {
		_, grew, err := parseCounting(withSharedString(t, sharedStringWorkbook(t, 40, "X"), "X", manyStrings(130_000, prefix)))
		if !refusedFor(err, "more than 250000 elements") {
			t.Errorf("130,000 shared strings after %d rows: %v, want refused as too much text", prefix, err)
		}
		t.Logf("refusing 130,000 shared strings after %d rows allocated %d MiB", prefix, grew>>20)
	}
}

// The reader reads all of a workbook's styles as it opens it: 75,000 cell formats, more than
// Excel keeps, are refused before it does (650,000, a 2 MB file, held 300 MB there; the cells
// need not even use them), and so are 60,000 beside 100,000 shared strings: the bound is the
// workbook's, all its parts together.
func TestParseRefusesTooManyStyles(t *testing.T) {
	styles := func(n int) part {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`)
		r := rand.New(rand.NewPCG(1, 2))
		for range n {
			fmt.Fprintf(&b, `<xf numFmtId="%d" fontId="%d"/>`, r.IntN(50), r.IntN(9))
		}
		b.WriteString(`</cellXfs></styleSheet>`)
		return part{name: "xl/styles.xml", fill: []byte(b.String()), n: b.Len()}
	}
	_, grew, err := parseCounting(rezip(t, sharedStringWorkbook(t, 40, "X"), styles(75_000)))
	if !refusedFor(err, "more than 70000 cell formats") {
		t.Errorf("75,000 cell formats: %v, want refused as too many", err)
	}
	t.Logf("refusing 75,000 cell formats allocated %d MiB", grew>>20)
	both := withSharedString(t, rezip(t, sharedStringWorkbook(t, 40, "X"), styles(60_000)), "X", manyStrings(100_000, 0))
	if _, err := Parse(both); !refusedFor(err, "more than 250000 elements") {
		t.Errorf("60,000 cell formats and 100,000 shared strings: %v, want refused as too much", err)
	}
}

// A sheet's own texts (inline strings, as Apache POI's streaming writer puts every text) are read
// a row at a time and do not count against the workbook's elements: 5,000 rows of 30 such
// columns are read (they were refused as too much text).
func TestParseReadsInlineStrings(t *testing.T) {
	header := strings.Split(strings.TrimSpace(strings.TrimPrefix(sampleCSV, "\uFEFF")), "\n")[0]
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">`)
	for i, h := range strings.Split(header, ",") {
		fmt.Fprintf(&b, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, h)
	}
	b.WriteString(`</row>`)
	for r := 2; r <= MaxRows+1; r++ {
		fmt.Fprintf(&b, `<row r="%d">`, r)
		for c := 1; c <= 30; c++ {
			fmt.Fprintf(&b, `<c t="inlineStr"><is><r><t>%d-%d</t></r></is></c>`, r, c)
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
	rows, err := Parse(rezip(t, sharedStringWorkbook(t, 1, "X"), part{name: "xl/worksheets/sheet1.xml", fill: []byte(b.String()), n: b.Len()}))
	if err != nil || len(rows) != MaxRows {
		t.Errorf("5,000 rows of 30 inline texts: %d rows, %v; want them read", len(rows), err)
	}
}
