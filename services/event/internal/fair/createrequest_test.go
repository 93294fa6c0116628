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

// A deadline given as a bare date is the whole of that day: applications closing "20/02" are
// still taken at 23:59 that day (they closed at its first moment, a day before the date shown),
// while a bare opening date is that day's start, and a full time stays as given.
func TestApplicationsCloseOnABareDateTakeTheWholeDay(t *testing.T) {
	s := func(v string) *string { return &v }
	f, err := fairRequest{ApplicationsOpen: s("2027-02-01"), ApplicationsClose: s("2027-02-20")}.fields()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.ApplicationsClose.Format(time.RFC3339Nano), "2027-02-20T23:59:59.999+07:00"; got != want {
		t.Errorf("applications close on 2027-02-20 at %s, want %s", got, want)
	}
	if got, want := f.ApplicationsOpen.Format(time.RFC3339Nano), "2027-02-01T00:00:00+07:00"; got != want {
		t.Errorf("applications open on 2027-02-01 at %s, want %s", got, want)
	}
	fr := Fair{Status: Published, ApplicationsOpen: *f.ApplicationsOpen, ApplicationsClose: *f.ApplicationsClose}
	if lastEvening := time.Date(2027, 2, 20, 23, 0, 0, 0, time.FixedZone("ICT", 7*3600)); !fr.AcceptsApplications(lastEvening) {
		t.Error("applications closing 20/02 are refused at 23:00 that day")
	}
	f, _ = fairRequest{ApplicationsClose: s("2027-02-20T12:00:00+07:00")}.fields()
	if got := f.ApplicationsClose.Format(time.RFC3339); got != "2027-02-20T12:00:00+07:00" {
		t.Errorf("applications close given at noon: %s", got)
	}
}
