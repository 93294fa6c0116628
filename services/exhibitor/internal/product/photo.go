package product

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Limits and sizes of product photos.
const (
	// MaxPhotoBytes is the largest upload a photo may be: a phone camera's JPEG is 2–8 MiB.
	MaxPhotoBytes = 10 << 20
	// MaxPhotoPixels is the most pixels a photo may declare. It is checked on the header, before
	// anything is decoded, so that a small file declaring a huge image (a decompression bomb)
	// never gets its pixels allocated; 40 megapixels covers the photos of today's phones.
	MaxPhotoPixels = 40_000_000
	// MaxProgressivePixels is the most pixels a progressive JPEG may declare: its decoder holds
	// every coefficient until the end, so it takes several times a plain JPEG's memory. Phones
	// write plain JPEGs; progressive ones are made for the web, at web sizes.
	MaxProgressivePixels = 16_000_000
	// FullEdge and ThumbEdge are the longest edge of the display size and of the thumbnail.
	FullEdge  = 1200
	ThumbEdge = 320
)

// Photo sizes, as ?size= names them.
const (
	SizeFull  = "full"
	SizeThumb = "thumb"
)

// Photo is a product photo made ready to serve: a display size and a thumbnail, both JPEG
// re-encoded from the decoded pixels, so nothing of the upload's metadata (EXIF with its GPS
// position, comments, colour profiles) survives.
type Photo struct {
	// Version is the first 16 hex digits of the SHA-256 of Full: it names the photo in URLs
	// and ETags, and changes with every different upload.
	Version     string
	Full, Thumb Picture
}

// Picture is one size of a photo.
type Picture struct {
	JPEG          []byte
	Width, Height int
}

// Of returns the picture of size (SizeFull or SizeThumb).
func (p Photo) Of(size string) Picture {
	if size == SizeThumb {
		return p.Thumb
	}
	return p.Full
}

// The messages of photo uploads, said after the field's name.
var (
	msgPhotoType = apperr.M("photo_type",
		"phải là ảnh JPEG, PNG hoặc WebP",
		"must be a JPEG, PNG or WebP image")
	msgPhotoPixels = apperr.M("photo_too_many_pixels",
		"quá lớn: ảnh được tối đa %d triệu điểm ảnh, ảnh này có %d × %d",
		"is too large: at most %d megapixels, this one is %d × %d")
	msgPhotoProgressive = apperr.M("photo_progressive_too_large",
		"quá lớn với kiểu JPEG lũy tiến (progressive): tối đa %d triệu điểm ảnh, ảnh này có %d × %d; hãy lưu lại ảnh dạng JPEG thường hoặc nhỏ hơn",
		"is too large for a progressive JPEG: at most %d megapixels, this one is %d × %d; save it as a plain JPEG or smaller")
	msgPhotoUnreadable = apperr.M("photo_unreadable",
		"không đọc được; hãy chụp hoặc chọn lại ảnh",
		"could not be read; take or choose the photo again")
	msgPhotoTooLarge = apperr.M("photo_file_too_large",
		"Ảnh quá lớn: tối đa %d MB.",
		"The photo is too large: at most %d MB.")
	msgNoPhoto = apperr.M("product_photo_not_found",
		"Sản phẩm này chưa có ảnh.",
		"This product has no photo.")
)

// photoFormat names the image format data starts with ("jpeg", "png", "webp"), or "" for
// anything else. The bytes decide, never the declared type or a file name.
func photoFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// MakePhoto checks and converts an upload. It returns an Invalid error on field "photo" for
// a file that is not a JPEG, PNG or WebP image, declares more than MaxPhotoPixels, or cannot
// be decoded. A JPEG's EXIF orientation is applied, so a phone's portrait photo stands upright.
func MakePhoto(data []byte) (Photo, error) {
	format := photoFormat(data)
	if format == "" {
		return Photo{}, apperr.InvalidField("photo", msgPhotoType)
	}
	var (
		cfg image.Config
		err error
	)
	switch format {
	case "jpeg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case "png":
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	default:
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Photo{}, apperr.InvalidField("photo", msgPhotoUnreadable)
	}
	// The decoded image takes pixels × bytes per pixel: a 16-bit PNG twice what an 8-bit one
	// does, so it may declare half as many pixels (the memory budget of decodingAtOnce holds).
	if most := maxPixels(cfg.ColorModel); int64(cfg.Width)*int64(cfg.Height) > most {
		return Photo{}, apperr.InvalidField("photo", msgPhotoPixels, most/1_000_000, cfg.Width, cfg.Height)
	}
	// A progressive JPEG is decoded through its coefficients, 4 bytes a pixel and channel more.
	if format == "jpeg" && int64(cfg.Width)*int64(cfg.Height) > MaxProgressivePixels && progressiveJPEG(data) {
		return Photo{}, apperr.InvalidField("photo", msgPhotoProgressive, MaxProgressivePixels/1_000_000, cfg.Width, cfg.Height)
	}
	var img image.Image
	switch format {
	case "jpeg":
		img, err = jpeg.Decode(bytes.NewReader(data))
	case "png":
		img, err = png.Decode(bytes.NewReader(data))
	default:
		img, err = webp.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return Photo{}, apperr.InvalidField("photo", msgPhotoUnreadable)
	}
	orientation := 1
	if format == "jpeg" {
		orientation = exifOrientation(data)
	}
	full := orient(scaleToFit(img, FullEdge), orientation)
	thumb := scaleToFit(full, ThumbEdge)
	p := Photo{Full: encodeJPEG(full, 82), Thumb: encodeJPEG(thumb, 80)}
	sum := sha256.Sum256(p.Full.JPEG)
	p.Version = hex.EncodeToString(sum[:8])
	return p, nil
}

// maxPixels is the most pixels a photo of colour model m may declare: MaxPhotoPixels at up to 4
// bytes a pixel, fewer for the wider models, so that no decoded photo takes more than
// MaxPhotoPixels × 4 bytes.
func maxPixels(m color.Model) int64 {
	bytes := int64(8) // a model not listed: as the widest
	switch m {
	case color.GrayModel, color.AlphaModel:
		bytes = 1
	case color.Gray16Model, color.Alpha16Model:
		bytes = 2
	case color.YCbCrModel, color.NYCbCrAModel, color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		bytes = 4
	case color.RGBA64Model, color.NRGBA64Model:
		bytes = 8
	}
	if _, ok := m.(color.Palette); ok {
		bytes = 1
	}
	// Never more than MaxPhotoPixels, however few bytes a pixel takes: scaling reads every pixel.
	return min(MaxPhotoPixels, MaxPhotoPixels*4/bytes)
}

// progressiveJPEG reports whether data's frame header, before its first scan, is a progressive
// one (SOF2, or the arithmetic-coded SOF10, which the decoder refuses anyway).
func progressiveJPEG(data []byte) bool {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF { // stray bytes between segments, which the decoder skips too
			i++
			continue
		}
		m := data[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0x01 || (m >= 0xD0 && m <= 0xD8): // markers without a length
			i += 2
			continue
		case m == 0xC2 || m == 0xCA:
			return true
		case m == 0xDA || (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC):
			return false // a scan, or another frame header
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return false
}

// encodeJPEG encodes img at quality; encoding an in-memory RGBA image cannot fail.
func encodeJPEG(img *image.RGBA, quality int) Picture {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality})
	return Picture{JPEG: buf.Bytes(), Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
}

// orient turns img as EXIF orientation o (1–8) says the camera held it, so the picture is
// upright without the tag that the re-encoding drops.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // mirrored, turned left
				dx, dy = y, x
			case 6: // turned left: turn right to stand it up
				dx, dy = h-1-y, x
			case 7: // mirrored, turned right
				dx, dy = h-1-y, w-1-x
			case 8: // turned right: turn left
				dx, dy = y, w-1-x
			}
			i, j := img.PixOffset(x, y), dst.PixOffset(dx, dy)
			copy(dst.Pix[j:j+4], img.Pix[i:i+4])
		}
	}
	return dst
}

// exifOrientation returns the orientation (1–8) of a JPEG's EXIF block, or 1 when it has none
// or it cannot be read. It walks the segments before the image data and reads only the first
// directory (IFD0), every offset checked against the block's length.
func exifOrientation(data []byte) int {
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		marker, n := data[i+1], int(binary.BigEndian.Uint16(data[i+2:]))
		if marker == 0xDA || n < 2 || i+2+n > len(data) { // image data starts, or a broken length
			return 1
		}
		if seg := data[i+4 : i+2+n]; marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from the first directory of a TIFF block (EXIF's layout).
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	ifd := int(order.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(order.Uint16(t[ifd:]))
	for k := range min(count, 200) {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if order.Uint16(t[e:]) == 0x0112 && order.Uint16(t[e+2:]) == 3 { // orientation, SHORT
			if o := int(order.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 1
		}
	}
	return 1
}
