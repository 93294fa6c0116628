package product

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"runtime"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// jpegHeader is the start of a JPEG declaring w × h, 3 channels, in the frame header of marker
// (0xC0 plain, 0xC2 progressive): enough for its size to be read, not its pixels.
func jpegHeader(w, h uint16, marker byte) []byte {
	out := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, marker, 0x00, 0x11, 0x08}
	out = binary.BigEndian.AppendUint16(out, h)
	out = binary.BigEndian.AppendUint16(out, w)
	return append(out, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01)
}

// fieldCode is the code of MakePhoto's field error on data.
func fieldCode(t *testing.T, data []byte) string {
	t.Helper()
	_, err := MakePhoto(data)
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 {
		t.Fatalf("%v, want a field error", err)
	}
	return e.Fields[0].Code
}

// A progressive JPEG, decoded through all its coefficients at once, may declare at most
// MaxProgressivePixels; a plain one of the same size goes on to be decoded.
func TestProgressiveJPEGsAreSmaller(t *testing.T) {
	if got := fieldCode(t, jpegHeader(5000, 4000, 0xC2)); got != "photo_progressive_too_large" {
		t.Errorf("a progressive JPEG of 20 megapixels: %s, want photo_progressive_too_large", got)
	}
	if got := fieldCode(t, jpegHeader(5000, 4000, 0xC0)); got != "photo_unreadable" {
		t.Errorf("a plain JPEG header of 20 megapixels without pixels: %s, want it decoded (and found unreadable)", got)
	}
	// Stray bytes before the frame header, which the decoder skips, do not hide it.
	stray := jpegHeader(5000, 4000, 0xC2)
	stray = append(stray[:20:20], append([]byte{0x00, 0x00}, stray[20:]...)...)
	if got := fieldCode(t, stray); got != "photo_progressive_too_large" {
		t.Errorf("a progressive JPEG of 20 megapixels after stray bytes: %s, want photo_progressive_too_large", got)
	}
	if got := fieldCode(t, jpegHeader(4000, 4000, 0xC2)); got != "photo_unreadable" {
		t.Errorf("a progressive JPEG header of 16 megapixels without pixels: %s, want it decoded (and found unreadable)", got)
	}
}

// A large photo is made ready holding little more than its decoded pixels: the scaling holds no
// buffer of the source's height (the kernel scalers' took 192 MB for this one).
func TestALargePhotoIsScaledInLittleMemory(t *testing.T) {
	src := image.NewYCbCr(image.Rect(0, 0, 6000, 5000), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = uint8(i % 251)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 40}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	src, buf = nil, bytes.Buffer{}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, err := MakePhoto(data)
	runtime.ReadMemStats(&after)
	if err != nil || p.Full.Width != FullEdge || p.Full.Height != 1000 || p.Thumb.Width != ThumbEdge {
		t.Fatalf("the photo: %v, full %d × %d, thumb %d wide", err, p.Full.Width, p.Full.Height, p.Thumb.Width)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 120<<20 {
		t.Errorf("making a 30-megapixel photo ready allocated %d MiB, want little more than its 45 MiB of pixels", grew>>20)
	}
}

// boxShrink takes the mean of the pixels each output pixel covers, over white: a black and white
// checkerboard becomes grey, a transparent pixel white, the edges' partial blocks their own mean.
func TestBoxShrink(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 7, 4))
	for y := range 4 {
		for x := range 7 {
			img.Set(x, y, color.NRGBA{A: 0xff})
			if (x+y)%2 == 1 {
				img.Set(x, y, color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff})
			}
		}
	}
	img.Set(6, 0, color.NRGBA{}) // transparent
	img.Set(6, 1, color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff})
	out := boxShrink(img, 2)
	if b := out.Bounds(); b.Dx() != 4 || b.Dy() != 2 {
		t.Fatalf("7 × 4 shrunk by 2 is %v, want 4 × 2", b)
	}
	if got := out.RGBAAt(0, 0); got != (color.RGBA{127, 127, 127, 255}) {
		t.Errorf("a black and white block reads %v, want mid grey", got)
	}
	if got := out.RGBAAt(3, 0); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("the right edge's block of a transparent and a white pixel reads %v, want white", got)
	}
}

// A photo comes out at the display size whatever the whole factor it is first shrunk by: never
// smaller than FullEdge (a photo of 2000 px came out 1000 px when shrunk too far).
func TestPhotosComeOutAtTheDisplaySize(t *testing.T) {
	for _, w := range []int{1201, 1801, 2000, 2399, 2400, 4999} {
		img := image.NewRGBA(image.Rect(0, 0, w, w/2))
		if got := scaleToFit(img, FullEdge).Bounds().Dx(); got != FullEdge {
			t.Errorf("a photo %d px wide comes out %d px wide, want %d", w, got, FullEdge)
		}
		if got := scaleToFit(img, ThumbEdge).Bounds().Dx(); got != ThumbEdge {
			t.Errorf("a photo %d px wide makes a thumbnail %d px wide, want %d", w, got, ThumbEdge)
		}
	}
}

// The decoders' own pixel types are read over white as any colour is: half-transparent red,
// premultiplied or not, is pink.
func TestPixelsOverWhite(t *testing.T) {
	half := color.NRGBA{R: 0xff, A: 0x80}
	pre := color.RGBAModel.Convert(half).(color.RGBA)
	n, r := image.NewNRGBA(image.Rect(0, 0, 1, 1)), image.NewRGBA(image.Rect(0, 0, 1, 1))
	n.SetNRGBA(0, 0, half)
	r.SetRGBA(0, 0, pre)
	want := overWhite(half)
	for what, img := range map[string]image.Image{"NRGBA": n, "RGBA": r} {
		if cr, cg, cb := pixelReader(img)(0, 0); [3]uint8{cr, cg, cb} != want {
			t.Errorf("%s half-transparent red over white reads %v, want %v", what, [3]uint8{cr, cg, cb}, want)
		}
	}
}
