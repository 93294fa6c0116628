package console

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats.go"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/vntext"
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

	// public marks a change everyone may hear of: a fair that is no longer a draft.
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

type client struct {
	account string
	scope   Scope
	ch      chan Notice
	// resolving is true while the stream's scope is being looked up: the events met meanwhile
	// wait in backlog and are applied over the looked-up scope, so none falls between the
	// lookup and the stream's registration.
	resolving bool
	backlog   []backlogEntry
	notices   int // notices in backlog
}

// scopeChange is what a profile or fair event does to the scope of account's stream.
type scopeChange func(s *Scope, account string)

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
			e.change(&scope, c.account)
			continue
		}
		if scope.wants(e.notice) {
			select {
			case c.ch <- e.notice:
			default:
			}
		}
	}
	c.scope, c.backlog, c.notices, c.resolving = scope, nil, 0, false
}

// Live fans NATS events out to the browsers connected to this gateway replica, each only the
// notices of its own scope. Profiles and fairs made while a stream is open join its scope from
// their own events.
type Live struct {
	tickets  *Tickets
	resolve  Resolver
	log      *slog.Logger
	mu       sync.Mutex
	clients  map[*client]struct{}
	sub      []*nats.Subscription
	done     chan struct{}
	stopOnce sync.Once
}

// NewLive subscribes to the subjects pages care about and to the profile events that widen a
// stream's scope.
func NewLive(nc *nats.Conn, tickets *Tickets, resolve Resolver, log *slog.Logger) (*Live, error) {
	l := &Live{tickets: tickets, resolve: resolve, log: log, clients: map[*client]struct{}{}, done: make(chan struct{})}
	// One channel for every subject keeps the order the server sent them in, so a profile's
	// event is applied before the notices about that profile that follow it.
	msgs := make(chan *nats.Msg, 4096)
	for _, subj := range []string{"exhibitor.application.>", "event.booth.>", "event.fair.>", "matchmaking.meeting.>", "exhibitor.producer.>", "matchmaking.buyer.>"} {
		s, err := nc.ChanSubscribe(subj, msgs)
		if err != nil {
			l.Close()
			return nil, err
		}
		l.sub = append(l.sub, s)
	}
	go func() {
		for {
			select {
			case m := <-msgs:
				l.onMessage(m)
			case <-l.done:
				return
			}
		}
	}()
	return l, nil
}

// Close stops the subscriptions and ends every open stream, so a shutdown need not wait for
// browsers to hang up.
func (l *Live) Close() {
	l.stopOnce.Do(func() {
		close(l.done)
		for _, s := range l.sub {
			_ = s.Unsubscribe()
		}
	})
}

// probe reads the fields of every payload the stream looks at; a payload that lacks one leaves it
// empty.
type probe struct {
	Application struct {
		ID         string `json:"id"`
		FairID     string `json:"fair_id"`
		ProducerID string `json:"producer_id"`
	} `json:"application"`
	Meeting struct {
		ID         string `json:"id"`
		FairID     string `json:"fair_id"`
		BuyerID    string `json:"buyer_id"`
		ProducerID string `json:"producer_id"`
	} `json:"meeting"`
	Fair struct {
		ID         string   `json:"id"`
		Status     string   `json:"status"`
		Organisers []string `json:"organisers"`
	} `json:"fair"`
	Producer struct {
		ID        string `json:"id"`
		AccountID string `json:"account_id"`
	} `json:"producer"`
	Buyer struct {
		ID        string `json:"id"`
		AccountID string `json:"account_id"`
	} `json:"buyer"`
	FairID        string `json:"fair_id"`
	ApplicationID string `json:"application_id"`
	ProducerID    string `json:"producer_id"`
	BuyerID       string `json:"buyer_id"`
	MeetingID     string `json:"meeting_id"`
}

func (l *Live) onMessage(m *nats.Msg) {
	var env events.Envelope
	if json.Unmarshal(m.Data, &env) != nil || env.Validate() != nil {
		return
	}
	var p probe
	if json.Unmarshal(env.Payload, &p) != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch entityOf(env.Type) {
	case "exhibitor.producer":
		l.apply(own(p.Producer.ID, p.Producer.AccountID, func(s *Scope) *map[string]bool { return &s.Producers }))
		return
	case "matchmaking.buyer":
		l.apply(own(p.Buyer.ID, p.Buyer.AccountID, func(s *Scope) *map[string]bool { return &s.Buyers }))
		return
	case "event.fair":
		if id, organisers := p.Fair.ID, p.Fair.Organisers; id != "" {
			l.apply(func(s *Scope, account string) {
				if s.All {
					return
				}
				if slices.Contains(organisers, account) {
					add(&s.Fairs, id)
				} else {
					delete(s.Fairs, id)
				}
			})
		}
	}
	n := Notice{Type: env.Type,
		FairID:        first(p.FairID, p.Application.FairID, p.Meeting.FairID, p.Fair.ID),
		ApplicationID: first(p.ApplicationID, p.Application.ID),
		ProducerID:    first(p.ProducerID, p.Application.ProducerID, p.Meeting.ProducerID),
		MeetingID:     first(p.MeetingID, p.Meeting.ID),
		BuyerID:       first(p.BuyerID, p.Meeting.BuyerID),
		public:        p.Fair.ID != "" && p.Fair.Status != "" && p.Fair.Status != "draft",
	}
	for c := range l.clients {
		if c.resolving {
			// A stream still being looked up keeps as many notices as it could queue anyway.
			if c.notices < cap(c.ch) {
				c.backlog = append(c.backlog, backlogEntry{notice: n})
				c.notices++
			}
			continue
		}
		if !c.scope.wants(n) {
			continue
		}
		select {
		case c.ch <- n:
		default: // a slow page misses a notice; its next reload catches up
		}
	}
}

// apply makes change to every open stream's scope, and keeps it for the streams still being
// looked up. The caller holds l.mu.
func (l *Live) apply(change scopeChange) {
	if change == nil {
		return
	}
	for c := range l.clients {
		if c.resolving {
			c.backlog = append(c.backlog, backlogEntry{change: change})
			continue
		}
		change(&c.scope, c.account)
	}
}

// own gives profile id to the streams of owner and takes it from every other stream (a claimed
// profile changes hands). It returns nil for an event without a profile ID.
func own(id, owner string, set func(*Scope) *map[string]bool) scopeChange {
	if id == "" {
		return nil
	}
	return func(s *Scope, account string) {
		if account == owner {
			add(set(s), id)
		} else {
			delete(*set(s), id)
		}
	}
}

func add(m *map[string]bool, id string) {
	if *m == nil {
		*m = map[string]bool{}
	}
	(*m)[id] = true
}

// entityOf returns a subject's service and entity ("exhibitor.application" of
// exhibitor.application.approved).
func entityOf(subject string) string {
	parts := strings.SplitN(subject, ".", 3)
	if len(parts) < 2 {
		return subject
	}
	return parts[0] + "." + parts[1]
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// TicketResponse is a stream ticket.
type TicketResponse struct {
	Ticket    string    `json:"ticket" doc:"opens one stream: GET /api/live?ticket=..."`
	ExpiresAt time.Time `json:"expires_at"`
}

// IssueTicket serves POST /api/live/ticket: the signed-in caller gets a ticket for one stream.
func (l *Live) IssueTicket(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	ticket, exp, err := l.tickets.Issue(p, time.Now())
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, TicketResponse{Ticket: ticket, ExpiresAt: exp.In(vntext.Zone)})
}

// Stream serves GET /api/live as server-sent events, opened with a ticket from IssueTicket (an
// access token in the URL is refused: URLs end up in logs).
func (l *Live) Stream(c *gin.Context) {
	if c.Query("token") != "" {
		httpx.RespondError(c, apperr.E(apperr.Unauthorized, "the stream does not take a token in the URL; get a ticket from POST /api/live/ticket and open /api/live?ticket=..."))
		return
	}
	p, err := l.tickets.Redeem(c.Query("ticket"), time.Now())
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// The stream listens before its scope is looked up, so an event that comes during the
	// lookup (a profile claimed, a fair made) is kept and applied over what the lookup finds.
	cl := &client{account: p.AccountID, ch: make(chan Notice, 32), resolving: true}
	l.mu.Lock()
	l.clients[cl] = struct{}{}
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.clients, cl)
		l.mu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(c.Request.Context(), 10*time.Second)
	scope, err := l.resolve(ctx, p)
	cancel()
	if err != nil {
		httpx.Logger(c).Warn("live stream: finding the account's profiles", "err", err, "account", p.AccountID)
		httpx.RespondError(c, apperr.E(apperr.Unavailable, "live updates are unavailable right now; try again shortly"))
		return
	}
	l.mu.Lock()
	cl.settle(scope)
	l.mu.Unlock()
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	_, _ = c.Writer.WriteString(": connected\n\n")
	c.Writer.Flush()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	done := c.Request.Context().Done()
	for {
		select {
		case <-done:
			return
		case <-l.done:
			return
		case <-tick.C:
			_, _ = c.Writer.WriteString(": keep-alive\n\n")
		case n := <-cl.ch:
			b, _ := json.Marshal(n)
			_, _ = c.Writer.WriteString("data: " + string(b) + "\n\n")
		}
		c.Writer.Flush()
	}
}
