package exhibitorapp

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

type queueItem struct {
	ID           string
	ProducerName string `json:"producer_name"`
	ProvinceCode string `json:"province_code"`
	Status       string
	Eligible     bool
	Products     []struct{ Sector string }
}

type queuePage struct {
	Items      []queueItem
	NextCursor string `json:"next_cursor"`
}

// list reads every page of the fair's queue with query (limit 1, to walk the cursor), and
// returns the producers' names in the order given.
func listQueue(t *testing.T, c testenv.Client, fair, query string) ([]queueItem, []string) {
	t.Helper()
	var items []queueItem
	var names []string
	cursor := ""
	for range 20 {
		r := c.Do(t, "GET", "/api/fairs/"+fair+"/applications?limit=1&"+query+"&cursor="+url.QueryEscape(cursor), nil)
		if r.Status != 200 {
			t.Fatalf("queue %s: %d %s", query, r.Status, r.Body)
		}
		var p queuePage
		r.Decode(t, &p)
		for _, it := range p.Items {
			items = append(items, it)
			names = append(names, strings.TrimPrefix(it.ProducerName, "HTX Nước mắm Phú Quốc "))
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	return items, names
}

// TestOrganisersQueue: an organiser narrows a fair's applications by status, eligibility,
// stars, province, sector and words, in several orders, page by page; counts the tabs under the
// same filters; and reviews several at once, each answered on its own.
func TestOrganisersQueue(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	f.publishFair(t, openFair("fair-q", orgID), events.FairPublished)
	f.publishFair(t, openFair("fair-other", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	type producer struct {
		c   testenv.Client
		app string
	}
	ps := map[string]*producer{}
	for _, p := range []struct {
		tax, product string
		stars        int
	}{{"1700000301", "Mật ong hoa bạc hà", 4}, {"1700000302", "Nước mắm cá cơm", 5}, {"1700000303", "Trà shan tuyết", 3}, {"1700000304", "Mắm tôm chua", 4}} {
		c, _, prod := f.producerWithProduct(t, p.tax, p.product, p.stars, issued)
		testenv.Eventually(t, "the fair in the model", func() bool {
			return org.Do(t, "GET", "/api/fairs/fair-q/applications", nil).Status == 200
		})
		ps[p.tax] = &producer{c: c, app: apply(t, c, "fair-q", prod)}
	}
	review(t, ps["1700000304"].c, ps["1700000304"].app, "withdraw")

	check := func(query string, want ...string) {
		t.Helper()
		if _, got := listQueue(t, org, "fair-q", query); !slices.Equal(got, want) {
			t.Errorf("queue ?%s = %v, want %v", query, got, want)
		}
	}
	check("", "1700000301", "1700000302", "1700000303", "1700000304")
	check("sort=-submitted", "1700000304", "1700000303", "1700000302", "1700000301")
	check("sort=-stars&status=submitted", "1700000302", "1700000301", "1700000303")
	check("sort=ineligible&status=submitted", "1700000303", "1700000301", "1700000302")
	check("eligible=false", "1700000303")
	check("stars=4,5&status=submitted,approved", "1700000301", "1700000302")
	check("q=mat+ong", "1700000301")
	check("q=NUOC+MAM+ca", "1700000302")
	items, _ := listQueue(t, org, "fair-q", "")
	check("province="+items[0].ProvinceCode, "1700000301", "1700000302", "1700000303", "1700000304")
	check("province=01")
	check("sector="+items[0].Products[0].Sector+"&status=withdrawn", "1700000304")

	var counts struct {
		ByStatus map[string]int `json:"by_status"`
		Total    int
	}
	org.Do(t, "GET", "/api/fairs/fair-q/applications/counts?stars=4&status=submitted", nil).Decode(t, &counts)
	if counts.Total != 2 || counts.ByStatus["submitted"] != 1 || counts.ByStatus["withdrawn"] != 1 || counts.ByStatus["approved"] != 0 {
		t.Errorf("counts of the 4★ tabs: %+v; want 1 submitted, 1 withdrawn (the status filter aside)", counts)
	}
	ps["1700000301"].c.Do(t, "GET", "/api/fairs/fair-q/applications/counts", nil).Decode(t, &counts)
	if counts.Total != 1 {
		t.Errorf("a producer counts %d applications, want its own 1", counts.Total)
	}
	for query, field := range map[string]string{"sort=best": "sort", "stars=7": "stars", "eligible=maybe": "eligible", "status=done": "status"} {
		if r := org.Do(t, "GET", "/api/fairs/fair-q/applications?"+query, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
			t.Errorf("?%s: %d %s; want 422 naming %s", query, r.Status, r.Body, field)
		}
	}
	checkBulk(t, f, org, ps["1700000301"].c, ps["1700000301"].app, ps["1700000302"].app, ps["1700000304"].app)
}

// checkBulk: an organiser approves several applications at once; each is answered on its own.
func checkBulk(t *testing.T, f fixture, org, producer testenv.Client, first, second, withdrawn string) {
	t.Helper()
	otherTok, _ := f.tokens.Token(t, "organiser", "")
	body := map[string]any{"action": "approve", "ids": []string{first, second, withdrawn, first, "01900000-0000-7000-8000-000000000000"}}
	for name, c := range map[string]testenv.Client{"the producer": producer, "another fair's organiser": f.api.With(otherTok)} {
		if r := c.Do(t, "POST", "/api/fairs/fair-q/applications/review", body); r.Status != 403 {
			t.Errorf("%s reviews in bulk: %d, want 403", name, r.Status)
		}
	}
	if r := org.Do(t, "POST", "/api/fairs/fair-q/applications/review", map[string]any{"action": "reject", "ids": []string{first}}); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"reason"`) {
		t.Errorf("bulk reject without a reason: %d %s", r.Status, r.Body)
	}
	r := org.Do(t, "POST", "/api/fairs/fair-q/applications/review", body, "Accept-Language", "vi")
	var got struct {
		Results []struct {
			ID          string
			Moved       bool
			Application *struct{ Status string }
			Error       *struct {
				Status int
				Code   string
				Detail string
			}
		}
		Moved, Failed int
	}
	r.Decode(t, &got)
	if r.Status != 200 || got.Moved != 2 || got.Failed != 2 || len(got.Results) != 4 {
		t.Fatalf("bulk approve: %d %s; want 2 moved, 2 failed, 4 results (the repeat counted once)", r.Status, r.Body)
	}
	for i, want := range []struct {
		moved bool
		code  int
	}{{true, 0}, {true, 0}, {false, 409}, {false, 404}} {
		res := got.Results[i]
		switch {
		case res.Moved != want.moved:
			t.Errorf("result %d (%s): moved %v, want %v", i, res.ID, res.Moved, want.moved)
		case want.moved && (res.Application == nil || res.Application.Status != "approved"):
			t.Errorf("result %d: %+v, want the approved application", i, res.Application)
		case !want.moved && (res.Error == nil || res.Error.Status != want.code || res.Error.Detail == ""):
			t.Errorf("result %d: error %+v, want status %d with a detail", i, res.Error, want.code)
		}
	}
	if _, names := listQueue(t, org, "fair-q", "status=approved"); len(names) != 2 {
		t.Errorf("approved after the bulk review: %v, want 2", names)
	}
}
