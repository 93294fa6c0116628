package exhibitorapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// messages returns the events of subject now in the EXHIBITOR stream.
func (f fixture) messages(t *testing.T, subject string) []events.Envelope {
	t.Helper()
	cons, err := f.js.OrderedConsumer(context.Background(), "EXHIBITOR", jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.FetchNoWait(1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []events.Envelope
	for m := range batch.Messages() {
		var env events.Envelope
		if err := json.Unmarshal(m.Data(), &env); err != nil {
			t.Fatal(err)
		}
		out = append(out, env)
	}
	return out
}

// producerWithProduct registers a producer profile and one product; it returns the client, the
// producer ID and the product ID.
func (f fixture) producerWithProduct(t *testing.T, taxCode, product string, stars int, issued string) (testenv.Client, string, string) {
	t.Helper()
	tok, _ := f.tokens.Token(t, "producer", "")
	c := f.api.With(tok)
	r := c.Do(t, "POST", "/api/producers", profile(taxCode))
	if r.Status != 201 {
		t.Fatalf("profile: %d %s", r.Status, r.Body)
	}
	var p struct{ ID string }
	r.Decode(t, &p)
	r = c.Do(t, "POST", "/api/producers/"+p.ID+"/products", map[string]any{
		"name_vi": product, "criteria_set": 9, "stars": stars, "unit": "bottle", "monthly_capacity": 5000,
		"certificate": map[string]string{"decision_no": "77/QĐ-UBND", "issued_by": "UBND tỉnh Kiên Giang", "issued_on": issued},
	}, "Idempotency-Key", "prod-"+taxCode)
	if r.Status != 201 {
		t.Fatalf("product: %d %s", r.Status, r.Body)
	}
	var pr struct{ ID string }
	r.Decode(t, &pr)
	return c, p.ID, pr.ID
}

func (f fixture) publishFair(t *testing.T, fair events.FairV1, subject string) {
	t.Helper()
	env, err := events.New(subject, 1, fair.ID, "", events.FairChangedV1{Fair: fair})
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), f.js, env); err != nil {
		t.Fatal(err)
	}
}

func openFair(id, organiser string) events.FairV1 {
	now := time.Now().In(vntext.Zone)
	return events.FairV1{ID: id, NameVI: "Hội chợ OCOP Hà Nội", Status: "published", Revision: 2,
		StartDate: now.AddDate(0, 1, 0).Format(time.DateOnly), EndDate: now.AddDate(0, 1, 4).Format(time.DateOnly),
		ApplicationsOpen: now.Add(-time.Hour), ApplicationsClose: now.AddDate(0, 0, 20),
		Eligibility: events.EligibilityV1{MinStars: 4, MaxBoothsPerProducer: 2}, Organisers: []string{organiser}}
}

func TestProductsCatalogueAndOwnership(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, prodA := f.producerWithProduct(t, "1700000001", "Nước mắm Phú Quốc", 4, issued)
	b, _, _ := f.producerWithProduct(t, "1700000002", "Nuoc mam Phu Quoc nhan hieu moi", 3, issued)
	// Retry of the same create returns the same product.
	if r := a.Do(t, "POST", "/api/producers/"+aID+"/products", map[string]any{"name_vi": "Nước mắm Phú Quốc", "criteria_set": 9, "stars": 4, "unit": "bottle", "monthly_capacity": 5000,
		"certificate": map[string]string{"decision_no": "77/QĐ-UBND", "issued_by": "UBND tỉnh Kiên Giang", "issued_on": issued}}, "Idempotency-Key", "prod-1700000001"); r.Header.Get("Idempotent-Replayed") != "true" || r.Header.Get("ETag") == "" {
		t.Errorf("retried create: %d %s", r.Status, r.Body)
	}
	stepOnlyItsProducerEditsAProduct(t, a, b, aID, prodA)
	stepEditsFromTwoPhones(t, a, aID, prodA)
	stepCatalogueSearch(t, f, prodA)
	stepOwnProductsByName(t, f, a, aID, issued)
	if r := a.Do(t, "DELETE", "/api/products/"+prodA, nil); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := f.api.Do(t, "GET", "/api/products/"+prodA, nil); r.Status != 404 {
		t.Errorf("deleted product: %d", r.Status)
	}
	testenv.Eventually(t, "created, updated and deleted events", func() bool {
		return len(f.messages(t, events.ProductCreated)) == 4 && len(f.messages(t, events.ProductUpdated)) >= 6 && len(f.messages(t, events.ProductDeleted)) == 1
	})
	var created events.ProductChangedV1
	if err := f.messages(t, events.ProductCreated)[0].Decode(&created); err != nil || created.Product.ProvinceCode != "91" || created.Product.Sector != "food" || created.Product.Certificate.DecisionNo == "" {
		t.Errorf("created payload %+v, %v", created.Product, err)
	}
}

// stepOnlyItsProducerEditsAProduct: producer b cannot touch a's products; a can, within the rules.
func stepOnlyItsProducerEditsAProduct(t *testing.T, a, b testenv.Client, aID, prodA string) {
	t.Helper()
	checkCalls(t, []call{
		{"B patches A's product", b, "PATCH", "/api/products/" + prodA, map[string]any{"stars": 5}, 403},
		{"B deletes A's product", b, "DELETE", "/api/products/" + prodA, nil, 403},
		{"B adds to A's profile", b, "POST", "/api/producers/" + aID + "/products", map[string]any{"name_vi": "x"}, 403},
		{"A patches own", a, "PATCH", "/api/products/" + prodA, map[string]any{"price_max_vnd": 150000}, 200},
		{"bad gtin", a, "PATCH", "/api/products/" + prodA, map[string]any{"gtin": "1234567890123"}, 422},
	})
}

// stepEditsFromTwoPhones: with If-Match, an edit made from a version another phone has since
// changed is refused and changes nothing; from the current version (one of a list, quoted or
// not) it is saved. The producer's profile edited meanwhile (copied onto its products) does not
// count as a change of the product.
func stepEditsFromTwoPhones(t *testing.T, a testenv.Client, aID, prod string) {
	t.Helper()
	var got struct {
		Code     string `json:"code"`
		PriceMax int64  `json:"price_max_vnd"`
		Revision int64  `json:"revision"`
	}
	loaded := a.Do(t, "GET", "/api/products/"+prod, nil)
	loaded.Decode(t, &got)
	tag, rev := loaded.Header.Get("ETag"), got.Revision
	if loaded.Status != 200 || !strings.HasPrefix(tag, `"`) {
		t.Fatalf("GET: %d, ETag %q", loaded.Status, tag)
	}
	if r := a.Do(t, "PATCH", "/api/producers/"+aID, map[string]any{"phone": "0297 384 6790"}); r.Status != 200 {
		t.Fatalf("profile edit: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the profile copied onto the product", func() bool {
		a.Do(t, "GET", "/api/products/"+prod, nil).Decode(t, &got)
		return got.Revision > rev
	})
	first := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"price_max_vnd": 150000}, "If-Match", strings.Trim(tag, `"`))
	if first.Status != 200 || first.Header.Get("ETag") == tag {
		t.Fatalf("PATCH from the version loaded (the profile changed since): %d %s, ETag %q after %q", first.Status, first.Body, first.Header.Get("ETag"), tag)
	}
	// Saved at once too while the profile is being copied onto the product.
	if r := a.Do(t, "PATCH", "/api/producers/"+aID, map[string]any{"phone": "0297 384 6791"}); r.Status != 200 {
		t.Fatalf("profile edit: %d %s", r.Status, r.Body)
	}
	during := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"price_max_vnd": 170000}, "If-Match", first.Header.Get("ETag"))
	newTag := during.Header.Get("ETag")
	if during.Status != 200 || newTag == "" {
		t.Fatalf("PATCH while the profile is copied onto the product: %d %s", during.Status, during.Body)
	}
	second := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"price_max_vnd": 90000}, "If-Match", tag)
	if second.Decode(t, &got); second.Status != 409 || got.Code != "product_revision_changed" {
		t.Errorf("PATCH from a stale version: %d %s, want 409 product_revision_changed", second.Status, second.Body)
	}
	if a.Do(t, "GET", "/api/products/"+prod, nil).Decode(t, &got); got.PriceMax != 170000 {
		t.Errorf("after the refused edit the price is %d, want the first phone's 170000", got.PriceMax)
	}
	listed := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"price_max_vnd": 160000}, "If-Match", tag+", "+newTag)
	if listed.Status != 200 {
		t.Fatalf("PATCH naming the current version in a list: %d %s", listed.Status, listed.Body)
	}
	// Six phones save from the same version at once: one is saved, the others are told it changed.
	codes := make(chan string, 6)
	for i := range 6 {
		go func() {
			r := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"price_max_vnd": 180000 + i}, "If-Match", listed.Header.Get("ETag"))
			var p struct{ Code string }
			_ = json.Unmarshal(r.Body, &p)
			codes <- fmt.Sprint(r.Status, " ", p.Code)
		}()
	}
	answers := map[string]int{}
	for range 6 {
		answers[<-codes]++
	}
	if answers["200 "] != 1 || answers["409 product_revision_changed"] != 5 {
		t.Errorf("six saves from one version at once answered %v, want one 200 and five 409 product_revision_changed", answers)
	}
}

// call is one request of a table of checks and the status it must get.
type call struct {
	name   string
	client testenv.Client
	method string
	path   string
	body   any
	want   int
}

// checkCalls makes each call in a subtest of its name and checks its status.
func checkCalls(t *testing.T, calls []call) {
	t.Helper()
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if r := c.client.Do(t, c.method, c.path, c.body); r.Status != c.want {
				t.Errorf("%d, want %d: %s", r.Status, c.want, r.Body)
			}
		})
	}
}

// stepCatalogueSearch: the catalogue's search ignores diacritics, ranks exact-diacritic matches
// first across pages, and filters by stars and province.
func stepCatalogueSearch(t *testing.T, f fixture, prodA string) {
	t.Helper()
	var page struct {
		Items []struct {
			ID                string `json:"id"`
			NameVI            string `json:"name_vi"`
			CertificateStatus string `json:"certificate_status"`
		}
		NextCursor string `json:"next_cursor"`
	}
	f.api.Do(t, "GET", "/api/products?q=nuoc+mam+phu+quoc", nil).Decode(t, &page)
	if len(page.Items) != 2 {
		t.Errorf("diacritic-insensitive search: %+v", page.Items)
	}
	f.api.Do(t, "GET", "/api/products?q=N%C6%B0%E1%BB%9Bc+m%E1%BA%AFm&limit=1", nil).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != prodA || page.NextCursor == "" {
		t.Fatalf("exact-diacritic match first: %+v", page)
	}
	cursor := page.NextCursor
	f.api.Do(t, "GET", "/api/products?q=N%C6%B0%E1%BB%9Bc+m%E1%BA%AFm&limit=1&cursor="+cursor, nil).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID == prodA {
		t.Errorf("second page: %+v", page)
	}
	f.api.Do(t, "GET", "/api/products?min_stars=4&province=An+Giang", nil).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != prodA {
		t.Errorf("min_stars and province filter: %+v", page.Items)
	}
	if r := f.api.Do(t, "GET", "/api/products?min_stars=2", nil); r.Status != 422 {
		t.Errorf("min_stars=2: %d", r.Status)
	}
}

// stepOwnProductsByName: a producer's own list goes by name ignoring diacritics, one page at a
// time.
func stepOwnProductsByName(t *testing.T, f fixture, a testenv.Client, aID, issued string) {
	t.Helper()
	for _, name := range []string{"Mắm ruốc", "Mắm cá cơm"} {
		if r := a.Do(t, "POST", "/api/producers/"+aID+"/products", map[string]any{"name_vi": name, "criteria_set": 9, "stars": 3, "unit": "jar", "monthly_capacity": 800,
			"certificate": map[string]string{"decision_no": "78/QĐ-UBND", "issued_by": "UBND tỉnh Kiên Giang", "issued_on": issued}}); r.Status != 201 {
			t.Fatalf("second product: %d %s", r.Status, r.Body)
		}
	}
	var names []string
	seen := map[string]bool{}
	for _, it := range testenv.Pages[struct {
		ID     string
		NameVI string `json:"name_vi"`
	}](t, f.api, "/api/producers/"+aID+"/products") {
		names, seen[it.ID] = append(names, it.NameVI), true
	}
	if len(seen) != 3 || strings.Join(names, "|") != "Mắm cá cơm|Mắm ruốc|Nước mắm Phú Quốc" {
		t.Errorf("A's products page by page: %v (%d distinct)", names, len(seen))
	}
}

func TestExpiredProductCannotApplyAndSweepAnnouncesOnce(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	f.publishFair(t, openFair("fair-2", orgID), events.FairPublished)
	expiredIssue := time.Now().AddDate(-4, 0, 0).Format(time.DateOnly)
	a, _, prod := f.producerWithProduct(t, "1700000021", "Rượu ngô men lá", 3, expiredIssue)
	testenv.Eventually(t, "fair read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-2/applications", nil).Status == 200
	})
	r := a.Do(t, "POST", "/api/fairs/fair-2/applications", map[string]any{"product_ids": []string{prod}})
	if r.Status != 422 || !strings.Contains(string(r.Body), `"code":"certificates_current"`) {
		t.Errorf("expired product application: %d %s", r.Status, r.Body)
	}
	var got struct {
		CertificateStatus string `json:"certificate_status"`
		ShownAsOCOP       bool   `json:"shown_as_ocop"`
	}
	f.api.Do(t, "GET", "/api/products/"+prod, nil).Decode(t, &got)
	if got.CertificateStatus != "expired" || got.ShownAsOCOP {
		t.Errorf("expired product shows %+v", got)
	}
	for i := 0; i < 3; i++ {
		if _, err := f.app.Sweep(context.Background(), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	testenv.Eventually(t, "one certificate_expired event", func() bool { return len(f.messages(t, events.ProductCertificateExpired)) == 1 })
	time.Sleep(300 * time.Millisecond)
	if n := len(f.messages(t, events.ProductCertificateExpired)); n != 1 {
		t.Errorf("%d certificate_expired events after three sweeps, want 1", n)
	}
}
