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
		"certificate": map[string]string{"decision_no": "77/QĐ-UBND", "issued_by": "UBND tỉnh Kiên Giang", "issued_on": issued}}, "Idempotency-Key", "prod-1700000001"); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retried create: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		name   string
		client testenv.Client
		method string
		path   string
		body   any
		want   int
	}{
		{"B patches A's product", b, "PATCH", "/api/products/" + prodA, map[string]any{"stars": 5}, 403},
		{"B deletes A's product", b, "DELETE", "/api/products/" + prodA, nil, 403},
		{"B adds to A's profile", b, "POST", "/api/producers/" + aID + "/products", map[string]any{"name_vi": "x"}, 403},
		{"A patches own", a, "PATCH", "/api/products/" + prodA, map[string]any{"price_max_vnd": 150000}, 200},
		{"bad gtin", a, "PATCH", "/api/products/" + prodA, map[string]any{"gtin": "1234567890123"}, 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := c.client.Do(t, c.method, c.path, c.body); r.Status != c.want {
				t.Errorf("%d, want %d: %s", r.Status, c.want, r.Body)
			}
		})
	}
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
	// A's own list, by name ignoring diacritics, one page at a time.
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
	if r := a.Do(t, "DELETE", "/api/products/"+prodA, nil); r.Status != 204 {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := f.api.Do(t, "GET", "/api/products/"+prodA, nil); r.Status != 404 {
		t.Errorf("deleted product: %d", r.Status)
	}
	testenv.Eventually(t, "created, updated and deleted events", func() bool {
		return len(f.messages(t, events.ProductCreated)) == 4 && len(f.messages(t, events.ProductUpdated)) == 1 && len(f.messages(t, events.ProductDeleted)) == 1
	})
	var created events.ProductChangedV1
	if err := f.messages(t, events.ProductCreated)[0].Decode(&created); err != nil || created.Product.ProvinceCode != "91" || created.Product.Sector != "food" || created.Product.Certificate.DecisionNo == "" {
		t.Errorf("created payload %+v, %v", created.Product, err)
	}
}

func TestApplicationsFlow(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	otherOrg, _ := f.tokens.Token(t, "organiser", "")
	buyer, _ := f.tokens.Token(t, "buyer", "")
	fair := openFair("fair-1", orgID)
	f.publishFair(t, fair, events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, prodA := f.producerWithProduct(t, "1700000011", "Nước mắm Phú Quốc", 4, issued)
	b, _, prodB := f.producerWithProduct(t, "1700000012", "Nước mắm Hàm Ninh", 3, issued)
	testenv.Eventually(t, "the fair in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-1/applications", nil).Status == 200
	})
	r := a.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodA}, "booth_count": 2, "preferred_zone": "Khu Nam Bộ"}, "Idempotency-Key", "apply-1")
	if r.Status != 201 {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	var appA struct {
		ID          string
		Eligible    bool
		Eligibility []struct {
			Code     string
			Pass     bool
			ReasonVI string `json:"reason_vi"`
		}
	}
	r.Decode(t, &appA)
	if !appA.Eligible || len(appA.Eligibility) != 5 {
		t.Errorf("A eligibility: %s", r.Body)
	}
	if r := a.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodA}}); r.Status != 409 {
		t.Errorf("second active application: %d %s", r.Status, r.Body)
	}
	r = b.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodB}})
	var appB struct {
		ID       string
		Eligible bool
	}
	r.Decode(t, &appB)
	if r.Status != 201 || appB.Eligible {
		t.Errorf("B (3★ at a 4★ fair) should be submitted but not eligible: %d %s", r.Status, r.Body)
	}
	if r := b.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodA}}); r.Status != 409 && r.Status != 422 {
		t.Errorf("B applying with A's product: %d", r.Status)
	}
	for _, c := range []struct {
		name   string
		client testenv.Client
		method string
		path   string
		body   any
		want   int
	}{
		{"buyer approves", f.api.With(buyer), "POST", "/api/applications/" + appA.ID + "/approve", nil, 403},
		{"B approves A", b, "POST", "/api/applications/" + appA.ID + "/approve", nil, 403},
		{"B reads A", b, "GET", "/api/applications/" + appA.ID, nil, 403},
		{"B withdraws A", b, "POST", "/api/applications/" + appA.ID + "/withdraw", nil, 403},
		{"organiser of another fair approves", f.api.With(otherOrg), "POST", "/api/applications/" + appA.ID + "/approve", nil, 403},
		{"reject without reason", org, "POST", "/api/applications/" + appB.ID + "/reject", map[string]string{}, 422},
		{"reject B", org, "POST", "/api/applications/" + appB.ID + "/reject", map[string]string{"reason": "Chưa đạt 4 sao"}, 200},
		{"approve A", org, "POST", "/api/applications/" + appA.ID + "/approve", nil, 200},
		{"approve A twice", org, "POST", "/api/applications/" + appA.ID + "/approve", nil, 409},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := c.client.Do(t, c.method, c.path, c.body); r.Status != c.want {
				t.Errorf("%d, want %d: %s", r.Status, c.want, r.Body)
			}
		})
	}
	var own struct{ Items []struct{ ID string } }
	b.Do(t, "GET", "/api/fairs/fair-1/applications", nil).Decode(t, &own)
	if len(own.Items) != 1 || own.Items[0].ID != appB.ID {
		t.Errorf("producer B sees %+v, want only its own", own.Items)
	}
	var all struct{ Items []struct{ ID string } }
	org.Do(t, "GET", "/api/fairs/fair-1/applications", nil).Decode(t, &all)
	if len(all.Items) != 2 {
		t.Errorf("organiser sees %d applications, want 2", len(all.Items))
	}

	// A booth is assigned in the event service: the application shows its code.
	ev, _ := events.New(events.BoothAssigned, 1, "fair-1", "", events.BoothAssignmentV1{FairID: "fair-1", BoothCode: "B07", ApplicationID: appA.ID, ProducerID: "x"})
	if err := bus.Publish(context.Background(), f.js, ev); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the booth code on the application", func() bool {
		return strings.Contains(string(a.Do(t, "GET", "/api/applications/"+appA.ID, nil).Body), `"booths":["B07"]`)
	})

	// The fair is cancelled: active applications are cancelled with the reason.
	cancelled := fair
	cancelled.Status, cancelled.CancelReason, cancelled.Revision = "cancelled", "Bão số 3", 3
	f.publishFair(t, cancelled, events.FairCancelled)
	testenv.Eventually(t, "A cancelled", func() bool {
		return strings.Contains(string(a.Do(t, "GET", "/api/applications/"+appA.ID, nil).Body), `"status":"cancelled"`)
	})
	testenv.Eventually(t, "submitted, approved, rejected and cancelled events", func() bool {
		return len(f.messages(t, events.ApplicationSubmitted)) == 2 && len(f.messages(t, events.ApplicationApproved)) == 1 &&
			len(f.messages(t, events.ApplicationRejected)) == 1 && len(f.messages(t, events.ApplicationCancelled)) == 1
	})
	var approved events.ApplicationChangedV1
	if err := f.messages(t, events.ApplicationApproved)[0].Decode(&approved); err != nil || approved.Application.BoothCount != 2 ||
		approved.Application.ProvinceCode != "91" || approved.Application.Products[0].Stars != 4 || approved.Application.PreferredZone != "Khu Nam Bộ" {
		t.Errorf("approved payload %+v, %v", approved.Application, err)
	}
	if r := a.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodA}}); r.Status != 409 {
		t.Errorf("applying to a cancelled fair: %d", r.Status)
	}

	// A's applications to every fair, newest first, one page at a time.
	f.publishFair(t, openFair("fair-1b", orgID), events.FairPublished)
	testenv.Eventually(t, "the second fair in the read model", func() bool {
		return org.Do(t, "GET", "/api/fairs/fair-1b/applications", nil).Status == 200
	})
	var second struct{ ID string }
	if r := a.Do(t, "POST", "/api/fairs/fair-1b/applications", map[string]any{"product_ids": []string{prodA}}); r.Status != 201 {
		t.Fatalf("apply to the second fair: %d %s", r.Status, r.Body)
	} else {
		r.Decode(t, &second)
	}
	var got []string
	for _, it := range testenv.Pages[struct{ ID string }](t, a, "/api/applications") {
		got = append(got, it.ID)
	}
	if len(got) != 2 || got[0] != second.ID || got[1] != appA.ID {
		t.Errorf("A's applications page by page: %v, want [%s %s]", got, second.ID, appA.ID)
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
	if r.Status != 422 || !strings.Contains(string(r.Body), "expired") {
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

func TestImport(t *testing.T) {
	f := start(t)
	orgTok, _ := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	csv := "Tên chủ thể,Loại hình,Mã số thuế,Tỉnh,Xã/phường,Điện thoại,Tên sản phẩm,Nhóm sản phẩm,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
		"HTX Mật ong Bắc Hà,HTX,5300123456,Lào Cai,Xã Bắc Hà,0912345678,Mật ong bạc hà,4,4 sao,12/QĐ-UBND,UBND tỉnh Lào Cai,15/03/2024,lít\n" +
		"HTX Mật ong Bắc Hà,HTX,5300123456,Lào Cai,Xã Bắc Hà,0912345678,Phấn hoa,4,3,13/QĐ-UBND,UBND tỉnh Lào Cai,15/03/2024,kg\n" +
		"Cơ sở Lụa Vạn Phúc,Hộ kinh doanh,0101234567,Hà Tây,Phường Vạn Phúc,0243 382 1234,Khăn lụa tơ tằm,Vải và may mặc,4,90/QĐ-UBND,UBND TP Hà Nội,01/06/2024,cái\n" +
		"Bad row,HTX,12,Atlantis,Xã X,123,Sản phẩm,99,7,,UBND,32/13/2024,kg\n"
	r := org.Do(t, "POST", "/api/producers/import", csv, "Content-Type", "text/csv")
	if r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var rep struct {
		Rows, ProducersCreated, ProductsCreated, Skipped, Rejected int
		Results                                                    []struct {
			Row       int `json:"row"`
			Status    string
			Errors    []struct{ Field string }
			ClaimCode string `json:"claim_code"`
		}
	}
	raw := r.Body
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	var counts struct {
		ProducersCreated int `json:"producers_created"`
		ProductsCreated  int `json:"products_created"`
		Skipped          int `json:"skipped"`
		Rejected         int `json:"rejected"`
	}
	_ = json.Unmarshal(raw, &counts)
	if rep.Rows != 4 || counts.ProducersCreated != 2 || counts.ProductsCreated != 3 || counts.Rejected != 1 {
		t.Fatalf("report %s", raw)
	}
	bad := rep.Results[3]
	fields := fmt.Sprint(bad.Errors)
	for _, want := range []string{"criteria_set", "stars", "issued_on"} {
		if bad.Status != "rejected" || !strings.Contains(fields, want) {
			t.Errorf("row 5 errors %s lack %s", fields, want)
		}
	}
	// The same file again creates nothing.
	again := org.Do(t, "POST", "/api/producers/import", csv, "Content-Type", "text/csv")
	_ = json.Unmarshal(again.Body, &counts)
	if counts.ProducersCreated != 0 || counts.ProductsCreated != 0 || counts.Skipped != 3 {
		t.Errorf("re-import: %s", again.Body)
	}
	// The Vạn Phúc silk workshop signs up with its tax code and the claim code the organiser
	// handed over, and gets the imported profile.
	tok, _ := f.tokens.Token(t, "producer", "")
	claim := f.api.With(tok).Do(t, "POST", "/api/producers", map[string]any{"kind": "household_business", "legal_name": "Cơ sở Lụa Vạn Phúc",
		"tax_code": "0101234567", "province": "Hà Nội", "commune": "Phường Hà Đông", "phone": "0912 111 222", "claim_code": rep.Results[2].ClaimCode})
	if claim.Status != 201 || !strings.Contains(string(claim.Body), `"revision":2`) {
		t.Errorf("claim: %d %s", claim.Status, claim.Body)
	}
	producer := f.api.With(tok)
	if r := producer.Do(t, "POST", "/api/producers/import", csv, "Content-Type", "text/csv"); r.Status != 403 {
		t.Errorf("producer importing: %d", r.Status)
	}

	// Someone registers a company's public tax code before the organiser imports the company:
	// the import must not hand the company's certified products to that profile.
	squatTok, _ := f.tokens.Token(t, "producer", "")
	squatter := f.api.With(squatTok)
	if r := squatter.Do(t, "POST", "/api/producers", map[string]any{"kind": "enterprise", "legal_name": "Squatter Co",
		"tax_code": "0109990099", "province": "Hà Nội", "commune": "Xã A", "phone": "0912000111"}); r.Status != 201 {
		t.Fatalf("squatter registers: %d %s", r.Status, r.Body)
	}
	real := "Tên chủ thể,Loại hình,Mã số thuế,Tỉnh,Xã/phường,Điện thoại,Tên sản phẩm,Nhóm sản phẩm,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
		"Công ty Thật,Doanh nghiệp,0109990099,Hà Nội,Xã A,0243 382 1000,Nước mắm thật,4,5,91/QĐ-UBND,UBND TP Hà Nội,01/06/2024,chai\n"
	r = org.Do(t, "POST", "/api/producers/import", real, "Content-Type", "text/csv")
	_ = json.Unmarshal(r.Body, &counts)
	if r.Status != 200 || counts.ProductsCreated != 0 || counts.Skipped != 1 || !strings.Contains(string(r.Body), "manages its own profile") {
		t.Errorf("import onto a self-registered tax code: %d %s", r.Status, r.Body)
	}
	mine := squatter.Do(t, "GET", "/api/producers/me", nil)
	var me struct{ ID string }
	_ = json.Unmarshal(mine.Body, &me)
	if list := squatter.Do(t, "GET", "/api/producers/"+me.ID+"/products", nil); strings.Contains(string(list.Body), "Nước mắm thật") {
		t.Errorf("the squatter got the imported product: %s", list.Body)
	}
}
