package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// sharedStringWorkbook is the template's header over rows whose every cell holds the same text,
// which the workbook keeps once, as one shared string all the cells point at.
func sharedStringWorkbook(t *testing.T, rows int, text string) []byte {
	t.Helper()
	f := excelize.NewFile()
	header := strings.Split(strings.TrimSpace(strings.TrimPrefix(sampleCSV, "\uFEFF")), "\n")[0]
	cells := []any{}
	for _, h := range strings.Split(header, ",") {
		cells = append(cells, h)
	}
	if err := f.SetSheetRow("Sheet1", "A1", &cells); err != nil {
		t.Fatal(err)
	}
	for r := 2; r < 2+rows; r++ {
		same := make([]any, len(cells))
		for i := range same {
			same[i] = text
		}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", r), &same); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withSharedString is workbook with its shared string from (whole) holding to instead: what a
// spreadsheet program cannot write, since a cell holds at most 32,767 characters.
func withSharedString(t *testing.T, workbook []byte, from, to string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open("xl/sharedStrings.xml")
	if err != nil {
		t.Fatal(err)
	}
	old, err := io.ReadAll(f)
	f.Close()
	if err != nil || !bytes.Contains(old, []byte("<t>"+from+"</t>")) {
		t.Fatalf("the shared strings %s hold no %q (%v)", old, from, err)
	}
	content := bytes.Replace(old, []byte("<t>"+from+"</t>"), []byte("<t>"+to+"</t>"), 1)
	var raw bytes.Buffer
	w, _ := flate.NewWriter(&raw, flate.BestCompression)
	_, _ = w.Write(content)
	_ = w.Close()
	return rezip(t, workbook, part{name: "xl/sharedStrings.xml", raw: raw.Bytes(), method: zip.Deflate, declared: uint64(len(content))})
}

// A file of a few KiB whose cells all point at one long shared string stands for far more text
// than it weighs: a cell longer than a spreadsheet's cell holds is refused at its row, and more
// text in all than MaxTextBytes is refused once read that far, either without the gigabytes the
// text would be once cleaned, row by row.
func TestParseRefusesCellsStandingForTooMuchText(t *testing.T) {
	long := withSharedString(t, sharedStringWorkbook(t, 40, "X"), "X", strings.Repeat("ab ", 340_000))
	if len(long) > 64<<10 {
		t.Fatalf("the workbook is %d KiB; the test wants a small one", len(long)>>10)
	}
	_, grew, err := parseCounting(long)
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "a text longer than 32767 characters") {
		t.Errorf("cells of a million characters: %v, want refused before any row is read", err)
	}
	if grew > 64<<20 {
		t.Errorf("refusing cells of a million characters allocated %d MiB", grew>>20)
	}
	many := sharedStringWorkbook(t, 200, strings.Repeat("ạ", 10_000))
	_, grew, err = parseCounting(many)
	if !apperr.Is(err, apperr.TooLarge) || !strings.Contains(err.Error(), "more than 16 MiB of text") {
		t.Errorf("2,600 cells of 30 KB: %v, want refused as too much text", err)
	}
	if grew > 128<<20 {
		t.Errorf("refusing 2,600 cells of 30 KB allocated %d MiB", grew>>20)
	}
}

// A CSV line of nothing but separators is refused before it is read into millions of fields; so
// is a row wider than any import reads.
func TestParseCSVRefusesTooManyCells(t *testing.T) {
	header := strings.Split(strings.TrimPrefix(sampleCSV, "\uFEFF"), "\n")[0]
	_, grew, err := parseCounting([]byte(strings.Repeat(",", 9<<20) + "\n"))
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "more than 500200 separators") {
		t.Errorf("a line of 9 MiB of commas: %v, want refused", err)
	}
	if grew > 1<<20 {
		t.Errorf("refusing a line of commas allocated %d KiB", grew>>10)
	}
	long := header + "\n" + strings.Repeat("a,b,c,d,e,f,g,h,i,j,k,l,m\n", 50_000)
	if _, err := Parse([]byte(long)); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "more than 5000 rows") {
		t.Errorf("a list of 50,000 rows: %v, want refused for its rows", err)
	}
	wide := header + "\n" + strings.Repeat("x,", MaxColumns) + "x\n"
	if _, err := Parse([]byte(wide)); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "Row 2 has a cell in column 101") {
		t.Errorf("a row of 101 cells: %v, want refused at row 2", err)
	}
}

// What the reader copies once for each cell showing it (a shared string) and once more for each
// character escaped in it (_xHHHH_) is bounded before any row is read: a text with more than
// maxEscapes escapes is refused, whether shared or a cell's own; Excel's few are read.
func TestParseRefusesTextsWithManyEscapes(t *testing.T) {
	few := withSharedString(t, sharedStringWorkbook(t, 3, "X"), "X", strings.Repeat("_x000D_dòng ", maxEscapes))
	if rows, err := Parse(few); err != nil || len(rows) != 3 {
		t.Errorf("cells of %d escaped carriage returns: %d rows, %v; want read", maxEscapes, len(rows), err)
	}
	many := withSharedString(t, sharedStringWorkbook(t, 3, "X"), "X", strings.Repeat("_x0041_", maxEscapes+1))
	if _, err := Parse(many); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), fmt.Sprintf("more than %d characters escaped", maxEscapes)) {
		t.Errorf("a shared string of %d escapes: %v, want refused", maxEscapes+1, err)
	}
	own := farRightWorkbook(t, 1, func(r int) string {
		return fmt.Sprintf(`<c r="A%d" t="inlineStr"><is><t>%s</t></is></c>`, r, strings.Repeat("_x0041_", maxEscapes+1))
	})
	if _, err := Parse(own); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), fmt.Sprintf("more than %d characters escaped", maxEscapes)) {
		t.Errorf("a cell's own text of %d escapes: %v, want refused", maxEscapes+1, err)
	}
}

// The check reads rows as the reader does: rows written inside a cell are none (the reader reads
// a cell whole), so they do not use up the rows the check looks at; rows whose numbers do not go
// up, which the reader makes one, are refused.
func TestParseChecksRowsAsTheReaderReadsThem(t *testing.T) {
	hidden := farRightWorkbook(t, 20, func(r int) string {
		if r == 3 {
			return `<c r="A3"><v>1</v>` + strings.Repeat("<row/>", MaxRows+3) + `</c>`
		}
		return fmt.Sprintf(`<c r="XFD%d" s="0"/>`, r)
	})
	if _, err := Parse(hidden); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "Row 4 has a cell in column 16384") {
		t.Errorf("far cells after rows hidden in a cell: %v, want refused at row 4", err)
	}
	again := farRightWorkbook(t, 1, func(int) string {
		return `<c r="A3"><v>1</v></c></row><row r="3"><c r="B3"><v>2</v></c>`
	})
	if _, err := Parse(again); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "Row 3 comes after row 3") {
		t.Errorf("two rows numbered 3: %v, want refused", err)
	}
}

// Cells are read as the reader reads them: a cell at or left of the one before (which the reader
// appends all the same, a row as wide as its cells), a cell's end at the first end of its name
// (a cell written inside a cell ends it, and what follows is cells), a row numbered 0 or less, and
// a reference naming another row (the reader looks only at its column) are each refused or read
// as the reader would.
func TestParseReadsCellsAsTheReaderDoes(t *testing.T) {
	refused := map[string]struct{ cells, want string }{
		"a cell over the one before": {strings.Repeat(`<c r="A3" t="inlineStr"><is><t>x</t></is></c>`, 3), "Row 3 has a cell in column 1 after one in column 1"},
		"a cell inside a cell":       {`<c r="A3"><v>1</v><c></c><c r="XFD3"><v>1</v></c></c>`, "Row 3 has a cell in column 16384"},
		"a row numbered -1":          {`<c r="A3"><v>1</v></c></row><row r="-1"><c r="B3"><v>2</v></c>`, "Row 0 comes after row 3"},
		"another row's reference":    {`<c r="A3"><v>1</v></c></row><row r="3"><c r="B1"><v>2</v></c>`, "Row 3 comes after row 3"},
	}
	for what, c := range refused {
		data := farRightWorkbook(t, 1, func(int) string { return c.cells })
		if _, err := Parse(data); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want refused with %q", what, err, c.want)
		}
	}
	// Refused before the reader reads rows: a cell hidden in a cell on each row costs nothing.
	hidden := farRightWorkbook(t, 300, func(r int) string {
		return fmt.Sprintf(`<c r="A%d"><v>1</v><c></c><c r="XFD%d"><f>0</f></c></c>`, r, r)
	})
	if _, grew, err := parseCounting(hidden); err == nil || grew > 32<<20 {
		t.Errorf("rows each hiding a cell in column XFD inside a cell: %v after %d MiB, want refused at once", err, grew>>20)
	}
}

// A number format is parsed again for every cell showing it: one longer than Excel's 255
// characters, or more formats than a workbook has, is refused before any row is read.
func TestParseRefusesNumberFormatsBeyondExcels(t *testing.T) {
	styled := func(formats string) []byte {
		styles := `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>` + formats +
			`</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="200" applyNumberFormat="1"/></cellXfs></styleSheet>`
		return rezip(t, farRightWorkbook(t, 1, func(r int) string { return fmt.Sprintf(`<c r="A%d" s="1"><v>1</v></c>`, r) }),
			part{name: "xl/styles.xml", raw: []byte(styles), method: zip.Store, declared: uint64(len(styles))})
	}
	long := styled(`<numFmt numFmtId="200" formatCode="&quot;` + strings.Repeat("x", 300) + `&quot;0"/>`)
	many := styled(strings.Repeat(`<numFmt numFmtId="201" formatCode="0"/>`, maxFormats+1) + `<numFmt numFmtId="200" formatCode="0"/>`)
	for what, data := range map[string][]byte{"a format of 300 characters": long, "1001 formats": many} {
		if _, err := Parse(data); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "number formats exceed Excel's limits") {
			t.Errorf("%s: %v, want refused", what, err)
		}
	}
	if rows, err := Parse(styled(`<numFmt numFmtId="200" formatCode="0000000000"/>`)); err != nil || len(rows) != 2 {
		t.Errorf("a workbook with a format of Excel's kind: %d rows, %v", len(rows), err)
	}
}
