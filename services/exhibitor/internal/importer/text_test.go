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
	if _, err := Parse(many); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "more than 16 characters escaped") {
		t.Errorf("a shared string of %d escapes: %v, want refused", maxEscapes+1, err)
	}
	own := farRightWorkbook(t, 1, func(r int) string {
		return fmt.Sprintf(`<c r="A%d" t="inlineStr"><is><t>%s</t></is></c>`, r, strings.Repeat("_x0041_", maxEscapes+1))
	})
	if _, err := Parse(own); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "more than 16 characters escaped") {
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
