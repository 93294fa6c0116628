package booth

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// An edit or removal of a booth holds the booth's slot among the assignments while it is written:
// a document of its own under the slot's unique index, as an active assignment holds it. So no
// assignment is made while the edit is written, whichever replica makes it, and an edit of a
// booth assigned meanwhile fails on the index rather than after its write. An assignment that
// read the booth before the edit and is written after it sees the change when it reads the booth
// again (Unchanged). A hold left by a process stopped mid-edit lapses after editHoldTTL.
// The edit's own write runs on a context of its own, within editWriteTimeout, so that a client
// that goes away neither cuts it short (the database may still apply it after the hold is gone)
// nor lets it outlast the hold. editing_until is set by the editing replica's clock and read by
// others': replicas' clocks must agree well within the minute.
const (
	editHoldTTL      = time.Minute
	editWriteTimeout = 20 * time.Second
)

// beingEdited is the answer while booth code is held by an edit: assigning it, or editing it
// again, waits until the edit is written (409 booth_being_edited, naming the booth).
func beingEdited(code string) error { return apperr.New(apperr.Conflict, msgBeingEdited, code) }

// IsBeingEdited reports whether err says a booth is held by an edit.
func IsBeingEdited(err error) bool {
	var e *apperr.Error
	return errors.As(err, &e) && e.Code() == msgBeingEdited.Code
}

// HoldForEdit takes booth code of fairID for an edit, and returns the function that lets it go
// once the edit is written (on a context of its own). It returns Conflict msgBoothHeld when an
// assignment holds the booth, and beingEdited when another edit does.
func (s *Store) HoldForEdit(ctx context.Context, fairID, code string) (func(), error) {
	id := "edit/" + uuid.Must(uuid.NewV7()).String()
	hold := bson.M{"_id": id, "slot": key(fairID, code), "fair_id": fairID, "code": code,
		"active": false, "editing_until": time.Now().UTC().Add(editHoldTTL)}
	if err := s.takeSlot(ctx, hold, fairID, code, "booth"); err != nil {
		return nil, err
	}
	// A hold that cannot be let go lapses by itself; until then the booth waits.
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), editWriteTimeout)
		defer cancel()
		_, _ = s.assignments.DeleteOne(ctx, bson.M{"_id": id})
	}, nil
}

// takeSlot inserts doc (an assignment, or an edit's hold) into booth code's slot of fairID. A
// hold on the slot that lapsed is cleared and the insert tried again; a slot that stays taken is
// answered as holder says, and any other failure is the database's, named by noun.
func (s *Store) takeSlot(ctx context.Context, doc bson.M, fairID, code, noun string) error {
	for range 2 {
		_, err := s.assignments.InsertOne(ctx, doc)
		if err == nil {
			return nil
		}
		if !storage.IsDuplicate(err) {
			return storage.MapError(err, noun)
		}
		if lapsed, err := s.clearLapsedHold(ctx, fairID, code, time.Now().UTC()); err != nil || !lapsed {
			return s.holder(ctx, fairID, code, err)
		}
	}
	return beingEdited(code)
}

// clearLapsedHold removes an edit's hold on booth code of fairID whose time ran out before now,
// and reports whether it did (the slot may then be taken).
func (s *Store) clearLapsedHold(ctx context.Context, fairID, code string, now time.Time) (bool, error) {
	res, err := s.assignments.DeleteOne(ctx, bson.M{"slot": key(fairID, code), "editing_until": bson.M{"$lt": now}})
	if err != nil {
		return false, storage.MapError(err, "booth")
	}
	return res.DeletedCount > 0, nil
}

// holder says who holds booth code of fairID when taking it failed: an active assignment
// (msgBoothHeld) or an edit (beingEdited); err, when not nil, is returned as it is.
func (s *Store) holder(ctx context.Context, fairID, code string, err error) error {
	if err != nil {
		return err
	}
	var d struct {
		Active bool `bson:"active"`
	}
	err = s.assignments.FindOne(ctx, bson.M{"slot": key(fairID, code)}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return beingEdited(code) // gone meanwhile: what held it just ended; try again
	case err != nil:
		return storage.MapError(err, "booth")
	case d.Active:
		return apperr.New(apperr.Conflict, msgBoothHeld, code)
	}
	return beingEdited(code)
}

// ClearLapsedHolds removes the holds whose time ran out (their edit's process stopped, or could
// not let them go), and returns how many: a lapsed hold is cleared by the next assignment or edit
// of its booth anyway, and this keeps the rest from staying.
func (s *Store) ClearLapsedHolds(ctx context.Context) (int, error) {
	res, err := s.assignments.DeleteMany(ctx, bson.M{"editing_until": bson.M{"$lt": time.Now().UTC()}})
	if err != nil {
		return 0, storage.MapError(err, "booth holds")
	}
	return int(res.DeletedCount), nil
}
