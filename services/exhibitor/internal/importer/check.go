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
// UTF-8) and its escaped characters (Excel writes a carriage return as _x000D_).
const (
	maxTextBytes = 3 * MaxCellChars
	maxEscapes   = 16
)

// escaped matches what the reader undoes as an escaped character.
var escaped = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// partCheck is where checkPart is in a part: the rows seen and the last one's number, the cell
// being read (its depth, 0 outside cells) and the text being read (its depth, 0 outside texts).
type partCheck struct {
	rows, row, col int
	inCell, inText int
	text           []byte
}

// checkPart reads one part's XML as far as the rows the reader takes (MaxRows+2), so that its
// cost does not grow with rows past the cap. XML that does not parse ends it there, as it ends
// the reader.
func checkPart(content []byte, charset func(string, io.Reader) (io.Reader, error)) error {
	d := xml.NewDecoder(bytes.NewReader(content))
	d.CharsetReader = charset
	var p partCheck
	for p.rows <= MaxRows+2 {
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		if err := p.see(tok); err != nil {
			return err
		}
	}
	return nil
}

// see takes the next token of a part.
func (p *partCheck) see(tok xml.Token) error {
	switch el := tok.(type) {
	case xml.StartElement:
		if p.inText > 0 || el.Name.Local == "si" || el.Name.Local == "is" {
			if p.inText++; p.inText == 1 {
				p.text = p.text[:0]
			}
		}
		if p.inCell > 0 { // the reader reads a cell whole: what is inside is no row or cell
			p.inCell++
			return nil
		}
		return p.start(el)
	case xml.EndElement:
		p.inCell = max(p.inCell-1, 0)
		if p.inText > 0 {
			if p.inText--; p.inText == 0 && len(escaped.FindAllIndex(p.text, maxEscapes+1)) > maxEscapes {
				return apperr.New(apperr.Invalid, msgTextEscapes, maxEscapes)
			}
		}
	case xml.CharData:
		if p.inText > 0 {
			if p.text = append(p.text, el...); len(p.text) > maxTextBytes {
				return apperr.New(apperr.Invalid, msgTextTooLong, MaxCellChars)
			}
		}
	}
	return nil
}

// start takes a row or a cell.
func (p *partCheck) start(el xml.StartElement) error {
	switch el.Name.Local {
	case "row":
		n := p.row + 1
		if r, err := strconv.Atoi(attr(el, "r")); err == nil && r > 0 {
			n = r
		}
		if p.rows > 0 && n <= p.row {
			return apperr.New(apperr.Invalid, msgRowsOutOfOrder, n, p.row)
		}
		p.rows, p.row, p.col = p.rows+1, n, 0
	case "c":
		p.inCell = 1
		p.col++
		if c, r, err := excelize.CellNameToCoordinates(attr(el, "r")); err == nil {
			p.col, p.row = c, r
		}
		if p.col > MaxColumns {
			return apperr.New(apperr.Invalid, msgSheetTooWide, p.row, p.col, MaxColumns)
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
