package product

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"
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
