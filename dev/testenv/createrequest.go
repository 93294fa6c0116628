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
