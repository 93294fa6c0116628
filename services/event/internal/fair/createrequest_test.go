package fair

import (
	"reflect"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// TestFairCreateRequest holds the document of POST /api/fairs true: its body takes the fields
// of the PATCH body with the same tags, and names as required exactly the fields New refuses a
// fair without.
func TestFairCreateRequest(t *testing.T) {
	_, err := New("f1", "org-1", Fields{}, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	testenv.CheckCreateRequest(t, reflect.TypeFor[fairCreateRequest](), reflect.TypeFor[fairRequest](), err)
}

// TestVenueRequiresItsName holds the document of a fair's venue true, in a create and a PATCH
// alike: a venue given must have the fields New refuses a venue without.
func TestVenueRequiresItsName(t *testing.T) {
	_, err := New("f1", "org-1", Fields{Venue: &Venue{}}, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	testenv.CheckNestedRequired(t, reflect.TypeFor[venueBody](), "venue", err)
}
