package meeting

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// Service holds what the meeting routes, the scheduling runs and the meeting consumers share:
// the stores, the index, the clock and the scheduling limits.
type Service struct {
	Store  *Store
	Buyers *buyer.Store
	Index  *index.Index
	// Agendas, when set, answers agendas from memory (see Agendas); nil reads the database.
	Agendas *Agendas
	Notify  func()
	Now     func() time.Time
	// Cap is the most meetings a participant may commit to at one fair: accepted, or asked for
	// and awaiting an answer.
	Cap int
	// DeclineRest is how long a side whose request was declined waits before it asks the same
	// participant at the same fair again (DefaultDeclineRest; 0: no wait); the side that declined
	// may ask at any time.
	DeclineRest time.Duration
	// BoothLossGrace is how long a producer's meetings at a fair outlive the release of its last
	// booth there when the release was the organisers' (DefaultBoothLossGrace): a booth moved
	// by hand is released before the new one is assigned, and the meetings must survive the
	// move. A release because the application or the fair ended cancels them at once.
	BoothLossGrace time.Duration
	// SolveLimit bounds one day's scheduling run.
	SolveLimit time.Duration
	// Gate, when set, lets one scheduling run at a time take this replica's cores: a run uses
	// up to two for SolveLimit, and the other requests on the replica must keep answering.
	Gate chan struct{}
	// Solve solves one B2B day; nil is schedule.Solve. Tests hold a run at this point to make
	// runs of two replicas meet.
	Solve func(context.Context, schedule.Problem) (schedule.Solution, error)

	// trial ends the problem solved as a trial (POST /api/scheduling/solve) now running on this
	// replica, nil when none runs: a fair's run cuts it short (see trials.go).
	trialMu sync.Mutex
	trial   context.CancelFunc

	// beforeMoveSave, when set, runs just before a move marks its meeting and saves; duringMoveSave
	// just after it marked it: tests change the meeting there.
	beforeMoveSave, duringMoveSave func()
}

// now is the service's clock in Vietnam's time, to the millisecond that documents keep.
func (s *Service) now() time.Time { return s.Now().In(vntext.Zone).Truncate(time.Millisecond) }

// fairOrganiser reports whether the caller organises the fair (or is an admin).
func (s *Service) fairOrganiser(p auth.Principal, fairID string) bool {
	if p.Role == auth.RoleAdmin {
		return true
	}
	f, ok := s.Index.Fair(fairID)
	return ok && p.Role == auth.RoleOrganiser && slices.Contains(f.Organisers, p.AccountID)
}

// participantOf returns the buyer or producer ID the caller acts as.
func (s *Service) participantOf(ctx context.Context, p auth.Principal) (string, error) {
	switch p.Role {
	case auth.RoleBuyer:
		b, err := s.Buyers.BuyerByAccount(ctx, p.AccountID)
		if err != nil {
			return "", apperr.New(apperr.Conflict, msgBuyerProfileFirst)
		}
		return b.ID, nil
	case auth.RoleProducer:
		prod, ok := s.Index.ProducerByAccount(p.AccountID)
		if !ok {
			return "", apperr.New(apperr.Conflict, msgProducerProfileFirst)
		}
		return prod.ID, nil
	}
	return "", nil
}

// save applies fn and stores the meeting with subject, retrying on a concurrent change. A move
// being written (see Move) is waited for: the change applies to the meeting as moved. An fn
// that returns the meeting at its revision changed nothing: nothing is stored.
func (s *Service) save(ctx context.Context, m Meeting, subject string, fn func(Meeting) (Meeting, error)) (Meeting, error) {
	m, err := s.afterMove(ctx, m)
	if err != nil {
		return Meeting{}, err
	}
	next, err := storage.RetryStale(ctx, m, storage.StaleTries, ErrStale, fn,
		func(ctx context.Context, next, prev Meeting) error {
			if next.Revision == prev.Revision {
				return nil // fn changed nothing: nothing to store, no event
			}
			return s.Store.Save(ctx, next, prev.Revision, subject, correlation.From(ctx))
		},
		func(ctx context.Context, prev Meeting) (Meeting, error) {
			cur, err := s.Store.Get(ctx, prev.ID)
			if err != nil {
				return cur, err
			}
			return s.afterMove(ctx, cur)
		})
	if err == nil {
		s.Notify()
	}
	return next, err
}

// movePoll is how often a write waiting for a move reads the meeting again.
const movePoll = 20 * time.Millisecond

// afterMove returns meeting m once no move of it is being written, read again every movePoll
// while one is: a cancellation, attendance or answer is then written after the move, never
// between the move's checks and its write (which would announce a cancelled meeting moved, or
// move one attended at its old table). A mark left by a move that never finished counts until
// its time is up, at most moveMark.
func (s *Service) afterMove(ctx context.Context, m Meeting) (Meeting, error) {
	giveUp := time.Now().Add(moveMark)
	for m.movingUntil.After(s.now()) && time.Now().Before(giveUp) {
		select {
		case <-ctx.Done():
			return Meeting{}, ctx.Err()
		case <-time.After(movePoll):
		}
		var err error
		if m, err = s.Store.Get(ctx, m.ID); err != nil {
			return Meeting{}, err
		}
	}
	return m, nil
}

// Ask is a meeting as one of its sides asks for it.
type Ask struct {
	// ID is the new meeting's ID: the Idempotency-Key's (httpx.NewID), or a new one when empty.
	ID         string
	BuyerID    string
	ProducerID string
	// Session is morning, afternoon or any ("" is any).
	Session string
	Note    string
}

// Ask stores the meeting that account asks for at fair f and returns it: Conflict at a fair that
// takes no meeting requests or when a side has committed to Cap meetings there, Invalid for a
// bad session or note, an unknown buyer or producer or a producer without a booth at the fair,
// Forbidden when account is neither the buyer nor the producer.
func (s *Service) Ask(ctx context.Context, f index.Fair, account string, in Ask) (Meeting, error) {
	if f.Status == "cancelled" || f.Status == "completed" || f.Status == "draft" {
		return Meeting{}, apperr.New(apperr.Conflict, msgFairClosed, fairStates[f.Status])
	}
	if in.Session == "" {
		in.Session = schedule.Any
	}
	b, prod, err := s.sides(ctx, f.ID, in)
	if err != nil {
		return Meeting{}, err
	}
	side := ""
	switch account {
	case b.AccountID:
		side = SideBuyer
	case prod.AccountID:
		side = SideProducer
	default:
		return Meeting{}, apperr.New(apperr.Forbidden, msgAskOwnOnly)
	}
	// From the count to the write, no other ask of either side may count (see asklock.go).
	unlock, err := s.Store.lockAsks(ctx, f.ID, []string{b.ID, prod.ID}, s.now)
	if err != nil {
		return Meeting{}, err
	}
	defer unlock()
	if err := s.askable(ctx, f.ID, b.ID, prod.ID, side); err != nil {
		return Meeting{}, err
	}
	now := s.now()
	m := Meeting{ID: cmp.Or(in.ID, uuid.Must(uuid.NewV7()).String()), FairID: f.ID, BuyerID: b.ID, BuyerAccount: b.AccountID, ProducerID: prod.ID,
		ProducerAccount: prod.AccountID, RequestedBy: side, Session: in.Session, Note: vntext.Clean(in.Note), Status: Requested,
		Revision: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.Create(ctx, m, correlation.From(ctx)); err != nil {
		return Meeting{}, err
	}
	s.Notify()
	if err := s.BoothGone(ctx, m); err != nil {
		return Meeting{}, err
	}
	return m, nil
}

// BoothGone counts, once meeting m is stored, its producer's booths at its fair again: when the
// last was released meanwhile it cancels m and answers Invalid on producer_id. A release marks
// the holding before it looks for the producer's meetings, so either the release finds m or this
// count finds the release. The producer's other meetings are the release's to cancel: after its
// grace, unless a booth came back (a move).
func (s *Service) BoothGone(ctx context.Context, m Meeting) error {
	if booths, err := s.Store.Booths(ctx, m.FairID, m.ProducerID); err == nil && booths == 0 {
		if err := s.cancelWhere(context.WithoutCancel(ctx), bson.M{"_id": m.ID}, ReasonBoothReleased, ""); err != nil {
			return err
		}
		return apperr.InvalidField("producer_id", msgNoBooth)
	}
	return nil
}

// askable tells whether side may ask for a meeting between buyerID and producerID at a fair: each
// side below Cap meetings it committed to (accepted, or asked for itself: requests it was sent
// and has not answered do not count, so that no one's asks fill another's day), and no request
// of side's declined by the other in the last DeclineRest. The caller holds both sides' ask locks.
func (s *Service) askable(ctx context.Context, fairID, buyerID, producerID, side string) error {
	for _, x := range []struct{ side, id string }{{SideBuyer, buyerID}, {SideProducer, producerID}} {
		if err := s.underCap(ctx, fairID, x.side, x.id); err != nil {
			return err
		}
	}
	if s.DeclineRest <= 0 {
		return nil
	}
	declined, err := s.Store.DeclinedSince(ctx, fairID, buyerID, producerID, side, s.now().Add(-s.DeclineRest))
	if err != nil {
		return err
	}
	if declined {
		return apperr.New(apperr.Conflict, msgDeclinedLately, int(s.DeclineRest.Hours()))
	}
	return nil
}

// underCap refuses (409, naming the side) when participant id, of side, has committed to Cap
// meetings at the fair (Store.CountCommitted).
func (s *Service) underCap(ctx context.Context, fairID, side, id string) error {
	n, err := s.Store.CountCommitted(ctx, fairID, side, id)
	if err != nil {
		return err
	}
	if int(n) >= s.Cap {
		return apperr.New(apperr.Conflict, msgCapReached, auth.RoleName(side), s.Cap)
	}
	return nil
}

// DefaultDeclineRest is the wait after a declined request that the service keeps.
const DefaultDeclineRest = 24 * time.Hour

// DefaultBoothLossGrace is the wait before the meetings of a producer whose last booth the
// organisers released are cancelled (Service.BoothLossGrace).
const DefaultBoothLossGrace = 5 * time.Minute

// accept accepts meeting m on behalf of side. Whichever side accepts (the side asked, or the
// asker taking the side asked's proposal), the side asked commits to one more meeting, which must
// stay within Cap: counted under its ask lock, as asks are. The asker has counted the meeting
// since it asked. A meeting that awaits no answer from side is refused before anything is counted.
func (s *Service) accept(ctx context.Context, m Meeting, side string) (Meeting, error) {
	if _, err := m.Respond(side, true, s.now()); err != nil {
		return Meeting{}, err
	}
	asked := otherSide(m.RequestedBy)
	id := m.BuyerID
	if asked == SideProducer {
		id = m.ProducerID
	}
	unlock, err := s.Store.lockAsks(ctx, m.FairID, []string{id}, s.now)
	if err != nil {
		return Meeting{}, err
	}
	defer unlock()
	if err := s.underCap(ctx, m.FairID, asked, id); err != nil {
		return Meeting{}, err
	}
	return s.save(ctx, m, events.MeetingAccepted, func(m Meeting) (Meeting, error) { return m.Respond(side, true, s.now()) })
}

// sides validates an ask and returns its buyer and producer: every field's problem at once.
func (s *Service) sides(ctx context.Context, fairID string, in Ask) (buyer.Buyer, index.Producer, error) {
	var v apperr.Validation
	v.Expect(slices.Contains([]string{schedule.Morning, schedule.Afternoon, schedule.Any}, in.Session), "session", apperr.OneOf, apperr.OrOf(schedule.Morning, schedule.Afternoon, schedule.Any))
	v.Expect(len([]rune(in.Note)) <= 1000, "note", apperr.TooLong, 1000)
	b, err := s.Buyers.Buyer(ctx, in.BuyerID)
	if v.Expect(in.BuyerID != "", "buyer_id", apperr.Required) {
		v.Expect(err == nil, "buyer_id", apperr.Unknown, storage.EntityName("buyer"))
	}
	prod, found := s.Index.ProducerByID(in.ProducerID)
	if v.Expect(in.ProducerID != "", "producer_id", apperr.Required) {
		v.Expect(found, "producer_id", apperr.Unknown, storage.EntityName("producer"))
	}
	if found {
		// Meetings are with the fair's exhibitors: a producer without a booth there (never
		// allocated one, rejected, or released) cannot be met at the fair.
		booths, err := s.Store.Booths(ctx, fairID, prod.ID)
		if err != nil {
			return buyer.Buyer{}, index.Producer{}, err
		}
		v.Expect(booths > 0, "producer_id", msgNoBooth)
	}
	return b, prod, v.Err()
}
