package exhibitorapp

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// picture returns a w×h image with a gradient, so that its encodings are not trivially small.
func picture(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: uint8(x + y), A: 255})
		}
	}
	return img
}

func jpegOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, picture(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gpsText is what the test's EXIF block carries beside its GPS position, to look for afterwards.
const gpsText = "GPS 10.7769N 106.7009E Phu Quoc"

// withEXIF puts an EXIF block into a JPEG, as a phone writes it: the orientation in IFD0 and a
// GPS directory with a latitude reference, plus gpsText.
func withEXIF(jpg []byte, orientation uint16) []byte {
	le := binary.LittleEndian
	var t bytes.Buffer
	put := func(v ...any) {
		for _, x := range v {
			_ = binary.Write(&t, le, x)
		}
	}
	t.WriteString("II")
	put(uint16(42), uint32(8), uint16(2))                                                 // header, IFD0 at 8 with 2 entries
	put(uint16(0x0112), uint16(3), uint32(1), orientation, uint16(0))                     // Orientation, SHORT
	put(uint16(0x8825), uint16(4), uint32(1), uint32(38), uint32(0))                      // GPS IFD at 38; no next IFD
	put(uint16(1), uint16(0x0001), uint16(2), uint32(2), []byte{'N', 0, 0, 0}, uint32(0)) // GPSLatitudeRef "N"
	t.WriteString(gpsText)
	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// pngHeader is a PNG that declares a w×h RGB image and holds no pixels: what a decompression bomb
// looks like before its (tiny, highly compressed) data.
func pngHeader(w, h uint32) []byte {
	chunk := func(kind string, data []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		out = append(append(out, kind...), data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(kind), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	return append(out, chunk("IEND", nil)...)
}

// putPhoto uploads data as the photo of product id and returns the response.
func putPhoto(t *testing.T, c testenv.Client, id string, data []byte, contentType string) testenv.Response {
	t.Helper()
	return c.Do(t, "PUT", "/api/products/"+id+"/photo", data, "Content-Type", contentType)
}

// photoURLOf returns the photo_url of a product answer ("" for null).
func photoURLOf(t *testing.T, r testenv.Response) string {
	t.Helper()
	var p struct {
		PhotoURL *string `json:"photo_url"`
	}
	r.Decode(t, &p)
	if p.PhotoURL == nil {
		return ""
	}
	return *p.PhotoURL
}

// sizeOf decodes a served JPEG's dimensions.
func sizeOf(t *testing.T, r testenv.Response) (int, int) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Fatalf("Content-Type = %q, want image/jpeg (%d %.200s)", ct, r.Status, r.Body)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("served photo does not decode as JPEG: %v", err)
	}
	return cfg.Width, cfg.Height
}

// A producer uploads a JPEG, then a PNG: each is served resized (never enlarged) in two sizes
// with a strong ETag, kept a day under its versioned URL and answered 304 when unchanged; the
// product, the catalogue and the product's event carry the new URL.
func TestPhotoUploadIsResizedAndServedWithCaching(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, id := f.producerWithProduct(t, "1700000091", "Nước mắm Phú Quốc 40 độ đạm", 4, issued)

	r := putPhoto(t, a, id, jpegOf(t, 2400, 1600), "image/jpeg")
	if r.Status != 200 {
		t.Fatalf("PUT photo (JPEG): %d %s", r.Status, r.Body)
	}
	first := photoURLOf(t, r)
	if !strings.HasPrefix(first, "/api/products/"+id+"/photo?v=") {
		t.Fatalf("photo_url = %q, want /api/products/%s/photo?v=<version>", first, id)
	}
	for _, tt := range []struct {
		query string
		w, h  int
	}{{"", 1200, 800}, {"&size=full", 1200, 800}, {"&size=thumb", 320, 213}} {
		got := f.api.Do(t, "GET", first+tt.query, nil)
		if got.Status != 200 {
			t.Fatalf("GET %s: %d %s", first+tt.query, got.Status, got.Body)
		}
		if w, h := sizeOf(t, got); w != tt.w || h != tt.h {
			t.Errorf("GET %s is %d×%d, want %d×%d", first+tt.query, w, h, tt.w, tt.h)
		}
		tag := got.Header.Get("ETag")
		if tag == "" || strings.HasPrefix(tag, "W/") || got.Header.Get("Cache-Control") != "public, max-age=86400" {
			t.Errorf("GET %s: ETag %q, Cache-Control %q, want a strong ETag and public, max-age=86400", first+tt.query, tag, got.Header.Get("Cache-Control"))
		}
		if again := f.api.Do(t, "GET", first+tt.query, nil, "If-None-Match", tag); again.Status != 304 || len(again.Body) != 0 {
			t.Errorf("GET %s with If-None-Match %s: %d (%d bytes), want 304 without a body", first+tt.query, tag, again.Status, len(again.Body))
		}
	}
	thumbTag := f.api.Do(t, "GET", first+"&size=thumb", nil).Header.Get("ETag")

	r = putPhoto(t, a, id, pngOf(t, 400, 300), "image/png")
	if r.Status != 200 {
		t.Fatalf("PUT photo (PNG): %d %s", r.Status, r.Body)
	}
	second := photoURLOf(t, r)
	if second == first || second == "" {
		t.Fatalf("photo_url after a new upload = %q, want a new URL (was %q)", second, first)
	}
	if w, h := sizeOf(t, f.api.Do(t, "GET", second, nil)); w != 400 || h != 300 {
		t.Errorf("full size of a 400×300 PNG is %d×%d, want 400×300 (never enlarged)", w, h)
	}
	if w, h := sizeOf(t, f.api.Do(t, "GET", second+"&size=thumb", nil)); w != 320 || h != 240 {
		t.Errorf("thumbnail of a 400×300 PNG is %d×%d, want 320×240", w, h)
	}
	if old := f.api.Do(t, "GET", "/api/products/"+id+"/photo?size=thumb", nil, "If-None-Match", thumbTag); old.Status != 200 || old.Header.Get("Cache-Control") != "public, no-cache" {
		t.Errorf("unversioned GET with the old photo's ETag: %d, Cache-Control %q, want 200 with the new photo, public, no-cache", old.Status, old.Header.Get("Cache-Control"))
	}
	checkPhotoURLShown(t, f, id, second)
}

// checkPhotoURLShown checks that the product, the catalogue and the product's newest event all
// carry url.
func checkPhotoURLShown(t *testing.T, f fixture, id, url string) {
	t.Helper()
	if got := photoURLOf(t, f.api.Do(t, "GET", "/api/products/"+id, nil)); got != url {
		t.Errorf("GET /api/products/%s photo_url = %q, want %q", id, got, url)
	}
	var page struct {
		Items []struct {
			ID       string  `json:"id"`
			PhotoURL *string `json:"photo_url"`
		}
	}
	f.api.Do(t, "GET", "/api/products?limit=100", nil).Decode(t, &page)
	found := false
	for _, it := range page.Items {
		if it.ID == id {
			found = it.PhotoURL != nil && *it.PhotoURL == url
		}
	}
	if !found {
		t.Errorf("the catalogue does not show product %s with photo_url %q: %+v", id, url, page.Items)
	}
	var last events.ProductChangedV1
	testenv.Eventually(t, "the product's event with its photo", func() bool {
		msgs := f.messages(t, events.ProductUpdated)
		if len(msgs) == 0 {
			return false
		}
		if err := msgs[len(msgs)-1].Decode(&last); err != nil {
			t.Fatal(err)
		}
		return last.Product.PhotoURL == url
	})
}

// A phone's JPEG is turned upright by its EXIF orientation, and nothing of its EXIF block (GPS
// position included) is left in what is served.
func TestPhotoDropsEXIFAndStandsUpright(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, id := f.producerWithProduct(t, "1700000092", "Mật ong bạc hà Hà Giang", 4, issued)
	// A phone held upright writes a landscape picture and orientation 6 (turn right to view).
	r := putPhoto(t, a, id, withEXIF(jpegOf(t, 400, 200), 6), "image/jpeg")
	if r.Status != 200 {
		t.Fatalf("PUT photo: %d %s", r.Status, r.Body)
	}
	url := photoURLOf(t, r)
	for _, size := range []string{"full", "thumb"} {
		got := f.api.Do(t, "GET", url+"&size="+size, nil)
		w, h := sizeOf(t, got)
		if w > h {
			t.Errorf("%s is %d×%d, want it upright (taller than wide) after EXIF orientation 6", size, w, h)
		}
		if bytes.Contains(got.Body, []byte("Exif")) || bytes.Contains(got.Body, []byte(gpsText)) || bytes.Contains(got.Body, []byte{0xFF, 0xE1}) {
			t.Errorf("%s still carries the upload's EXIF block (GPS position)", size)
		}
	}
}

// problemCodes returns the problem's field errors as field=code.
func problemCodes(t *testing.T, r testenv.Response) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Code string }
	}
	r.Decode(t, &p)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field+"="+e.Code)
	}
	return out
}

// What is not a JPEG, PNG or WebP image is refused whatever its declared type, and a file that
// declares more pixels than allowed is refused from its header, before anything is decoded.
func TestPhotoRefusesNonImagesAndBombs(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, id := f.producerWithProduct(t, "1700000093", "Trà shan tuyết Hà Giang", 4, issued)
	tests := []struct {
		name, contentType string
		body              []byte
		want              string
	}{
		{"HTML as JPEG", "image/jpeg", []byte("<!doctype html><script>alert(1)</script>"), "photo=photo_type"},
		{"SVG", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "photo=photo_type"},
		{"empty", "image/png", []byte{}, "photo=photo_type"},
		{"60000×60000 PNG", "image/png", pngHeader(60000, 60000), "photo=photo_too_many_pixels"},
		{"broken JPEG", "image/jpeg", jpegOf(t, 64, 64)[:300], "photo=photo_unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := putPhoto(t, a, id, tt.body, tt.contentType)
			if got := problemCodes(t, r); r.Status != 422 || len(got) != 1 || got[0] != tt.want {
				t.Errorf("PUT %s: %d %v, want 422 [%s]", tt.name, r.Status, got, tt.want)
			}
		})
	}
	if got := photoURLOf(t, f.api.Do(t, "GET", "/api/products/"+id, nil)); got != "" {
		t.Errorf("after refused uploads photo_url = %q, want null", got)
	}
	if r := f.api.Do(t, "GET", "/api/products/"+id+"/photo", nil); r.Status != 404 {
		t.Errorf("GET the photo of a product without one: %d, want 404", r.Status)
	}
}

// Only the product's producer (and organisers, admins) may set or remove its photo; removing it
// takes photo_url away and the picture with it.
func TestPhotoOnlyItsProducerChangesIt(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, id := f.producerWithProduct(t, "1700000094", "Cà phê Robusta Đắk Lắk", 4, issued)
	b, _, _ := f.producerWithProduct(t, "1700000095", "Hạt điều Bình Phước", 4, issued)
	photo := jpegOf(t, 200, 200)
	if r := putPhoto(t, b, id, photo, "image/jpeg"); r.Status != 403 {
		t.Errorf("another producer's PUT: %d %s, want 403", r.Status, r.Body)
	}
	if r := putPhoto(t, f.api, id, photo, "image/jpeg"); r.Status != 401 {
		t.Errorf("anonymous PUT: %d, want 401", r.Status)
	}
	r := putPhoto(t, a, id, photo, "image/jpeg")
	if r.Status != 200 {
		t.Fatalf("own PUT: %d %s", r.Status, r.Body)
	}
	url := photoURLOf(t, r)
	if again := putPhoto(t, a, id, photo, "image/jpeg"); again.Status != 200 || photoURLOf(t, again) != url {
		t.Errorf("the same upload again: %d, photo_url %q, want 200 and the same %q", again.Status, photoURLOf(t, again), url)
	}
	if r := b.Do(t, "DELETE", "/api/products/"+id+"/photo", nil); r.Status != 403 {
		t.Errorf("another producer's DELETE: %d, want 403", r.Status)
	}
	if r := f.api.Do(t, "GET", url, nil); r.Status != 200 {
		t.Fatalf("GET after refused DELETE: %d, want 200", r.Status)
	}
	if r := a.Do(t, "DELETE", "/api/products/"+id+"/photo", nil); r.Status != 204 {
		t.Fatalf("own DELETE: %d %s", r.Status, r.Body)
	}
	if r := f.api.Do(t, "GET", url, nil); r.Status != 404 {
		t.Errorf("GET after DELETE: %d, want 404", r.Status)
	}
	if got := photoURLOf(t, f.api.Do(t, "GET", "/api/products/"+id, nil)); got != "" {
		t.Errorf("photo_url after DELETE = %q, want null", got)
	}
	if r := a.Do(t, "DELETE", "/api/products/"+id+"/photo", nil); r.Status != 204 {
		t.Errorf("DELETE of no photo: %d, want 204", r.Status)
	}
}

// noisyJPEG is a w×h JPEG of noise: it compresses badly, as a phone's detailed photo does.
func noisyJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.Uint32())
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A photo as large as a phone's (over the 1 MiB of other bodies) is taken; one over 10 MiB is
// refused with 413 before it is read.
func TestPhotoTakesPhoneSizedFiles(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, id := f.producerWithProduct(t, "1700000096", "Gạo ST25 Sóc Trăng", 5, issued)
	photo := noisyJPEG(t, 1600, 1200)
	if len(photo) <= 1<<20 {
		t.Fatalf("the test photo has %d bytes, want over 1 MiB", len(photo))
	}
	if r := putPhoto(t, a, id, photo, "image/jpeg"); r.Status != 200 {
		t.Errorf("PUT a %d-byte photo: %d %.300s, want 200", len(photo), r.Status, r.Body)
	}
	huge := append(bytes.Clone(photo), make([]byte, 10<<20)...)
	if r := putPhoto(t, a, id, huge, "image/jpeg"); r.Status != 413 {
		t.Errorf("PUT a %d-byte photo: %d %.300s, want 413", len(huge), r.Status, r.Body)
	}
}
