package producer

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// TestCreateRequest holds the document of POST /api/producers true: its body takes the fields
// of the PATCH body with the same tags but doc and required; the tax code, which both a new
// profile and a claim need, is required; every other field New refuses a profile without says so
// in its description, since a claim may leave it out.
func TestCreateRequest(t *testing.T) {
	create, patch := reflect.TypeFor[createProfile](), reflect.TypeFor[writeRequest]()
	if create.NumField() != patch.NumField() {
		t.Fatalf("createProfile has %d fields, writeRequest %d", create.NumField(), patch.NumField())
	}
	_, err := New("p1", "account-1", Fields{}, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("New(no fields) = %v, want field errors", err)
	}
	var newNeeds []string
	for _, f := range e.Fields {
		newNeeds = append(newNeeds, f.Field)
	}
	for i := range create.NumField() {
		c, p := create.Field(i), patch.Field(i)
		if got, want := otherTags(c.Tag), otherTags(p.Tag); got != want {
			t.Errorf("createProfile.%s tags = %s, want those of writeRequest: %s", c.Name, got, want)
		}
		if p.Tag.Get("required") != "" {
			t.Errorf("writeRequest.%s is required, but a PATCH may leave out any field", p.Name)
		}
		name := strings.Split(c.Tag.Get("json"), ",")[0]
		switch {
		case name == "tax_code":
			if c.Tag.Get("required") != "true" {
				t.Errorf("createProfile.%s is not required, but every create needs it", c.Name)
			}
		case c.Tag.Get("required") != "":
			t.Errorf("createProfile.%s is required, but a claim may leave it out", c.Name)
		case slices.Contains(newNeeds, name) && !strings.Contains(c.Tag.Get("doc"), "required for a new profile"):
			t.Errorf("createProfile.%s doc = %q, want it to say a new profile requires it", c.Name, c.Tag.Get("doc"))
		}
	}
	if !slices.Contains(newNeeds, "tax_code") {
		t.Errorf("New(no fields) field errors = %v, want tax_code among them", newNeeds)
	}
}

// otherTags is a struct tag without its doc and required keys.
func otherTags(tag reflect.StructTag) string {
	var kept []string
	for _, key := range []string{"json", "enum", "format", "example"} {
		if v, ok := tag.Lookup(key); ok {
			kept = append(kept, key+":"+v)
		}
	}
	return strings.Join(kept, " ")
}
