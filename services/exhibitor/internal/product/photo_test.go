package product

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// orient puts the picture's first pixel where each EXIF orientation says the camera's top-left
// corner belongs.
func TestOrient(t *testing.T) {
	const w, h = 3, 2
	tests := []struct {
		o      int
		x, y   int // where the source's (0, 0) lands
		dw, dh int
	}{
		{1, 0, 0, w, h}, {2, w - 1, 0, w, h}, {3, w - 1, h - 1, w, h}, {4, 0, h - 1, w, h},
		{5, 0, 0, h, w}, {6, h - 1, 0, h, w}, {7, h - 1, w - 1, h, w}, {8, 0, w - 1, h, w},
	}
	red := color.RGBA{R: 255, A: 255}
	for _, tt := range tests {
		src := image.NewRGBA(image.Rect(0, 0, w, h))
		src.SetRGBA(0, 0, red)
		got := orient(src, tt.o)
		if b := got.Bounds(); b.Dx() != tt.dw || b.Dy() != tt.dh {
			t.Errorf("orient(3×2, %d) is %d×%d, want %d×%d", tt.o, b.Dx(), b.Dy(), tt.dw, tt.dh)
			continue
		}
		if got.RGBAAt(tt.x, tt.y) != red {
			t.Errorf("orient(3×2, %d) put the top-left pixel elsewhere than (%d, %d)", tt.o, tt.x, tt.y)
		}
	}
}

// exifOrientation reads either byte order, and anything broken reads as upright.
func TestEXIFOrientation(t *testing.T) {
	app1 := func(tiff []byte) []byte {
		seg := append([]byte("Exif\x00\x00"), tiff...)
		out := []byte{0xFF, 0xD8, 0xFF, 0xE1}
		out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
		return append(append(out, seg...), 0xFF, 0xDA, 0, 2)
	}
	tiff := func(order binary.AppendByteOrder, mark string, o uint16) []byte {
		b := []byte(mark)
		b = order.AppendUint16(b, 42)
		b = order.AppendUint32(b, 8)
		b = order.AppendUint16(b, 1)
		b = order.AppendUint16(b, 0x0112)
		b = order.AppendUint16(b, 3)
		b = order.AppendUint32(b, 1)
		b = order.AppendUint16(b, o)
		return order.AppendUint16(b, 0)
	}
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"little-endian 6", app1(tiff(binary.LittleEndian, "II", 6)), 6},
		{"big-endian 8", app1(tiff(binary.BigEndian, "MM", 8)), 8},
		{"out of range", app1(tiff(binary.BigEndian, "MM", 9)), 1},
		{"cut short", app1(tiff(binary.LittleEndian, "II", 6))[:20], 1},
		{"no EXIF", []byte{0xFF, 0xD8, 0xFF, 0xDA, 0, 2}, 1},
		{"bad byte order", app1(tiff(binary.LittleEndian, "XX", 6)), 1},
	}
	for _, tt := range tests {
		if got := exifOrientation(tt.data); got != tt.want {
			t.Errorf("exifOrientation(%s) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// pngHeader is the start of a PNG declaring a w × h image of the bit depth and colour type given
// (6: RGBA), up to its header chunk: enough for the size check, no pixels.
func pngHeader(w, h uint32, depth, colourType byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colourType, 0, 0, 0)
	chunk := append([]byte("IHDR"), ihdr...)
	out := append([]byte("\x89PNG\r\n\x1a\n"), binary.BigEndian.AppendUint32(nil, uint32(len(ihdr)))...)
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

// A photo may declare at most 40 megapixels at 8 bits a channel, and half as many at 16 (each
// pixel then decodes to twice the bytes): a small file declaring more is refused before any pixel
// is decoded.
func TestPhotoPixelsByBytesPerPixel(t *testing.T) {
	for _, tt := range []struct {
		name         string
		data         []byte
		tooMany      bool
		megapixelsIn string
	}{
		{"8-bit RGBA, 36 megapixels", pngHeader(6000, 6000, 8, 6), false, ""},
		{"8-bit RGBA, 49 megapixels", pngHeader(7000, 7000, 8, 6), true, "at most 40 megapixels"},
		{"16-bit RGBA, 16 megapixels", pngHeader(4000, 4000, 16, 6), false, ""},
		{"16-bit RGBA, 40 megapixels", pngHeader(6324, 6324, 16, 6), true, "at most 20 megapixels"},
		// One byte a pixel is no licence for more: scaling reads every pixel, and a palette's
		// pixels are drawn 4 bytes each.
		{"8-bit grey, 49 megapixels", pngHeader(7000, 7000, 8, 0), true, "at most 40 megapixels"},
		{"8-bit grey, 36 megapixels", pngHeader(6000, 6000, 8, 0), false, ""},
	} {
		_, err := MakePhoto(tt.data)
		var e *apperr.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 {
			t.Fatalf("%s: %v, want a field error", tt.name, err)
		}
		f := e.Fields[0]
		if got := f.Code == "photo_too_many_pixels"; got != tt.tooMany || !strings.Contains(f.Text.In(apperr.English), tt.megapixelsIn) {
			t.Errorf("%s: %s %q, want too many pixels %v (%q)", tt.name, f.Code, f.Text.In(apperr.English), tt.tooMany, tt.megapixelsIn)
		}
	}
}
