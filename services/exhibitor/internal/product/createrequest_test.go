package product

import (
	"reflect"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// TestCreateRequest holds the document of POST /api/producers/{id}/products true: its body takes
// the fields of the PATCH body with the same tags, and names as required exactly the fields New
// refuses a product without.
func TestCreateRequest(t *testing.T) {
	_, err := New("p1", "producer-1", Fields{}, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	testenv.CheckCreateRequest(t, reflect.TypeFor[createRequest](), reflect.TypeFor[writeRequest](), err)
}

// TestCertificateRequiresItsFields holds the document of a product's certificate true, in a
// create and a PATCH alike: a certificate given must have the fields New refuses one without.
func TestCertificateRequiresItsFields(t *testing.T) {
	_, err := New("p1", "producer-1", Fields{}, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	testenv.CheckNestedRequired(t, reflect.TypeFor[certificateBody](), "certificate", err)
}
