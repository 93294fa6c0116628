// Package apperr defines the error values every ocopfair service returns from its domain and
// storage layers. An error carries a Kind, which the HTTP edge maps to a status code from one
// table, a message that is safe to show to users, and optional field-level validation messages.
// Messages are defined once with M (a stable code, Vietnamese and English) and said in the
// caller's language only at the edge.
package apperr

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Kind classifies an error for the edge; it never carries internals.
type Kind string

// The kinds an ocopfair error can have.
const (
	Malformed       Kind = "malformed"
	Invalid         Kind = "invalid"
	Unauthorized    Kind = "unauthorized"
	Forbidden       Kind = "forbidden"
	NotFound        Kind = "not_found"
	Conflict        Kind = "conflict"
	TooLarge        Kind = "too_large"
	TooSlow         Kind = "too_slow"
	TooManyRequests Kind = "too_many_requests"
	Unavailable     Kind = "unavailable"
	BadGateway      Kind = "bad_gateway"
	Internal        Kind = "internal"
)

// FieldError says what is wrong with one input field, in words a user can act on. Code is the
// message's stable code; Message is its English text until the edge says Text in the caller's
// language (Localize).
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code,omitempty"`
	Text    Text   `json:"-"`
}

// Field returns the field error m (with args) on field.
func Field(field string, m Msg, args ...any) FieldError {
	t := m.With(args...)
	return FieldError{Field: field, Message: t.In(English), Code: m.Code, Text: t}
}

// Localize returns f said in lang, with a code: the message's, or "invalid" for a field error
// made from a bare string.
func (f FieldError) Localize(lang Lang) FieldError {
	out := FieldError{Field: f.Field, Message: f.Message, Code: f.Code}
	if !f.Text.IsZero() {
		out.Code, out.Message = f.Text.Msg.Code, f.Text.In(lang)
	}
	if out.Code == "" {
		out.Code = string(Invalid)
	}
	return out
}

// Error is an ocopfair error with a kind, a user-facing message and optional field errors.
// Text is the message to say in the caller's language; Message is its English text (for logs
// and for errors made by the deprecated string constructors, which have no Text).
type Error struct {
	Kind    Kind
	Message string
	Text    Text
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Kind))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Code is the error's stable machine code: its message's code, or its kind when it has none.
func (e *Error) Code() string {
	if !e.Text.IsZero() {
		return e.Text.Msg.Code
	}
	return string(e.Kind)
}

// Detail is the error's message said in lang.
func (e *Error) Detail(lang Lang) string {
	if e.Text.IsZero() {
		return e.Message
	}
	return e.Text.In(lang)
}

// New returns an error of the given kind with the message m and its arguments.
func New(kind Kind, m Msg, args ...any) *Error {
	t := m.With(args...)
	return &Error{Kind: kind, Message: t.In(English), Text: t}
}

// WrapMsg returns an error of the given kind that wraps err, with the message m; m is shown to
// users, err is not.
func WrapMsg(kind Kind, err error, m Msg, args ...any) *Error {
	e := New(kind, m, args...)
	e.Err = err
	return e
}

// InvalidField returns an Invalid error with the one field error m on field.
func InvalidField(field string, m Msg, args ...any) *Error {
	e := New(Invalid, msgInvalidFields)
	e.Fields = []FieldError{Field(field, m, args...)}
	return e
}

// E returns an error of the given kind with a formatted message in one language.
//
// Deprecated: use New with a message defined by M, which users get in their language.
func E(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind that wraps err; the message is user-facing, err is not.
//
// Deprecated: use WrapMsg with a message defined by M, which users get in their language.
func Wrap(kind Kind, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err has the given kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// Validation collects field errors; its Err is nil when nothing failed. It keeps the first
// MaxFieldErrors: a body of fifty thousand bad keys is answered with as many, not a list ten
// times its size.
type Validation struct {
	fields []FieldError
	failed bool
}

// MaxFieldErrors is the most field errors an answer lists.
const MaxFieldErrors = 50

// keep records fe while fewer than MaxFieldErrors are kept.
func (v *Validation) keep(fe FieldError) {
	v.failed = true
	if len(v.fields) < MaxFieldErrors {
		v.fields = append(v.fields, fe)
	}
}

// Fail records the failure m (with args) of field.
func (v *Validation) Fail(field string, m Msg, args ...any) {
	if len(v.fields) >= MaxFieldErrors {
		return // not even formatted
	}
	v.keep(Field(field, m, args...))
}

// Expect records the failure m (with args) of field when ok is false, and returns ok.
func (v *Validation) Expect(ok bool, field string, m Msg, args ...any) bool {
	if !ok {
		v.Fail(field, m, args...)
	}
	return ok
}

// Text returns s cleaned as every text users write is (vntext.Clean), recording TooLong for field
// when it then has more than max characters (see Short).
func (v *Validation) Text(field, s string, max int) string {
	s = vntext.Clean(s)
	v.Short(field, s, max)
	return s
}

// Short records TooLong for field when s has more than max characters, and reports whether it
// has at most max. A text over its limit is refused, never cut: cutting would drop the end of
// what was written without a word.
func (v *Validation) Short(field, s string, max int) bool {
	return v.Expect(utf8.RuneCountInString(s) <= max, field, TooLong, max)
}

// Add records a failure of field.
//
// Deprecated: use Fail with a message defined by M, which users get in their language.
func (v *Validation) Add(field, message string) {
	v.keep(FieldError{Field: field, Message: message})
}

// Check records a failure of field when ok is false, and returns ok.
//
// Deprecated: use Expect with a message defined by M, which users get in their language.
func (v *Validation) Check(ok bool, field, message string) bool {
	if !ok {
		v.keep(FieldError{Field: field, Message: message})
	}
	return ok
}

// Merge adds the field errors of err (prefixing each field with prefix) or, for another error,
// one error for prefix itself, keeping their messages and codes.
func (v *Validation) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	var e *Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		for _, f := range e.Fields {
			if prefix != "" {
				f.Field = prefix + "." + f.Field
			}
			v.keep(f)
		}
		return
	}
	if errors.As(err, &e) {
		code := ""
		if !e.Text.IsZero() {
			code = e.Text.Msg.Code
		}
		v.keep(FieldError{Field: prefix, Message: e.Message, Code: code, Text: e.Text})
		return
	}
	v.keep(FieldError{Field: prefix, Message: err.Error()})
}

// Failed reports whether any field failed.
func (v *Validation) Failed() bool { return v.failed }

// Err returns an Invalid error listing every failed field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	e := New(Invalid, msgInvalidFields)
	e.Fields = append([]FieldError(nil), v.fields...)
	return e
}
