package application

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Consumers keeps applications in step with the event service (the fair read model: a cancelled
// fair cancels its applications; the booths assigned to applications) and with their producers'
// profiles.
type Consumers struct {
	Store  *Store
	Notify func() // wakes the outbox relay after a write
	Now    func() time.Time
	// Producers reads a producer's profile as it now is (NotFound when there is none).
	Producers func(ctx context.Context, producerID string) (Applicant, error)
}

// Subscriptions returns the durable consumers of the event service's fair and booth events and of
// the service's own producer updates.
func (h *Consumers) Subscriptions() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "exhibitor-fairs", Stream: "EVENT", Subjects: events.FairSubjects, Handler: h.OnFair},
		{Durable: "exhibitor-booths", Stream: "EVENT", Subjects: []string{events.BoothAssigned, events.BoothReleased}, Handler: h.OnBooth},
		{Durable: "exhibitor-application-producers", Stream: "EXHIBITOR", Subjects: []string{events.ProducerUpdated}, Handler: h.OnProducerUpdated},
	}
}

// OnFair stores a fair of event.fair.* in the read model and, when the fair is cancelled,
// cancels its active applications. A payload without a fair is poison.
func (h *Consumers) OnFair(ctx context.Context, env events.Envelope) error {
	var pl events.FairChangedV1
	if err := env.Decode(&pl); err != nil || pl.Fair.ID == "" {
		return bus.Permanent(fmt.Errorf("bad fair payload: %v", err))
	}
	if err := h.Store.PutFair(ctx, pl.Fair); err != nil {
		return err
	}
	f, err := h.Store.Fair(ctx, pl.Fair.ID)
	if err != nil {
		return err
	}
	if f.Status != "cancelled" {
		return nil
	}
	// Idempotent: only active applications are cancelled, each once.
	active, err := h.Store.ActiveForFair(ctx, f.ID)
	if err != nil {
		return err
	}
	for _, a := range active {
		_, err := h.Store.Move(ctx, a, Cancel, pl.Fair.CancelReason, h.now)
		if err == nil {
			h.Notify()
		} else if !apperr.Is(err, apperr.Conflict) {
			return err
		}
	}
	return nil
}

// OnProducerUpdated writes a changed producer's name and province onto its applications, so that
// the organisers' queues, the floor plan, reports and exports show the profile as it is now (a
// rename, a move, a profile handed over to its company) rather than as it was when each
// application was sent. It consumes the service's own exhibitor.producer.updated, so the
// applications follow even when the process stops right after the profile is stored. The event
// only says which profile changed: the profile is read as it now is, so a late or replayed event
// never writes an older name, and the profile's revision on each application keeps two consumers
// from writing in the wrong order. A payload of an unknown version or of another aggregate is
// poison.
func (h *Consumers) OnProducerUpdated(ctx context.Context, env events.Envelope) error {
	if _, err := events.DecodeProducerUpdated(env); err != nil {
		return bus.Permanent(err)
	}
	now, err := h.Producers(ctx, env.AggregateID)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	n, err := h.Store.FollowProducer(ctx, now, correlation.From(ctx))
	if n > 0 {
		h.Notify()
	}
	return err
}

func (h *Consumers) now() time.Time { return stamp(h.Now()) }

// boothCode is what the event service accepts as a booth code; the code becomes part of a field
// path here, so anything else (a dot, a dollar sign) is refused as poison.
var boothCode = regexp.MustCompile(`^[A-Za-z0-9-]{1,12}$`)

// OnBooth applies event.booth.assigned and event.booth.released to the application the booth is
// for, unless the application holds a newer state of that booth. A malformed payload is poison.
func (h *Consumers) OnBooth(ctx context.Context, env events.Envelope) error {
	var pl events.BoothAssignmentV1
	if err := env.Decode(&pl); err != nil {
		return bus.Permanent(fmt.Errorf("bad booth payload: %w", err))
	}
	if pl.ApplicationID == "" || !boothCode.MatchString(pl.BoothCode) {
		return bus.Permanent(fmt.Errorf("bad booth payload: application %q, booth code %q", pl.ApplicationID, pl.BoothCode))
	}
	return h.Store.SetBooth(ctx, pl.ApplicationID, pl.BoothCode, pl.Zone, pl.AssignmentID, env.Type == events.BoothAssigned)
}

// ModelSubscriptions returns the subjects the in-memory model follows, by handler. Every replica
// folds every one of them, so it follows the streams itself (pkg/readmodel), not through a
// durable consumer: EXHIBITOR for other replicas' applications and producers, EVENT for fairs
// and booths.
func ModelSubscriptions() map[string][]string {
	return map[string][]string{
		"application.OnApplicationChanged": events.ApplicationSubjects,
		"application.OnProducerChanged":    {events.ProducerRegistered, events.ProducerUpdated},
		"application.OnFairChanged":        events.FairSubjects,
		"application.OnBoothChanged":       {events.BoothAssigned, events.BoothReleased},
	}
}

// OnApplicationChanged brings an application changed by another replica into the model. The
// event names the application and its revision; when the model holds that revision or a newer
// one there is nothing to do. Otherwise the model reads the application from the database, the
// record, because the event leaves out fields the answers show (account, notes, eligibility,
// booths): once per write, never per request. A failed read is retried a few times, then
// returned (the follower logs it, and the next start reloads the model).
func (m *Model) OnApplicationChanged(env events.Envelope) error {
	var pl events.ApplicationChangedV1
	if err := env.Decode(&pl); err != nil {
		return err
	}
	if m.Revision(env.AggregateID) >= pl.Application.Revision {
		return nil
	}
	var err error
	for attempt := range 4 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
		}
		var d document
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		d, err = m.store.get(ctx, env.AggregateID)
		cancel()
		if err == nil {
			m.putStored(d)
			return nil
		}
		if apperr.Is(err, apperr.NotFound) {
			return nil // never stored here: nothing to show
		}
	}
	return fmt.Errorf("read application %s: %w", env.AggregateID, err)
}

// OnProducerChanged records which account a registered or updated producer is, for the
// producer's own reads; its revision keeps a late event from undoing a claim.
func (m *Model) OnProducerChanged(env events.Envelope) error {
	var pl events.ProducerUpdatedV1 // registered carries the same producer
	if err := env.Decode(&pl); err != nil {
		return err
	}
	p := pl.Producer
	m.PutApplicant(Applicant{ProducerID: p.ID, AccountID: p.AccountID, Name: p.LegalName, Province: p.ProvinceCode, Revision: p.Revision})
	return nil
}

// OnFairChanged keeps the model's fair (names, organisers, rules) as the event service last
// published it, if newer than what the model holds.
func (m *Model) OnFairChanged(env events.Envelope) error {
	var pl events.FairChangedV1
	if err := env.Decode(&pl); err != nil || pl.Fair.ID == "" {
		return fmt.Errorf("bad fair payload: %v", err)
	}
	d, err := toFairDoc(pl.Fair)
	if err != nil {
		return err
	}
	m.PutFair(d.fair())
	return nil
}

// OnBoothChanged applies event.booth.assigned and event.booth.released to the model's booths of
// the application, by the rule of OnBooth; a booth code OnBooth refuses is skipped here too.
func (m *Model) OnBoothChanged(env events.Envelope) error {
	var pl events.BoothAssignmentV1
	if err := env.Decode(&pl); err != nil {
		return err
	}
	if pl.ApplicationID == "" || !boothCode.MatchString(pl.BoothCode) {
		return fmt.Errorf("bad booth payload: application %q, booth code %q", pl.ApplicationID, pl.BoothCode)
	}
	m.setBooth(pl.ApplicationID, pl.BoothCode, boothState{AssignmentID: pl.AssignmentID, Active: env.Type == events.BoothAssigned, Zone: pl.Zone})
	return nil
}

// Feed is one stream the model follows: its subjects, the handler that folds them, and whether
// it is replayed from the start of the stream.
type Feed struct {
	Stream    string
	Subjects  []string
	Apply     func(events.Envelope) error
	FromStart bool
}

// Feeds returns the streams the model follows. EXHIBITOR (applications and producers, written by
// this service's replicas) is followed from the load on: what was stored before the load is in
// it. EVENT (fairs and booths) is replayed from the start of the stream: the fairs collection and
// the booths on applications are written by durable consumers that may lag by more than a
// relay's, so the stream, not the load, is their authority (revisions and assignment IDs keep
// the newest).
func (m *Model) Feeds() []Feed {
	subs := ModelSubscriptions()
	return []Feed{
		{Stream: "EXHIBITOR", Subjects: slices.Concat(subs["application.OnApplicationChanged"], subs["application.OnProducerChanged"]),
			Apply: func(env events.Envelope) error {
				if strings.HasPrefix(env.Type, "exhibitor.producer.") {
					return m.OnProducerChanged(env)
				}
				return m.OnApplicationChanged(env)
			}},
		{Stream: "EVENT", Subjects: slices.Concat(subs["application.OnFairChanged"], subs["application.OnBoothChanged"]), FromStart: true,
			Apply: func(env events.Envelope) error {
				if strings.HasPrefix(env.Type, "event.booth.") {
					return m.OnBoothChanged(env)
				}
				return m.OnFairChanged(env)
			}},
	}
}
