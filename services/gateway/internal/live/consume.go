package live

import (
	"encoding/json"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// Subjects are what the relay hears: the changes pages show, and the profile and fair events that
// change a stream's scope. It hears them over core NATS, not through durable consumers: a notice
// is worth nothing once its page is gone, and a page that misses one catches up on its next
// reload.
func Subjects() []string {
	return []string{"exhibitor.application.>", "event.booth.>", "event.fair.>", "matchmaking.meeting.>", "exhibitor.producer.>", "matchmaking.buyer.>"}
}

// subscribe starts hearing Subjects on nc until r closes.
func (r *Relay) subscribe(nc *nats.Conn) error {
	// One channel for every subject keeps the order the server sent them in, so a profile's
	// event is applied before the notices about that profile that follow it.
	msgs := make(chan *nats.Msg, 4096)
	for _, subj := range Subjects() {
		s, err := nc.ChanSubscribe(subj, msgs)
		if err != nil {
			return err
		}
		r.sub = append(r.sub, s)
	}
	go func() {
		for {
			select {
			case m := <-msgs:
				r.onMessage(m)
			case <-r.done:
				return
			}
		}
	}()
	return nil
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

// notice is what a page hears of an event of type typ with payload p.
func (p probe) notice(typ string) Notice {
	return Notice{Type: typ,
		FairID:        first(p.FairID, p.Application.FairID, p.Meeting.FairID, p.Fair.ID),
		ApplicationID: first(p.ApplicationID, p.Application.ID),
		ProducerID:    first(p.ProducerID, p.Application.ProducerID, p.Meeting.ProducerID),
		MeetingID:     first(p.MeetingID, p.Meeting.ID),
		BuyerID:       first(p.BuyerID, p.Meeting.BuyerID),
		public:        p.Fair.ID != "" && p.Fair.Status != "" && p.Fair.Status != "draft",
	}
}

// onMessage applies a profile event to the streams' scopes, and tells the streams whose scope
// wants it of any other change (a fair event does both).
func (r *Relay) onMessage(m *nats.Msg) {
	var env events.Envelope
	if json.Unmarshal(m.Data, &env) != nil || env.Validate() != nil {
		return
	}
	var p probe
	if json.Unmarshal(env.Payload, &p) != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch entityOf(env.Type) {
	case "exhibitor.producer":
		r.apply(own(p.Producer.ID, p.Producer.AccountID, func(s *Scope) *map[string]bool { return &s.Producers }))
		return
	case "matchmaking.buyer":
		r.apply(own(p.Buyer.ID, p.Buyer.AccountID, func(s *Scope) *map[string]bool { return &s.Buyers }))
		return
	case "event.fair":
		r.apply(organised(p.Fair.ID, p.Fair.Organisers))
	}
	n := p.notice(env.Type)
	for c := range r.clients {
		c.offer(n)
	}
}

// apply makes change to every open stream's scope, and keeps it for the streams still being
// looked up. The caller holds r.mu.
func (r *Relay) apply(change scopeChange) {
	if change == nil {
		return
	}
	for c := range r.clients {
		c.change(change)
	}
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
