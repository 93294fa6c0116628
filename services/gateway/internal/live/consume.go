package live

import (
	"encoding/json"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// The relay hears the services' events over core NATS, not through durable consumers: a notice is
// worth nothing once its page is gone, and a page that misses one catches up on its next reload.
// The On... methods below are its handlers, one per aggregate; handlers lists the subject each one
// hears, and the subscriptions, the dispatch and Subscriptions all read that list, so they cannot
// disagree.

// handler is one On... method and the subject it hears.
type handler struct {
	name    string
	subject string
	on      func(*Relay, events.Envelope)
}

// handlers lists the relay's On... methods with the subject each one hears: the changes pages
// show, and the profile and fair events that change a stream's scope.
func handlers() []handler {
	return []handler{
		{"OnApplication", "exhibitor.application.>", (*Relay).OnApplication},
		{"OnBooth", "event.booth.>", (*Relay).OnBooth},
		{"OnFair", "event.fair.>", (*Relay).OnFair},
		{"OnMeeting", "matchmaking.meeting.>", (*Relay).OnMeeting},
		{"OnProducer", "exhibitor.producer.>", (*Relay).OnProducer},
		{"OnBuyer", "matchmaking.buyer.>", (*Relay).OnBuyer},
	}
}

// handlersByEntity maps each heard subject's service and entity ("exhibitor.application") to its
// On... method; NewRelay builds it once.
func handlersByEntity() map[string]func(*Relay, events.Envelope) {
	out := map[string]func(*Relay, events.Envelope){}
	for _, h := range handlers() {
		out[strings.TrimSuffix(h.subject, ".>")] = h.on
	}
	return out
}

// Subscriptions lists the subject each On... method hears, keyed "live.OnFair" and so on: the
// subscriptions the relay holds outside the service's bus consumers.
func Subscriptions() map[string][]string {
	out := map[string][]string{}
	for _, h := range handlers() {
		out["live."+h.name] = []string{h.subject}
	}
	return out
}

// subscribe starts hearing the subjects of handlers on nc until r closes.
func (r *Relay) subscribe(nc *nats.Conn) error {
	// One channel for every subject keeps the order the server sent them in, so a profile's
	// event is applied before the notices about that profile that follow it.
	msgs := make(chan *nats.Msg, 4096)
	for _, h := range handlers() {
		s, err := nc.ChanSubscribe(h.subject, msgs)
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

// onMessage hands a valid event to the On... method of its type's entity. An event whose type
// names none of them (each is published on the subject of its type, so it should not come) is
// told as a change, as applications, booths and meetings are.
func (r *Relay) onMessage(m *nats.Msg) {
	var env events.Envelope
	if json.Unmarshal(m.Data, &env) != nil || env.Validate() != nil {
		return
	}
	on := r.on[entityOf(env.Type)]
	if on == nil {
		on = (*Relay).notify
	}
	on(r, env)
}

// OnApplication tells the streams that want it that an application changed
// (exhibitor.application.*).
func (r *Relay) OnApplication(env events.Envelope) { r.notify(env) }

// OnBooth tells the streams that want it that a booth changed (event.booth.*).
func (r *Relay) OnBooth(env events.Envelope) { r.notify(env) }

// OnMeeting tells the streams that want it that a meeting changed (matchmaking.meeting.*).
func (r *Relay) OnMeeting(env events.Envelope) { r.notify(env) }

// OnFair puts a fair in its organisers' scopes and takes it from every other scope but the
// admins', then tells the streams that want it that the fair changed (event.fair.*).
func (r *Relay) OnFair(env events.Envelope) {
	r.handle(env, func(p probe) {
		r.apply(organised(p.Fair.ID, p.Fair.Organisers))
		r.tell(p.notice(env.Type))
	})
}

// OnProducer gives a producer profile to its owner's stream and takes it from every other
// (exhibitor.producer.*); pages are not told of the profile itself.
func (r *Relay) OnProducer(env events.Envelope) {
	r.handle(env, func(p probe) {
		r.apply(own(p.Producer.ID, p.Producer.AccountID, func(s *Scope) *map[string]bool { return &s.Producers }))
	})
}

// OnBuyer gives a buyer profile to its owner's stream and takes it from every other
// (matchmaking.buyer.*); pages are not told of the profile itself.
func (r *Relay) OnBuyer(env events.Envelope) {
	r.handle(env, func(p probe) {
		r.apply(own(p.Buyer.ID, p.Buyer.AccountID, func(s *Scope) *map[string]bool { return &s.Buyers }))
	})
}

// notify tells the streams that want it of env's change.
func (r *Relay) notify(env events.Envelope) {
	r.handle(env, func(p probe) { r.tell(p.notice(env.Type)) })
}

// handle reads env's payload and runs do with it under r.mu; an event whose payload does not
// decode is dropped.
func (r *Relay) handle(env events.Envelope, do func(probe)) {
	var p probe
	if json.Unmarshal(env.Payload, &p) != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	do(p)
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
		Discarded  bool     `json:"discarded"`
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
		public:        p.Fair.ID != "" && p.Fair.Status != "" && !events.FairPrivate(p.Fair.Status, p.Fair.Discarded),
	}
}

// tell offers n to every open stream. The caller holds r.mu.
func (r *Relay) tell(n Notice) {
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
