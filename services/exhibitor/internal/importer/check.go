package importer

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// checkColumns refuses, before the reader reads any row, a workbook that would cost far more to
// read than it weighs. Each part f holds is read as the reader reads a sheet (the same XML
// decoder and character sets, the same numbering: a cell's r attribute however it is written,
// with a prefix or character references, else one after the cell before), so that what this finds
// is what the reader would meet; every part, since the workbook's relations may put a sheet
// anywhere. It refuses:
//   - a cell beyond column MaxColumns, empty or not: the reader fills every column up to a row's
//     last cell, so one cell in column XFD on each of 5,000 rows costs gigabytes;
//   - rows whose numbers do not go up: the reader makes them one row, as wide as all of them;
//   - a text (a shared string, or a cell's own) longer than a cell holds, or with more than
//     maxEscapes escaped characters (_xHHHH_): the reader copies a shared string for every
//     cell showing it, and undoes each escape with another copy of the whole text.
func checkColumns(f *excelize.File) error {
	var err error
	f.Pkg.Range(func(_, part any) bool {
		if content, ok := part.([]byte); ok {
			err = checkPart(content, f.CharsetReader)
		}
		return err == nil
	})
	return err
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
)

// escaped matches what the reader undoes as an escaped character.
var escaped = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// partCheck reads one part: the rows seen, the last one's number and its last cell's column, and
// the number formats seen.
type partCheck struct {
	d                    *xml.Decoder
	rows, row, col, fmts int
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
			err = p.format(el)
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
// maxTextBytes, or with more than maxEscapes escaped characters, it is refused.
func (p *partCheck) text() error {
	var text []byte
	for depth := 1; depth > 0; {
		tok, err := p.d.Token()
		if err != nil {
			return nil
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
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
