package booth

import (
	"testing"

	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
)

// TestPlansTakeOnlyNewerStates: events arrive late and twice; a booth's assignment is decided by
// assignment ID, an application by revision, the layout by floor-plan revision.
func TestPlansTakeOnlyNewerStates(t *testing.T) {
	p := NewPlans()
	older := Assignment{ID: "0001", FairID: "f1", Code: "A01", ApplicationID: "a1", Active: true}
	newer := Assignment{ID: "0002", FairID: "f1", Code: "A01", ApplicationID: "a2", Active: true}
	released := older
	released.Active = false

	p.PutAssignment(older)
	p.PutAssignment(released)
	p.PutAssignment(older) // the assignment's event again, after its release
	if _, held, _ := p.Plan("f1"); len(held) != 0 {
		t.Errorf("after a late copy of a released assignment, held = %+v, want none", held)
	}
	p.PutAssignment(newer)
	p.PutAssignment(released) // a late release of the older assignment
	if _, held, _ := p.Plan("f1"); len(held) != 1 || held[0].ID != newer.ID {
		t.Errorf("after a late release of an older assignment, held = %+v, want %s", held, newer.ID)
	}

	p.PutApplication(applicants.Application{ID: "a1", FairID: "f1", ProducerName: "HTX mới", Revision: 3})
	p.PutApplication(applicants.Application{ID: "a1", FairID: "f1", ProducerName: "HTX cũ", Revision: 2})
	if _, _, apps := p.Plan("f1"); len(apps) != 1 || apps[0].ProducerName != "HTX mới" {
		t.Errorf("applications = %+v, want revision 3 kept", apps)
	}

	p.SetBooths("f1", []Booth{{FairID: "f1", Code: "B02", Zone: "B"}, {FairID: "f1", Code: "A01", Zone: "A"}}, 2)
	p.SetBooths("f1", []Booth{{FairID: "f1", Code: "A01", Zone: "A"}}, 1)
	if booths, _, _ := p.Plan("f1"); len(booths) != 2 || booths[0].Code != "A01" {
		t.Errorf("booths = %+v, want revision 2's two booths, by zone", booths)
	}
	if p.Older("f1", 2) || !p.Older("f1", 3) {
		t.Errorf("Older(f1, 2), Older(f1, 3) = %v, %v; want false, true", p.Older("f1", 2), p.Older("f1", 3))
	}
}
