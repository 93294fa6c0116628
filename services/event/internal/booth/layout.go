package booth

import (
	"context"
	"strings"

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
	return rt.checkLayoutOn(ctx, fairID, plan, placed, field)
}

// MaxBoothsPerFair is the most booths a fair's plan holds: a national fair has a few hundred; a
// plan of tens of thousands would slow every fair's booth reads on the embedded database.
const MaxBoothsPerFair = 3000

// checkAdd refuses booths to be added to a fair's plan whose codes are on it already (an add never
// replaces a booth: an edit does), or beyond MaxBoothsPerFair in all, and then checks the layout as
// checkLayout does. The plan is the database's, not this replica's model, which another replica's
// add may not have reached yet. The caller holds rt.layout, as for checkLayout.
//
// It returns the booths of placed still to be added: a booth on the plan that request requestID
// added is its first run's (a re-run of a request that stored its booths and then failed), and is
// left out rather than refused.
func (rt *Routes) checkAdd(ctx context.Context, fairID string, placed []Booth, field func(i int) string, requestID string) ([]Booth, error) {
	plan, mine, err := rt.Booths.boothsAddedBy(ctx, fairID, requestID)
	if err != nil {
		return nil, err
	}
	onPlan := make(map[string]bool, len(plan))
	for _, b := range plan {
		onPlan[b.Code] = true
	}
	var taken []string
	rest := make([]Booth, 0, len(placed))
	for _, b := range placed {
		switch {
		case !onPlan[b.Code]:
			rest = append(rest, b)
		case mine[b.Code]: // this request's first run stored it: on the plan as asked
		case len(taken) < 10:
			taken = append(taken, b.Code)
		}
	}
	if len(taken) > 0 {
		return nil, apperr.New(apperr.Conflict, msgCodeTaken, strings.Join(taken, ", "))
	}
	if len(plan)+len(rest) > MaxBoothsPerFair {
		return nil, apperr.New(apperr.Invalid, msgTooManyBooths, MaxBoothsPerFair, len(plan))
	}
	// The booths of the first run are left out of the plan by their codes (Overlaps).
	return rest, rt.checkLayoutOn(ctx, fairID, plan, placed, field)
}

// checkLayoutOn is checkLayout on the fair's plan as read.
func (rt *Routes) checkLayoutOn(ctx context.Context, fairID string, plan, placed []Booth, field func(i int) string) error {
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
