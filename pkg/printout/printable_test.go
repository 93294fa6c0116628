package printout_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv/pdftext"
	"github.com/ocopfair/ocopfair/pkg/printout"
)

// Names with emoji print without them: the PDF library draws no character beyond U+FFFF, and
// one such character in a cell panicked as the document was written (a multi-line cell failed
// it), so that one exhibitor's name broke the fair's posters, badges and agendas.
func TestTextsWithEmojiPrint(t *testing.T) {
	for in, want := range map[string]string{
		"HTX Mật ong Bắc Hà 🐝": "HTX Mật ong Bắc Hà", "🎉 Hội chợ 🎉 OCOP": "Hội chợ OCOP", "Chè 𠀀 Tân Cương": "Chè Tân Cương",
		"Cà phê Buôn Ma Thuột": "Cà phê Buôn Ma Thuột", "🍯": "",
		// Letters in another style beyond U+FFFF are letters; emoji below it, which the font
		// draws as an empty box, go too; a dropped character leaves a space between words.
		"𝐇𝐓𝐗 𝐌𝐚̣̂𝐭 𝐨𝐧𝐠": "HTX Mật ong", "𝓒𝓪̀ 𝓹𝓱𝓮̂": "Cà phê", "Cà phê ☕ Buôn Ma Thuột ⭐✅": "Cà phê Buôn Ma Thuột",
		"Trà🍵Cà phê": "Trà Cà phê", "🏳️‍🌈 Cờ": "Cờ", "a\xffb": "ab", "Dòng 1\nDòng 2": "Dòng 1\nDòng 2",
	} {
		if got := printout.Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
	pdf := printout.New("P", "A6")
	pdf.SetTitle("Thẻ 🎫", true)
	pdf.AddPage()
	pdf.SetFont(printout.Font, "", 10)
	name := "HTX Mật ong Bắc Hà 🐝"
	pdf.CellFormat(80, 6, name, "", 1, "L", false, 0, "")
	pdf.Cell(80, 6, name)
	pdf.Ln(6)
	pdf.MultiCell(80, 6, "Siêu thị 🛒 Hương Việt", "", "L", false)
	for _, l := range pdf.SplitText("Hợp tác xã 🌾 Nông sản Sạch", 80) {
		pdf.CellFormat(80, 6, l, "", 1, "L", false, 0, "")
	}
	pdf.Text(10, 120, "Gian hàng 🏠 A07")
	pdf.Write(6, "Chè 🍵 Shan tuyết")
	if w := pdf.GetStringWidth("Bàn 🪑 3"); w <= 0 {
		t.Errorf("the width of a text with an emoji: %v", w)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatalf("a document with emoji: %v", err)
	}
	text := pdftext.Text(t, buf.Bytes())
	for _, want := range []string{"HTX Mật ong Bắc Hà", "Siêu thị Hương Việt", "Nông sản Sạch", "Gian hàng A07", "Chè Shan tuyết"} {
		if !strings.Contains(text, want) {
			t.Errorf("the document lacks %q:\n%s", want, text)
		}
	}
}
