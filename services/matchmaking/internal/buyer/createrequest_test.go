package buyer

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// TestCreateRequests holds the documents of POST /api/buyers and POST /api/buyers/{id}/requests
// true: each create body takes the fields of its PATCH body with the same tags, and names as
// required exactly the fields Apply refuses a new profile or request without.
func TestCreateRequests(t *testing.T) {
	var b Buyer
	var r Request
	for _, tc := range []struct {
		name          string
		create, patch reflect.Type
		applyEmpty    error
	}{
		{"buyer", reflect.TypeFor[buyerCreateRequest](), reflect.TypeFor[buyerRequest](), b.Apply(BuyerFields{}, true)},
		{"sourcing request", reflect.TypeFor[sourcingCreateRequest](), reflect.TypeFor[sourcingRequest](), r.Apply(RequestFields{}, true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.create.NumField() != tc.patch.NumField() {
				t.Fatalf("%s has %d fields, %s %d", tc.create, tc.create.NumField(), tc.patch, tc.patch.NumField())
			}
			var required []string
			for i := range tc.create.NumField() {
				c, p := tc.create.Field(i), tc.patch.Field(i)
				if got, want := withoutRequired(c.Tag), string(p.Tag); got != want {
					t.Errorf("%s.%s tags = %s, want those of %s: %s", tc.create, c.Name, got, tc.patch, want)
				}
				if p.Tag.Get("required") != "" {
					t.Errorf("%s.%s is required, but a PATCH may leave out any field", tc.patch, p.Name)
				}
				if c.Tag.Get("required") == "true" {
					required = append(required, strings.Split(c.Tag.Get("json"), ",")[0])
				}
			}
			var e *apperr.Error
			if !errors.As(tc.applyEmpty, &e) {
				t.Fatalf("Apply(no fields, required) = %v, want field errors", tc.applyEmpty)
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
				t.Errorf("required fields of %s = %v, want those Apply asks for: %v", tc.create, required, missing)
			}
		})
	}
}

// withoutRequired is a struct tag without its required key.
func withoutRequired(tag reflect.StructTag) string {
	return strings.TrimSpace(strings.ReplaceAll(string(tag), ` required:"true"`, ""))
}
