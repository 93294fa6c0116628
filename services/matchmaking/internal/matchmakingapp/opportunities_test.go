package matchmakingapp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
)

// opportunity is what these tests read of a producer's opportunity.
type opportunity struct {
	Buyer   string `json:"buyer_name"`
	Request struct{ ID, Title string }
}

// TestOpportunitiesShareTheListAmongBuyers: a producer's opportunities are scored from every open
// request, held in memory on each replica (a request posted or closed on one shows on the other),
// each buyer's best three come before any buyer's further ones, and a request that fits everyone
// alike (every sector; every sector with a word found nowhere) comes after those that name the
// producer's goods narrowly. Before, one buyer's many requests, or junk ones with a title alone
// (which fit everyone), filled the list.
func TestOpportunitiesShareTheListAmongBuyers(t *testing.T) {
	tokens := testenv.NewTokens(t)
	app, api, api2 := twoReplicasWithHoney(t, tokens)
	pTok, _ := tokens.Token(t, "producer", "p1-account")
	post := func(c testenv.Client, id, title string, body map[string]any) string {
		t.Helper()
		body["title"] = title
		r := c.Do(t, "POST", "/api/buyers/"+id+"/requests", body)
		if r.Status != 201 {
			t.Fatalf("request %q: %d %s", title, r.Status, r.Body)
		}
		var req struct{ ID string }
		r.Decode(t, &req)
		return req.ID
	}
	var manyAcc string
	buyerOf := func(name string) (testenv.Client, string) {
		tok, acc := tokens.Token(t, "buyer", "")
		c := api.With(tok)
		if manyAcc == "" {
			manyAcc = acc
		}
		return c, newBuyer(t, c, name)
	}
	many, manyID := buyerOf("Siêu thị Nhiều Đơn")
	for i := range 5 {
		post(many, manyID, fmt.Sprintf("Mật ong đợt %d", i+1), map[string]any{"criteria_sets": []int{4}, "keywords": []string{"mật ong"}})
	}
	// The vague request scores above the restaurant's, which asks for HACCP that p1 lacks.
	vague, vagueID := buyerOf("Công ty Chung Chung")
	every := []string{"food", "beverage", "medicinal", "handicraft", "ornamental", "tourism"}
	post(vague, vagueID, "Cần hàng OCOP", map[string]any{"sectors": every})
	junk, junkID := buyerOf("Công ty Rác")
	post(junk, junkID, "Rác", map[string]any{"keywords": []string{"zz0"}, "sectors": every})
	one, oneID := buyerOf("Nhà hàng Một Đơn")
	first := post(one, oneID, "Mật ong cho nhà hàng", map[string]any{"criteria_sets": []int{4}, "required_certifications": []string{"haccp"}})

	read := func(c testenv.Client, limit int) []opportunity {
		t.Helper()
		got, _ := readPage(t, c, fmt.Sprintf("?limit=%d", limit))
		return got
	}
	byBuyer := func(list []opportunity) map[string]int {
		n := map[string]int{}
		for _, o := range list {
			n[o.Buyer]++
		}
		return n
	}
	mine, other := api.With(pTok), api2.With(pTok)
	testenv.Eventually(t, "the other replica holds the 8 requests", func() bool { return len(read(other, 20)) == 8 })
	for name, c := range map[string]testenv.Client{"this replica": mine, "the other": other} {
		top := read(c, 4)
		if n := byBuyer(top); len(top) != 4 || n["Siêu thị Nhiều Đơn"] != buyer.OpportunityShare || n["Nhà hàng Một Đơn"] != 1 {
			t.Errorf("%s: the first 4 = %+v, want 3 of the buyer with 5 and the other buyer's one", name, top)
		}
		all := read(c, 20)
		if all[3].Buyer != "Nhà hàng Một Đơn" || all[4].Request.Title != "Cần hàng OCOP" || all[5].Buyer != "Công ty Rác" {
			t.Errorf("%s: the list = %+v, want the one-request buyer's 4th, then the requests that fit everyone (naming nothing; every sector and a word found nowhere), before the further two", name, all)
		}
	}
	checkPaged(t, mine, read(mine, 20))
	// Another producer is refused before its query is looked at.
	otherTok, _ := tokens.Token(t, "producer", "p2-account")
	if r := api.With(otherTok).Do(t, "GET", "/api/producers/p1/opportunities?cursor=x&limit=0", nil); r.Status != 403 {
		t.Errorf("another producer with a bad cursor: %d %s, want 403", r.Status, r.Body)
	}
	if r := one.Do(t, "POST", "/api/requests/"+first+"/close", nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	if n := byBuyer(read(mine, 20)); n["Nhà hàng Một Đơn"] != 0 {
		t.Errorf("the closed request still listed on the replica that closed it: %v", n)
	}
	testenv.Eventually(t, "the other replica drops the closed request", func() bool { return byBuyer(read(other, 20))["Nhà hàng Một Đơn"] == 0 })
	// An admin disables the buyer with five requests: within seconds no producer sees them.
	publish(t, app, events.AccountTokensRevoked, manyAcc, events.AccountTokensRevokedV1{AccountID: manyAcc, NotBefore: time.Now(), Reason: events.RevokedDisabled})
	for _, c := range []testenv.Client{mine, other} {
		testenv.Eventually(t, "the disabled buyer's requests left out", func() bool { return byBuyer(read(c, 20))["Siêu thị Nhiều Đơn"] == 0 })
	}
}

// readPage reads one page of p1's opportunities (query: "?limit=…&cursor=…") and its next cursor.
func readPage(t *testing.T, c testenv.Client, query string) ([]opportunity, string) {
	t.Helper()
	r := c.Do(t, "GET", "/api/producers/p1/opportunities"+query, nil)
	if r.Status != 200 {
		t.Fatalf("opportunities%s: %d %s", query, r.Status, r.Body)
	}
	var page struct {
		Items      []opportunity
		NextCursor string `json:"next_cursor"`
	}
	r.Decode(t, &page)
	return page.Items, page.NextCursor
}

// checkPaged: the opportunities read three and four at a time, following each page's cursor,
// are the whole list in its order (a producer reaches past the first page), in as many pages as
// it takes and no empty one after; a cursor that names no page is refused.
func checkPaged(t *testing.T, c testenv.Client, whole []opportunity) {
	t.Helper()
	for _, size := range []int{3, 4} {
		var paged []opportunity
		cursor, pages := "", 0
		for range 10 {
			page, next := readPage(t, c, fmt.Sprintf("?limit=%d&cursor=%s", size, cursor))
			if pages++; len(page) == 0 {
				t.Errorf("%d at a time, page %d is empty: the list should have ended before it", size, pages)
			}
			paged = append(paged, page...)
			if cursor = next; cursor == "" {
				break
			}
		}
		if want := (len(whole) + size - 1) / size; fmt.Sprint(paged) != fmt.Sprint(whole) || pages != want {
			t.Errorf("read %d at a time, %d pages: %+v\nwant the whole list in %d: %+v", size, pages, paged, want, whole)
		}
	}
	for _, bad := range []string{"eyJhdCI6LTF9", "eyJhdCI6OTk5OTk5OX0", "x"} { // {"at":-1}, {"at":9999999}
		if r := c.Do(t, "GET", "/api/producers/p1/opportunities?cursor="+bad, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"cursor"`) {
			t.Errorf("cursor %s: %d %s, want 422 on the cursor", bad, r.Status, r.Body)
		}
	}
}

// twoReplicasWithHoney starts two replicas on one database and stream whose index holds producer
// p1 (account "p1-account") with one honey product, and returns the first and both clients.
func twoReplicasWithHoney(t *testing.T, tokens testenv.Tokens) (*App, testenv.Client, testenv.Client) {
	t.Helper()
	_, natsURL := testenv.NATS(t)
	uri := testenv.SharedURI(t)
	app, api := startReplica(t, natsURL, uri, tokens, func(*App) {})
	app2, api2 := startReplica(t, natsURL, uri, tokens, func(*App) {})
	producerOf(t, app, "p1", "p1-account")
	publish(t, app, events.ProductCreated, "x1", events.ProductChangedV1{Product: events.ProductV1{ID: "x1", ProducerID: "p1", NameVI: "Mật ong bạc hà",
		CriteriaSet: 4, Sector: "food", Stars: 4, Unit: "kg", MonthlyCapacity: 500, Revision: 1,
		Certificate: events.CertificateV1{ExpiresOn: time.Now().In(vntext.Zone).AddDate(2, 0, 0).Format(time.DateOnly)}}})
	for _, a := range []*App{app, app2} {
		testenv.Eventually(t, "the index holds p1's product", func() bool { return a.Index.Stats().Products == 1 })
	}
	return app, api, api2
}
