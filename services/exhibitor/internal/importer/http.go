package importer

import (
	"cmp"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// Path of the import endpoint; its body limit is MaxFileBytes.
const Path = "/api/producers/import"

// MaxFileBytes bounds an uploaded spreadsheet.
const MaxFileBytes = 10 << 20

// DefaultTimeout bounds one import once its file is read: 5000 rows of a few writes each on
// the embedded database take well under it.
const DefaultTimeout = 10 * time.Minute

// Routes serves the import endpoint.
type Routes struct {
	Stores Stores
	Notify func()
	Now    func() time.Time
	// Timeout bounds an import, which goes on after the client disconnects; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Concurrent imports run at once on this replica (0 means DefaultConcurrent): each holds
	// the service's one database connection for thousands of writes, which a fair's producers
	// share. Another waits up to Wait (0 means DefaultWait) and is then refused with 503.
	Concurrent int
	Wait       time.Duration
	gate       chan struct{}
	waiting    atomic.Int32
}

// DefaultConcurrent and DefaultWait bound imports running at once on a replica; at most
// maxWaiting more wait for a turn (each holding its file), the others are refused at once.
const (
	DefaultConcurrent = 2
	DefaultWait       = 5 * time.Second
	maxWaiting        = 4
	retryAfter        = 60 * time.Second
)

func (h *Routes) timeout() time.Duration {
	if h.Timeout > 0 {
		return h.Timeout
	}
	return DefaultTimeout
}

// Register registers the route.
func (h *Routes) Register(api httpx.API) {
	h.gate = make(chan struct{}, cmp.Or(h.Concurrent, DefaultConcurrent))
	api.Handle(openapi.Op{Method: http.MethodPost, Path: Path, Tag: "producers", Roles: []string{auth.RoleOrganiser, auth.RoleAdmin},
		Summary: "Import producers and products from a CSV or XLSX file with Vietnamese headers (the body itself, or multipart field \"file\"; at most 10 MiB, 5000 rows). " +
			"Returns what each row became, and for each producer created its claim code (shown only here; the producer needs it to take over the profile). Re-importing creates nothing twice. While other imports keep the service busy, 503 with Retry-After: send the same file again.", Response: Report{}, Errors: []int{http.StatusServiceUnavailable},
		RequestTypes: []string{"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "multipart/form-data", "application/octet-stream"}}, h.importFile)
}

func (h *Routes) importFile(c *gin.Context) {
	data, err := readUpload(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	release, ok := h.acquire(c)
	if !ok {
		return
	}
	defer release()
	rows, err := Parse(data)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	// An import stopped halfway by a client that went away would leave producers created without
	// the claim codes only its report shows, so it runs to the end on its own deadline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), h.timeout())
	defer cancel()
	rep, err := Import(ctx, h.Stores, rows, h.Now(), Importer{AccountID: p.AccountID, ClientIP: c.ClientIP()}, correlation.From(ctx))
	h.Notify()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// The report holds claim codes in plain text: keep it out of caches.
	c.Header("Cache-Control", "no-store")
	c.Header("Vary", "Accept-Language")
	c.JSON(http.StatusOK, rep.In(httpx.Lang(c)))
}

// acquire waits for a place among the imports running; when none frees in time it answers 503
// with Retry-After itself and reports false. release gives the place back.
func (h *Routes) acquire(c *gin.Context) (release func(), ok bool) {
	if h.gate == nil { // not registered: a test calling the handler
		return func() {}, true
	}
	select {
	case h.gate <- struct{}{}:
		return func() { <-h.gate }, true
	default:
	}
	if h.waiting.Add(1) <= maxWaiting {
		timer := time.NewTimer(cmp.Or(h.Wait, DefaultWait))
		select {
		case h.gate <- struct{}{}:
			timer.Stop()
			h.waiting.Add(-1)
			return func() { <-h.gate }, true
		case <-timer.C:
		case <-c.Request.Context().Done():
			timer.Stop()
		}
	}
	h.waiting.Add(-1)
	c.Header("Retry-After", strconv.Itoa(int(retryAfter.Seconds())))
	httpx.RespondError(c, apperr.New(apperr.Unavailable, msgImportsBusy))
	return nil, false
}

func readUpload(c *gin.Context) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	var r io.Reader = c.Request.Body
	if strings.HasPrefix(mt, "multipart/") {
		file, _, err := c.Request.FormFile("file")
		if err != nil {
			if bodyErr := httpx.BodyError(err); bodyErr != nil { // over the limit, or too slow
				return nil, bodyErr
			}
			return nil, apperr.WrapMsg(apperr.Malformed, err, msgFileField)
		}
		defer file.Close()
		r = file
	}
	if r == nil {
		return nil, apperr.New(apperr.Malformed, msgNoFile)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, apperr.New(apperr.TooLarge, msgFileTooLarge, MaxFileBytes>>20)
		}
		if slow := httpx.BodyError(err); slow != nil { // cut off for arriving too slowly
			return nil, slow
		}
		return nil, apperr.WrapMsg(apperr.Malformed, err, msgFileUnreadable)
	}
	if len(data) == 0 {
		return nil, apperr.New(apperr.Malformed, msgFileEmpty)
	}
	return data, nil
}
