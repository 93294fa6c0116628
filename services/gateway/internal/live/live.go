// Package live tells the browsers connected to this gateway replica what changed, as server-sent
// events: it hears the services' events over core NATS, keeps each open stream's scope (its own
// profiles, the fairs it organises, everything for admins) and sends a stream only the notices of
// its scope. A stream opens with a single-use ticket, since an EventSource cannot send a token.
package live

import (
	"context"
	"slices"

	"github.com/ocopfair/ocopfair/pkg/auth"
)

// Notice is what the live stream tells a page: something about these IDs changed; the page
// reloads what it shows. It carries IDs only, no personal data.
type Notice struct {
	Type          string `json:"type"`
	FairID        string `json:"fair_id,omitempty"`
	ApplicationID string `json:"application_id,omitempty"`
	ProducerID    string `json:"producer_id,omitempty"`
	MeetingID     string `json:"meeting_id,omitempty"`
	BuyerID       string `json:"buyer_id,omitempty"`

	// public marks a change everyone may hear of: a fair that has been published.
	public bool
}

// Scope is what one stream hears about: everything (admins), or the notices that name one of its
// producer or buyer profiles or a fair it organises, and the changes of public fairs.
type Scope struct {
	All       bool
	Producers map[string]bool
	Buyers    map[string]bool
	Fairs     map[string]bool
}

func (s Scope) wants(n Notice) bool {
	return s.All || n.public || s.Fairs[n.FairID] || s.Producers[n.ProducerID] || s.Buyers[n.BuyerID]
}

// Resolver finds the scope of an account when its stream opens: its own profiles and the fairs it
// organises, as the services that own them know them (streams do not keep old events forever).
type Resolver func(ctx context.Context, p auth.Principal) (Scope, error)

// client is one open stream.
type client struct {
	account string
	role    string
	scope   Scope
	ch      chan Notice
	// resolving is true while the stream's scope is being looked up: the events met meanwhile
	// wait in backlog and are applied over the looked-up scope, so none falls between the
	// lookup and the stream's registration.
	resolving bool
	backlog   []backlogEntry
	notices   int // notices in backlog
}

// scopeChange is what a profile or fair event does to the scope of the stream of account, signed
// in with role.
type scopeChange func(s *Scope, account, role string)

// backlogEntry is one event met while a stream's scope was being looked up: a scope change or
// a notice.
type backlogEntry struct {
	change scopeChange
	notice Notice
}

// settle ends c's lookup: the events met meanwhile are applied, in the order they came, over
// the looked-up scope, and the notices among them that it wants are sent. A change the lookup
// already saw is applied twice to no effect; one it missed still widens (or narrows) the scope.
func (c *client) settle(scope Scope) {
	for _, e := range c.backlog {
		if e.change != nil {
			e.change(&scope, c.account, c.role)
			continue
		}
		if scope.wants(e.notice) {
			c.send(e.notice)
		}
	}
	c.scope, c.backlog, c.notices, c.resolving = scope, nil, 0, false
}

// change makes change to c's scope, or keeps it for after the lookup while that runs.
func (c *client) change(change scopeChange) {
	if c.resolving {
		c.backlog = append(c.backlog, backlogEntry{change: change})
		return
	}
	change(&c.scope, c.account, c.role)
}

// offer sends n to c if c's scope wants it, or keeps it for after the lookup while that runs.
func (c *client) offer(n Notice) {
	if c.resolving {
		// A stream still being looked up keeps as many notices as it could queue anyway.
		if c.notices < cap(c.ch) {
			c.backlog = append(c.backlog, backlogEntry{notice: n})
			c.notices++
		}
		return
	}
	if c.scope.wants(n) {
		c.send(n)
	}
}

// send queues n without waiting: a slow page misses a notice; its next reload catches up.
func (c *client) send(n Notice) {
	select {
	case c.ch <- n:
	default:
	}
}

// own gives profile id to the streams of owner and takes it from every other stream (a claimed
// profile changes hands). It returns nil for an event without a profile ID.
func own(id, owner string, set func(*Scope) *map[string]bool) scopeChange {
	if id == "" {
		return nil
	}
	return func(s *Scope, account, _ string) {
		if account == owner {
			add(set(s), id)
		} else {
			delete(*set(s), id)
		}
	}
}

// organised gives fair id to the streams of its organisers and takes it from every other stream
// but the admins'. A fair's list may name any account ID: only one signed in as an organiser
// hears of the fair through it, not a producer or buyer who happens to be listed (that would
// tell them of other producers' applications and meetings). It returns nil for an event without
// a fair ID.
func organised(id string, organisers []string) scopeChange {
	if id == "" {
		return nil
	}
	return func(s *Scope, account, role string) {
		if s.All {
			return
		}
		if role == auth.RoleOrganiser && slices.Contains(organisers, account) {
			add(&s.Fairs, id)
		} else {
			delete(s.Fairs, id)
		}
	}
}

func add(m *map[string]bool, id string) {
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[id] = true
}
