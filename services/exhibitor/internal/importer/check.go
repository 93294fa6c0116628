package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strconv"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html/charset"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// checkParts refuses, before the reader opens it, a workbook that would cost far more to read
// than it weighs. Each part of the archive zr is read as the reader reads a sheet (the same XML
// decoder and character sets, the same numbering: a cell's r attribute however it is written,
// with a prefix or character references, else one after the cell before), so that what this finds
// is what the reader would meet; every part, since the workbook's relations may put a sheet
// anywhere. It refuses:
//   - a cell beyond column MaxColumns, empty or not: the reader fills every column up to a row's
//     last cell, so one cell in column XFD on each of 5,000 rows costs gigabytes;
//   - rows whose numbers do not go up: the reader makes them one row, as wide as all of them;
//   - a text (a shared string, or a cell's own) longer than a cell holds, or with more than
//     maxEscapes escaped characters (_xHHHH_): the reader copies a shared string for every
//     cell showing it, and undoes each escape with another copy of the whole text;
//   - more than maxElements elements in the workbook, besides its sheets' rows and cells (which
//     the reader streams), or more than maxCellFormats cell formats: it holds every shared
//     string, with its runs, and every style at once.
func checkParts(zr *zip.Reader) error {
	var b budget
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return apperr.WrapMsg(apperr.Invalid, err, msgXLSXUnreadable)
		}
		// checkArchive bounded the part's size; the zip reader stops at it. A wrong checksum
		// is read on, as the reader reads it.
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil && !errors.Is(err, zip.ErrChecksum) {
			return apperr.WrapMsg(apperr.Invalid, err, msgXLSXUnreadable)
		}
		if err := checkPart(content, charset.NewReaderLabel, &b); err != nil {
			return err
		}
	}
	return nil
}

// Bounds on one text of a workbook: the bytes of a cell's most characters (at most 3 bytes each in
// UTF-8) and its escaped characters (Excel writes a carriage return as _x000D_); and on number
// formats, which the reader parses again for every cell showing one: Excel's own 255 characters a
// format and a few hundred formats a workbook.
const (
	maxTextBytes   = 3 * MaxCellChars
	maxEscapes     = 64
	maxFormatChars = 255
	maxFormats     = 1000
	// maxElements bounds the elements of a workbook besides its sheets' rows and cells (which
	// the reader streams, a row at a time), all parts together. The reader holds all of a
	// workbook's shared strings at once, about 430 bytes each (1.1 million two-letter strings,
	// a 2.6 MB file well within the archive's limits, held 480 MB), and all its styles (650,000
	// cell formats in a 2 MB file held 300 MB); two imports may run at once. A province's list of
	// 5,000 rows and 16 columns of text has at most 80,000 different strings, 160,000 elements.
	maxElements = 250_000
	// maxCellFormats bounds a workbook's cell formats (xf): Excel itself keeps at most 64,000.
	maxCellFormats = 70_000
)

// budget is what a workbook's parts have used of maxElements and maxCellFormats.
type budget struct{ elements, formats int }

// escaped matches what the reader undoes as an escaped character.
var escaped = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// partCheck reads one part: the rows seen, the last one's number and its last cell's column, the
// number formats seen, and the workbook's budget it counts its elements against.
type partCheck struct {
	d                    *xml.Decoder
	rows, row, col, fmts int
	b                    *budget
	inCell               bool
}

// checkPart reads one part's XML, counting its elements against b. A sheet (its root a
// worksheet) is read as far as the rows the reader takes (MaxRows+2), so that its cost does not
// grow with rows past the cap; any other part is read whole, since the reader reads it whole (a
// part of shared strings or styles that began with rows to end the check early was read in
// full, every string held). XML that does not parse ends it there, as it ends the reader.
func checkPart(content []byte, charset func(string, io.Reader) (io.Reader, error), b *budget) error {
	d := xml.NewDecoder(bytes.NewReader(content))
	d.CharsetReader = charset
	p := partCheck{d: d, b: b}
	root, sheet := "", false
	for !sheet || p.rows <= MaxRows+2 {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = el.Name.Local
			sheet = root == "worksheet"
		}
		switch el.Name.Local {
		case "si":
			err = p.text()
		case "row":
			err = p.startRow(el)
		case "c":
			err = p.cell(el)
		case "numFmt":
			if err = p.format(el); err == nil {
				err = p.count()
			}
		case "xf":
			if b.formats++; b.formats > maxCellFormats {
				err = apperr.New(apperr.Invalid, msgTooManyFormats, maxCellFormats)
			} else {
				err = p.count()
			}
		default:
			err = p.count()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// startRow takes a row: its number must follow the last one's, as the reader makes rows of the
// same or a lower number (or none that is a number) one row with the row before.
func (p *partCheck) startRow(el xml.StartElement) error {
	n := p.row + 1
	if s := attr(el, "r"); s != "" {
		if r, err := strconv.Atoi(s); err != nil || r <= 0 {
			n = 0
		} else {
			n = r
		}
	}
	if n <= p.row {
		return apperr.New(apperr.Invalid, msgRowsOutOfOrder, n, p.row)
	}
	p.rows, p.row, p.col = p.rows+1, n, 0
	return nil
}

// cell takes a cell as the reader does: its column is its reference's (the row in it is not
// looked at), else the one after the cell before, and must be right of the cell before, since the
// reader appends a cell at or left of it all the same; it ends at the first end of an element of
// its own name, the value, formula and own text being read whole.
func (p *partCheck) cell(start xml.StartElement) error {
	col := p.col + 1
	if c, _, err := excelize.CellNameToCoordinates(attr(start, "r")); err == nil {
		col = c
	}
	if col <= p.col {
		return apperr.New(apperr.Invalid, msgCellsOutOfOrder, p.row, col, p.col)
	}
	if col > MaxColumns {
		return apperr.New(apperr.Invalid, msgSheetTooWide, p.row, col, MaxColumns)
	}
	p.col = col
	// A cell's own text is streamed with its row: not counted against the budget.
	p.inCell = true
	defer func() { p.inCell = false }()
	for {
		tok, err := p.d.Token()
		if err != nil {
			return nil
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "v", "f":
				if err := p.d.Skip(); err != nil {
					return nil
				}
			case "is":
				if err := p.text(); err != nil {
					return err
				}
			}
		case xml.EndElement:
			if el.Name == start.Name {
				return nil
			}
		}
	}
}

// text reads a text (a shared string, or a cell's own) whole, its start just read: over
// maxTextBytes, or with more than maxEscapes escaped characters, it is refused; so is the part
// once the workbook holds more than maxElements elements.
func (p *partCheck) text() error {
	if err := p.count(); err != nil {
		return err
	}
	var text []byte
	for depth := 1; depth > 0; {
		tok, err := p.d.Token()
		if err != nil {
			return nil
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if err := p.count(); err != nil {
				return err
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if text = append(text, el...); len(text) > maxTextBytes {
				return apperr.New(apperr.Invalid, msgTextTooLong, MaxCellChars)
			}
		}
	}
	if len(escaped.FindAllIndex(text, maxEscapes+1)) > maxEscapes {
		return apperr.New(apperr.Invalid, msgTextEscapes, maxEscapes)
	}
	return nil
}

// count counts one more element of the workbook, but for a cell's own, and refuses the workbook
// once they are more than maxElements.
func (p *partCheck) count() error {
	if p.inCell {
		return nil
	}
	if p.b.elements++; p.b.elements > maxElements {
		return apperr.New(apperr.Invalid, msgTooManyElements, maxElements)
	}
	return nil
}

// format takes a number format: at most maxFormats of them, each at most maxFormatChars long.
func (p *partCheck) format(el xml.StartElement) error {
	if p.fmts++; p.fmts > maxFormats {
		return apperr.New(apperr.Invalid, msgFormats, maxFormats, maxFormatChars)
	}
	for _, a := range el.Attr {
		if len([]rune(a.Value)) > maxFormatChars {
			return apperr.New(apperr.Invalid, msgFormats, maxFormats, maxFormatChars)
		}
	}
	return nil
}

// attr is the value of el's last attribute of local name local, whatever its prefix; "" for none.
func attr(el xml.StartElement, local string) string {
	v := ""
	for _, a := range el.Attr {
		if a.Name.Local == local {
			v = a.Value
		}
	}
	return v
}
