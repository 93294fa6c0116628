package meeting

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// A run reads the accepted meetings once and solves for seconds; meanwhile a meeting may be
// attended (both badges scanned at its table up to 15 minutes before its slot), held, cancelled
// or otherwise written, none of which takes the scheduling lease. As an organiser's move does,
// the run marks every meeting it moves at the revision it read before it saves the schedule: a
// write since makes the mark fail for that meeting, and one that comes while the schedule is
// written waits for it (Service.afterMove).

// markRunMoves marks the accepted meetings whose place t changes as being moved, and returns
// their scheduled events (at the marked revisions) and the IDs to unmark once t is saved or not.
// A meeting that changed since the run read it is read again: no longer accepted (cancelled
// meanwhile), it is not announced; settled meanwhile (attended or held where it was), it keeps
// its place if t left that free, and the run is refused otherwise (msgRunRaced: run it again);
// changed in another way, it is marked at its new revision.
func (s *Service) markRunMoves(ctx context.Context, f index.Fair, accepted []Meeting, t *Timetable) ([]outbox.Event, []string, time.Time, error) {
	var moving []Meeting
	for _, m := range accepted {
		if t.place(m).Place() != m.Place() {
			moving = append(moving, m)
		}
	}
	until := s.now().Add(moveMark).Truncate(time.Millisecond) // as the database keeps it
	marked, err := s.Store.MarkMoves(ctx, moving, until)
	if err != nil {
		return nil, nil, until, err
	}
	ids := slices.Collect(maps.Keys(marked)) // every mark, ended whatever comes next
	var evs []outbox.Event
	for _, m := range moving {
		rev, ok := marked[m.ID]
		if !ok {
			if m, err = s.Store.Get(ctx, m.ID); err != nil {
				return nil, ids, until, err
			}
			switch {
			case m.Status != Accepted:
				continue
			case settled(f, m, s.now()):
				if !freeIn(*t, accepted, m) {
					return nil, ids, until, apperr.New(apperr.Conflict, msgRunRaced)
				}
				t.Placements[m.ID] = m.Place()
				continue
			}
			if again, err := s.Store.MarkMoves(ctx, []Meeting{m}, until); err != nil || again[m.ID] == 0 {
				return nil, ids, until, cmp.Or(err, error(apperr.New(apperr.Conflict, msgRunRaced)))
			}
			rev = m.Revision + 1
			ids = append(ids, m.ID)
		}
		next := t.place(m)
		next.Revision, next.UpdatedAt = rev, t.CreatedAt
		evs = append(evs, change(next, events.MeetingScheduled))
	}
	return evs, ids, until, nil
}

// freeIn reports whether meeting m's own place is free in t: no other of the accepted meetings
// there at its table, nor with either of its participants in its slot.
func freeIn(t Timetable, accepted []Meeting, m Meeting) bool {
	at := m.Place()
	for _, o := range accepted {
		p := t.place(o).Place()
		if o.ID == m.ID || p.Day != at.Day || p.Slot != at.Slot {
			continue
		}
		if p.Table == at.Table || o.BuyerID == m.BuyerID || o.ProducerID == m.ProducerID {
			return false
		}
	}
	return true
}

// MarkMoves marks the meetings ms (as read) as being moved until until, each only if still at
// the revision read, as its next revision (see MarkMoving), in one write. It returns the new
// revision of each meeting marked, by ID: one changed since is not marked.
func (s *Store) MarkMoves(ctx context.Context, ms []Meeting, until time.Time) (map[string]int64, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	either := make(bson.A, 0, len(ms))
	ids := make([]string, 0, len(ms))
	read := make(map[string]int64, len(ms))
	for _, m := range ms {
		either = append(either, bson.M{"_id": m.ID, "revision": m.Revision})
		ids = append(ids, m.ID)
		read[m.ID] = m.Revision
	}
	if _, err := s.c.UpdateMany(ctx, bson.M{"$or": either}, bson.M{"$set": bson.M{"moving_until": until}, "$inc": bson.M{"revision": int64(1)}}); err != nil {
		return nil, storage.MapError(err, "meetings")
	}
	now, err := s.findRaw(ctx, bson.M{"_id": bson.M{"$in": ids}}, options.Find())
	if err != nil {
		return nil, err
	}
	marked := make(map[string]int64, len(ms))
	for _, m := range now {
		if m.Revision == read[m.ID]+1 && m.movingUntil.Equal(until) {
			marked[m.ID] = m.Revision
			_ = s.stored(m, nil)
		}
	}
	return marked, nil
}

// UnmarkMoves ends the marks MarkMoves left until until on the meetings ids (nothing on one
// written since).
func (s *Store) UnmarkMoves(ctx context.Context, ids []string, until time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.c.UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}, "moving_until": until}, bson.M{"$unset": bson.M{"moving_until": ""}})
	return storage.MapError(err, "meetings")
}
