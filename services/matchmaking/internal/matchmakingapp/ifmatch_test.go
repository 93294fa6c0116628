package matchmakingapp

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// TestBuyerWritesCheckTheVersionLoaded: a buyer edits its profile or a request on two devices.
// With If-Match (the ETag the page loaded) a change made meanwhile is reported, not overwritten;
// closing a request is checked the same way, and an edit of a closed request is refused.
func TestBuyerWritesCheckTheVersionLoaded(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	_, api := startOn(t, natsURL, tokens)
	tok, _ := tokens.Token(t, "buyer", "")
	c := api.With(tok)
	r := c.Do(t, "POST", "/api/buyers", map[string]any{"name": "Siêu thị Xanh", "kind": "supermarket_chain", "province": "Hà Nội"})
	if r.Status != 201 {
		t.Fatalf("buyer: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.Decode(t, &b)
	me := c.Do(t, "GET", "/api/buyers/me", nil)
	if tag := me.Header.Get("ETag"); tag != `"1"` {
		t.Fatalf("profile ETag %q, want \"1\"", tag)
	}
	if r := c.Do(t, "PATCH", "/api/buyers/"+b.ID, map[string]any{"name": "Siêu thị Xanh Hà Nội"}, "If-Match", `"1"`); r.Status != 200 || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("first device: %d %s (ETag %q)", r.Status, r.Body, r.Header.Get("ETag"))
	}
	stale := c.Do(t, "PATCH", "/api/buyers/"+b.ID, map[string]any{"name": "Xanh Mart"}, "If-Match", `"1"`)
	if stale.Status != 409 || !strings.Contains(string(stale.Body), `"code":"buyer_record_changed"`) {
		t.Fatalf("second device with the old version: %d %s, want 409 buyer_record_changed", stale.Status, stale.Body)
	}
	if r := c.Do(t, "PATCH", "/api/buyers/"+b.ID, map[string]any{"contact": map[string]any{"name": "Thu Hà", "email": "thuha@sieuthixanh"}}); r.Status != 422 ||
		!strings.Contains(string(r.Body), `"field":"contact.email"`) {
		t.Errorf("a contact email without a domain ending: %d %s, want 422 on contact.email", r.Status, r.Body)
	}
	var now struct{ Name string }
	c.Do(t, "GET", "/api/buyers/me", nil).Decode(t, &now)
	if now.Name != "Siêu thị Xanh Hà Nội" {
		t.Errorf("profile name %q after the refused write, want the first device's", now.Name)
	}

	r = c.Do(t, "POST", "/api/buyers/"+b.ID+"/requests", map[string]any{"title": "Mật ong xuất khẩu EU", "criteria_sets": []int{4}, "target_market": "EU"})
	if r.Status != 201 {
		t.Fatalf("request: %d %s", r.Status, r.Body)
	}
	var req struct{ ID string }
	r.Decode(t, &req)
	path := "/api/requests/" + req.ID
	if tag := c.Do(t, "GET", path, nil).Header.Get("ETag"); tag != `"1"` {
		t.Fatalf("request ETag %q, want \"1\"", tag)
	}
	if r := c.Do(t, "PATCH", path, map[string]any{"monthly_volume": 2, "unit": "tonne"}, "If-Match", "1"); r.Status != 200 {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	if r := c.Do(t, "PATCH", path, map[string]any{"title": "Mật ong rừng"}, "If-Match", `"1"`); r.Status != 409 || !strings.Contains(string(r.Body), `"code":"buyer_record_changed"`) {
		t.Fatalf("stale edit: %d %s, want 409 buyer_record_changed", r.Status, r.Body)
	}
	if r := c.Do(t, "POST", path+"/close", nil, "If-Match", `"1"`); r.Status != 409 {
		t.Fatalf("stale close: %d %s, want 409", r.Status, r.Body)
	}
	closed := c.Do(t, "POST", path+"/close", nil, "If-Match", `"2"`)
	var after struct{ Status, Title string }
	closed.Decode(t, &after)
	if closed.Status != 200 || after.Status != "closed" || after.Title != "Mật ong xuất khẩu EU" || closed.Header.Get("ETag") != `"3"` {
		t.Fatalf("close: %d %s (ETag %q)", closed.Status, closed.Body, closed.Header.Get("ETag"))
	}
	if r := c.Do(t, "PATCH", path, map[string]any{"title": "Mật ong rừng", "keywords": []string{"mật ong"}}); r.Status != 409 || !strings.Contains(string(r.Body), `"code":"sourcing_request_closed"`) {
		t.Fatalf("edit of a closed request: %d %s, want 409 sourcing_request_closed", r.Status, r.Body)
	}

	other, _ := tokens.Token(t, "buyer", "")
	if r := api.With(other).Do(t, "PATCH", path, map[string]any{"title": "Của tôi"}); r.Status != 403 {
		t.Fatalf("another buyer's edit: %d %s, want 403", r.Status, r.Body)
	}
	if r := api.With(other).Do(t, "PATCH", "/api/buyers/"+b.ID, map[string]any{"name": "Của tôi"}, "If-Match", "*"); r.Status != 403 {
		t.Fatalf("another buyer's profile edit: %d %s, want 403", r.Status, r.Body)
	}
}

// TestTheBuyerReadsItsRequestAsStoredOnEveryReplica: a buyer saves a request on one replica and
// its page reads it back from another that had just cached it: the buyer gets the saved version
// and its ETag, so the next edit is not refused as made over an older one.
func TestTheBuyerReadsItsRequestAsStoredOnEveryReplica(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	uri := testenv.SharedURI(t)
	_, api1 := startReplica(t, natsURL, uri, tokens, func(*App) {})
	_, api2 := startReplica(t, natsURL, uri, tokens, func(*App) {})
	tok, _ := tokens.Token(t, "buyer", "")
	one, two := api1.With(tok), api2.With(tok)
	id := newBuyer(t, one, "Siêu thị Xanh")
	r := one.Do(t, "POST", "/api/buyers/"+id+"/requests", map[string]any{"title": "Mật ong rừng", "keywords": []string{"mật ong"}})
	var req struct{ ID string }
	r.Decode(t, &req)
	path := "/api/requests/" + req.ID
	testenv.Eventually(t, "the second replica reads the request", func() bool { return two.Do(t, "GET", path, nil).Status == 200 })
	if r := one.Do(t, "PATCH", path, map[string]any{"title": "Mật ong rừng Tây Bắc"}, "If-Match", `"1"`); r.Status != 200 {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	again := two.Do(t, "GET", path, nil)
	var got struct{ Title string }
	again.Decode(t, &got)
	if got.Title != "Mật ong rừng Tây Bắc" || again.Header.Get("ETag") != `"2"` {
		t.Errorf("the buyer's read on the other replica: %q, ETag %q, want the saved title and \"2\"", got.Title, again.Header.Get("ETag"))
	}
}

// A buyer's contact given changes the members it names (a new phone keeps the name and email),
// and a sourcing request names a fair buyers may see, or none.
func TestBuyerContactPatchAndRequestFair(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	_, api := startOn(t, natsURL, tokens)
	tok, _ := tokens.Token(t, "buyer", "")
	c := api.With(tok)
	var b struct{ ID string }
	c.Do(t, "POST", "/api/buyers", map[string]any{"name": "Siêu thị Xanh", "kind": "supermarket_chain", "province": "Hà Nội"}).Decode(t, &b)
	// A contact given changes the members it names: a new phone keeps the name and email.
	c.Do(t, "PATCH", "/api/buyers/"+b.ID, map[string]any{"contact": map[string]any{"name": "Thu Hà", "email": "thuha@sieuthixanh.vn"}})
	var contact struct {
		Contact struct{ Name, Phone, Email string }
	}
	c.Do(t, "PATCH", "/api/buyers/"+b.ID, map[string]any{"contact": map[string]any{"phone": "0912345678"}}).Decode(t, &contact)
	if got := contact.Contact; got.Name != "Thu Hà" || got.Email != "thuha@sieuthixanh.vn" || got.Phone != "0912345678" {
		t.Errorf("contact after a new phone %+v, want the name and email kept", got)
	}
	// A request names a fair buyers may see, or none; what is not even a fair's ID is not waited for.
	for _, id := range []string{"no-such-fair", strings.ToUpper(uuid.NewString()), uuid.NewString()} {
		began := time.Now()
		r := c.Do(t, "POST", "/api/buyers/"+b.ID+"/requests", map[string]any{"title": "Mật ong", "criteria_sets": []int{4}, "fair_id": id})
		if r.Status != 422 || !strings.Contains(string(r.Body), `"code":"request_fair_unknown"`) {
			t.Errorf("a request naming no fair there is (%s): %d %s, want 422 request_fair_unknown", id, r.Status, r.Body)
		}
		if took := time.Since(began); (id == "no-such-fair" || id != strings.ToLower(id)) && took > time.Second {
			t.Errorf("a request naming %q took %v, want its 422 at once", id, took)
		}
	}
}
