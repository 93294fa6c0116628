// Package printout makes what ocopfair prints or shows to be scanned: QR codes (PNG for PDFs,
// SVG for print and screens) and PDF documents with an embedded free font that draws every
// Vietnamese letter. The exhibitor's booth posters and the matchmaking service's badges share it.
package printout

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
	"sync"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// Font is the family that New embeds, in regular ("") and bold ("B"): Liberation Sans (SIL Open
// Font License) covers every Vietnamese letter (U+1EA0–U+1EF9, ơ, ư, đ); the Go fonts do not.
const Font = "LiberationSans"

// New returns a PDF document in millimetres on paper size ("A4", "A5", "A6") with orientation
// "P" or "L", Font embedded, no automatic page breaks and ocopfair as its creator.
func New(orientation, size string) *Doc {
	pdf := fpdf.New(orientation, "mm", size, "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(Font, "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes(Font, "B", liberationsansbold.TTF)
	pdf.SetCreator("ocopfair", true)
	return &Doc{pdf: pdf}
}

// Doc is a PDF document whose texts are made printable (Printable) on their way in: users write
// names with emoji ("HTX Mật ong Bắc Hà 🐝"), and the PDF library draws no character beyond
// U+FFFF: a cell with one panicked as the document was written, and a multi-line cell failed
// it, so that one exhibitor's name broke every poster, badge and agenda of the fair. It offers
// only the methods documents use, each text made printable: one the library takes text in cannot
// be called around it.
type Doc struct{ pdf *fpdf.Fpdf }

// Printable is text as the embedded fonts can print it. Letters written in another style
// beyond U+FFFF (the bold or script "𝐇𝐓𝐗" some shops use) become plain letters (NFKC); any
// other character the fonts do not draw (emoji, above U+FFFF or not: the PDF library cannot
// print the former, and draws the latter as an empty box) becomes a space, spaces run together
// made one; invalid UTF-8 is dropped.
func Printable(text string) string {
	text = strings.ToValidUTF8(text, "")
	if !strings.ContainsFunc(text, undrawn) {
		return text
	}
	if strings.ContainsFunc(text, func(r rune) bool { return r > 0xFFFF }) {
		text = norm.NFKC.String(text)
	}
	var b strings.Builder
	space := true // at the start, as after a space: none is written
	for _, r := range text {
		if undrawn(r) {
			r = ' '
		}
		if r == ' ' && space {
			continue
		}
		space = r == ' '
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// undrawn reports whether r is a character the embedded fonts have no glyph for, or one that
// only joins or varies emoji (control characters, line breaks among them, are the PDF
// library's to lay out).
func undrawn(r rune) bool {
	if r < 0x20 || r == 0x7f {
		return false
	}
	if r > 0xFFFF || unicode.In(r, unicode.Cf, unicode.Variation_Selector) { // joiners of emoji
		return true
	}
	return !glyphs()[r]
}

// glyphs is the characters of the Basic Multilingual Plane both embedded fonts draw.
var glyphs = sync.OnceValue(func() []bool {
	drawn := make([]bool, 0x10000)
	for i := range drawn {
		drawn[i] = true
	}
	for _, ttf := range [][]byte{liberationsansregular.TTF, liberationsansbold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic(fmt.Sprintf("printout: the embedded font: %v", err))
		}
		var buf sfnt.Buffer
		for r := range drawn {
			if drawn[r] {
				g, err := f.GlyphIndex(&buf, rune(r))
				drawn[r] = err == nil && g != 0
			}
		}
	}
	return drawn
})

// CellFormat is fpdf's, its text printable.
func (d *Doc) CellFormat(w, h float64, text, border string, ln int, align string, fill bool, link int, linkStr string) {
	d.pdf.CellFormat(w, h, Printable(text), border, ln, align, fill, link, linkStr)
}

// Cell is fpdf's, its text printable.
func (d *Doc) Cell(w, h float64, text string) { d.pdf.Cell(w, h, Printable(text)) }

// MultiCell is fpdf's, its text printable.
func (d *Doc) MultiCell(w, h float64, text, border, align string, fill bool) {
	d.pdf.MultiCell(w, h, Printable(text), border, align, fill)
}

// SplitText is fpdf's, its text printable.
func (d *Doc) SplitText(text string, w float64) []string { return d.pdf.SplitText(Printable(text), w) }

// Text is fpdf's, its text printable.
func (d *Doc) Text(x, y float64, text string) { d.pdf.Text(x, y, Printable(text)) }

// Write is fpdf's, its text printable.
func (d *Doc) Write(h float64, text string) { d.pdf.Write(h, Printable(text)) }

// GetStringWidth is fpdf's, its text printable.
func (d *Doc) GetStringWidth(text string) float64 { return d.pdf.GetStringWidth(Printable(text)) }

// SetTitle is fpdf's, its title printable.
func (d *Doc) SetTitle(title string, isUTF8 bool) { d.pdf.SetTitle(Printable(title), isUTF8) }

// Fonts returns the embedded fonts' TrueType files by style ("regular", "bold"), for tests that
// check which letters they draw.
func Fonts() map[string][]byte {
	return map[string][]byte{"regular": liberationsansregular.TTF, "bold": liberationsansbold.TTF}
}

// quiet is the blank margin around a QR code, in modules: the 4 that ISO/IEC 18004 asks for, so
// that phones find the code on a busy poster or badge.
const quiet = 4

// bitmap encodes text as a QR code with error correction level M (15%: a scratched or
// creased sticker still reads) and returns its modules, [row][column], true for dark.
//
// The mask the standard's penalty rules choose does not always read: about one product URL in
// 140 gets a stretch of data that a reader takes for a finder pattern, and a phone then finds
// no code. Each code is therefore read back by a ZXing reader before it is returned, and
// when it does not read the other masks are tried in turn. A code that reads with none (none
// has been seen) is returned as the standard encodes it. The mask found is remembered by
// text, so a code drawn again (a fair's posters, a badge printed twice) costs its encoding only.
func bitmap(text string) ([][]bool, error) {
	if mask, ok := masks.get(text); ok {
		return encode(text, mask)
	}
	code, err := encode(text, -1)
	if err != nil {
		return nil, err
	}
	if readsBack(code, text) {
		masks.put(text, -1)
		return code, nil
	}
	for mask := range encoder.QRCode_NUM_MASK_PATERNS {
		other, err := encode(text, mask)
		if err == nil && readsBack(other, text) {
			masks.put(text, mask)
			return other, nil
		}
	}
	return code, nil
}

// maskCache maps texts to the mask their code reads with (-1: the standard's choice). It
// holds at most size texts (about 150 bytes each); a full cache forgets one to take another.
type maskCache struct {
	mu   sync.Mutex
	size int
	m    map[string]int
}

var masks = &maskCache{size: 20_000, m: map[string]int{}}

func (c *maskCache) get(text string) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	mask, ok := c.m[text]
	return mask, ok
}

func (c *maskCache) put(text string, mask int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[text]; !ok && len(c.m) >= c.size {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[text] = mask
}

// encode encodes text with the given mask pattern, or the one the standard's penalty rules
// choose when mask is -1. Text outside Latin-1 is encoded as UTF-8 and says so (ECI).
func encode(text string, mask int) ([][]bool, error) {
	hints := map[gozxing.EncodeHintType]any{}
	if mask >= 0 {
		hints[gozxing.EncodeHintType_QR_MASK_PATTERN] = mask
	}
	if strings.ContainsFunc(text, func(r rune) bool { return r > 0xff }) {
		hints[gozxing.EncodeHintType_CHARACTER_SET] = "UTF-8"
	}
	q, err := encoder.Encoder_encode(text, decoder.ErrorCorrectionLevel_M, hints)
	if err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	m := q.GetMatrix()
	bits := make([][]bool, m.GetHeight())
	for y := range bits {
		bits[y] = make([]bool, m.GetWidth())
		for x := range bits[y] {
			bits[y][x] = m.Get(x, y) == 1
		}
	}
	return bits, nil
}

// readsBack tells whether a ZXing reader finds the code, as a phone does (finder patterns
// first), and reads text from it, drawn both as the PNGs are served and printed (8 pixels a
// module) and small (4): a mask can read at one scale and not at the other.
func readsBack(bits [][]bool, text string) bool {
	for _, scale := range []int{8, 4} {
		bmp, err := gozxing.NewBinaryBitmapFromImage(draw(bits, scale))
		if err != nil {
			return false
		}
		got, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || got.GetText() != text {
			return false
		}
	}
	return true
}

// draw draws the code's modules scale pixels each, black on white, with its quiet zone.
func draw(bits [][]bool, scale int) *image.Paletted {
	size := (len(bits) + 2*quiet) * scale
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y, row := range bits {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetColorIndex((x+quiet)*scale+dx, (y+quiet)*scale+dy, 1)
				}
			}
		}
	}
	return img
}

// QRPNG draws text's QR code as a black-and-white PNG, scale pixels a module, with its quiet
// zone. It fails only for a text too long for any QR code.
func QRPNG(text string, scale int) ([]byte, error) {
	bits, err := bitmap(text)
	if err != nil {
		return nil, err
	}
	img := draw(bits, scale)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// QRSVG draws text's QR code as an SVG of one path, a unit square per dark module, with its
// quiet zone: it prints sharp at any size. It fails only for a text too long for any QR code.
func QRSVG(text string) ([]byte, error) {
	bits, err := bitmap(text)
	if err != nil {
		return nil, err
	}
	size := len(bits) + 2*quiet
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, size, size, size*8, size*8)
	fmt.Fprintf(&buf, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size)
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&buf, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	buf.WriteString(`"/></svg>`)
	return buf.Bytes(), nil
}

// The methods that take no text, as fpdf's.

// AddPage starts a page.
func (d *Doc) AddPage() { d.pdf.AddPage() }

// SetFont sets the font; family is Font.
func (d *Doc) SetFont(family, style string, size float64) { d.pdf.SetFont(family, style, size) }

// SetTextColor sets the text's colour.
func (d *Doc) SetTextColor(r, g, b int) { d.pdf.SetTextColor(r, g, b) }

// SetFillColor sets the fill colour.
func (d *Doc) SetFillColor(r, g, b int) { d.pdf.SetFillColor(r, g, b) }

// SetDrawColor sets the lines' colour.
func (d *Doc) SetDrawColor(r, g, b int) { d.pdf.SetDrawColor(r, g, b) }

// SetMargins sets the left, top and right margins.
func (d *Doc) SetMargins(left, top, right float64) { d.pdf.SetMargins(left, top, right) }

// SetXY moves the current position.
func (d *Doc) SetXY(x, y float64) { d.pdf.SetXY(x, y) }

// SetX moves the current position across.
func (d *Doc) SetX(x float64) { d.pdf.SetX(x) }

// GetX is the current position across.
func (d *Doc) GetX() float64 { return d.pdf.GetX() }

// GetY is the current position down.
func (d *Doc) GetY() float64 { return d.pdf.GetY() }

// Ln moves to the start of the next line, h down.
func (d *Doc) Ln(h float64) { d.pdf.Ln(h) }

// Rect draws a rectangle in style "D", "F" or "FD".
func (d *Doc) Rect(x, y, w, h float64, style string) { d.pdf.Rect(x, y, w, h, style) }

// Line draws a line.
func (d *Doc) Line(x1, y1, x2, y2 float64) { d.pdf.Line(x1, y1, x2, y2) }

// RegisterImageOptionsReader registers an image by name.
func (d *Doc) RegisterImageOptionsReader(name string, opts fpdf.ImageOptions, r io.Reader) *fpdf.ImageInfoType {
	return d.pdf.RegisterImageOptionsReader(name, opts, r)
}

// ImageOptions draws a registered image.
func (d *Doc) ImageOptions(name string, x, y, w, h float64, flow bool, opts fpdf.ImageOptions, link int, linkStr string) {
	d.pdf.ImageOptions(name, x, y, w, h, flow, opts, link, linkStr)
}

// Error is the first error met, if any.
func (d *Doc) Error() error { return d.pdf.Error() }

// Output writes the document.
func (d *Doc) Output(w io.Writer) error { return d.pdf.Output(w) }
