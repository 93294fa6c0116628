package application

import (
	"slices"
	"testing"
)

// Stored booths merged with what the model learnt from the stream keep, booth by booth, the
// newer state by the rule of Store.SetBooth, in the order the booths were added.
func TestBoothSetMerge(t *testing.T) {
	held := func(id string) boothState { return boothState{AssignmentID: id, Active: true} }
	released := func(id string) boothState { return boothState{AssignmentID: id} }
	tests := []struct {
		name   string
		stored *boothSet
		known  *boothSet
		want   []string
	}{
		{"nothing learnt", newBoothSet(boothStates{"B07": held("x")}, []string{"B07"}), nil, []string{"B07"}},
		{"a release the database has not stored yet", newBoothSet(boothStates{"B07": held("x")}, []string{"B07"}),
			newBoothSet(boothStates{"B07": released("x")}, nil), []string{}},
		{"an older assignment learnt late", newBoothSet(boothStates{"B07": released("y")}, nil),
			newBoothSet(boothStates{"B07": held("x")}, []string{"B07"}), []string{}},
		{"a booth the database has not stored yet goes last", newBoothSet(boothStates{"B08": held("x"), "B07": held("x")}, []string{"B08", "B07"}),
			newBoothSet(boothStates{"C01": held("y"), "B07": held("x")}, []string{"B07", "C01"}), []string{"B08", "B07", "C01"}},
		{"a newer assignment of a released booth", newBoothSet(boothStates{"B07": released("x")}, nil),
			newBoothSet(boothStates{"B07": held("y")}, []string{"B07"}), []string{"B07"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.stored.merge(tt.known).order; !slices.Equal(got, tt.want) {
				t.Errorf("merge = %v, want %v", got, tt.want)
			}
		})
	}
}

// A booth event for an application the model does not hold yet is kept, and shows once the
// application arrives from the database; a late release of that assignment removes it.
func TestModelKeepsBoothsOfApplicationsNotYetKnown(t *testing.T) {
	m := NewModel(nil)
	m.setBooth("a1", "B07", boothState{AssignmentID: "x", Active: true})
	m.putStored(document{ID: "a1", FairID: "f1", ProducerID: "p1", Status: string(Approved), Revision: 2, Booths: []string{}})
	if got, _ := m.Get("a1"); !slices.Equal(got.Booths, []string{"B07"}) {
		t.Errorf("booths after the application arrived = %v, want [B07]", got.Booths)
	}
	m.Put(Application{ID: "a1", FairID: "f1", ProducerID: "p1", Status: Withdrawn, Revision: 3})
	if got, _ := m.Get("a1"); got.Status != Withdrawn || !slices.Equal(got.Booths, []string{"B07"}) {
		t.Errorf("after this replica's write: %s %v, want withdrawn [B07] (booths are not part of the write)", got.Status, got.Booths)
	}
	m.setBooth("a1", "B07", boothState{AssignmentID: "x"})
	if got, _ := m.Get("a1"); len(got.Booths) != 0 {
		t.Errorf("booths after the release = %v, want none", got.Booths)
	}
	if list := m.List("f1", "p1", []string{"withdrawn"}, "", 10); len(list) != 1 || len(list[0].Booths) != 0 {
		t.Errorf("the fair's list = %+v, want the application without booths", list)
	}
}

// A claimed profile moves to its new account; a late event of the profile under its old account
// does not move it back.
func TestModelFollowsClaimedProducers(t *testing.T) {
	m := NewModel(nil)
	m.PutApplicant(Applicant{ProducerID: "p1", AccountID: "imported:1", Revision: 1})
	m.PutApplicant(Applicant{ProducerID: "p1", AccountID: "acc-1", Revision: 2})
	m.PutApplicant(Applicant{ProducerID: "p1", AccountID: "imported:1", Revision: 1}) // late, twice
	if id, ok := m.ProducerOf("acc-1"); !ok || id != "p1" {
		t.Errorf("ProducerOf(acc-1) = %q %v, want p1", id, ok)
	}
	if id, ok := m.ProducerOf("imported:1"); ok {
		t.Errorf("ProducerOf(imported:1) = %q, want none after the claim", id)
	}
}
