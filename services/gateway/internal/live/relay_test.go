package live

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats.go"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// liveRig is a Relay on an embedded NATS server whose scope lookup for one account waits until
// the test lets it go, and an admin stream that shows when the events so far have been handled.
type liveRig struct {
	nc      *nats.Conn
	tickets *Tickets
	base    string
	started chan struct{}
	release chan struct{}
	admin   <-chan Notice
}

func newLiveRig(t *testing.T, held auth.Principal, heldScope Scope) *liveRig {
	t.Helper()
	gin.SetMode(gin.TestMode)
	_, natsURL := testenv.NATS(t)
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	pub, priv, _ := ed25519.GenerateKey(nil)
	rig := &liveRig{nc: nc, tickets: NewTickets(priv, "k1", map[string]ed25519.PublicKey{"k1": pub}),
		started: make(chan struct{}), release: make(chan struct{})}
	resolve := func(ctx context.Context, p auth.Principal) (Scope, error) {
		if p.Role == auth.RoleAdmin {
			return Scope{All: true}, nil
		}
		if p != held {
			return Scope{}, nil
		}
		close(rig.started)
		select {
		case <-rig.release:
			return heldScope, nil
		case <-ctx.Done():
			return Scope{}, ctx.Err()
		}
	}
	relay, err := NewRelay(nc, resolve)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(relay.Close)
	r := gin.New()
	r.GET("/api/live", NewRoutes(relay, rig.tickets).stream)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	rig.base = srv.URL
	rig.admin = rig.open(t, auth.Principal{AccountID: "admin-1", Role: auth.RoleAdmin})
	return rig
}

// open opens p's stream and returns its notices; the request runs in the background, so a
// stream whose lookup is held can be opened too.
func (rig *liveRig) open(t *testing.T, p auth.Principal) <-chan Notice {
	t.Helper()
	notices, connected := openStream(t, rig.base, rig.tickets, p)
	if p.Role == auth.RoleAdmin {
		select {
		case <-connected:
		case <-time.After(10 * time.Second):
			t.Fatal("the admin stream did not open")
		}
	}
	return notices
}

// openStream opens p's stream on base in the background and returns its notices, and a channel
// closed once the stream has its scope (the server says ": connected" only then).
func openStream(t *testing.T, base string, tickets *Tickets, p auth.Principal) (<-chan Notice, <-chan struct{}) {
	t.Helper()
	ticket, _, err := tickets.Issue(p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/live?ticket="+url.QueryEscape(ticket), nil)
	notices := make(chan Notice, 32)
	connected := make(chan struct{})
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() == ": connected" {
				close(connected)
			}
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var n Notice
				if json.Unmarshal([]byte(data), &n) == nil {
					notices <- n
				}
			}
		}
	}()
	return notices, connected
}

func (rig *liveRig) publish(t *testing.T, subject, aggregate string, payload any) {
	t.Helper()
	publishOn(t, rig.nc, subject, aggregate, payload)
}

// publishOn publishes an event of subject about aggregate on nc, as the owning service would.
func publishOn(t *testing.T, nc *nats.Conn, subject, aggregate string, payload any) {
	t.Helper()
	env, err := events.New(subject, 1, aggregate, "", payload)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(env)
	if err := nc.Publish(subject, data); err != nil {
		t.Fatal(err)
	}
}

// until returns the first notice on ch that names application id, failing after 10 s.
func until(t *testing.T, ch <-chan Notice, id string) Notice {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case n := <-ch:
			if n.ApplicationID == id {
				return n
			}
		case <-deadline:
			t.Fatalf("no notice of %s within 10s", id)
			return Notice{}
		}
	}
}

// nextApplication returns the next notice on ch about an application, failing after 10 s.
func nextApplication(t *testing.T, ch <-chan Notice) Notice {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case n := <-ch:
			if n.ApplicationID != "" {
				return n
			}
		case <-deadline:
			t.Fatal("no application notice within 10s")
			return Notice{}
		}
	}
}

func application(id, fair, producer string) events.ApplicationChangedV1 {
	return events.ApplicationChangedV1{Application: events.ApplicationV1{ID: id, FairID: fair, ProducerID: producer, Status: "submitted"}}
}

// TestLiveScopeWidensDuringLookup: a profile claimed or a fair made while a stream's scope is
// being looked up (the lookup does not see it yet) still joins that stream's scope, and the
// notices that came meanwhile reach it once the lookup ends.
func TestLiveScopeWidensDuringLookup(t *testing.T) {
	tests := []struct {
		name      string
		who       auth.Principal
		looked    Scope
		subject   string
		aggregate string
		widen     any    // the event that comes during the lookup
		fair      string // where the stream's notices happen
		producer  string
	}{
		{"producer claims a profile", auth.Principal{AccountID: "acc-1", Role: auth.RoleProducer}, Scope{},
			events.ProducerRegistered, "prod-new", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "prod-new", AccountID: "acc-1"}},
			"fair-other", "prod-new"},
		{"organiser creates a fair", auth.Principal{AccountID: "org-1", Role: auth.RoleOrganiser}, Scope{Fairs: map[string]bool{"fair-old": true}},
			events.FairCreated, "fair-new", events.FairChangedV1{Fair: events.FairV1{ID: "fair-new", Status: "draft", Organisers: []string{"org-1"}}},
			"fair-new", "prod-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rig := newLiveRig(t, tt.who, tt.looked)
			stream := rig.open(t, tt.who)
			select {
			case <-rig.started:
			case <-time.After(10 * time.Second):
				t.Fatal("the stream's lookup did not start")
			}
			rig.publish(t, tt.subject, tt.aggregate, tt.widen)
			rig.publish(t, events.ApplicationSubmitted, "app-during", application("app-during", tt.fair, tt.producer))
			rig.publish(t, events.ApplicationSubmitted, "app-else", application("app-else", "fair-else", "prod-else"))
			// The admin's stream hears everything in order: once it has app-else, the Relay has
			// handled every event above while the lookup was still held.
			until(t, rig.admin, "app-else")
			close(rig.release)

			if n := nextApplication(t, stream); n.ApplicationID != "app-during" {
				t.Errorf("first notice = %+v, want app-during, which came during the lookup", n)
			}
			rig.publish(t, events.ApplicationSubmitted, "app-else-2", application("app-else-2", "fair-else", "prod-else"))
			rig.publish(t, events.ApplicationSubmitted, "app-after", application("app-after", tt.fair, tt.producer))
			if n := nextApplication(t, stream); n.ApplicationID != "app-after" {
				t.Errorf("next notice = %+v, want app-after: the scope the lookup missed must hold after it", n)
			}
		})
	}
}

// TestLiveScopeNarrowsDuringLookup: a profile the lookup found but that changed hands while the
// lookup ran (a claim publishes the profile under its new account) leaves the stream's scope, so
// its old owner hears no more of it.
func TestLiveScopeNarrowsDuringLookup(t *testing.T) {
	who := auth.Principal{AccountID: "acc-1", Role: auth.RoleProducer}
	rig := newLiveRig(t, who, Scope{Producers: map[string]bool{"prod-A": true, "prod-keep": true}})
	stream := rig.open(t, who)
	select {
	case <-rig.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream's lookup did not start")
	}
	rig.publish(t, events.ProducerUpdated, "prod-A", events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: "prod-A", AccountID: "acc-2"}})
	rig.publish(t, events.ApplicationSubmitted, "app-sync", application("app-sync", "fair-else", "prod-else"))
	until(t, rig.admin, "app-sync")
	close(rig.release)

	rig.publish(t, events.ApplicationSubmitted, "app-A", application("app-A", "fair-1", "prod-A"))
	rig.publish(t, events.ApplicationSubmitted, "app-keep", application("app-keep", "fair-1", "prod-keep"))
	if n := nextApplication(t, stream); n.ApplicationID != "app-keep" {
		t.Errorf("first notice = %+v, want app-keep: prod-A went to another account during the lookup", n)
	}
}

// One account holds at most MaxStreamsPerAccount streams on a replica; another account, and the
// same one once a stream closes, may still open one.
func TestStreamsPerAccountAreCapped(t *testing.T) {
	r := &Relay{resolve: func(context.Context, auth.Principal) (Scope, error) { return Scope{}, nil }, clients: map[*client]struct{}{}, done: make(chan struct{})}
	p := auth.Principal{AccountID: "acc-1", Role: auth.RoleProducer}
	var leaves []func()
	for i := range MaxStreamsPerAccount {
		_, leave, err := r.join(context.Background(), p)
		if err != nil {
			t.Fatalf("stream %d: %v", i+1, err)
		}
		leaves = append(leaves, leave)
	}
	if _, _, err := r.join(context.Background(), p); !errors.Is(err, errTooManyStreams) {
		t.Errorf("stream %d of one account: %v, want too many", MaxStreamsPerAccount+1, err)
	}
	if _, _, err := r.join(context.Background(), auth.Principal{AccountID: "acc-2", Role: auth.RoleBuyer}); err != nil {
		t.Errorf("another account's stream: %v", err)
	}
	leaves[0]()
	if _, _, err := r.join(context.Background(), p); err != nil {
		t.Errorf("a stream after one closed: %v", err)
	}
}

// A fair's organisers may name any account ID: a producer listed there is not told of the
// fair's other producers' applications, while an organiser listed is.
func TestOnlyOrganisersHearOfTheFairsThatListThem(t *testing.T) {
	who := auth.Principal{AccountID: "acc-1", Role: auth.RoleProducer}
	rig := newLiveRig(t, who, Scope{Producers: map[string]bool{"prod-own": true}})
	close(rig.release)
	stream, up := openStream(t, rig.base, rig.tickets, who)
	org, orgUp := openStream(t, rig.base, rig.tickets, auth.Principal{AccountID: "org-1", Role: auth.RoleOrganiser})
	for _, c := range []<-chan struct{}{up, orgUp} {
		select {
		case <-c:
		case <-time.After(10 * time.Second):
			t.Fatal("a stream did not open")
		}
	}
	rig.publish(t, events.FairCreated, "fair-1", events.FairChangedV1{Fair: events.FairV1{ID: "fair-1", Status: "draft", Organisers: []string{"org-1", "acc-1"}}})
	rig.publish(t, events.ApplicationSubmitted, "app-other", application("app-other", "fair-1", "prod-other"))
	rig.publish(t, events.ApplicationSubmitted, "app-own", application("app-own", "fair-1", "prod-own"))
	until(t, rig.admin, "app-own")
	if n := nextApplication(t, stream); n.ApplicationID != "app-own" {
		t.Errorf("the listed producer's first notice = %+v, want its own application only", n)
	}
	if n := nextApplication(t, org); n.ApplicationID != "app-other" {
		t.Errorf("the listed organiser's first notice = %+v, want app-other", n)
	}
}
