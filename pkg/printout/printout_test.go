package printout_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/printout"
)

func TestNewWritesAPDF(t *testing.T) {
	pdf := printout.New("P", "A6")
	pdf.AddPage()
	pdf.SetFont(printout.Font, "B", 14)
	pdf.Cell(40, 10, "Nguyễn Thị Hương")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Errorf("New(...).Output wrote %q..., want a PDF", buf.Bytes()[:min(8, buf.Len())])
	}
}

func ExampleQRSVG() {
	svg, err := printout.QRSVG("https://ocopfair.vn/v/AbC123")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(string(svg), "<svg"), strings.HasSuffix(string(svg), "</svg>"))
	// Output: true true
}
