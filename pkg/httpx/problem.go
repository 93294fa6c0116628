// Package httpx is the HTTP edge every ocopfair service shares, on gin: JSON in and out, errors as
// RFC 9457 problem documents from one kind-to-status table, strict decoding with field-level
// messages, a 1 MiB body limit, correlation and request IDs, access logs and metrics, token
// authentication with role checks, Idempotency-Key handling, cursor pagination, health, readiness
// and metrics endpoints, and graceful shutdown.
package httpx

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
)

// ProblemContentType is the media type of error responses.
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem document with ocopfair's extensions.
type Problem struct {
	Type          string              `json:"type"`
	Title         string              `json:"title"`
	Status        int                 `json:"status"`
	Detail        string              `json:"detail,omitempty"`
	Instance      string              `json:"instance,omitempty"`
	Errors        []apperr.FieldError `json:"errors,omitempty"`
	CorrelationID string              `json:"correlation_id,omitempty"`
}

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[apperr.Kind]struct {
	status int
	title  string
}{
	apperr.Malformed:       {http.StatusBadRequest, "Malformed request"},
	apperr.Invalid:         {http.StatusUnprocessableEntity, "Invalid input"},
	apperr.Unauthorized:    {http.StatusUnauthorized, "Sign-in required"},
	apperr.Forbidden:       {http.StatusForbidden, "Not allowed"},
	apperr.NotFound:        {http.StatusNotFound, "Not found"},
	apperr.Conflict:        {http.StatusConflict, "Conflict"},
	apperr.TooLarge:        {http.StatusRequestEntityTooLarge, "Request too large"},
	apperr.TooManyRequests: {http.StatusTooManyRequests, "Too many requests"},
	apperr.Unavailable:     {http.StatusServiceUnavailable, "Temporarily unavailable"},
	apperr.Internal:        {http.StatusInternalServerError, "Internal error"},
}

// StatusOf returns the HTTP status for an error kind.
func StatusOf(kind apperr.Kind) int {
	if s, ok := statusOf[kind]; ok {
		return s.status
	}
	return http.StatusInternalServerError
}

// RespondError writes err as a problem document and aborts the request. Internal errors are
// logged with their cause and shown without it.
func RespondError(c *gin.Context, err error) {
	kind := apperr.KindOf(err)
	entry, ok := statusOf[kind]
	if !ok {
		kind, entry = apperr.Internal, statusOf[apperr.Internal]
	}
	p := Problem{
		Type:          "urn:ocopfair:problem:" + string(kind),
		Title:         entry.title,
		Status:        entry.status,
		Instance:      c.Request.URL.Path,
		CorrelationID: correlation.From(c.Request.Context()),
	}
	var e *apperr.Error
	if errors.As(err, &e) && kind != apperr.Internal {
		p.Detail, p.Errors = e.Message, e.Fields
	}
	if kind == apperr.Internal {
		p.Detail = "something went wrong on our side; the error has been logged"
		loggerFrom(c).Error("internal error", "err", err, "path", c.Request.URL.Path)
	}
	if kind == apperr.TooManyRequests {
		c.Header("Retry-After", "60")
	}
	// Set before writing: gin keeps a Content-Type that is already there.
	c.Header("Content-Type", ProblemContentType)
	c.AbortWithStatusJSON(entry.status, p)
}

func loggerFrom(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(loggerKey); ok {
		if lg, ok := l.(*slog.Logger); ok {
			return lg
		}
	}
	return slog.Default()
}
