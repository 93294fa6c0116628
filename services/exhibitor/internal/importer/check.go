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
//   - more than maxElements elements in a part, besides a sheet's rows and cells (which the
//     reader streams): it holds every shared string, with its runs, and every style at once.
func checkParts(zr *zip.Reader) error {
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
		if err := checkPart(content, charset.NewReaderLabel); err != nil {
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
	// maxElements bounds the elements of a part besides a sheet's rows and cells. The reader holds
	// all of a workbook's shared strings at once, about 430 bytes each (1.1 million two-letter
	// strings, a 2.6 MB file well within the archive's limits, held 480 MB), and all its styles
	// (650,000 cell formats in a 2 MB file held 300 MB). A province's list of 5,000 rows and 16
	// columns of text has at most 80,000 different strings, 160,000 elements, and a few hundred
	// styles; Excel itself keeps at most 64,000 cell formats.
	maxElements = 400_000
)

// escaped matches what the reader undoes as an escaped character.
var escaped = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// partCheck reads one part: the rows seen, the last one's number and its last cell's column, the
// number formats seen, and its elements counted against maxElements.
type partCheck struct {
	d                              *xml.Decoder
	rows, row, col, fmts, elements int
}

// checkPart reads one part's XML as far as the rows the reader takes (MaxRows+2), so that its
// cost does not grow with rows past the cap. XML that does not parse ends it there, as it ends
// the reader.
func checkPart(content []byte, charset func(string, io.Reader) (io.Reader, error)) error {
	d := xml.NewDecoder(bytes.NewReader(content))
	d.CharsetReader = charset
	p := partCheck{d: d}
	for p.rows <= MaxRows+2 {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "si":
			err = p.text()
		case "row":
			err = p.startRow(el)
		case "c":
			err = p.cell(el)
		case "numFmt":
			if err = p.format(el); err == nil && p.counted() {
				err = apperr.New(apperr.Invalid, msgTooManyElements, maxElements)
			}
		default:
			if p.counted() {
				err = apperr.New(apperr.Invalid, msgTooManyElements, maxElements)
			}
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
// once it holds more than maxElements elements.
func (p *partCheck) text() error {
	if p.counted() {
		return apperr.New(apperr.Invalid, msgTooManyElements, maxElements)
	}
	var text []byte
	for depth := 1; depth > 0; {
		tok, err := p.d.Token()
		if err != nil {
			return nil
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth++; p.counted() {
				return apperr.New(apperr.Invalid, msgTooManyElements, maxElements)
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

// counted counts one more element of the part, and reports whether they are now more than
// maxElements.
func (p *partCheck) counted() bool {
	p.elements++
	return p.elements > maxElements
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
