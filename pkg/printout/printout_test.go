package printout_test

import (
	"bytes"
	"fmt"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/ocopfair/ocopfair/pkg/printout"
)

func TestNewWritesAPDF(t *testing.T) {
	pdf := printout.New("P", "A6")
	pdf.AddPage()
	pdf.SetFont(printout.Font, "B", 14)
	pdf.Cell(40, 10, "Nguyễn Thị Hương")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Errorf("New(...).Output wrote %q..., want a PDF", buf.Bytes()[:min(8, buf.Len())])
	}
}

func ExampleQRSVG() {
	svg, err := printout.QRSVG("https://ocopfair.vn/v/AbC123")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(string(svg), "<svg"), strings.HasSuffix(string(svg), "</svg>"))
	// Output: true true
}

// Every code reads back with a ZXing reader, finder patterns first as a phone finds them, at a
// small and the served scale: among them product URLs whose standard mask does not read (a
// stretch of data taken for a finder pattern) or reads at one scale only, and a run of others.
func TestQRCodesReadBack(t *testing.T) {
	texts := []string{
		"https://hoicho.example.vn/v/5bf0twwzqa3", "https://hoicho.example.vn/v/902zc97e300",
		"https://hoicho.example.vn/v/c9gtt2tt22p", "https://hoicho.example.vn/v/ka47yrg4e06",
		"https://hoicho.example.vn/v/9x2wcswxba3", "https://hoicho.example.vn/v/vu3mhq84ypb",
		"https://hoicho.example.vn/v/x4tteduyd22", "https://hoicho.example.vn/v/cbb8r37t9z8", "b1.0f5c1b9e-2d4a-4c39-9a57-3f2e8d6b7a10.Qm9uZ2hvYQ",
		"Hợp tác xã Nước mắm Phú Quốc",
	}
	const alphabet = "23456789abcdefghjkmnpqrstuvwxyz" // a product code's letters
	rng := rand.New(rand.NewPCG(20, 26))
	for range 200 {
		code := make([]byte, 11)
		for i := range code {
			code[i] = alphabet[rng.IntN(len(alphabet))]
		}
		texts = append(texts, "https://hoicho.example.vn/v/"+string(code))
	}
	for _, text := range texts {
		for _, scale := range []int{3, 8} {
			if got := readPNG(t, text, scale); got != text {
				t.Errorf("QRPNG(%q, %d) reads back as %q", text, scale, got)
			}
		}
	}
}

// readPNG draws text's code as a PNG and reads it as a phone does, "" when no code is found.
func readPNG(t *testing.T, text string, scale int) string {
	t.Helper()
	b, err := printout.QRPNG(text, scale)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	got, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return ""
	}
	return got.GetText()
}
