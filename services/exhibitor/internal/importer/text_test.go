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
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "row 2, column 1 holds more than 32767 characters") {
		t.Errorf("cells of a million characters: %v, want refused at row 2", err)
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
	wide := header + "\n" + strings.Repeat("x,", MaxColumns) + "x\n"
	if _, err := Parse([]byte(wide)); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "Row 2 has a cell in column 101") {
		t.Errorf("a row of 101 cells: %v, want refused at row 2", err)
	}
}
