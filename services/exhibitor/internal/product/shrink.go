package product

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// scaleToFit returns img scaled (never enlarged) so that its longest edge is at most edge, drawn
// over white (a transparent PNG becomes a JPEG without black corners). A photo at least twice
// edge is first shrunk by a whole factor, each pixel the mean of those it covers (boxShrink), to
// between edge and twice edge, and the rest is done bilinearly. Neither step holds more than its
// output: the kernel scalers of x/image hold a buffer of 32 bytes for every output column and
// source row (280 MB for a 40-megapixel photo), which two uploads at once could not afford.
func scaleToFit(img image.Image, edge int) *image.RGBA {
	b := img.Bounds()
	longest := max(b.Dx(), b.Dy())
	if k := longest / edge; k >= 2 {
		img = boxShrink(img, k)
		b = img.Bounds()
		longest = max(b.Dx(), b.Dy())
	}
	w, h := b.Dx(), b.Dy()
	if longest > edge {
		w, h = max(1, w*edge/longest), max(1, h*edge/longest)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	return dst
}

// boxShrink returns img k times smaller on each side (rounded up), each pixel the mean of the
// k × k pixels it covers (fewer at the right and bottom edges), over white, opaque. The
// decoders' own image types are read directly; any other through At, more slowly.
func boxShrink(img image.Image, k int) *image.RGBA {
	b := img.Bounds()
	w, h := (b.Dx()+k-1)/k, (b.Dy()+k-1)/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	px := pixelReader(img)
	sums := make([][4]uint64, w) // r, g, b and the count, for the output row being summed
	for oy := range h {
		clear(sums)
		for y := b.Min.Y + oy*k; y < min(b.Min.Y+(oy+1)*k, b.Max.Y); y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl := px(x, y)
				s := &sums[(x-b.Min.X)/k]
				s[0], s[1], s[2], s[3] = s[0]+uint64(r), s[1]+uint64(g), s[2]+uint64(bl), s[3]+1
			}
		}
		row := dst.Pix[oy*dst.Stride:]
		for ox, s := range sums {
			n := max(s[3], 1)
			row[ox*4], row[ox*4+1], row[ox*4+2], row[ox*4+3] = uint8(s[0]/n), uint8(s[1]/n), uint8(s[2]/n), 0xff
		}
	}
	return dst
}

// pixelReader returns a function reading img's pixel at x, y as 8-bit red, green and blue over
// white.
func pixelReader(img image.Image) func(x, y int) (uint8, uint8, uint8) {
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
	case *image.RGBA: // premultiplied: over white adds what the alpha leaves
		return func(x, y int) (uint8, uint8, uint8) {
			p := m.Pix[m.PixOffset(x, y):]
			back := uint16(0xff - p[3])
			return uint8(min(uint16(p[0])+back, 0xff)), uint8(min(uint16(p[1])+back, 0xff)), uint8(min(uint16(p[2])+back, 0xff))
		}
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			p := m.Pix[m.PixOffset(x, y):]
			a, back := uint32(p[3]), uint32(0xff-p[3])*0xff
			return uint8((uint32(p[0])*a + back) / 0xff), uint8((uint32(p[1])*a + back) / 0xff), uint8((uint32(p[2])*a + back) / 0xff)
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	case *image.Paletted:
		over := make([][3]uint8, len(m.Palette))
		for i, c := range m.Palette {
			over[i] = overWhite(c)
		}
		return func(x, y int) (uint8, uint8, uint8) {
			if i := int(m.Pix[m.PixOffset(x, y)]); i < len(over) {
				return over[i][0], over[i][1], over[i][2]
			}
			return 0, 0, 0
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		c := overWhite(img.At(x, y))
		return c[0], c[1], c[2]
	}
}

// overWhite is c drawn over white, in 8 bits a channel.
func overWhite(c color.Color) [3]uint8 {
	r, g, b, a := c.RGBA()
	back := 0xffff - a
	return [3]uint8{uint8((r + back) >> 8), uint8((g + back) >> 8), uint8((b + back) >> 8)}
}
