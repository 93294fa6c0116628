package eventapp

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestFairListOrganisedByMe: organiser=me lists exactly the caller's own fairs in any status,
// page by page, and nobody else's published ones.
func TestFairListOrganisedByMe(t *testing.T) {
	e := setup(t)
	draft := e.createFair(t, "Hội chợ nháp")
	published := e.createFair(t, "Hội chợ đã công bố")
	if r := e.org.Do(t, "POST", "/api/fairs/"+published+"/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	otherTok, _ := e.tokens.Token(t, "organiser", "")
	other := e.api.With(otherTok)
	r := other.Do(t, "POST", "/api/fairs", fairBody("Hội chợ của người khác"))
	if r.Status != 201 {
		t.Fatalf("other organiser creates: %d %s", r.Status, r.Body)
	}
	var theirs struct{ ID string }
	r.Decode(t, &theirs)
	if r := other.Do(t, "POST", "/api/fairs/"+theirs.ID+"/publish", nil); r.Status != 200 {
		t.Fatalf("other organiser publishes: %d %s", r.Status, r.Body)
	}

	var got []string
	cursor := ""
	for range 5 {
		ids, next := fairPage(t, e, "organiser=me&limit=1&cursor="+url.QueryEscape(cursor))
		got = append(got, ids...)
		if cursor = next; cursor == "" {
			break
		}
	}
	want := []string{draft, published}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("GET /api/fairs?organiser=me = %v, want the caller's draft and published fairs %v (not %s)", got, want, theirs.ID)
	}

	for _, c := range []struct {
		name, token, query string
		want               int
		field              string
	}{
		{"anonymous", "", "organiser=me", 401, ""},
		{"someone else's account", "", "organiser=" + e.orgID, 422, "organiser"},
		{"signed in, another value", otherTok, "organiser=all", 422, "organiser"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.api.With(c.token).Do(t, "GET", "/api/fairs?"+c.query, nil)
			if r.Status != c.want || !strings.Contains(string(r.Body), c.field) {
				t.Errorf("GET /api/fairs?%s = %d %s, want %d naming %q", c.query, r.Status, r.Body, c.want, c.field)
			}
		})
	}
}

// TestFairListLatestFirst: order=desc lists the latest start first, page by page, so that past
// fairs are read newest first however many there are; a cursor keeps to the order it was made in.
func TestFairListLatestFirst(t *testing.T) {
	e := setup(t)
	var want []string
	for i, name := range []string{"Hội chợ tháng Một", "Hội chợ tháng Hai", "Hội chợ tháng Ba"} {
		body := fairBody(name)
		start := time.Now().In(vntext.Zone).AddDate(0, 4-i, 0)
		body["start_date"], body["end_date"] = start.Format(time.DateOnly), start.AddDate(0, 0, 2).Format(time.DateOnly)
		r := e.org.Do(t, "POST", "/api/fairs", body)
		if r.Status != 201 {
			t.Fatalf("create %s: %d %s", name, r.Status, r.Body)
		}
		var f struct{ ID string }
		r.Decode(t, &f)
		want = append(want, f.ID)
	}
	page := func(query string) ([]string, string) { return fairPage(t, e, "organiser=me&limit=2&"+query) }
	first, next := page("order=desc")
	rest, _ := page("order=desc&cursor=" + url.QueryEscape(next))
	if got := append(first, rest...); !slices.Equal(got, want) {
		t.Errorf("order=desc lists %v, want the latest start first %v", got, want)
	}
	_, ascNext := page("")
	for _, c := range []struct{ query, field string }{
		{"order=newest", "order"},
		{"order=desc&cursor=" + url.QueryEscape(ascNext), "cursor"},
		{"cursor=" + url.QueryEscape(next), "cursor"},
	} {
		if r := e.org.Do(t, "GET", "/api/fairs?organiser=me&"+c.query, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"`+c.field+`"`) {
			t.Errorf("GET /api/fairs?%s = %d %s, want 422 naming %s", c.query, r.Status, r.Body, c.field)
		}
	}
}

// fairPage reads a page of GET /api/fairs?query as the organiser: its fairs' IDs, in order, and
// the next page's cursor.
func fairPage(t *testing.T, e env, query string) (ids []string, next string) {
	t.Helper()
	r := e.org.Do(t, "GET", "/api/fairs?"+query, nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/fairs?%s: %d %s", query, r.Status, r.Body)
	}
	var p struct {
		Items      []struct{ ID string }
		NextCursor string `json:"next_cursor"`
	}
	r.Decode(t, &p)
	for _, f := range p.Items {
		ids = append(ids, f.ID)
	}
	return ids, p.NextCursor
}

// A fair's organisers may name any account ID, but a producer or buyer listed there sees no
// draft through it, in the list or by organiser=me: drafts are for organisers.
func TestADraftListingAProducerStaysHidden(t *testing.T) {
	e := setup(t)
	prodTok, prodID := e.tokens.Token(t, "producer", "")
	body := fairBody("Hội chợ nháp có tên lạ")
	body["organisers"] = []string{e.orgID, prodID}
	r := e.org.Do(t, "POST", "/api/fairs", body)
	if r.Status != 201 {
		t.Fatalf("draft: %d %s", r.Status, r.Body)
	}
	var draft struct{ ID string }
	r.Decode(t, &draft)
	prod := e.api.With(prodTok)
	for _, q := range []string{"", "?organiser=me", "?status=draft"} {
		if r := prod.Do(t, "GET", "/api/fairs"+q, nil); strings.Contains(string(r.Body), draft.ID) {
			t.Errorf("GET /api/fairs%s by a producer listed as organiser shows the draft: %s", q, r.Body)
		}
	}
	if r := e.org.Do(t, "GET", "/api/fairs?organiser=me", nil); !strings.Contains(string(r.Body), draft.ID) {
		t.Errorf("the organiser's own list lacks the draft: %s", r.Body)
	}
}
