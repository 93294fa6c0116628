// Package poster prints the booth posters of a fair: one PDF per exhibitor with the fair, its
// booths, the producer and a QR code per product that opens the product's public verification,
// in A4 or A5, and all of a fair's posters as one ZIP.
package poster

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/ocopfair/ocopfair/pkg/printout"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/verify"
)

// PerPage is how many products a page holds (two columns of four): a QR code must stay large
// enough for a phone to read it from a step away.
const PerPage = 8

// Sizes are the paper sizes a poster prints on.
var Sizes = []string{"A4", "A5"}

// Booth is a booth the exhibitor holds at the fair.
type Booth struct {
	Code string
	Zone string
}

// Item is one product on the poster.
type Item struct {
	Name          string
	Stars         int
	PotentialFive bool
	URL           string // the public verification URL its QR code carries
}

// Sheet is what one exhibitor's poster shows.
type Sheet struct {
	FairName string
	Booths   []Booth
	Producer string
	Province string // the province's name
	Items    []Item
}

// FileName names a poster's file by its first booth and the producer's folded name, so that a
// folder of posters sorts by booth and opens on any system ("A07-htx-nuoc-mam-ham-ninh.pdf").
func (s Sheet) FileName() string {
	var b strings.Builder
	if len(s.Booths) > 0 {
		b.WriteString(vntext.Slug(s.Booths[0].Code, true) + "-")
	}
	name := vntext.Slug(vntext.Fold(s.Producer), false)
	b.WriteString(name[:min(len(name), 60)])
	return strings.Trim(b.String(), "-") + ".pdf"
}

// geometry is a page's layout in millimetres at A4; k scales it to the paper.
type geometry struct {
	k, w, h float64
}

func geometryOf(size string) geometry {
	if size == "A5" {
		return geometry{k: 148.0 / 210.0, w: 148, h: 210}
	}
	return geometry{k: 1, w: 210, h: 297}
}

// font is the embedded family (see printout.Font).
const font = printout.Font

// Render writes s as a PDF poster on paper size ("A4" or "A5") to w: every page carries the fair,
// the booths and the producer, and up to PerPage products with their QR codes.
func Render(w io.Writer, s Sheet, size string) error {
	g := geometryOf(size)
	pdf := printout.New("P", size)
	pdf.SetMargins(12*g.k, 12*g.k, 12*g.k)
	pdf.SetTitle(s.FairName+" – "+s.Producer, true)
	pages := max(1, (len(s.Items)+PerPage-1)/PerPage)
	for p := range pages {
		pdf.AddPage()
		top := header(pdf, g, s)
		items := s.Items[min(p*PerPage, len(s.Items)):min((p+1)*PerPage, len(s.Items))]
		for i, it := range items {
			if err := item(pdf, g, top, i, p*PerPage+i, it); err != nil {
				return err
			}
		}
		if pages > 1 {
			pdf.SetFont(font, "", 9*g.k)
			pdf.SetXY(0, g.h-10*g.k)
			pdf.CellFormat(g.w, 5*g.k, fmt.Sprintf("Trang %d/%d", p+1, pages), "", 0, "C", false, 0, "")
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("print the poster: %w", err)
	}
	return pdf.Output(w)
}

// header prints the fair, the booths, the producer and the call to scan, and returns where the
// products start.
func header(pdf *printout.Doc, g geometry, s Sheet) float64 {
	k, inner := g.k, g.w-24*g.k
	pdf.SetFillColor(0, 122, 61) // OCOP green
	pdf.Rect(0, 0, g.w, 8*k, "F")
	pdf.SetTextColor(60, 60, 60)
	pdf.SetFont(font, "", 13*k)
	pdf.SetXY(12*k, 13*k)
	pdf.MultiCell(inner, 6*k, s.FairName, "", "C", false)
	codes, zones := boothText(s.Booths)
	pdf.SetTextColor(0, 122, 61)
	pdf.SetFont(font, "B", 40*k)
	pdf.SetX(12 * k)
	pdf.CellFormat(inner, 18*k, "Gian hàng "+codes, "", 1, "C", false, 0, "")
	pdf.SetTextColor(60, 60, 60)
	if zones != "" {
		pdf.SetFont(font, "", 13*k)
		pdf.SetX(12 * k)
		pdf.CellFormat(inner, 7*k, zones, "", 1, "C", false, 0, "")
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(font, "B", 20*k)
	pdf.SetX(12 * k)
	pdf.MultiCell(inner, 9*k, s.Producer, "", "C", false)
	if s.Province != "" {
		pdf.SetFont(font, "", 13*k)
		pdf.SetX(12 * k)
		pdf.CellFormat(inner, 7*k, s.Province, "", 1, "C", false, 0, "")
	}
	pdf.SetFont(font, "B", 14*k)
	pdf.SetTextColor(0, 122, 61)
	pdf.SetX(12 * k)
	pdf.CellFormat(inner, 10*k, "Quét mã để kiểm tra sản phẩm OCOP", "", 1, "C", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	return pdf.GetY() + 3*k
}

// boothText says the booths ("A07, A08") and their zones ("Khu A").
func boothText(booths []Booth) (codes, zones string) {
	var cs, zs []string
	for _, b := range booths {
		cs = append(cs, b.Code)
		if b.Zone != "" && !slices.Contains(zs, b.Zone) {
			zs = append(zs, b.Zone)
		}
	}
	return strings.Join(cs, ", "), strings.Join(zs, ", ")
}

// item prints product it in cell i of the page below top (n numbers its image in the document):
// its QR code with the URL in small print under it, and its name and stars beside it.
func item(pdf *printout.Doc, g geometry, top float64, i, n int, it Item) error {
	k := g.k
	colW := (g.w - 24*k) / 2
	rowH := (g.h - 14*k - top) / (PerPage / 2)
	x, y := 12*k+float64(i%2)*colW, top+float64(i/2)*rowH
	qr := min(36*k, rowH-8*k)
	img, err := verify.PNG(it.URL, 8)
	if err != nil {
		return err
	}
	name := "qr" + strconv.Itoa(n)
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader(name, opts, bytes.NewReader(img))
	pdf.ImageOptions(name, x, y, qr, qr, false, opts, 0, "")
	pdf.SetFont(font, "", 6.5*k)
	pdf.SetXY(x, y+qr)
	pdf.CellFormat(colW-2*k, 4*k, it.URL, "", 0, "L", false, 0, "")
	textW := colW - qr - 4*k
	pdf.SetFont(font, "B", 13*k)
	lines := pdf.SplitText(it.Name, textW)
	if len(lines) > 4 { // a very long name: the QR code's page says it in full
		lines = append(lines[:3], strings.TrimRight(lines[3], " ")+"…")
	}
	pdf.SetXY(x+qr+2*k, y+3*k)
	for _, l := range lines {
		pdf.SetX(x + qr + 2*k)
		pdf.CellFormat(textW, 6*k, l, "", 2, "L", false, 0, "")
	}
	pdf.SetFont(font, "", 11*k)
	pdf.SetTextColor(0, 122, 61)
	pdf.SetX(x + qr + 2*k)
	pdf.MultiCell(textW, 5.5*k, starsText(it), "", "L", false)
	pdf.SetTextColor(0, 0, 0)
	return nil
}

// starsText says a product's rating ("OCOP 4 sao", "OCOP 4 sao, tiềm năng 5 sao").
func starsText(it Item) string {
	s := "OCOP " + strconv.Itoa(it.Stars) + " sao"
	if it.PotentialFive {
		s += ", tiềm năng 5 sao"
	}
	return s
}
