package poster

import (
	"archive/zip"
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Fair is what the posters need of a fair: its name, and who organises it.
type Fair struct {
	Name       string
	Organisers []string // account IDs
	// Private is a draft's (or a discarded one's): unknown to all but its organisers.
	Private bool
}

// Exhibitor is a producer placed at a fair: an approved application holding booths.
type Exhibitor struct {
	ProducerID string
	Name       string
	Province   string // the province's name
	Booths     []Booth
}

// Routes serves the posters from the read models in memory (the applications and the catalogue):
// printing them never waits on the database.
type Routes struct {
	// Fair returns a fair, and whether it is known.
	Fair func(fairID string) (Fair, bool)
	// Exhibitors returns the exhibitors placed at a fair, by their first booth.
	Exhibitors func(fairID string) []Exhibitor
	// ProducerOf returns the producer an account signs in as, and whether it is one.
	ProducerOf func(accountID string) (string, bool)
	// Items returns the products a producer's poster shows.
	Items func(producerID string) []Item
	Log   *slog.Logger
}

// Register registers the routes.
func (h *Routes) Register(api httpx.API) {
	size := []openapi.Param{{Name: "size", Enum: Sizes, Description: "paper size (A4 by default)"}}
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/posters/:file", Tag: "verification",
		Roles:   []string{auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "One exhibitor's printable booth poster as a PDF; file is the producer's ID followed by .pdf. It shows the fair, the booths and their zone, the producer and its province, and each of its products with its stars and the QR code of its public verification page (8 a page, more pages when needed). The producer itself, the fair's organisers and admins.",
		Query:   size, Files: []string{"application/pdf"}}, h.poster)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/posters.zip", Tag: "verification",
		Roles:   []string{auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "Every placed exhibitor's booth poster of the fair as one ZIP of PDFs, named by booth and producer (A07-htx-nuoc-mam-ham-ninh.pdf). The fair's organisers and admins.",
		Query:   size, Files: []string{"application/zip"}}, h.zip)
}

// sizeOf reads ?size=, A4 when absent.
func sizeOf(c *gin.Context) (string, bool) {
	s := strings.ToUpper(c.DefaultQuery("size", "A4"))
	if !slices.Contains(Sizes, s) {
		e := apperr.New(apperr.Invalid, msgSize)
		e.Fields = []apperr.FieldError{apperr.Field("size", msgSizeField)}
		httpx.RespondError(c, e)
		return "", false
	}
	return s, true
}

// organises reports whether p organises f (or is an admin).
func organises(p auth.Principal, f Fair) bool {
	return p.Role == auth.RoleAdmin || (p.Role == auth.RoleOrganiser && slices.Contains(f.Organisers, p.AccountID))
}

func (h *Routes) sheet(f Fair, e Exhibitor) Sheet {
	return Sheet{FairName: f.Name, Booths: e.Booths, Producer: e.Name, Province: e.Province, Items: h.Items(e.ProducerID)}
}

func (h *Routes) poster(c *gin.Context) {
	producerID, ok := strings.CutSuffix(c.Param("file"), ".pdf")
	f, known := h.Fair(c.Param("fairId"))
	if !ok || !known {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairNotFound))
		return
	}
	size, ok := sizeOf(c)
	if !ok {
		return
	}
	who, _ := httpx.PrincipalFrom(c)
	if f.Private && !organises(who, f) { // a draft is unknown to all but its organisers
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairNotFound))
		return
	}
	if mine, _ := h.ProducerOf(who.AccountID); !organises(who, f) && (who.Role != auth.RoleProducer || mine != producerID) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgNotYours))
		return
	}
	list := h.Exhibitors(c.Param("fairId"))
	i := slices.IndexFunc(list, func(e Exhibitor) bool { return e.ProducerID == producerID })
	if i < 0 {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgNotPlaced))
		return
	}
	e := list[i]
	s := h.sheet(f, e)
	// Printed before anything is answered: one that fails is a 500, not a 200 cut short.
	pdf, err := renderSafely(s, size)
	if err != nil {
		h.Log.Error("poster not printed", "fair", c.Param("fairId"), "producer", producerID, "err", err)
		httpx.RespondError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-cache")
	c.Header("Content-Disposition", `inline; filename="`+s.FileName()+`"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// render is Render; a test makes it fail for one exhibitor.
var render = Render

// renderSafely prints s into memory; a failure of the PDF library on some text (it panicked
// on an emoji) is an error, not a panic.
func renderSafely(s Sheet, size string) (pdf []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("poster: %v", r)
		}
	}()
	var buf bytes.Buffer
	if err := render(&buf, s, size); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// zip streams the fair's posters as a ZIP, one PDF at a time, so that memory holds one poster
// whatever the size of the fair. A poster that cannot be printed is left out, named in a note
// in the archive (KHONG-IN-DUOC.txt), so that one exhibitor's data cannot stop the fair's
// printing; a failure to send midway ends the response without the ZIP's directory: the client
// sees a broken archive, never a short one that looks whole.
func (h *Routes) zip(c *gin.Context) {
	f, known := h.Fair(c.Param("fairId"))
	who, _ := httpx.PrincipalFrom(c)
	if !known || (f.Private && !organises(who, f)) {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairNotFound))
		return
	}
	if !organises(who, f) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgOrganisersOnly))
		return
	}
	size, ok := sizeOf(c)
	if !ok {
		return
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", `attachment; filename="ap-phich-`+vntext.Slug(c.Param("fairId"), true)+`.zip"`)
	c.Header("Cache-Control", "private, no-cache")
	c.Status(http.StatusOK)
	zw := zip.NewWriter(c.Writer)
	var unprinted []string
	for _, e := range h.Exhibitors(c.Param("fairId")) {
		s := h.sheet(f, e)
		pdf, err := renderSafely(s, size)
		if err != nil {
			h.Log.Error("poster not printed", "fair", c.Param("fairId"), "producer", e.ProducerID, "err", err)
			unprinted = append(unprinted, s.FileName()+": "+s.Producer)
			continue
		}
		if err := addFile(zw, s.FileName(), pdf); err != nil {
			h.Log.Warn("posters not sent", "fair", c.Param("fairId"), "err", err)
			return
		}
	}
	if len(unprinted) > 0 {
		// UTF-8 with its byte-order mark, lines ended for Windows: Notepad reads the Vietnamese.
		note := "\ufeffKhông in được áp phích của (hãy báo cho quản trị hệ thống):\r\n" + strings.Join(unprinted, "\r\n") + "\r\n"
		if err := addFile(zw, "KHONG-IN-DUOC.txt", []byte(note)); err != nil {
			h.Log.Warn("posters not sent", "fair", c.Param("fairId"), "err", err)
			return
		}
	}
	if err := zw.Close(); err != nil {
		h.Log.Warn("posters not sent", "fair", c.Param("fairId"), "err", err)
	}
}

func addFile(zw *zip.Writer, name string, data []byte) error {
	w, err := zw.Create(name)
	if err == nil {
		_, err = w.Write(data)
	}
	return err
}
