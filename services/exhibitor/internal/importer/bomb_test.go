package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// sampleXLSX is a valid workbook with the sample's header and rows.
func sampleXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	for r, line := range strings.Split(strings.TrimSpace(strings.TrimPrefix(sampleCSV, "\uFEFF")), "\n") {
		cells := []any{}
		for _, c := range strings.Split(line, ",") {
			cells = append(cells, c)
		}
		name, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow("Sheet1", name, &cells); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// part is a zip entry to put into a workbook: either content written through deflate (n bytes,
// repeating fill), or raw bytes with the sizes its header declares.
type part struct {
	name     string
	fill     []byte
	n        int
	raw      []byte
	method   uint16
	declared uint64
}

// rezip copies the workbook's parts, replacing or adding parts by name.
func rezip(t *testing.T, workbook []byte, parts ...part) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]part{}
	for _, p := range parts {
		byName[p.name] = p
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	write := func(p part) {
		if p.raw != nil {
			w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: p.method, CompressedSize64: uint64(len(p.raw)),
				UncompressedSize64: p.declared, CRC32: crc32.ChecksumIEEE(p.raw)})
			if err == nil {
				_, err = w.Write(p.raw)
			}
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		chunk := bytes.Repeat(p.fill, max(1, (64<<10)/len(p.fill)))
		for left := p.n; left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range zr.File {
		if p, ok := byName[f.Name]; ok {
			write(p)
			delete(byName, f.Name)
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	for _, p := range parts {
		if _, left := byName[p.name]; left {
			write(p)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parseCounting parses data and also returns how many bytes the parse allocated.
func parseCounting(data []byte) ([]Row, uint64, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rows, err := Parse(data)
	runtime.ReadMemStats(&after)
	return rows, after.TotalAlloc - before.TotalAlloc, err
}

func deflated(t *testing.T, fill []byte, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	chunk := bytes.Repeat(fill, (64<<10)/len(fill))
	for left := n; left > 0; left -= len(chunk) {
		_, _ = w.Write(chunk[:min(left, len(chunk))])
	}
	_ = w.Close()
	return buf.Bytes()
}

func TestParseRefusesZipBombs(t *testing.T) {
	workbook := sampleXLSX(t)
	sheet := "xl/worksheets/sheet1.xml"
	rowXML := []byte(`<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>`)
	tests := []struct {
		name  string
		parts []part
		want  apperr.Kind
	}{
		{"a sheet unpacking to 60 MiB", []part{{name: sheet, fill: rowXML, n: 60 << 20}}, apperr.TooLarge},
		{"a 5 MiB sheet packed more than 100 to 1", []part{{name: sheet, fill: []byte{' '}, n: 5 << 20}}, apperr.TooLarge},
		{"parts that together unpack to 54 MiB", []part{
			{name: "xl/media/a.bin", raw: bytes.Repeat([]byte{1}, 300<<10), method: zip.Store, declared: 18 << 20},
			{name: "xl/media/b.bin", raw: bytes.Repeat([]byte{2}, 300<<10), method: zip.Store, declared: 18 << 20},
			{name: "xl/media/c.bin", raw: bytes.Repeat([]byte{3}, 300<<10), method: zip.Store, declared: 18 << 20},
		}, apperr.TooLarge},
		// The header says 64 KiB; the data inflates to 30 MiB. The zip reader stops at the
		// declared size, so what is read is cut short and refused.
		{"a sheet lying about its size", []part{{name: sheet, raw: deflated(t, rowXML, 30<<20), method: zip.Deflate, declared: 64 << 10}}, apperr.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := rezip(t, workbook, tt.parts...)
			if len(data) > MaxFileBytes {
				t.Fatalf("the bomb is %d bytes, more than an upload may be", len(data))
			}
			rows, alloc, err := parseCounting(data)
			if kind := apperr.KindOf(err); kind != tt.want {
				t.Fatalf("Parse(%d-byte bomb) = %d rows, %v; want a %s error", len(data), len(rows), err, tt.want)
			}
			// Refused before inflating: far less allocated than the bomb unpacks to.
			if alloc > 16<<20 {
				t.Errorf("Parse allocated %d MiB refusing it", alloc>>20)
			}
		})
	}
	t.Run("a sound workbook still reads", func(t *testing.T) {
		rows, err := Parse(rezip(t, workbook))
		if err != nil || len(rows) != 2 || rows[1].Cells["legal_name"] != "Công ty Chè Tân Cương" {
			t.Fatalf("Parse = %+v, %v", rows, err)
		}
	})
}

func TestParseXLSXRowCap(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(sampleCSV, "\uFEFF")), "\n")
	build := func(rows int) []byte {
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r <= rows; r++ {
			// The header has every column; a row of one cell counts as a row all the same.
			cells := []any{"HTX Mật ong Bắc Hà"}
			if r == 0 {
				cells = cells[:0]
				for _, c := range strings.Split(lines[0], ",") {
					cells = append(cells, c)
				}
			}
			name, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := sw.SetRow(name, cells); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	// Reading stops at the cap: a sheet three times as long costs about as much to refuse as
	// one just over it (reading every row first costs three times as much).
	refuse := func(rows int) uint64 {
		_, alloc, err := parseCounting(build(rows))
		if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "more than 5000 rows") {
			t.Errorf("%d rows: %v, want the row cap", rows, err)
		}
		return alloc
	}
	over, long := refuse(MaxRows+1), refuse(3*MaxRows)
	t.Logf("refusing %d rows allocated %d KiB, %d rows %d KiB", MaxRows+1, over>>10, 3*MaxRows, long>>10)
	if long > 2*over {
		t.Errorf("refusing %d rows allocated %d KiB, %d rows %d KiB: the rows past the cap were read", MaxRows+1, over>>10, 3*MaxRows, long>>10)
	}
}

// farRightWorkbook is the sample workbook with the template's header and first row, then rows of
// the given cells from row 3 on.
func farRightWorkbook(t *testing.T, rows int, cell func(r int) string) []byte {
	t.Helper()
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for r, line := range strings.Split(strings.TrimSpace(strings.TrimPrefix(sampleCSV, "\uFEFF")), "\n")[:2] {
		fmt.Fprintf(&sheet, `<row r="%d">`, r+1)
		for c, v := range strings.Split(line, ",") {
			name, _ := excelize.CoordinatesToCellName(c+1, r+1)
			fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, name, v)
		}
		sheet.WriteString(`</row>`)
	}
	for r := 3; r < 3+rows; r++ {
		fmt.Fprintf(&sheet, `<row r="%d">%s</row>`, r, cell(r))
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	raw := []byte(sheet.String())
	return rezip(t, sampleXLSX(t), part{name: "xl/worksheets/sheet1.xml", raw: raw, method: zip.Store, declared: uint64(len(raw))})
}

// A cell in column XFD is found however its reference is written, as an XML reader reads it, and
// in a sheet the workbook's relations put outside xl/worksheets/.
func TestParseXLSXFarRightCellsHoweverWritten(t *testing.T) {
	build := func(rows int, cell func(r int) string) []byte { return farRightWorkbook(t, rows, cell) }
	elsewhere := func(workbook []byte) []byte {
		read := func(workbook []byte, name string) []byte {
			zr, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
			if err != nil {
				t.Fatal(err)
			}
			f, err := zr.Open(name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			b, err := io.ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		rels := bytes.ReplaceAll(read(workbook, "xl/_rels/workbook.xml.rels"), []byte("worksheets/sheet1.xml"), []byte("data/sheet1.xml"))
		sheet, plain := read(workbook, "xl/worksheets/sheet1.xml"), read(sampleXLSX(t), "xl/worksheets/sheet1.xml")
		return rezip(t, workbook, part{name: "xl/_rels/workbook.xml.rels", raw: rels, method: zip.Store, declared: uint64(len(rels))},
			part{name: "xl/data/sheet1.xml", raw: sheet, method: zip.Store, declared: uint64(len(sheet))},
			part{name: "xl/worksheets/sheet1.xml", raw: plain, method: zip.Store, declared: uint64(len(plain))})
	}
	for what, data := range map[string][]byte{
		"lower case":                   build(1000, func(r int) string { return fmt.Sprintf(`<c r="xfd%d" t="inlineStr"><is><t> </t></is></c>`, r) }),
		"single quotes":                build(1000, func(r int) string { return fmt.Sprintf(`<c r='XFD%d' s='0'/>`, r) }),
		"spaces around =":              build(1000, func(r int) string { return fmt.Sprintf("<c r =\n\"XFD%d\" s=\"0\"/>", r) }),
		"a character reference":        build(1000, func(r int) string { return fmt.Sprintf(`<c r="&#88;FD%d"><f>0</f></c>`, r) }),
		"a prefixed attribute":         build(1000, func(r int) string { return fmt.Sprintf(`<c x:r="XFD%d"><f>0</f></c>`, r) }),
		"> in another attribute":       build(1000, func(r int) string { return fmt.Sprintf(`<c a=">" r="XFD%d"><f>0</f></c>`, r) }),
		"after a comment with a quote": build(1000, func(r int) string { return fmt.Sprintf(`<!-- " --><c r="XFD%d"><f>0</f></c>`, r) }),
		"a sheet in xl/data/":          elsewhere(build(1000, func(r int) string { return fmt.Sprintf(`<c r="XFD%d" s="0"/>`, r) })),
	} {
		if _, err := Parse(data); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "Row 3 has a cell in column 16384") {
			t.Errorf("rows with a cell in column XFD, %s: %v, want refused at row 3", what, err)
		}
	}
	// Cells without a reference each stand one column right of the one before.
	noRefs := build(10, func(int) string { return strings.Repeat(`<c><f>0</f></c>`, MaxColumns+1) })
	if _, err := Parse(noRefs); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "Row 3 has a cell in column 101") {
		t.Errorf("rows of 101 cells without references: %v, want refused at row 3", err)
	}
}

// A sheet whose rows each hold one cell far to the right (column XFD, the 16,384th) is refused at
// its first such row, without the reader's thousands of empty cells per row being kept; stray
// empty cells on the right (formatting) are ignored.
func TestParseXLSXFarRightCells(t *testing.T) {
	build := func(rows int, cell func(r int) string) []byte { return farRightWorkbook(t, rows, cell) }
	// An empty formatted cell makes the reader fill the row just the same: refused too, at once.
	for what, cell := range map[string]string{
		"a cell":                  `<c r="XFD%d" t="inlineStr"><is><t>x</t></is></c>`,
		"an empty formatted cell": `<c r="XFD%d" s="0"/>`,
	} {
		_, grew, err := parseCounting(build(5000, func(r int) string { return fmt.Sprintf(cell, r) }))
		if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "Row 3 has a cell in column 16384") {
			t.Errorf("rows with %s in column XFD: %v, want refused at row 3", what, err)
		}
		if grew > 32<<20 {
			t.Errorf("refusing rows with %s in column XFD allocated %d MiB", what, grew>>20)
		}
	}
	// One on the last row only, with a namespace prefix, is found as well.
	last := build(200, func(r int) string {
		if r < 202 {
			return fmt.Sprintf(`<c r="A%d" t="inlineStr"><is><t>x</t></is></c>`, r)
		}
		return fmt.Sprintf(`<x:c r="CW%d" s="1"/>`, r) // column 101
	})
	if _, err := Parse(last); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "Row 202 has a cell in column 101") {
		t.Errorf("one cell in column 101 on the last row: %v", err)
	}
	if rows, err := Parse(build(3, func(r int) string { return fmt.Sprintf(`<c r="CV%d" s="1"/>`, r) })); err != nil || len(rows) != 1 {
		t.Errorf("empty formatted cells in column 100: %d rows, %v", len(rows), err)
	}
}

// A cell far to the right past the reader's row cap is left to the cap: nothing past it is read.
func TestCheckSheetColumnsStopsAtTheRowCap(t *testing.T) {
	var b strings.Builder
	for r := 1; r <= MaxRows+3; r++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d"/></row>`, r, r)
	}
	fmt.Fprintf(&b, `<row r="%d"><c r="XFD%d"/></row>`, MaxRows+4, MaxRows+4)
	if err := checkPart([]byte("<worksheet><sheetData>"+b.String()+"</sheetData></worksheet>"), nil, &budget{}); err != nil {
		t.Errorf("a far cell past the row cap: %v, want it left to the cap", err)
	}
}
