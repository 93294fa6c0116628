package meeting

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Consumers returns the durable consumers that cancel meetings when a fair is cancelled, an
// application is withdrawn or cancelled, or a producer no longer holds a booth at the fair.
func (s *Service) Consumers() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "matchmaking-meeting-fairs", Stream: "EVENT", Subjects: []string{events.FairCancelled, events.BoothAssigned, events.BoothReleased}, Handler: s.OnFairOrBooth},
		{Durable: "matchmaking-meeting-applications", Stream: "EXHIBITOR", Subjects: []string{events.ApplicationWithdrawn, events.ApplicationCancelled}, Handler: s.OnApplication},
	}
}

// cancelWhere cancels the active meetings matching q with reason; a meeting that cannot be
// cancelled any more (held, or ended meanwhile) is left as it is.
func (s *Service) cancelWhere(ctx context.Context, q bson.M, reason string) error {
	q["status"] = bson.M{"$in": bson.A{Requested, Accepted}}
	ms, err := s.Store.Find(ctx, q)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := s.save(ctx, m, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(reason, s.now()) }); err != nil && !apperr.Is(err, apperr.Conflict) {
			return err
		}
	}
	return nil
}

// OnFairOrBooth cancels a cancelled fair's meetings, and keeps the producers' booth holdings:
// a producer whose last booth at the fair is released loses its active meetings there.
func (s *Service) OnFairOrBooth(ctx context.Context, env events.Envelope) error {
	switch env.Type {
	case events.FairCancelled:
		var pl events.FairChangedV1
		if err := env.Decode(&pl); err != nil || pl.Fair.ID == "" {
			return bus.Permanent(fmt.Errorf("bad fair payload: %v", err))
		}
		return s.cancelWhere(ctx, bson.M{"fair_id": pl.Fair.ID}, "Hội chợ bị hủy / the fair was cancelled: "+pl.Fair.CancelReason)
	default:
		var pl events.BoothAssignmentV1
		if err := env.Decode(&pl); err != nil || pl.FairID == "" || pl.BoothCode == "" || pl.ProducerID == "" {
			return bus.Permanent(fmt.Errorf("bad booth payload: %v", err))
		}
		// Each assignment is its own record, so a late or repeated event changes only the
		// assignment it is about. An event from before assignments had IDs is keyed by booth.
		key, legacy := pl.AssignmentID, pl.AssignmentID == ""
		if legacy {
			key = pl.FairID + "/" + pl.BoothCode
		}
		if env.Type == events.BoothAssigned {
			return s.Store.Hold(ctx, key, pl.FairID, pl.BoothCode, pl.ProducerID, legacy)
		}
		left, err := s.Store.Release(ctx, key, pl.FairID, pl.BoothCode, pl.ProducerID)
		if err != nil || left > 0 {
			return err
		}
		// Meetings already held keep their outcome: Cancel refuses them and cancelWhere skips them.
		return s.cancelWhere(ctx, bson.M{"fair_id": pl.FairID, "producer_id": pl.ProducerID}, "Gian hàng của chủ thể đã bị thu hồi / the producer's booth was released")
	}
}

// OnApplication cancels the active meetings of a producer whose application to the fair was
// withdrawn or cancelled.
func (s *Service) OnApplication(ctx context.Context, env events.Envelope) error {
	var pl events.ApplicationChangedV1
	if err := env.Decode(&pl); err != nil || pl.Application.FairID == "" {
		return bus.Permanent(fmt.Errorf("bad application payload: %v", err))
	}
	a := pl.Application
	return s.cancelWhere(ctx, bson.M{"fair_id": a.FairID, "producer_id": a.ProducerID}, "Chủ thể đã rút đơn tham gia / the producer's application was withdrawn or cancelled")
}
