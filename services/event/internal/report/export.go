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

// CSV renders t as UTF-8 CSV with a byte-order mark, so that Excel shows the diacritics.
func (t Table) CSV() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	if err := w.Write(t.Header); err != nil {
		return nil, err
	}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = fmt.Sprint(v)
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
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
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			return nil, err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(t.Header), 1)
	if err := f.SetCellStyle(sheet, "A1", last, bold); err != nil {
		return nil, err
	}
	for r, row := range t.Rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return nil, err
			}
		}
	}
	for i := range t.Header {
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(sheet, col, col, 18)
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
