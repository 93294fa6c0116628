package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Validator is implemented by request structs that check their own fields.
type Validator interface {
	Validate() error
}

// Bind decodes the JSON body into dst strictly (unknown fields, trailing data and wrong types are
// field-level errors), then calls dst.Validate when dst implements Validator. On failure it
// writes the problem document and returns false.
func Bind(c *gin.Context, dst any) bool {
	if err := Decode(c.Request.Body, dst); err != nil {
		RespondError(c, err)
		return false
	}
	if v, ok := dst.(Validator); ok {
		if err := v.Validate(); err != nil {
			RespondError(c, err)
			return false
		}
	}
	return true
}

// Decode decodes one JSON value from r into dst, rejecting unknown fields and trailing data, and
// maps failures to apperr errors that name the field.
func Decode(r io.Reader, dst any) error {
	if r == nil {
		return apperr.E(apperr.Malformed, "the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return decodeError(err)
		}
		return apperr.E(apperr.Malformed, "the request body has data after the JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax    *json.SyntaxError
		typ       *json.UnmarshalTypeError
		tooBig    *http.MaxBytesError
		fieldName string
	)
	switch {
	case errors.As(err, &tooBig):
		return apperr.E(apperr.TooLarge, "the request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return apperr.E(apperr.Malformed, "the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.E(apperr.Malformed, "the request body is cut off: the JSON is incomplete")
	case errors.As(err, &syntax):
		return apperr.E(apperr.Malformed, "the request body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return &apperr.Error{Kind: apperr.Invalid, Message: "a field has the wrong type",
			Fields: []apperr.FieldError{{Field: field, Message: "must be " + jsonKind(typ.Type.Kind().String())}}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		fieldName = strings.Trim(name, `"`)
		return &apperr.Error{Kind: apperr.Invalid, Message: "the request has a field this endpoint does not know",
			Fields: []apperr.FieldError{{Field: fieldName, Message: "unknown field; check its spelling"}}}
	}
	return apperr.Wrap(apperr.Malformed, err, "the request body could not be read as JSON")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return fmt.Sprintf("of type %s", goKind)
}

// ReadBody reads the whole (already limited) body and puts it back for the handler.
func ReadBody(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return nil, decodeError(err)
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}
