// Package pdftext reads the text of the PDFs ocopfair prints (pkg/printout), for tests that check
// what a poster, a badge or an agenda says, Vietnamese letters included.
package pdftext

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// Text extracts the text of a PDF, page after page, one line per text-showing operator. It
// reads each font's ToUnicode map itself: the extractor's own reading applies a bfrange only to
// the last byte of a code, which garbles every letter above U+00FF under the identity map fpdf
// writes (<0000> <FFFF> <0000>), so a test would not see Vietnamese letters the PDF holds. A PDF
// that does not parse, or a font without that map, fails the test.
func Text(t testing.TB, body []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("read the PDF: %v", err)
	}
	var out strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		page := r.Page(i)
		font := pdf.Value{}
		show := func(v pdf.Value) {
			if v.Kind() == pdf.String {
				out.WriteString(decode(t, font, v.RawString()))
			}
		}
		pdf.Interpret(page.V.Key("Contents"), func(stk *pdf.Stack, op string) {
			args := make([]pdf.Value, stk.Len())
			for j := len(args) - 1; j >= 0; j-- {
				args[j] = stk.Pop()
			}
			switch {
			case op == "Tf" && len(args) == 2:
				font = page.Resources().Key("Font").Key(args[0].Name())
			case op == "Tj" && len(args) == 1:
				show(args[0])
				out.WriteString("\n")
			case op == "TJ" && len(args) == 1:
				for k := range args[0].Len() {
					show(args[0].Index(k))
				}
				out.WriteString("\n")
			}
		})
	}
	return out.String()
}

// Pages returns the number of pages of a PDF; one that does not parse fails the test.
func Pages(t testing.TB, body []byte) int {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("read the PDF: %v", err)
	}
	return r.NumPage()
}

// identityToUnicode is the ToUnicode map of fpdf's UTF-8 fonts: every two-byte code is the
// UTF-16 code unit of its character.
const identityToUnicode = "1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange"

// decode decodes raw, shown in font, through the font's identity ToUnicode map.
func decode(t testing.TB, font pdf.Value, raw string) string {
	t.Helper()
	rd := font.Key("ToUnicode").Reader()
	cmap, err := io.ReadAll(rd)
	rd.Close()
	if err != nil || !strings.Contains(string(cmap), identityToUnicode) || len(raw)%2 != 0 {
		t.Fatalf("font %v: ToUnicode %q (%v), want the identity map of two-byte codes", font.Key("BaseFont"), cmap, err)
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = uint16(raw[2*i])<<8 | uint16(raw[2*i+1])
	}
	return string(utf16.Decode(units))
}
