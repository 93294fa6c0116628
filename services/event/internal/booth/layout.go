package booth

import (
	"context"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// maxOverlapErrors caps the overlaps one refusal names: a grid dropped on a full plan would
// otherwise list hundreds.
const maxOverlapErrors = 20

// planBooths returns a fair's booths from the model, or from the database while the model is
// still loading (only at start: the database reads a fair's booths by scanning).
func (rt *Routes) planBooths(ctx context.Context, fairID string) ([]Booth, error) {
	if rt.Plans.Ready() {
		booths, _, _ := rt.Plans.Plan(fairID)
		return booths, nil
	}
	return rt.Booths.Booths(ctx, fairID)
}

// checkLayout refuses, with a field error naming both booths, booths to be placed on a fair's
// plan that overlap each other or a booth already there, and those standing on one of its solid
// landmarks (naming it); field names the field of placed[i].
// The caller holds rt.layout until its write is stored, so that two edits on this replica never
// both pass the check and then overlap; edits at the same moment on two replicas can (there is no
// transaction to hold them apart), which reads tolerate as they tolerate plans stored before the
// rule.
func (rt *Routes) checkLayout(ctx context.Context, fairID string, placed []Booth, field func(i int) string) error {
	plan, err := rt.planBooths(ctx, fairID)
	if err != nil {
		return err
	}
	index := make(map[string]int, len(placed))
	for i, b := range placed {
		index[b.Code] = i
	}
	landmarks, err := rt.planLandmarks(ctx, fairID)
	if err != nil {
		return err
	}
	var v apperr.Validation
	on := OnLandmarks(placed, landmarks)
	for i, b := range placed {
		if l, ok := on[b.Code]; ok {
			v.Fail(field(i), msgBoothOnLandmark, b.Code, landmarkName(l))
		}
	}
	overlaps := Overlaps(placed, plan)
	for n, o := range overlaps {
		if n == maxOverlapErrors {
			v.Fail(field(index[o.Booth.Code]), msgMoreOverlaps, len(overlaps)-n)
			break
		}
		v.Fail(field(index[o.Booth.Code]), msgOverlap, o.Booth.Code, o.Other.Code)
	}
	return v.Err()
}
