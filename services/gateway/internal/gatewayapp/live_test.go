package gatewayapp

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
	"github.com/ocopfair/ocopfair/services/gateway/internal/live"
	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

// profiles is a stand-in for the exhibitor, matchmaking and event services as the live stream
// asks them: the caller's own producer or buyer profile, and the fairs.
type profiles struct {
	mu        sync.Mutex
	producers map[string]string // account → producer
	buyers    map[string]string // account → buyer
	fairs     []map[string]any
	// crowd is how many other organisers' public fairs the list shows before fairs, the way a
	// busy event service lists older fairs first.
	crowd int
	// fairLists counts the fair list requests.
	fairLists int
}

func (p *profiles) serve(t *testing.T) *url.URL {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The gateway asks with a token of the caller's own; its subject is the account.
		_, tok, _ := strings.Cut(r.Header.Get("Authorization"), "Bearer ")
		parts := strings.Split(tok, ".")
		var claims struct {
			Sub string `json:"sub"`
		}
		if len(parts) != 3 {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		_ = json.Unmarshal(payload, &claims)
		p.mu.Lock()
		defer p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/producers/me", "/api/buyers/me":
			id := p.producers[claims.Sub]
			if r.URL.Path == "/api/buyers/me" {
				id = p.buyers[claims.Sub]
			}
			if id == "" {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]string{"id": id, "account_id": claims.Sub})
		case "/api/fairs":
			p.fairLists++
			_ = json.NewEncoder(w).Encode(p.fairPage(r.URL.Query(), claims.Sub))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

// fairPage answers a fair list as the event service does: organiser=me keeps only the caller's
// own fairs; pages of limit (at most 100) follow an offset cursor.
func (p *profiles) fairPage(q url.Values, account string) map[string]any {
	var all []map[string]any
	if q.Get("organiser") == "me" {
		for _, f := range p.fairs {
			if slices.Contains(f["organisers"].([]string), account) {
				all = append(all, f)
			}
		}
	} else {
		for i := range p.crowd {
			all = append(all, map[string]any{"id": fmt.Sprintf("fair-crowd-%d", i), "organisers": []string{"someone-else"}})
		}
		all = append(all, p.fairs...)
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	limit = min(max(limit, 1), 100)
	from, _ := strconv.Atoi(q.Get("cursor"))
	from = min(max(from, 0), len(all))
	to := min(from+limit, len(all))
	next := ""
	if to < len(all) {
		next = strconv.Itoa(to)
	}
	return map[string]any{"items": all[from:to], "next_cursor": next}
}

// stream is an open /api/live.
type stream struct {
	notices chan live.Notice
	ended   chan struct{} // closed when the server ends the stream
}

// openStream gets a ticket with token and opens the stream with it.
func (f fixture) openStream(t *testing.T, token string) stream {
	t.Helper()
	var tr live.TicketResponse
	r := f.client.With(token).Do(t, "POST", "/api/live/ticket", nil)
	r.Decode(t, &tr)
	// A ticket lives TicketTTL, from up to a second ahead right after a revocation (see Issue).
	if r.Status != 200 || tr.Ticket == "" || time.Until(tr.ExpiresAt) > live.TicketTTL+time.Second {
		t.Fatalf("ticket: %d %s", r.Status, r.Body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", f.client.Base+"/api/live?ticket="+url.QueryEscape(tr.Ticket), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("GET /api/live: %d", resp.StatusCode)
	}
	s := stream{notices: make(chan live.Notice, 16), ended: make(chan struct{})}
	connected := make(chan struct{})
	go func() {
		defer close(s.ended)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			if line == ": connected" {
				close(connected)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				var n live.Notice
				if json.Unmarshal([]byte(data), &n) == nil {
					s.notices <- n
				}
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream did not open")
	}
	// A used ticket opens nothing more.
	if r := f.client.Do(t, "GET", "/api/live?ticket="+url.QueryEscape(tr.Ticket), nil); r.Status != 401 {
		t.Errorf("a used ticket: %d, want 401", r.Status)
	}
	return s
}

// next returns the next notice, failing the test after 10 s.
func (s stream) next(t *testing.T) live.Notice {
	t.Helper()
	select {
	case n := <-s.notices:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no notice within 10s")
		return live.Notice{}
	}
}

func publish(t *testing.T, nc *nats.Conn, subject, aggregate string, payload any) {
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

func application(id, fair, producer string) events.ApplicationChangedV1 {
	return events.ApplicationChangedV1{Application: events.ApplicationV1{ID: id, FairID: fair, ProducerID: producer, Status: "submitted"}}
}

func (f fixture) register(t *testing.T, email, role string) (token, accountID string) {
	t.Helper()
	r := f.client.Do(t, "POST", "/api/auth/register", map[string]string{"email": email, "password": "long-enough-pw", "name": "Tên " + role, "role": role})
	var reg account.RegisterResponse
	r.Decode(t, &reg)
	if r.Status != 201 {
		t.Fatalf("register %s: %d %s", email, r.Status, r.Body)
	}
	return reg.AccessToken, reg.Account.ID
}

// startWithProfiles starts a gateway whose services are all prof, and a NATS connection to
// publish the services' events on.
func startWithProfiles(t *testing.T, prof *profiles) (fixture, *nats.Conn) {
	t.Helper()
	f := start(t, func(c *Config) {
		u := prof.serve(t)
		c.Upstreams[proxy.Exhibitor], c.Upstreams[proxy.Matchmaking], c.Upstreams[proxy.Event] = u, u, u
	})
	nc, err := nats.Connect(f.natsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return f, nc
}

// organiser has the admin create an organiser's account, and signs it in.
func (f fixture) organiser(t *testing.T) (token, accountID string) {
	t.Helper()
	admin := f.login(t, "admin@example.vn", "admin-password-1")
	if r := f.client.With(admin).Do(t, "POST", "/api/accounts", map[string]string{"email": "org@example.vn", "password": "organiser-pass-1", "name": "Ban tổ chức", "role": "organiser"}); r.Status != 201 {
		t.Fatalf("organiser: %d %s", r.Status, r.Body)
	}
	token = f.login(t, "org@example.vn", "organiser-pass-1")
	var me account.Response
	f.client.With(token).Do(t, "GET", "/api/auth/me", nil).Decode(t, &me)
	return token, me.ID
}

func TestLiveStreamSendsEachUserOnlyTheirOwn(t *testing.T) {
	prof := &profiles{producers: map[string]string{}, buyers: map[string]string{}}
	f, nc := startWithProfiles(t, prof)
	tokA, accA := f.register(t, "a@example.vn", "producer")
	_, accB := f.register(t, "b@example.vn", "producer")
	tokC, accC := f.register(t, "c@example.vn", "producer")
	tokBuyer, accBuyer := f.register(t, "buyer@example.vn", "buyer")
	admin := f.login(t, "admin@example.vn", "admin-password-1")
	tokOrg, orgID := f.organiser(t)
	prof.mu.Lock()
	prof.producers[accA], prof.producers[accB], prof.buyers[accBuyer] = "prod-A", "prod-B", "buyer-1"
	prof.fairs = []map[string]any{{"id": "fair-own", "organisers": []string{orgID}}, {"id": "fair-other", "organisers": []string{"someone-else"}}}
	prof.mu.Unlock()

	a, c, buyer, org, all := f.openStream(t, tokA), f.openStream(t, tokC), f.openStream(t, tokBuyer), f.openStream(t, tokOrg), f.openStream(t, admin)

	// Each stream's first notice must be its own: the others' were published before it.
	publish(t, nc, events.ApplicationSubmitted, "app-B", application("app-B", "fair-other", "prod-B"))
	publish(t, nc, events.ApplicationSubmitted, "app-A", application("app-A", "fair-other", "prod-A"))
	if n := a.next(t); n.ApplicationID != "app-A" {
		t.Errorf("producer A's stream got %+v first, want its own application app-A", n)
	}
	if n := all.next(t); n.ApplicationID != "app-B" {
		t.Errorf("the admin's stream got %+v first, want app-B", n)
	}
	publish(t, nc, events.MeetingRequested, "m-2", events.MeetingChangedV1{Meeting: events.MeetingV1{ID: "m-2", FairID: "fair-other", BuyerID: "buyer-2", ProducerID: "prod-B"}})
	publish(t, nc, events.MeetingRequested, "m-1", events.MeetingChangedV1{Meeting: events.MeetingV1{ID: "m-1", FairID: "fair-other", BuyerID: "buyer-1", ProducerID: "prod-A"}})
	if n := buyer.next(t); n.MeetingID != "m-1" {
		t.Errorf("the buyer's stream got %+v first, want its own meeting m-1", n)
	}
	if n := a.next(t); n.MeetingID != "m-1" {
		t.Errorf("producer A's stream got %+v, want its meeting m-1", n)
	}
	publish(t, nc, events.ApplicationSubmitted, "app-own", application("app-own", "fair-own", "prod-B"))
	if n := org.next(t); n.ApplicationID != "app-own" {
		t.Errorf("the organiser's stream got %+v first, want app-own at the fair it organises", n)
	}
	// A profile made while the stream is open joins its scope from its own event.
	publish(t, nc, events.ApplicationSubmitted, "app-B2", application("app-B2", "fair-other", "prod-B"))
	publish(t, nc, events.ProducerRegistered, "prod-C", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "prod-C", AccountID: accC}})
	publish(t, nc, events.ApplicationSubmitted, "app-C", application("app-C", "fair-other", "prod-C"))
	if n := c.next(t); n.ApplicationID != "app-C" {
		t.Errorf("producer C's stream got %+v first, want app-C of the profile it made while connected", n)
	}
	// So does a fair an organiser creates.
	publish(t, nc, events.FairCreated, "fair-new", events.FairChangedV1{Fair: events.FairV1{ID: "fair-new", Status: "draft", Organisers: []string{orgID}}})
	if n := org.next(t); n.FairID != "fair-new" || n.Type != events.FairCreated {
		t.Errorf("the organiser's stream got %+v, want its new draft fair", n)
	}
	publish(t, nc, events.ApplicationSubmitted, "app-new", application("app-new", "fair-new", "prod-B"))
	if n := org.next(t); n.ApplicationID != "app-new" {
		t.Errorf("the organiser's stream got %+v, want app-new at its new fair", n)
	}
	// A draft fair is its organisers' business; a published one is everyone's.
	publish(t, nc, events.FairCreated, "fair-draft", events.FairChangedV1{Fair: events.FairV1{ID: "fair-draft", Status: "draft", Organisers: []string{"someone-else"}}})
	publish(t, nc, events.FairPublished, "fair-pub", events.FairChangedV1{Fair: events.FairV1{ID: "fair-pub", Status: "published", Organisers: []string{"someone-else"}}})
	if n := a.next(t); n.FairID != "fair-pub" {
		t.Errorf("producer A's stream got %+v, want the published fair and not the draft", n)
	}
}

// TestLiveOrganiserScopeIsItsOwnFairsInOneRequest: an organiser's stream learns its fairs from
// one request for its own fairs, even when thousands of other fairs start before its newest one.
func TestLiveOrganiserScopeIsItsOwnFairsInOneRequest(t *testing.T) {
	prof := &profiles{producers: map[string]string{}, buyers: map[string]string{}, crowd: 2100}
	f, nc := startWithProfiles(t, prof)
	tokOrg, orgID := f.organiser(t)
	prof.mu.Lock()
	prof.fairs = []map[string]any{{"id": "fair-newest", "organisers": []string{orgID}}}
	prof.mu.Unlock()

	org := f.openStream(t, tokOrg)
	publish(t, nc, events.ApplicationSubmitted, "app-crowd", application("app-crowd", "fair-crowd-7", "prod-B"))
	publish(t, nc, events.ApplicationSubmitted, "app-newest", application("app-newest", "fair-newest", "prod-B"))
	if n := org.next(t); n.ApplicationID != "app-newest" {
		t.Errorf("the organiser's stream got %+v first, want app-newest at its newest fair", n)
	}
	prof.mu.Lock()
	defer prof.mu.Unlock()
	if prof.fairLists != 1 {
		t.Errorf("opening the organiser's stream asked for %d fair pages, want 1", prof.fairLists)
	}
}

func TestLiveStreamRefusesATokenInTheURL(t *testing.T) {
	f := start(t, nil)
	tok := f.login(t, "admin@example.vn", "admin-password-1")
	if r := f.client.Do(t, "GET", "/api/live?token="+url.QueryEscape(tok), nil); r.Status != 401 {
		t.Errorf("GET /api/live?token=: %d %s, want 401", r.Status, r.Body)
	}
	if r := f.client.Do(t, "GET", "/api/live?ticket="+url.QueryEscape(tok), nil); r.Status != 401 {
		t.Errorf("an access token passed as a ticket: %d, want 401", r.Status)
	}
	if r := f.client.Do(t, "GET", "/api/live", nil); r.Status != 401 {
		t.Errorf("GET /api/live without a ticket: %d, want 401", r.Status)
	}
	if r := f.client.Do(t, "POST", "/api/live/ticket", nil); r.Status != 401 {
		t.Errorf("a ticket without signing in: %d, want 401", r.Status)
	}
}
