package live

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/auth"
)

// A replica holds at most its number of streams, all accounts together: beyond it, a ticket and
// a stream are answered 503 live_full with Retry-After (pages work, only not live), until one
// closes. Before, accounts enough opened streams until the gateway ran out of memory or files.
func TestAFullReplicaRefusesStreamsUntilOneCloses(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := &Relay{resolve: func(context.Context, auth.Principal) (Scope, error) { return Scope{}, nil }, clients: map[*client]struct{}{}, done: make(chan struct{}), max: 2}
	var leaves []func()
	for _, acc := range []string{"acc-1", "acc-2"} {
		_, leave, err := r.join(context.Background(), auth.Principal{AccountID: acc, Role: auth.RoleProducer})
		if err != nil {
			t.Fatalf("%s's stream: %v", acc, err)
		}
		leaves = append(leaves, leave)
	}
	third := auth.Principal{AccountID: "acc-3", Role: auth.RoleBuyer}
	if _, _, err := r.join(context.Background(), third); !errors.Is(err, errLiveFull) {
		t.Errorf("a third stream on a replica of two: %v, want live_full", err)
	}
	pub, priv, _ := ed25519.GenerateKey(nil)
	tickets := NewTickets(priv, "k1", map[string]ed25519.PublicKey{"k1": pub})
	routes := NewRoutes(r, tickets)
	g := gin.New()
	g.POST("/api/live/ticket", routes.issueTicket)
	g.GET("/api/live", routes.stream)
	ticket, _, err := tickets.Issue(third, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// A stream that opens anyway ends with its request, after a second.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, req := range []*http.Request{httptest.NewRequest(http.MethodPost, "/api/live/ticket", nil),
		httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/live?ticket="+url.QueryEscape(ticket), nil)} {
		w := httptest.NewRecorder()
		g.ServeHTTP(w, req)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "30" || !strings.Contains(w.Body.String(), `"live_full"`) {
			t.Errorf("%s %s on a full replica: %d Retry-After %q %s, want 503 live_full after 30 s", req.Method, req.URL.Path, w.Code, w.Header().Get("Retry-After"), w.Body)
		}
	}
	leaves[0]()
	if _, _, err := r.join(context.Background(), third); err != nil {
		t.Errorf("a stream once one closed: %v", err)
	}
}

// A stream whose lookup of its scope fails, or panics, gives its place back.
func TestAStreamWhoseLookupFailsGivesItsPlaceBack(t *testing.T) {
	fail := func(_ context.Context, p auth.Principal) (Scope, error) {
		if p.AccountID == "panics" {
			panic("lookup")
		}
		return Scope{}, errors.New("lookup failed")
	}
	r := &Relay{resolve: fail, clients: map[*client]struct{}{}, done: make(chan struct{}), max: 1}
	if _, _, err := r.join(context.Background(), auth.Principal{AccountID: "fails", Role: auth.RoleBuyer}); err == nil {
		t.Fatal("a failed lookup joined")
	}
	func() {
		defer func() { _ = recover() }()
		_, _, _ = r.join(context.Background(), auth.Principal{AccountID: "panics", Role: auth.RoleBuyer})
	}()
	if r.full() {
		t.Error("the replica of one stream is full after two lookups that failed")
	}
}
