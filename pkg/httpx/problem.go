// Package httpx is the HTTP edge every ocopfair service shares, on gin: JSON in and out, errors as
// RFC 9457 problem documents from one kind-to-status table, strict decoding with field-level
// messages, a 1 MiB body limit, correlation and request IDs, access logs and metrics, token
// authentication with role checks, Idempotency-Key handling, cursor pagination, health, readiness
// and metrics endpoints, and graceful shutdown.
package httpx

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
)

// ProblemContentType is the media type of error responses.
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem document with ocopfair's extensions: Code is a stable machine
// code (the message's code, or the kind when the error has no message), and Title, Detail and each
// field error's message are in the caller's language (Accept-Language, see LangOf).
type Problem struct {
	Type          string              `json:"type"`
	Title         string              `json:"title"`
	Status        int                 `json:"status"`
	Code          string              `json:"code"`
	Detail        string              `json:"detail,omitempty"`
	Instance      string              `json:"instance,omitempty"`
	Errors        []apperr.FieldError `json:"errors,omitempty"`
	CorrelationID string              `json:"correlation_id,omitempty"`
}

// statusOf is the one table from error kind to HTTP status and title.
var statusOf = map[apperr.Kind]struct {
	status int
	title  apperr.Msg
}{
	apperr.Malformed:       {http.StatusBadRequest, apperr.M("title.malformed", "Yêu cầu không đúng định dạng", "Malformed request")},
	apperr.Invalid:         {http.StatusUnprocessableEntity, apperr.M("title.invalid", "Dữ liệu chưa hợp lệ", "Invalid input")},
	apperr.Unauthorized:    {http.StatusUnauthorized, apperr.M("title.unauthorized", "Cần đăng nhập", "Sign-in required")},
	apperr.Forbidden:       {http.StatusForbidden, apperr.M("title.forbidden", "Không được phép", "Not allowed")},
	apperr.NotFound:        {http.StatusNotFound, apperr.M("title.not_found", "Không tìm thấy", "Not found")},
	apperr.Conflict:        {http.StatusConflict, apperr.M("title.conflict", "Xung đột dữ liệu", "Conflict")},
	apperr.TooLarge:        {http.StatusRequestEntityTooLarge, apperr.M("title.too_large", "Yêu cầu quá lớn", "Request too large")},
	apperr.TooSlow:         {http.StatusRequestTimeout, apperr.M("title.too_slow", "Gửi quá chậm", "Sent too slowly")},
	apperr.TooManyRequests: {http.StatusTooManyRequests, apperr.M("title.too_many_requests", "Quá nhiều yêu cầu", "Too many requests")},
	apperr.BadGateway:      {http.StatusBadGateway, apperr.M("title.bad_gateway", "Dịch vụ không phản hồi", "Service unavailable")},
	apperr.Unavailable:     {http.StatusServiceUnavailable, apperr.M("title.unavailable", "Tạm thời không phục vụ được", "Temporarily unavailable")},
	apperr.Internal:        {http.StatusInternalServerError, apperr.M("title.internal", "Lỗi hệ thống", "Internal error")},
}

var (
	msgInternal = apperr.M("internal_error",
		"Hệ thống gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại. Vui lòng thử lại sau.",
		"Something went wrong on our side; the error has been logged. Please try again later.")
	msgMethodTitle = apperr.M("title.method_not_allowed", "Phương thức không được hỗ trợ", "Method not allowed")
	msgMethod      = apperr.M("method_not_allowed",
		"Địa chỉ %[2]s không nhận phương thức %[1]s.",
		"%[2]s does not take the %[1]s method.")
	msgNoRoute = apperr.M("no_route",
		"Không có API nào tại %[1]s %[2]s.",
		"There is no endpoint at %[1]s %[2]s.")
)

// StatusOf returns the HTTP status for an error kind.
func StatusOf(kind apperr.Kind) int {
	if s, ok := statusOf[kind]; ok {
		return s.status
	}
	return http.StatusInternalServerError
}

// RespondError writes err as a problem document in the caller's language and aborts the request.
// Internal errors are logged with their cause and shown without it, with a fixed text.
func RespondError(c *gin.Context, err error) {
	p, lang := problemFor(c.Request, err, loggerFrom(c))
	if p.Status == http.StatusTooManyRequests {
		c.Header("Retry-After", "60")
	}
	// Set before writing: gin keeps a Content-Type that is already there.
	setProblemHeaders(c.Writer.Header(), lang)
	c.AbortWithStatusJSON(p.Status, p)
}

// WriteProblem is RespondError for a handler outside gin (the gateway proxy's error handler):
// it writes err to w as a problem document in the language r asks for.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	p, lang := problemFor(r, err, slog.Default())
	body, _ := json.Marshal(p)
	setProblemHeaders(w.Header(), lang)
	if p.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
	}
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}

// ProblemOf is the problem document RespondError would write for err, for an answer that reports
// several outcomes at once (the per-item errors of a bulk operation).
func ProblemOf(c *gin.Context, err error) Problem {
	p, _ := problemFor(c.Request, err, loggerFrom(c))
	return p
}

// NoRoute is the error of a request for a path no route serves, as the router answers it.
func NoRoute(method, path string) error { return apperr.New(apperr.NotFound, msgNoRoute, method, path) }

// BodyTooLarge is the error of a request body over limit bytes.
func BodyTooLarge(limit int64) error { return apperr.New(apperr.TooLarge, msgBodyTooLarge, limit) }

// problemFor makes the problem document of err for r, in the language r asks for.
func problemFor(r *http.Request, err error, log *slog.Logger) (Problem, apperr.Lang) {
	kind := apperr.KindOf(err)
	entry, ok := statusOf[kind]
	if !ok {
		kind, entry = apperr.Internal, statusOf[apperr.Internal]
	}
	lang := LangOf(r.Header.Get("Accept-Language"))
	p := Problem{
		Type:          "urn:ocopfair:problem:" + string(kind),
		Title:         entry.title.In(lang),
		Status:        entry.status,
		Code:          string(kind),
		Instance:      r.URL.Path,
		CorrelationID: correlation.From(r.Context()),
	}
	var e *apperr.Error
	if errors.As(err, &e) && kind != apperr.Internal {
		p.Code, p.Detail = e.Code(), e.Detail(lang)
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, f.Localize(lang))
		}
	}
	if kind == apperr.Internal {
		p.Code, p.Detail = msgInternal.Code, msgInternal.In(lang)
		log.Error("internal error", "err", err, "path", r.URL.Path)
	}
	return p, lang
}

// setProblemHeaders says that the answer is a problem document in lang and that it depends on
// Accept-Language, so that a shared cache keeps one answer per language.
func setProblemHeaders(h http.Header, lang apperr.Lang) {
	h.Set("Content-Type", ProblemContentType)
	h.Set("Content-Language", string(lang))
	h.Add("Vary", "Accept-Language")
}

// respondMethodNotAllowed answers a path that exists with a method it does not take.
func respondMethodNotAllowed(c *gin.Context) {
	lang := Lang(c)
	setProblemHeaders(c.Writer.Header(), lang)
	c.AbortWithStatusJSON(http.StatusMethodNotAllowed, Problem{Type: "urn:ocopfair:problem:method_not_allowed", Title: msgMethodTitle.In(lang),
		Status: http.StatusMethodNotAllowed, Code: msgMethod.Code, Instance: c.Request.URL.Path,
		Detail:        msgMethod.With(c.Request.Method, c.Request.URL.Path).In(lang),
		CorrelationID: correlation.From(c.Request.Context())})
}

func loggerFrom(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey); ok {
		if lg, ok := l.(*slog.Logger); ok {
			return lg
		}
	}
	return slog.Default()
}
