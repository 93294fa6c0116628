package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ocopfair/ocopfair/pkg/ocop"
)

// Table is a sheet of rows with Vietnamese headers.
type Table struct {
	Title  string
	Header []string
	Rows   [][]any
}

// ExhibitorTable lists exhibitors with their booths and products.
func ExhibitorTable(in Input) Table {
	t := Table{Title: "Danh sách đơn vị tham gia", Header: []string{"STT", "Mã gian hàng", "Khu", "Chủ thể OCOP", "Tỉnh/thành phố",
		"Sản phẩm", "Bộ tiêu chí", "Hạng sao cao nhất", "Số gian", "Phí gian hàng (VND)"}}
	for i, ex := range Exhibitors(in) {
		a := ex.Application
		prov, _ := ocop.ProvinceByCode(a.Province)
		codes := make([]string, len(ex.Booths))
		var fee int64
		for j, b := range ex.Booths {
			codes[j] = b.Code
			fee += PriceOf(in.Fair, b)
		}
		names := make([]string, len(a.Products))
		for j, p := range a.Products {
			names[j] = p.Name
		}
		sets := make([]string, 0)
		for _, s := range a.CriteriaSets() {
			sets = append(sets, strconv.Itoa(s))
		}
		best := a.Best()
		stars := fmt.Sprintf("%d sao", best.Stars)
		if best.PotentialFive {
			stars = "4 sao (tiềm năng 5 sao)"
		}
		t.Rows = append(t.Rows, []any{i + 1, strings.Join(codes, ", "), ex.Booths[0].Zone, a.ProducerName, prov.Name,
			strings.Join(names, "; "), strings.Join(sets, ", "), stars, len(ex.Booths), fee})
	}
	return t
}

var statusVI = map[string]string{"available": "Còn trống", "reserved": "Giữ chỗ", "assigned": "Đã phân", "blocked": "Không sử dụng"}

// BoothTable lists the floor plan.
func BoothTable(in Input) Table {
	t := Table{Title: "Sơ đồ gian hàng", Header: []string{"Mã gian hàng", "Khu", "Loại gian", "X (m)", "Y (m)", "Rộng (m)", "Sâu (m)",
		"Giá (VND)", "Trạng thái", "Chủ thể OCOP"}}
	holder := map[string]string{}
	names := map[string]string{}
	for _, a := range in.Applications {
		names[a.ID] = a.ProducerName
	}
	for _, as := range in.Assignments {
		holder[as.Code] = names[as.ApplicationID]
	}
	for _, b := range in.Booths {
		_, assigned := holder[b.Code]
		t.Rows = append(t.Rows, []any{b.Code, b.Zone, b.Kind, b.X, b.Y, b.W, b.H, PriceOf(in.Fair, b), statusVI[StatusOf(b, assigned)], holder[b.Code]})
	}
	return t
}

// CSV renders t as UTF-8 CSV with a byte-order mark, so that Excel shows the diacritics. Numbers
// the system computes stay numbers; every text cell goes through csvText, because names, zones and
// product names come from users and a spreadsheet would run one that reads as a formula.
func (t Table) CSV() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	head := make([]string, len(t.Header))
	for i, h := range t.Header {
		head[i] = csvText(h)
	}
	if err := w.Write(head); err != nil {
		return nil, err
	}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = csvValue(v)
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvValue writes a number as itself (a negative one must stay a number) and anything else as
// neutralised text.
func csvValue(v any) string {
	switch n := v.(type) {
	case int:
		return strconv.Itoa(n)
	case int64:
		return strconv.FormatInt(n, 10)
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	case string:
		return csvText(n)
	}
	return csvText(fmt.Sprint(v))
}

// csvText neutralises a text cell the way OWASP's CSV injection guidance says: a cell starting
// with =, +, -, @, a tab or a carriage return is read by spreadsheets as a formula (which can
// fetch URLs or run commands), so it gets a leading single quote, which makes it plain text.
// Text such as a phone number +84... or "-5" is kept, only shown after the quote.
func csvText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// XLSX renders t as a workbook with one sheet, a bold frozen header and numbers as numbers.
func (t Table) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	if err := f.SetSheetName(sheet, "Danh sách"); err != nil {
		return nil, err
	}
	sheet = "Danh sách"
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"E8F0E0"}, Pattern: 1}})
	if err != nil {
		return nil, err
	}
	for i, h := range t.Header {
		if err := setCell(f, sheet, i+1, 1, h); err != nil {
			return nil, err
		}
	}
	last, err := excelize.CoordinatesToCellName(max(len(t.Header), 1), 1)
	if err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sheet, "A1", last, bold); err != nil {
		return nil, err
	}
	for r, row := range t.Rows {
		for c, v := range row {
			if err := setCell(f, sheet, c+1, r+2, v); err != nil {
				return nil, err
			}
		}
	}
	for i := range t.Header {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return nil, err
		}
		if err := f.SetColWidth(sheet, col, col, 18); err != nil {
			return nil, err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// setCell writes v into column col, row row as a typed cell: numbers as numbers and everything
// else as a string cell. A string cell is text to Excel and LibreOffice whatever it starts with,
// and a formula is never written, so user text cannot run as one.
func setCell(f *excelize.File, sheet string, col, row int, v any) error {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	switch n := v.(type) {
	case int:
		return f.SetCellInt(sheet, cell, int64(n))
	case int64:
		return f.SetCellInt(sheet, cell, n)
	case float64:
		return f.SetCellFloat(sheet, cell, n, -1, 64)
	case string:
		return f.SetCellStr(sheet, cell, n)
	}
	return f.SetCellStr(sheet, cell, fmt.Sprint(v))
}
