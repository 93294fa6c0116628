// Package importer reads the OCOP lists provinces keep in spreadsheets (CSV or XLSX with
// Vietnamese headers), validates every row into a producer and a product, and reports per row
// what was created, skipped or rejected and why. Re-importing a file creates nothing twice.
package importer

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// MaxRows bounds one import.
const MaxRows = 5000

// An XLSX file is a zip archive, and a small upload can unpack to gigabytes (a zip bomb). These
// bound what a file may unpack to; they are checked on the sizes the archive declares, before
// anything is inflated, and the zip reader stops at a part's declared size, so a part that lies
// about its size cannot unpack to more either. A province's list of a few thousand rows unpacks to
// a few MiB.
const (
	// MaxPartBytes bounds each part (a sheet, the shared strings, ...) once unpacked.
	MaxPartBytes = 20 << 20
	// MaxUnpackedBytes bounds all parts together once unpacked.
	MaxUnpackedBytes = 50 << 20
	// MaxRatio bounds how much larger than its compressed form a part above ratioFloor may be.
	// Spreadsheet XML compresses 5 to 20 times; a zip bomb, hundreds to millions of times.
	MaxRatio = 100
	// ratioFloor exempts small parts, whose repetitive XML may compress very well and which
	// cannot unpack to much anyway.
	ratioFloor = 1 << 20
	// maxParts bounds the number of parts; a workbook has a few dozen.
	maxParts = 1000
)

// Column keys and the folded header texts that name them.
var headers = map[string][]string{
	"legal_name":   {"ten chu the", "chu the", "ten chu the ocop", "ten don vi", "ten co so"},
	"kind":         {"loai hinh", "loai hinh chu the", "loai chu the"},
	"tax_code":     {"ma so thue", "mst"},
	"province":     {"tinh/thanh pho", "tinh", "tinh/thanh", "tinh thanh pho", "tinh, thanh pho"},
	"commune":      {"xa/phuong", "xa", "xa phuong", "xa/phuong/thi tran"},
	"address":      {"dia chi"},
	"phone":        {"dien thoai", "so dien thoai", "sdt"},
	"email":        {"email", "thu dien tu"},
	"product":      {"ten san pham", "san pham"},
	"criteria_set": {"bo tieu chi", "nhom san pham", "phan nhom", "nganh hang", "nhom"},
	"stars":        {"so sao", "hang sao", "xep hang", "sao"},
	"decision_no":  {"so quyet dinh", "quyet dinh", "so qd"},
	"issued_by":    {"co quan cap", "noi cap", "don vi cap"},
	"issued_on":    {"ngay cap", "ngay quyet dinh", "ngay cong nhan"},
	"unit":         {"don vi tinh", "dvt"},
	"gtin":         {"ma vach", "gtin", "ma so ma vach"},
}

var required = []string{"legal_name", "kind", "tax_code", "province", "commune", "phone", "product", "criteria_set", "stars", "decision_no", "issued_by", "issued_on"}

// Row is one line of the file: its number (1 is the header) and cells by column key.
type Row struct {
	Line  int
	Cells map[string]string
}

// Parse reads CSV or XLSX (detected from the content) into rows keyed by column. It fails when
// the file cannot be read or a required column is missing.
func Parse(data []byte) ([]Row, error) {
	var records [][]string
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		records, err = readXLSX(data)
	} else {
		records, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, apperr.New(apperr.Invalid, msgFileEmpty)
	}
	cols := map[int]string{}
	found := map[string]bool{}
	for i, h := range records[0] {
		key := vntext.Fold(strings.TrimPrefix(h, "\uFEFF"))
		key = strings.TrimSuffix(strings.TrimSpace(strings.Trim(key, "*")), ":")
		for col, names := range headers {
			for _, n := range names {
				if key == n && !found[col] {
					cols[i], found[col] = col, true
				}
			}
		}
	}
	var v apperr.Validation
	for _, col := range required {
		v.Expect(found[col], "columns", msgColumnMissing, col, headers[col][0])
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(records)-1 > MaxRows {
		return nil, apperr.New(apperr.Invalid, msgTooManyRows, MaxRows, MaxRows)
	}
	rows := make([]Row, 0, len(records)-1)
	for n, rec := range records[1:] {
		r := Row{Line: n + 2, Cells: map[string]string{}}
		empty := true
		for i, cell := range rec {
			if col, ok := cols[i]; ok {
				cell = vntext.Clean(cell)
				r.Cells[col] = cell
				empty = empty && cell == ""
			}
		}
		if !empty {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	// Excel in Vietnamese locales often writes semicolons.
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	// A record's fields are held at once, however many: a line of nothing but separators would
	// be millions of them. A province's list has a few dozen separators a row.
	if n := bytes.Count(data, []byte(string(r.Comma))); n > maxSeparators {
		// A long list has many separators too: it is told it has too many rows.
		if bytes.Count(data, []byte("\n")) > MaxRows+1 {
			return nil, apperr.New(apperr.Invalid, msgTooManyRows, MaxRows, MaxRows)
		}
		return nil, apperr.New(apperr.Invalid, msgCSVTooManyCells, maxSeparators)
	}
	var t table
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return t.rows, nil
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, apperr.WrapMsg(apperr.Invalid, err, msgCSVUnreadable, line)
		}
		if err := t.add(rec); err != nil {
			return nil, err
		}
		if len(t.rows) > MaxRows+1 {
			return t.rows, nil
		}
	}
}

// maxSeparators bounds the separators of a CSV file, quoted ones too: MaxColumns on each of the
// rows an import reads.
const maxSeparators = (MaxRows + 2) * MaxColumns

// tooLarge is the error m for a spreadsheet that would unpack to too much.
func tooLarge(m apperr.Msg, args ...any) error {
	return apperr.New(apperr.TooLarge, m, args...)
}

// checkArchive refuses an XLSX file whose parts would unpack to more than the limits, from the
// sizes its zip directory declares, without inflating anything. It returns the archive's reader.
func checkArchive(data []byte) (*zip.Reader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, apperr.WrapMsg(apperr.Invalid, err, msgXLSXInvalid)
	}
	if len(zr.File) > maxParts {
		return nil, tooLarge(msgXLSXTooManyParts, len(zr.File), maxParts)
	}
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		if size > MaxPartBytes {
			return nil, tooLarge(msgXLSXPartTooLarge, size>>20, MaxPartBytes>>20)
		}
		if total += size; total > MaxUnpackedBytes {
			return nil, tooLarge(msgXLSXTooLarge, MaxUnpackedBytes>>20)
		}
		if size > ratioFloor && size/MaxRatio > f.CompressedSize64 {
			return nil, tooLarge(msgXLSXRatio, MaxRatio)
		}
	}
	return zr, nil
}

// MaxColumns is the widest row a spreadsheet may have, counted to its last cell that holds
// something: the import's template has 13 columns.
const MaxColumns = 100

// readXLSX reads the first sheet's rows, at most MaxRows+2 (the header, the most rows an import
// takes, and one more to tell that there are too many), streaming them instead of building the
// whole sheet in memory.
func readXLSX(data []byte) ([][]string, error) {
	zr, err := checkArchive(data)
	if err != nil {
		return nil, err
	}
	// Every part is read before the reader opens the file, since it reads the styles as it does.
	if err := checkParts(zr); err != nil {
		return nil, err
	}
	// checkArchive bounds every part to MaxPartBytes, so the reader keeps them all in memory
	// (none in temporary files).
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnpackedBytes, UnzipXMLSizeLimit: MaxPartBytes})
	if err != nil {
		return nil, apperr.WrapMsg(apperr.Invalid, err, msgXLSXUnreadable)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, apperr.New(apperr.Invalid, msgXLSXNoSheet)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, apperr.WrapMsg(apperr.Invalid, err, msgSheetUnreadable)
	}
	defer rows.Close()
	var t table
	for len(t.rows) < MaxRows+2 && rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return nil, apperr.WrapMsg(apperr.Invalid, err, msgSheetUnreadable)
		}
		if err := t.add(cols); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, apperr.WrapMsg(apperr.Invalid, err, msgSheetUnreadable)
	}
	return t.rows, nil
}

// Bounds on the text a file's cells hold, whatever its size on disk: cells of an XLSX file may
// all point at one shared string, so a few KiB can stand for gigabytes of text.
const (
	// MaxCellChars is the most characters a cell may hold: Excel's own limit.
	MaxCellChars = 32767
	// MaxTextBytes bounds the text of all cells kept; a province's list of 5,000 rows holds a
	// few MiB.
	MaxTextBytes = 16 << 20
)

// table is the rows read so far and the bytes of text they hold.
type table struct {
	rows [][]string
	text int
}

// add keeps the row of cells cols. A reader fills every column up to a row's last cell: a cell far
// to the right (a sheet is 16,384 columns wide) makes thousands of empty ones, so a row is kept
// only as wide as its last cell with something in it, and a wider row than any import needs is
// refused at once instead of held; so are a cell longer than a spreadsheet's cell holds and more
// text in all than MaxTextBytes.
func (t *table) add(cols []string) error {
	line := len(t.rows) + 1
	n := len(cols)
	for n > 0 && strings.TrimSpace(cols[n-1]) == "" {
		n--
	}
	if n > MaxColumns {
		return apperr.New(apperr.Invalid, msgSheetTooWide, line, n, MaxColumns)
	}
	for i, cell := range cols[:n] {
		if len(cell) > MaxCellChars && utf8.RuneCountInString(cell) > MaxCellChars {
			return apperr.New(apperr.Invalid, msgCellTooLong, line, i+1, MaxCellChars)
		}
		if t.text += len(cell); t.text > MaxTextBytes {
			return apperr.New(apperr.TooLarge, msgTooMuchText, MaxTextBytes>>20)
		}
	}
	t.rows = append(t.rows, append([]string(nil), cols[:n]...))
	return nil
}

// Kind maps the "Loại hình" cell to a producer kind.
func Kind(s string) (string, bool) {
	k := vntext.Fold(s)
	switch {
	case k == "cooperative" || k == "htx" || strings.Contains(k, "hop tac xa"):
		return "cooperative", true
	case k == "cooperative_group" || strings.Contains(k, "to hop tac") || k == "tht":
		return "cooperative_group", true
	case k == "enterprise" || strings.Contains(k, "doanh nghiep") || strings.Contains(k, "cong ty") || k == "dn":
		return "enterprise", true
	case k == "household_business" || strings.Contains(k, "ho kinh doanh") || strings.Contains(k, "co so") || strings.Contains(k, "ho gia dinh") || k == "hkd":
		return "household_business", true
	}
	return "", false
}

// Stars reads "4", "4 sao", "4*", "4★" or "tiềm năng 5 sao" into a rating.
func Stars(s string) (ocop.Rating, bool) {
	k := vntext.Fold(s)
	if strings.Contains(k, "tiem nang") {
		return ocop.Rating{Stars: 4, PotentialFive: true}, true
	}
	k = strings.TrimSpace(strings.NewReplacer("sao", "", "*", "", "★", "", "stars", "", "star", "").Replace(k))
	n, err := strconv.Atoi(k)
	if err != nil || n < 3 || n > 5 {
		return ocop.Rating{}, false
	}
	return ocop.Rating{Stars: n}, true
}

// CriteriaSet reads a set number or a current or 2019 group name.
func CriteriaSet(s string) (int, string, bool) {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		cs, ok := ocop.CriteriaSetByNumber(n)
		return cs.Number, cs.Sector, ok
	}
	c, ok := ocop.Classify(s)
	if !ok {
		return 0, "", false
	}
	if c.CriteriaSet == 0 {
		// A sector alone: take its first set, the broadest group.
		for _, cs := range ocop.CriteriaSets() {
			if cs.Sector == c.Sector {
				return cs.Number, c.Sector, true
			}
		}
	}
	return c.CriteriaSet, c.Sector, true
}

// Date reads dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd or an Excel serial number.
func Date(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly, "02-01-2006", "2006/01/02", "01-02-06"} {
		if t, err := time.ParseInLocation(layout, s, vntext.Zone); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 30000 && n < 80000 {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, vntext.Zone).AddDate(0, 0, int(n))
		return t, true
	}
	return time.Time{}, false
}

// Unit maps a unit cell (code or Vietnamese name) to a unit code; empty means piece.
func Unit(s string) (string, bool) {
	if strings.TrimSpace(s) == "" {
		return "piece", true
	}
	k := vntext.Fold(s)
	for _, u := range ocop.Units() {
		if k == u.Code || k == vntext.Fold(u.NameVI) || k == vntext.Fold(u.NameEN) {
			return u.Code, true
		}
	}
	return "", false
}
