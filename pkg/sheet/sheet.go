// Package sheet writes tables with headers in the caller's language as CSV and XLSX downloads,
// so that text from users (names, zones, products) never runs as a spreadsheet formula.
package sheet

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Table is a sheet of rows with headers in the language Lang (Vietnamese when empty).
type Table struct {
	Title  string
	Header []string
	Rows   [][]any
	Lang   apperr.Lang
	// Money lists the columns (from 0) of amounts in đồng, shown with thousands separators in
	// XLSX (in the reader's locale: 12.000.000 in Vietnamese); CSV keeps the bare number.
	Money []int
}

// msgSheet names the one worksheet of a workbook.
var msgSheet = apperr.M("export.sheet", "Danh sách", "List")

// CSV renders t as UTF-8 CSV with a byte-order mark, so that Excel shows the diacritics. Numbers
// the system computes stay numbers; every text cell goes through csvText, because names, zones and
// product names come from users and a spreadsheet would run one that reads as a formula.
func (t Table) CSV() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	head := make([]string, len(t.Header))
	for i, h := range t.Header {
		head[i] = Text(h)
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
		return Text(n)
	}
	return Text(fmt.Sprint(v))
}

// Text neutralises a text cell the way OWASP's CSV injection guidance says: a cell starting
// with =, +, -, @, a tab or a carriage return is read by spreadsheets as a formula (which can
// fetch URLs or run commands), so it gets a leading single quote, which makes it plain text.
// Text such as a phone number +84... or "-5" is kept, only shown after the quote. A spreadsheet
// set to split on semicolons or tabs (Excel in Vietnamese and many other locales takes ';') cuts
// a cell there, quoted or not, so what follows a ';' or a tab, after any spaces, is neutralised
// the same way: "HTX;=1+1" is written "HTX;'=1+1".
func Text(s string) string {
	if s == "" {
		return s
	}
	if formulaStart(s[0]) {
		s = "'" + s
	}
	if !strings.ContainsAny(s, ";\t") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] != ';' && s[i] != '\t' {
			continue
		}
		k := i + 1
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k < len(s) && formulaStart(s[k]) {
			b.WriteString(s[i+1 : k])
			b.WriteByte('\'')
			i = k - 1
		}
	}
	return b.String()
}

// formulaStart reports whether a cell starting with c is read as a formula.
func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// XLSX renders t as a workbook with one sheet, a bold frozen header and numbers as numbers.
func (t Table) XLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := msgSheet.In(t.Lang)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
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
	if err := t.moneyStyle(f, sheet); err != nil {
		return nil, err
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

// moneyStyle formats t's Money columns with thousands separators (Excel's built-in #,##0).
func (t Table) moneyStyle(f *excelize.File, sheet string) error {
	if len(t.Money) == 0 || len(t.Rows) == 0 {
		return nil
	}
	style, err := f.NewStyle(&excelize.Style{NumFmt: 3})
	if err != nil {
		return err
	}
	for _, c := range t.Money {
		first, err := excelize.CoordinatesToCellName(c+1, 2)
		if err != nil {
			return err
		}
		last, err := excelize.CoordinatesToCellName(c+1, len(t.Rows)+1)
		if err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, first, last, style); err != nil {
			return err
		}
	}
	return nil
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
