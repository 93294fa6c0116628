// Package apperr defines the error values every ocopfair service returns from its domain and
// storage layers. An error carries a Kind, which the HTTP edge maps to a status code from one
// table, a message that is safe to show to users, and optional field-level validation messages.
package apperr

import (
	"errors"
	"fmt"
	"strings"
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
	TooManyRequests Kind = "too_many_requests"
	Unavailable     Kind = "unavailable"
	Internal        Kind = "internal"
)

// FieldError says what is wrong with one input field, in words a user can act on.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an ocopfair error with a kind, a user-facing message and optional field errors.
type Error struct {
	Kind    Kind
	Message string
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

// E returns an error of the given kind with a formatted message.
func E(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind that wraps err; the message is user-facing, err is not.
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

// Validation collects field errors; its Err is nil when nothing failed.
type Validation struct {
	fields []FieldError
}

// Add records a failure of field.
func (v *Validation) Add(field, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Message: message})
}

// Check records a failure of field when ok is false, and returns ok.
func (v *Validation) Check(ok bool, field, message string) bool {
	if !ok {
		v.Add(field, message)
	}
	return ok
}

// Merge adds the field errors of err (prefixing each field with prefix) or, for another error,
// one error for prefix itself.
func (v *Validation) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	var e *Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		for _, f := range e.Fields {
			name := f.Field
			if prefix != "" {
				name = prefix + "." + f.Field
			}
			v.Add(name, f.Message)
		}
		return
	}
	if errors.As(err, &e) {
		v.Add(prefix, e.Message)
		return
	}
	v.Add(prefix, err.Error())
}

// Failed reports whether any field failed.
func (v *Validation) Failed() bool { return len(v.fields) > 0 }

// Err returns an Invalid error listing every failed field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Message: "some fields are invalid", Fields: append([]FieldError(nil), v.fields...)}
}
