package application

import (
	"maps"
	"slices"
)

// boothState is the last state of one booth of an application: the assignment it belongs to
// (UUIDv7, later assignments greater; "" for events from before assignment IDs), whether the
// booth is held, and its zone (empty in states stored before zones were kept).
type boothState struct {
	AssignmentID string `bson:"assignment_id"`
	Active       bool   `bson:"active"`
	Zone         string `bson:"zone,omitempty"`
}

// boothStates is each booth's last state by booth code, as SetBooth stores it.
type boothStates map[string]boothState

// boothSet is what the model knows of an application's booths: each booth's last state and the
// booths held, in the order they were added (as $addToSet and $pull leave the stored list).
// Its order slice is replaced, never changed, so applications may share it.
type boothSet struct {
	states boothStates
	order  []string
}

// newBoothSet is a copy of the booths as stored.
func newBoothSet(states boothStates, booths []string) *boothSet {
	return &boothSet{states: maps.Clone(states), order: slices.Clip(slices.Clone(booths))}
}

// newer reports whether state s replaces have, by the rule of Store.SetBooth: an assignment only
// replaces an older one, and a release (or an event without an assignment ID) replaces its own
// assignment or an older one.
func newer(have, s boothState) bool {
	if !s.Active || s.AssignmentID == "" {
		return have.AssignmentID <= s.AssignmentID
	}
	return have.AssignmentID < s.AssignmentID
}

// apply sets booth code to s unless the set holds a newer state of it, and reports whether it did.
func (b *boothSet) apply(code string, s boothState) bool {
	if have, ok := b.states[code]; ok && !newer(have, s) {
		return false
	}
	if b.states == nil {
		b.states = boothStates{}
	}
	b.states[code] = s
	i := slices.Index(b.order, code)
	switch {
	case s.Active && i < 0:
		b.order = append(slices.Clip(b.order), code)
	case !s.Active && i >= 0:
		b.order = slices.Delete(slices.Clone(b.order), i, i+1)
	}
	return true
}

// zones returns the zone of each of booths by code, as far as states know it (nil: none known).
func (s boothStates) zones(booths []string) map[string]string {
	var out map[string]string
	for _, code := range booths {
		if z := s[code].Zone; z != "" {
			if out == nil {
				out = make(map[string]string, len(booths))
			}
			out[code] = z
		}
	}
	return out
}

// merge returns the stored booths b with every state of known (what the model learned from
// the stream, nil: nothing) that is newer applied on top, in the order known added them: the
// stream may be ahead of the database's consumer, and the database ahead of the stream.
func (b *boothSet) merge(known *boothSet) *boothSet {
	if known == nil {
		return b
	}
	codes := slices.Clone(known.order)
	for _, code := range slices.Sorted(maps.Keys(known.states)) {
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	for _, code := range codes {
		b.apply(code, known.states[code])
	}
	return b
}
