package buyer

import (
	"context"
	"time"

	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
)

// Service holds what the buyer routes share: the store, the matcher and index that rank
// producers, and the clock.
type Service struct {
	Store   *Store
	Matcher *match.Matcher
	Index   *index.Index
	Notify  func()
	Now     func() time.Time
	// Interests are producers' interest in requests, held in memory for reads.
	Interests *Interests
	// Meetings, when set, returns a buyer's meetings (any status) from memory, for its matches.
	Meetings func(buyerID string) []MeetingRef
	// Open, once loaded, holds the open requests opportunities are scored from; until then (or
	// without it) they come from the Window most recent open requests in the database (0:
	// OpportunityWindow).
	Open   *OpenBook
	Window int
	// BuyerName, when set, returns a buyer's name from memory ("" when it does not know it).
	BuyerName func(id string) string
	// Hidden, when set, returns the accounts whose requests opportunities leave out: those an
	// admin disabled.
	Hidden func(context.Context) (map[string]bool, error)

	needs  needCache
	hidden hiddenCache
}

// now is the service's clock in Vietnam's time, to the millisecond that documents keep.
func (s *Service) now() time.Time { return s.Now().In(vntext.Zone).Truncate(time.Millisecond) }
