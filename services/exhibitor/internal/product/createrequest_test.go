package product

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// TestCreateRequest holds the document of POST /api/producers/{id}/products true: its body takes
// the fields of the PATCH body with the same tags, and names as required exactly the fields New
// refuses a product without.
func TestCreateRequest(t *testing.T) {
	create, patch := reflect.TypeFor[createRequest](), reflect.TypeFor[writeRequest]()
	if create.NumField() != patch.NumField() {
		t.Fatalf("createRequest has %d fields, writeRequest %d", create.NumField(), patch.NumField())
	}
	var required []string
	for i := range create.NumField() {
		c, p := create.Field(i), patch.Field(i)
		if got, want := withoutRequired(c.Tag), string(p.Tag); got != want {
			t.Errorf("createRequest.%s tags = %s, want those of writeRequest: %s", c.Name, got, want)
		}
		if p.Tag.Get("required") != "" {
			t.Errorf("writeRequest.%s is required, but a PATCH may leave out any field", p.Name)
		}
		if c.Tag.Get("required") == "true" {
			required = append(required, strings.Split(c.Tag.Get("json"), ",")[0])
		}
	}
	_, err := New("p1", "producer-1", Fields{}, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("New(no fields) = %v, want field errors", err)
	}
	var missing []string
	for _, f := range e.Fields {
		if top, _, _ := strings.Cut(f.Field, "."); !slices.Contains(missing, top) {
			missing = append(missing, top)
		}
	}
	slices.Sort(missing)
	slices.Sort(required)
	if diff := cmp.Diff(missing, required); diff != "" {
		t.Errorf("required fields of createRequest differ from those New asks for (-New +tagged):\n%s", diff)
	}
}

// withoutRequired is a struct tag without its required key.
func withoutRequired(tag reflect.StructTag) string {
	return strings.TrimSpace(strings.ReplaceAll(string(tag), ` required:"true"`, ""))
}
