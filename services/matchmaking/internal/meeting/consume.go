package meeting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Consumers returns the durable consumers that cancel meetings when a fair is cancelled, an
// application is withdrawn or cancelled, or a producer no longer holds a booth at the fair.
func (s *Service) Consumers() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "matchmaking-meeting-fairs", Stream: "EVENT", Subjects: []string{events.FairCancelled, events.BoothAssigned, events.BoothReleased}, Handler: s.OnFairOrBooth},
		{Durable: "matchmaking-meeting-applications", Stream: "EXHIBITOR", Subjects: []string{events.ApplicationWithdrawn, events.ApplicationCancelled}, Handler: s.OnApplication},
	}
}

// cancelWhere cancels the active meetings matching q with a reason code (and its words); a meeting that cannot be
// cancelled any more (held, or ended meanwhile) is left as it is.
func (s *Service) cancelWhere(ctx context.Context, q bson.M, code, reason string) error {
	q["status"] = bson.M{"$in": bson.A{Requested, Accepted}}
	ms, err := s.Store.Find(ctx, q)
	if err != nil {
		return err
	}
	for _, m := range ms {
		// Changed by others at every try (ErrStale), it is not left: the event comes again.
		if _, err := s.save(ctx, m, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(code, reason, s.now()) }); err != nil && (errors.Is(err, ErrStale) || !apperr.Is(err, apperr.Conflict)) {
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
		return s.cancelWhere(ctx, bson.M{"fair_id": pl.Fair.ID}, ReasonFairCancelled, pl.Fair.CancelReason)
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
			if err := s.Store.Hold(ctx, key, pl.FairID, pl.BoothCode, pl.ProducerID, legacy); err != nil {
				return err
			}
			return s.boothBack(ctx, pl)
		}
		left, err := s.Store.Release(ctx, key, pl.FairID, pl.BoothCode, pl.ProducerID)
		if err != nil || left > 0 {
			return err
		}
		return s.lostLastBooth(ctx, pl)
	}
}

// OnApplication cancels the active meetings of a producer whose application to the fair was
// withdrawn or cancelled, those asked for by then: an event handled late (retried, or the
// service down a while) leaves alone the meetings of the producer's next application.
func (s *Service) OnApplication(ctx context.Context, env events.Envelope) error {
	var pl events.ApplicationChangedV1
	if err := env.Decode(&pl); err != nil || pl.Application.FairID == "" {
		return bus.Permanent(fmt.Errorf("bad application payload: %v", err))
	}
	a := pl.Application
	q := bson.M{"fair_id": a.FairID, "producer_id": a.ProducerID}
	if !env.OccurredAt.IsZero() {
		q["created_at"] = bson.M{"$lte": env.OccurredAt}
	}
	return s.cancelWhere(ctx, q, ReasonApplicationEnded, "")
}

// AgendaSubscriptions returns the subjects of the MATCHMAKING stream that the agenda model
// folds, by handler. Every replica folds every one of them, so the model follows the stream
// itself (pkg/readmodel) rather than sharing a durable consumer.
func AgendaSubscriptions() map[string][]string {
	return map[string][]string{
		"meeting.OnMeeting": {events.MeetingRequested, events.MeetingAccepted, events.MeetingDeclined, events.MeetingCancelled,
			events.MeetingScheduled, events.MeetingOutcomeRecorded, events.MeetingAttended, events.MeetingProposed},
		"meeting.OnBuyer": {events.BuyerRegistered, events.BuyerUpdated},
	}
}

// OnMeeting brings a meeting or a schedule changed by another replica into the agenda model. A
// scheduled event names its schedule's version: a newer one than the model's is read by its
// _id. Any other event names the meeting and, but for an outcome, its revision: unless the model
// holds that revision already (this replica's own write, or a copy delivered twice) the meeting
// is read by its _id, because the event leaves out fields the agenda shows (note, outcome,
// value). Reads by _id alone are the only ones FerretDB serves without reading the whole
// collection; they happen once per write, never per request.
func (a *Agendas) OnMeeting(env events.Envelope) error {
	if env.Type == events.MeetingAttended {
		var pl events.MeetingAttendedV1
		if err := env.Decode(&pl); err != nil || pl.MeetingID == "" {
			return fmt.Errorf("bad attendance payload: %v", err)
		}
		if have, ok := a.revision(pl.MeetingID); ok && have >= pl.Revision {
			return nil
		}
		return a.reread(pl.MeetingID)
	}
	if env.Type == events.MeetingOutcomeRecorded {
		var pl events.MeetingOutcomeV1
		if err := env.Decode(&pl); err != nil || pl.MeetingID == "" {
			return fmt.Errorf("bad outcome payload: %v", err)
		}
		return a.reread(pl.MeetingID)
	}
	var pl events.MeetingChangedV1
	if err := env.Decode(&pl); err != nil || pl.Meeting.ID == "" {
		return fmt.Errorf("bad meeting payload: %v", err)
	}
	m := pl.Meeting
	if env.Type == events.MeetingScheduled && m.ScheduleVersion > a.version(m.FairID) {
		err := a.retry(func(ctx context.Context) error {
			t, err := a.store.TimetableVersion(ctx, m.FairID, m.ScheduleVersion)
			if apperr.Is(err, apperr.NotFound) {
				// Pruned since: newer versions are stored, and the newest is what counts.
				t, err = a.store.Timetable(ctx, m.FairID)
			}
			if err == nil {
				a.PutTimetable(t)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	if have, ok := a.revision(m.ID); ok && have >= m.Revision {
		return nil
	}
	return a.reread(m.ID)
}

// reread reads one meeting from the database into the model.
func (a *Agendas) reread(id string) error {
	return a.retry(func(ctx context.Context) error {
		m, err := a.store.getRaw(ctx, id)
		if apperr.Is(err, apperr.NotFound) {
			return nil // never stored here: nothing an agenda could show
		}
		if err == nil {
			a.PutMeeting(m)
		}
		return err
	})
}

// retry runs a read of the database a few times before giving up on it: the follower logs the
// error, and the next start reloads the model.
func (a *Agendas) retry(read func(context.Context) error) error {
	var err error
	for attempt := range 4 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = read(ctx)
		cancel()
		if err == nil {
			return nil
		}
	}
	return err
}

// OnBuyer brings a buyer registered or updated on another replica into the agenda model: the
// event carries all the agenda shows of a buyer (its name and account), and its revision.
func (a *Agendas) OnBuyer(env events.Envelope) error {
	var pl events.BuyerChangedV1
	if err := env.Decode(&pl); err != nil || pl.Buyer.ID == "" {
		return fmt.Errorf("bad buyer payload: %v", err)
	}
	b := pl.Buyer
	a.putBuyer(b.ID, buyerEntry{Name: b.Name, Account: b.AccountID, Revision: b.Revision})
	return nil
}

// HandOverConsumer returns the durable consumer that ends the calendar feeds of a producer
// profile made by any account but the one it was claimed by (exhibitor.producer.claimed): a
// profile another account registered first, handed over to the company owning its tax code.
func (cal *Calendar) HandOverConsumer() bus.Consumer {
	return bus.Consumer{Durable: "matchmaking-calendar-handovers", Stream: events.StreamOf(events.ProducerClaimed),
		Subjects: []string{events.ProducerClaimed}, Handler: cal.OnProducerClaimed}
}

// OnProducerClaimed deletes the producer's feeds made by other accounts than its new one.
func (cal *Calendar) OnProducerClaimed(ctx context.Context, env events.Envelope) error {
	pl, err := bus.Decode[events.ProducerClaimedV1](env)
	if err != nil {
		return err
	}
	if _, err := cal.Feeds.DeleteMany(ctx, bson.M{"participant": pl.ProducerID, "account": bson.M{"$ne": pl.AccountID}}); err != nil {
		return storage.MapError(err, "calendar feeds")
	}
	return nil
}

// Consumer returns the durable consumer that ends the calendar feeds of an account whose sessions
// ended (see OnAccountRevoked).
func (cal *Calendar) Consumer() bus.Consumer {
	return bus.Consumer{Durable: "matchmaking-calendar-revocations", Stream: events.StreamOf(events.AccountTokensRevoked), Subjects: []string{events.AccountTokensRevoked}, Handler: cal.OnAccountRevoked}
}

// OnAccountRevoked deletes the private calendar feeds the account made before its sessions ended
// (a stolen phone's token could have made one, and a feed needs no sign-in): the address stops
// for good, where the revocation in memory stops it only while it is remembered.
func (cal *Calendar) OnAccountRevoked(ctx context.Context, env events.Envelope) error {
	pl, err := bus.Decode[events.AccountTokensRevokedV1](env)
	if err != nil {
		return err
	}
	if _, err := cal.Feeds.DeleteMany(ctx, bson.M{"account": pl.AccountID, "created_at": bson.M{"$lt": pl.NotBefore}}); err != nil {
		return err
	}
	// Feeds made before they recorded their account are known by their key alone (no more are
	// made, so these are few).
	cur, err := cal.Feeds.Find(ctx, bson.M{"account": bson.M{"$exists": false}}, options.Find().SetProjection(bson.M{"_id": 1, "fair_id": 1}))
	if err != nil {
		return err
	}
	var legacy []feedDoc
	if err := cur.All(ctx, &legacy); err != nil {
		return err
	}
	var ids bson.A
	for _, d := range legacy {
		if d.ID == feedKey(pl.AccountID, d.FairID) {
			ids = append(ids, d.ID)
		}
	}
	if len(ids) > 0 {
		_, err = cal.Feeds.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}, "account": bson.M{"$exists": false}})
	}
	return err
}
