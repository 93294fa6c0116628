package verify

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// quiet is the blank margin around a QR code, in modules: the 4 that ISO/IEC 18004 asks for, so
// that phones find the code on a busy poster.
const quiet = 4

// bitmap encodes text as a QR code with error correction level M (15%: a scratched or
// creased sticker still reads) and returns its modules, [row][column], true for dark.
func bitmap(text string) ([][]bool, error) {
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	var m matrixWriter
	if err := q.Save(&m); err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	return m.bits, nil
}

// matrixWriter takes the encoded matrix from the library, which leaves drawing to its writers.
type matrixWriter struct{ bits [][]bool }

// Write keeps the matrix's modules.
func (w *matrixWriter) Write(mat qrcode.Matrix) error { w.bits = mat.Bitmap(); return nil }

// Close does nothing: nothing is open.
func (w *matrixWriter) Close() error { return nil }

// PNG draws text's QR code as a black-and-white PNG, scale pixels a module, with its quiet zone.
func PNG(text string, scale int) ([]byte, error) {
	bits, err := bitmap(text)
	if err != nil {
		return nil, err
	}
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
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SVG draws text's QR code as an SVG of one path, a unit square per dark module, with its quiet
// zone: it prints sharp at any size.
func SVG(text string) ([]byte, error) {
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
