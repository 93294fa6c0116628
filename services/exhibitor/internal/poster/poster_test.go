package poster

import (
	"bytes"
	"testing"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"golang.org/x/image/font/sfnt"
)

// The embedded fonts draw every Vietnamese letter: a missing glyph prints as an empty box
// however correct the text in the PDF is.
func TestFontsCoverVietnamese(t *testing.T) {
	letters := []rune("ăâđêôơưĂÂĐÊÔƠƯàáảãạ")
	for r := rune(0x1EA0); r <= 0x1EF9; r++ {
		letters = append(letters, r)
	}
	for name, ttf := range map[string][]byte{"regular": liberationsansregular.TTF, "bold": liberationsansbold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var b sfnt.Buffer
		for _, r := range letters {
			if i, err := f.GlyphIndex(&b, r); err != nil || i == 0 {
				t.Errorf("the %s font has no glyph for %c (U+%04X)", name, r, r)
			}
		}
	}
}

func TestFileName(t *testing.T) {
	tests := []struct {
		name string
		in   Sheet
		want string
	}{
		{"booth and folded name", Sheet{Booths: []Booth{{Code: "A07"}, {Code: "A08"}}, Producer: "HTX Nước mắm Đông Hải"}, "A07-htx-nuoc-mam-dong-hai.pdf"},
		{"no booth", Sheet{Producer: "Cơ sở Mật ong bạc hà"}, "co-so-mat-ong-bac-ha.pdf"},
		{"unsafe characters", Sheet{Booths: []Booth{{Code: "B/02"}}, Producer: `"Chè" \ Tân Cương`}, "B-02-che-tan-cuong.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.FileName(); got != tt.want {
				t.Errorf("FileName() = %q, want %q", got, tt.want)
			}
		})
	}
}

// A poster with no products still prints its page: the booth is there before the products.
func TestRenderWithoutProducts(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, Sheet{FairName: "Hội chợ", Booths: []Booth{{Code: "A01"}}, Producer: "HTX"}, "A5"); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Errorf("Render() = %v, %q…, want a PDF", err, buf.Bytes()[:min(buf.Len(), 8)])
	}
}
