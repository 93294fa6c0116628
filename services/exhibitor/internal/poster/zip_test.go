package poster

import (
	"archive/zip"
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/auth"
)

// A poster the PDF library cannot print is left out of the fair's ZIP, the others are all in it,
// and the note KHONG-IN-DUOC.txt names it, readable in Notepad (a byte-order mark, CRLF lines);
// the same poster asked alone is a 500, never a 200 cut short.
func TestAPosterThatFailsIsNamedInTheZIP(t *testing.T) {
	render = func(w io.Writer, s Sheet, size string) error {
		if s.Producer == "Cơ sở Lỗi" {
			panic("no glyph")
		}
		return Render(w, s, size)
	}
	t.Cleanup(func() { render = Render })
	h := &Routes{
		Fair: func(string) (Fair, bool) { return Fair{Name: "Hội chợ", Organisers: []string{"org"}}, true },
		Exhibitors: func(string) []Exhibitor {
			return []Exhibitor{
				{ProducerID: "p1", Name: "HTX Chè Tân Cương", Booths: []Booth{{Code: "A01"}}},
				{ProducerID: "p2", Name: "Cơ sở Lỗi", Booths: []Booth{{Code: "A02"}}},
				{ProducerID: "p3", Name: "HTX Mật ong", Booths: []Booth{{Code: "A03"}}},
			}
		},
		ProducerOf: func(string) (string, bool) { return "", false },
		Items:      func(string) []Item { return nil },
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	ask := func(handle func(*gin.Context), params gin.Params) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		c.Params = append(params, gin.Param{Key: "fairId", Value: "f1"})
		c.Set("ocopfair.principal", auth.Principal{AccountID: "org", Role: auth.RoleOrganiser})
		handle(c)
		return w
	}
	w := ask(h.zip, nil)
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if w.Code != http.StatusOK || err != nil {
		t.Fatalf("posters.zip: %d, %v", w.Code, err)
	}
	var names []string
	note := ""
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "KHONG-IN-DUOC.txt" {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			note = string(b)
		}
	}
	if got, want := strings.Join(names, " "), "A01-htx-che-tan-cuong.pdf A03-htx-mat-ong.pdf KHONG-IN-DUOC.txt"; got != want {
		t.Errorf("the ZIP holds %s, want %s", got, want)
	}
	if !strings.HasPrefix(note, "\ufeff") || !strings.Contains(note, "\r\nA02-co-so-loi.pdf: Cơ sở Lỗi\r\n") {
		t.Errorf("the note reads %q, want the failed poster named on a line of its own, after a byte-order mark", note)
	}
	if w := ask(h.poster, gin.Params{{Key: "file", Value: "p2.pdf"}}); w.Code != http.StatusInternalServerError {
		t.Errorf("the failing poster alone: %d, want 500", w.Code)
	}
	if w := ask(h.poster, gin.Params{{Key: "file", Value: "p1.pdf"}}); w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) {
		t.Errorf("another poster alone: %d, want its PDF", w.Code)
	}
}

// A draft fair's poster is unknown (404) to anyone but its organisers, as its ZIP is: a producer
// or another organiser got 403, which told them the draft exists.
func TestADraftsPosterIsNotFound(t *testing.T) {
	h := &Routes{
		Fair: func(string) (Fair, bool) {
			return Fair{Name: "Hội chợ", Organisers: []string{"org"}, Private: true}, true
		},
		Exhibitors: func(string) []Exhibitor {
			return []Exhibitor{{ProducerID: "p1", Name: "HTX Chè", Booths: []Booth{{Code: "A01"}}}}
		},
		ProducerOf: func(string) (string, bool) { return "p2", true },
		Items:      func(string) []Item { return nil },
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, who := range []auth.Principal{{AccountID: "prod", Role: auth.RoleProducer}, {AccountID: "other-org", Role: auth.RoleOrganiser}} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		c.Params = gin.Params{{Key: "fairId", Value: "f1"}, {Key: "file", Value: "p1.pdf"}}
		c.Set("ocopfair.principal", who)
		h.poster(c)
		if w.Code != http.StatusNotFound {
			t.Errorf("a draft's poster asked by a %s: %d, want 404", who.Role, w.Code)
		}
	}
}
