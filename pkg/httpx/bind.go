package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Validator is implemented by request structs that check their own fields.
type Validator interface {
	Validate() error
}

// The messages of reading a request body.
var (
	msgBodyMissing = apperr.M("body_missing",
		"Yêu cầu chưa có nội dung; hãy gửi một đối tượng JSON.",
		"The request has no body; send a JSON object.")
	msgBodyTrailing = apperr.M("body_trailing_data",
		"Sau đối tượng JSON vẫn còn dữ liệu thừa.",
		"The request body has data after the JSON object.")
	msgBodyTooLarge = apperr.M("body_too_large",
		"Nội dung yêu cầu vượt quá %d byte.",
		"The request body is larger than %d bytes.")
	msgBodyCut = apperr.M("body_truncated",
		"Nội dung JSON bị cắt ngang, chưa đầy đủ.",
		"The request body is cut off: the JSON is incomplete.")
	msgBodyNotUTF8 = apperr.M("body_not_utf8",
		"Nội dung yêu cầu có ký tự không phải UTF-8 (lỗi ở byte thứ %d); hãy gửi văn bản tiếng Việt dưới dạng UTF-8.",
		"The request body has bytes that are not UTF-8 (at byte %d); send text as UTF-8.")
	msgBodySyntax = apperr.M("body_not_json",
		"Nội dung yêu cầu không phải JSON hợp lệ (lỗi ở byte thứ %d).",
		"The request body is not valid JSON (at byte %d).")
	msgBodyUnreadable = apperr.M("body_unreadable",
		"Không đọc được nội dung yêu cầu dưới dạng JSON.",
		"The request body could not be read as JSON.")
	msgWrongType = apperr.M("wrong_type",
		"Một trường có kiểu dữ liệu không đúng.",
		"A field has the wrong type.")
	msgFieldType = apperr.M("field_type", "phải là %s", "must be %s")
	msgUnknown   = apperr.M("unknown_field",
		"Yêu cầu có một trường mà API này không nhận.",
		"The request has a field this endpoint does not know.")
	msgRepeated = apperr.M("repeated_field",
		"Yêu cầu có một trường được gửi hai lần.",
		"The request has a field given twice.")
	msgFieldUnknown = apperr.M("field_unknown",
		"trường này không có trong API; hãy kiểm tra lại tên trường",
		"unknown field; check its spelling")
)

// The JSON types a field can want, said in each language.
var jsonKinds = map[string]apperr.Msg{
	"string": apperr.M("json.string", "một chuỗi ký tự", "a string"),
	"int":    apperr.M("json.integer", "một số nguyên", "a whole number"),
	"float":  apperr.M("json.number", "một số", "a number"),
	"bool":   apperr.M("json.bool", "true hoặc false", "true or false"),
	"list":   apperr.M("json.list", "một danh sách", "a list"),
	"object": apperr.M("json.object", "một đối tượng", "an object"),
	"other":  apperr.M("json.other", "kiểu %s", "of type %s"),
}

// Bind decodes the JSON body into dst strictly (unknown fields, trailing data and wrong types are
// field-level errors), then calls dst.Validate when dst implements Validator. On failure it
// writes the problem document and returns false.
//
// The rule for a missing body is the same on every route: a route that takes a body answers a
// request without one (no bytes, only white space, or JSON null) with 400 body_missing. A route
// whose body is optional uses BindOptional instead.
func Bind(c *gin.Context, dst any) bool {
	return bind(c, dst, false)
}

// BindOptional is Bind for a route whose body may be left out (a reason that is optional): a
// missing body counts as {}, so dst keeps its zero value and is validated as such.
func BindOptional(c *gin.Context, dst any) bool {
	return bind(c, dst, true)
}

func bind(c *gin.Context, dst any, optional bool) bool {
	err := Decode(c.Request.Body, dst)
	if optional && apperr.Is(err, apperr.Malformed) && errors.Is(err, errNoBody) {
		err = nil
	}
	if err != nil {
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

// errNoBody is the cause of a body_missing error, by which BindOptional knows it.
var errNoBody = errors.New("no request body")

// Decode decodes one JSON value from r into dst, rejecting unknown fields and trailing data, and
// maps failures to apperr errors that name the field. A missing body (nil, empty, white space or
// null) is a Malformed body_missing error.
func Decode(r io.Reader, dst any) error {
	if r == nil {
		return apperr.WrapMsg(apperr.Malformed, errNoBody, msgBodyMissing)
	}
	// The value is read whole first, to tell null (no body) from an object before decoding.
	dec := json.NewDecoder(r)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return decodeError(err)
	}
	if string(raw) == "null" {
		return apperr.WrapMsg(apperr.Malformed, errNoBody, msgBodyMissing)
	}
	// The decoder would store each invalid byte as U+FFFD: a name sent in another encoding
	// (Windows-1258, VNI) is refused with where it goes wrong, never kept garbled.
	if !utf8.Valid(raw) {
		at := 0
		for at < len(raw) {
			r, size := utf8.DecodeRune(raw[at:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			at += size
		}
		return apperr.New(apperr.Malformed, msgBodyNotUTF8, at+1)
	}
	// Keys first: an unknown key is named by its whole path (fees.bogus), which the decoder's own
	// refusal does not give.
	if fe := exactKeys(raw, reflect.TypeOf(dst)); fe != nil {
		e := apperr.New(apperr.Invalid, msgUnknown)
		if fe.Code == msgFieldTwice.Code {
			e = apperr.New(apperr.Invalid, msgRepeated)
		}
		e.Fields = []apperr.FieldError{*fe}
		return e
	}
	inner := json.NewDecoder(bytes.NewReader(raw))
	inner.DisallowUnknownFields()
	if err := inner.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return decodeError(err)
		}
		return apperr.New(apperr.Malformed, msgBodyTrailing)
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	if e := BodyError(err); e != nil {
		return e
	}
	switch {
	case errors.Is(err, io.EOF):
		return apperr.WrapMsg(apperr.Malformed, errNoBody, msgBodyMissing)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.Malformed, msgBodyCut)
	case errors.As(err, &syntax):
		return apperr.New(apperr.Malformed, msgBodySyntax, syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		e := apperr.New(apperr.Invalid, msgWrongType)
		e.Fields = []apperr.FieldError{apperr.Field(field, msgFieldType, jsonKind(typ.Type.Kind().String()))}
		return e
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		e := apperr.New(apperr.Invalid, msgUnknown)
		e.Fields = []apperr.FieldError{apperr.Field(strings.Trim(name, `"`), msgFieldUnknown)}
		return e
	}
	return apperr.WrapMsg(apperr.Malformed, err, msgBodyUnreadable)
}

// jsonKind names the JSON type a Go kind is decoded from.
func jsonKind(goKind string) apperr.Localized {
	switch goKind {
	case "string":
		return jsonKinds["string"]
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return jsonKinds["int"]
	case "float32", "float64":
		return jsonKinds["float"]
	case "bool":
		return jsonKinds["bool"]
	case "slice", "array":
		return jsonKinds["list"]
	case "map", "struct":
		return jsonKinds["object"]
	}
	return jsonKinds["other"].With(goKind)
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
