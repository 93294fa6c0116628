package testenv

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// CheckCreateRequest holds a create operation's documented body true to its PATCH body and its
// domain: create has patch's fields with the same tags (plus required), patch marks nothing
// required (a PATCH may leave out any field), and create marks as required exactly the top-level
// fields that emptyErr (the domain's answer to a create with no fields) names.
func CheckCreateRequest(tb testing.TB, create, patch reflect.Type, emptyErr error) {
	tb.Helper()
	if create.NumField() != patch.NumField() {
		tb.Fatalf("%s has %d fields, %s %d", create, create.NumField(), patch, patch.NumField())
	}
	var required []string
	for i := range create.NumField() {
		c, p := create.Field(i), patch.Field(i)
		if got, want := strings.TrimSpace(strings.ReplaceAll(string(c.Tag), ` required:"true"`, "")), string(p.Tag); got != want {
			tb.Errorf("%s.%s tags = %s, want those of %s: %s", create, c.Name, got, patch, want)
		}
		if p.Tag.Get("required") != "" {
			tb.Errorf("%s.%s is required, but a PATCH may leave out any field", patch, p.Name)
		}
		if c.Tag.Get("required") == "true" {
			required = append(required, strings.Split(c.Tag.Get("json"), ",")[0])
		}
	}
	var e *apperr.Error
	if !errors.As(emptyErr, &e) {
		tb.Fatalf("a create with no fields = %v, want field errors", emptyErr)
	}
	var missing []string
	for _, f := range e.Fields {
		if top, _, _ := strings.Cut(f.Field, "."); !slices.Contains(missing, top) {
			missing = append(missing, top)
		}
	}
	slices.Sort(missing)
	slices.Sort(required)
	if !slices.Equal(required, missing) {
		tb.Errorf("required fields of %s = %v, want those the domain asks for: %v", create, required, missing)
	}
}

// CheckNestedRequired holds the required fields of a body nested in a request (a fair's venue, a
// product's certificate) to its domain: body marks as required exactly the fields under field
// ("venue.name") that err, the domain's answer to that body given empty, names. A nested body is
// replaced whole, by a create and a PATCH alike, so what it requires holds for both.
func CheckNestedRequired(tb testing.TB, body reflect.Type, field string, err error) {
	tb.Helper()
	var required []string
	for i := range body.NumField() {
		if f := body.Field(i); f.Tag.Get("required") == "true" {
			required = append(required, strings.Split(f.Tag.Get("json"), ",")[0])
		}
	}
	var e *apperr.Error
	if !errors.As(err, &e) {
		tb.Fatalf("an empty %s = %v, want field errors", field, err)
	}
	var missing []string
	for _, f := range e.Fields {
		if sub, ok := strings.CutPrefix(f.Field, field+"."); ok && !slices.Contains(missing, sub) {
			missing = append(missing, sub)
		}
	}
	slices.Sort(missing)
	slices.Sort(required)
	if !slices.Equal(required, missing) {
		tb.Errorf("required fields of %s (%s) = %v, want those the domain asks for: %v", body, field, required, missing)
	}
}
