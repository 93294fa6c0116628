package buyer

import (
	"reflect"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
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
		t.Run(tc.name, func(t *testing.T) { testenv.CheckCreateRequest(t, tc.create, tc.patch, tc.applyEmpty) })
	}
}
