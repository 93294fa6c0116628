package badge

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/printout"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Card is what a printed badge shows.
type Card struct {
	Code         string
	Manual       string // the code typed at the gate when the camera cannot read it
	FairName     string
	Kind         string
	RoleLabel    string
	Name         string
	Organisation string
	Province     string
}

// sortBadges orders badges producers first, then buyers, each by name as Vietnamese sorts.
func sortBadges(bs []Badge, coll *vntext.Collator) {
	slices.SortFunc(bs, func(a, b Badge) int {
		return cmp.Or(cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)), coll.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
}

func kindOrder(kind string) int {
	if kind == KindProducer {
		return 0
	}
	return 1
}

// roleLabel says a holder's role in lang.
func roleLabel(kind string, lang apperr.Lang) string {
	if kind == KindProducer {
		return msgRoleProducer.With().In(lang)
	}
	return msgRoleBuyer.With().In(lang)
}

// A6 portrait, in millimetres.
const (
	cardW = 105.0
	cardH = 148.0
)

// RenderCards writes cards as a PDF of A6 pages, one card a page, with the names in the
// embedded font that draws every Vietnamese letter and each card's QR code 56 mm wide.
func RenderCards(w io.Writer, title string, cards []Card) error {
	pdf := printout.New("P", "A6")
	pdf.SetTitle(title, true)
	for i, c := range cards {
		if err := card(pdf, i, c); err != nil {
			return err
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("print the badges: %w", err)
	}
	return pdf.Output(w)
}

// card prints one badge on a new page.
func card(pdf *printout.Doc, n int, c Card) error {
	const margin, font = 7.0, printout.Font
	inner := cardW - 2*margin
	pdf.AddPage()
	pdf.SetFillColor(0, 122, 61) // OCOP green
	pdf.Rect(0, 0, cardW, 22, "F")
	pdf.SetTextColor(255, 255, 255)
	pdf.SetFont(font, "B", 10)
	pdf.SetXY(margin, 4)
	lines := pdf.SplitText(c.FairName, inner)
	if len(lines) > 3 {
		lines = append(lines[:2], lines[2]+"…")
	}
	for _, l := range lines {
		pdf.SetX(margin)
		pdf.CellFormat(inner, 4.6, l, "", 2, "C", false, 0, "")
	}
	role := c.RoleLabel
	pdf.SetFillColor(255, 196, 0)
	if c.Kind == KindBuyer {
		pdf.SetFillColor(0, 94, 184)
	}
	pdf.Rect(0, 22, cardW, 10, "F")
	pdf.SetTextColor(255, 255, 255)
	if c.Kind != KindBuyer {
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.SetFont(font, "B", 13)
	pdf.SetXY(margin, 23.5)
	pdf.CellFormat(inner, 7, strings.ToUpper(role), "", 0, "C", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(font, "B", 17)
	pdf.SetXY(margin, 36)
	pdf.MultiCell(inner, 7.5, c.Name, "", "C", false)
	pdf.SetFont(font, "", 11)
	if org := printout.Printable(c.Organisation); org != "" && org != printout.Printable(c.Name) { // "X 🐝" and "X" print alike
		pdf.SetX(margin)
		pdf.MultiCell(inner, 5.5, c.Organisation, "", "C", false)
	}
	if c.Province != "" {
		pdf.SetTextColor(90, 90, 90)
		pdf.SetX(margin)
		pdf.CellFormat(inner, 5.5, c.Province, "", 1, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	}
	img, err := printout.QRPNG(c.Code, 8)
	if err != nil {
		return err
	}
	const qr = 56.0
	name := "badge" + strconv.Itoa(n)
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader(name, opts, bytes.NewReader(img))
	pdf.ImageOptions(name, (cardW-qr)/2, cardH-qr-14, qr, qr, false, opts, 0, "")
	// The manual code, large enough to read off at arm's length and type at the gate.
	pdf.SetFont(font, "B", 11)
	pdf.SetXY(margin, cardH-13.5)
	pdf.CellFormat(inner, 4.5, c.Manual, "", 2, "C", false, 0, "")
	pdf.SetTextColor(90, 90, 90)
	pdf.SetFont(font, "", 7.5)
	pdf.SetX(margin)
	pdf.CellFormat(inner, 4, "Xuất trình mã này tại cổng và tại bàn gặp B2B", "", 0, "C", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	return nil
}
