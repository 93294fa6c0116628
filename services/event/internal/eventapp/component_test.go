package eventapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
)

type env struct {
	app      *App
	api      testenv.Client
	tokens   testenv.Tokens
	org      testenv.Client
	orgID    string
	js       jetstream.JetStream
	consumed func(subject string) []events.Envelope
}

func setup(t *testing.T) env {
	t.Helper()
	app, tokens := newApp(t)
	api := testenv.Client{Base: testenv.Serve(t, app.Run)}
	tok, orgID := tokens.Token(t, "organiser", "")
	e := env{app: app, api: api, tokens: tokens, org: api.With(tok), orgID: orgID, js: app.Host.JS}
	e.consumed = func(subject string) []events.Envelope {
		t.Helper()
		cons, err := e.js.OrderedConsumer(context.Background(), "EVENT", jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
		if err != nil {
			t.Fatal(err)
		}
		var out []events.Envelope
		batch, err := cons.FetchNoWait(1000)
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			var ev events.Envelope
			if err := json.Unmarshal(m.Data(), &ev); err != nil {
				t.Fatal(err)
			}
			out = append(out, ev)
		}
		return out
	}
	return e
}

func fairBody(name string) map[string]any {
	now := time.Now().In(vntext.Zone)
	start := now.AddDate(0, 1, 0)
	return map[string]any{
		"name_vi": name, "name_en": "Ha Noi OCOP Fair", "kind": "fair", "region": "red_river_delta", "host_province": "Hà Nội",
		"venue":             map[string]string{"name": "Cung Văn hóa Hữu nghị", "address": "91 Trần Hưng Đạo, Hà Nội"},
		"start_date":        start.Format(time.DateOnly),
		"end_date":          start.AddDate(0, 0, 4).Format(time.DateOnly),
		"applications_open": now.Add(-time.Hour).Format(time.RFC3339), "applications_close": start.AddDate(0, 0, -7).Format(time.RFC3339),
		"eligibility": map[string]any{"min_stars": 3, "province_quotas": map[string]int{"01": 1}},
		"fees":        map[string]any{"booth_prices": map[string]int64{"standard": 12_000_000}, "subsidy_percent": 50, "max_subsidised_booths": 2},
	}
}

func (e env) createFair(t *testing.T, name string) string {
	t.Helper()
	r := e.org.Do(t, "POST", "/api/fairs", fairBody(name))
	if r.Status != 201 {
		t.Fatalf("create fair: %d %s", r.Status, r.Body)
	}
	var f struct{ ID string }
	r.Decode(t, &f)
	return f.ID
}

// startDate is the first day of fair id, as its organiser reads it.
func (e env) startDate(t *testing.T, id string) string {
	t.Helper()
	var f struct {
		StartDate string `json:"start_date"`
	}
	e.org.Do(t, "GET", "/api/fairs/"+id, nil).Decode(t, &f)
	return f.StartDate
}

func (e env) publishApplication(t *testing.T, a events.ApplicationV1, subject string) {
	t.Helper()
	ev, err := events.New(subject, 1, a.ID, "", events.ApplicationChangedV1{Application: a})
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), e.js, ev); err != nil {
		t.Fatal(err)
	}
}

func approved(id, fairID, province string, stars, set, count int) events.ApplicationV1 {
	return events.ApplicationV1{ID: id, FairID: fairID, ProducerID: "prod-" + id, ProducerName: "HTX " + id, ProvinceCode: province,
		Products:  []events.ApplicationProductV1{{ProductID: "p-" + id, Name: "Sản phẩm " + id, CriteriaSet: set, Sector: "food", Stars: stars}},
		BoothKind: "standard", BoothCount: count, Status: "approved", SubmittedAt: time.Now(), Revision: 2}
}

func TestFairLifecycleRolesAndSearch(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP Hà Nội mùa Thu")
	producer, _ := e.tokens.Token(t, "producer", "")
	buyer, _ := e.tokens.Token(t, "buyer", "")
	otherOrg, _ := e.tokens.Token(t, "organiser", "")
	admin, _ := e.tokens.Token(t, "admin", "")
	for _, c := range []struct {
		name, token, method, path string
		body                      any
		want                      int
	}{
		{"producer creates", producer, "POST", "/api/fairs", fairBody("Hội chợ giả mạo"), 403},
		{"buyer publishes", buyer, "POST", "/api/fairs/" + id + "/publish", nil, 403},
		{"other organiser edits a draft it cannot see", otherOrg, "PATCH", "/api/fairs/" + id, map[string]any{"theme": "x"}, 404},
		{"anonymous creates", "", "POST", "/api/fairs", fairBody("Hội chợ giả mạo"), 401},
		{"draft hidden from public", "", "GET", "/api/fairs/" + id, nil, 404},
		{"admin edits", admin, "PATCH", "/api/fairs/" + id, map[string]any{"theme": "Sản phẩm OCOP vùng miền"}, 200},
		{"start a draft", "", "", "", nil, 0},
	} {
		if c.method == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			if r := e.api.With(c.token).Do(t, c.method, c.path, c.body); r.Status != c.want {
				t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, r.Status, c.want, r.Body)
			}
		})
	}
	r := e.org.Do(t, "POST", "/api/fairs/"+id+"/start", nil, "Accept-Language", "en")
	if r.Status != 409 || !strings.Contains(string(r.Body), "allowed: cancel or publish") {
		t.Errorf("start a draft: %d %s", r.Status, r.Body)
	}
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	list := e.api.Do(t, "GET", "/api/fairs?q=ha%20noi%20mua%20thu&status=published", nil)
	var page struct {
		Items []struct {
			ID                     string
			AcceptsApplicationsNow bool `json:"accepts_applications_now"`
		}
	}
	list.Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != id || !page.Items[0].AcceptsApplicationsNow {
		t.Errorf("public search without diacritics: %s", list.Body)
	}
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/cancel", map[string]string{}); r.Status != 422 {
		t.Errorf("cancel without reason: %d", r.Status)
	}
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/cancel", map[string]string{"reason": "Bão số 3"}); r.Status != 200 {
		t.Errorf("cancel: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "created, updated, published and cancelled events", func() bool {
		return len(e.consumed(events.FairCreated)) == 1 && len(e.consumed(events.FairUpdated)) == 1 &&
			len(e.consumed(events.FairPublished)) == 1 && len(e.consumed(events.FairCancelled)) == 1
	})
	var cancelled events.FairChangedV1
	if err := e.consumed(events.FairCancelled)[0].Decode(&cancelled); err != nil || cancelled.Fair.CancelReason != "Bão số 3" || cancelled.Fair.Status != "cancelled" {
		t.Errorf("cancelled payload %+v, %v", cancelled.Fair, err)
	}
}

// A draft cancelled before it was published stays as private as a draft: not found, listed or
// searched by anyone but its organisers and admins, who read it as discarded; its event says so.
func TestADiscardedDraftStaysPrivate(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Kế hoạch hội chợ nội bộ chưa công bố")
	e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "V", "rows": 1, "columns": 2}})
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/cancel", map[string]string{"reason": "Bỏ kế hoạch"}); r.Status != 200 {
		t.Fatalf("cancel the draft: %d %s", r.Status, r.Body)
	}
	producer, _ := e.tokens.Token(t, "producer", "")
	otherOrg, _ := e.tokens.Token(t, "organiser", "")
	admin, _ := e.tokens.Token(t, "admin", "")
	for _, who := range []struct{ name, token string }{{"anonymous", ""}, {"a producer", producer}, {"another organiser", otherOrg}} {
		c := e.api.With(who.token)
		for _, path := range []string{"/api/fairs/" + id, "/api/fairs/" + id + "/booths"} {
			if r := c.Do(t, "GET", path, nil); r.Status != 404 {
				t.Errorf("%s reads %s: %d, want 404", who.name, path, r.Status)
			}
		}
		for _, q := range []string{"?q=ke%20hoach%20noi%20bo", "?status=cancelled", "?limit=100"} {
			if r := c.Do(t, "GET", "/api/fairs"+q, nil); strings.Contains(string(r.Body), id) {
				t.Errorf("%s lists the discarded draft with %s: %s", who.name, q, r.Body)
			}
		}
	}
	for _, c := range []testenv.Client{e.org, e.api.With(admin)} {
		var f struct {
			Status    string
			Discarded bool
		}
		if r := c.Do(t, "GET", "/api/fairs/"+id, nil); r.Status != 200 {
			t.Errorf("its organiser or an admin reads it: %d", r.Status)
		} else if r.Decode(t, &f); f.Status != "cancelled" || !f.Discarded {
			t.Errorf("read as %+v, want cancelled and discarded", f)
		}
	}
	if r := e.org.Do(t, "GET", "/api/fairs?organiser=me&status=cancelled", nil); !strings.Contains(string(r.Body), id) {
		t.Errorf("its organiser's list lacks it: %s", r.Body)
	}
	testenv.Eventually(t, "the cancelled event", func() bool { return len(e.consumed(events.FairCancelled)) == 1 })
	var pl events.FairChangedV1
	if err := e.consumed(events.FairCancelled)[0].Decode(&pl); err != nil || !pl.Fair.Discarded {
		t.Errorf("cancelled payload %+v, %v; want discarded", pl.Fair, err)
	}
}

func TestFiftyConcurrentAssignmentsOneWins(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Tuần hàng OCOP Tây Bắc")
	e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil)
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 2}}); r.Status != 201 {
		t.Fatalf("grid: %d %s", r.Status, r.Body)
	}
	const n = 50
	for i := 0; i < n; i++ {
		e.publishApplication(t, approved(fmt.Sprintf("app%02d", i), id, "19", 4, 1+i%26, 1), events.ApplicationApproved)
	}
	// Generous: on a busy machine, projecting 50 applications under -race can take over 15 s.
	testenv.EventuallyWithin(t, time.Minute, "50 applications in the read model", func() bool {
		apps, _ := e.app.Host.DB.Collection("applications").CountDocuments(context.Background(), map[string]any{})
		return apps == n
	})
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.org.Do(t, "PUT", "/api/fairs/"+id+"/booths/A01/assignment", map[string]string{"application_id": fmt.Sprintf("app%02d", i)}).Status
		}()
	}
	wg.Wait()
	won, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			won++
		case http.StatusConflict:
			conflicts++
		}
	}
	if won != 1 || conflicts != n-1 {
		t.Fatalf("%d won, %d got 409 (statuses %v), want exactly 1 and %d", won, conflicts, statuses, n-1)
	}
	testenv.Eventually(t, "one booth.assigned event", func() bool { return len(e.consumed(events.BoothAssigned)) == 1 })
}

func TestAllocationCommitReleaseAndReports(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP các vùng miền")
	e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil)
	e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu Tây Bắc", "prefix": "A", "rows": 1, "columns": 4}})
	e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"booths": []map[string]any{{"code": "B01", "zone": "Khu Nam Bộ", "x": 0, "y": 20, "status": "blocked"}}})
	apps := []events.ApplicationV1{
		approved("five", id, "15", 5, 4, 2),  // Lào Cai honey, two booths
		approved("hn1", id, "01", 4, 9, 1),   // Hà Nội, quota 1
		approved("hn2", id, "01", 3, 11, 1),  // Hà Nội, over quota
		approved("three", id, "96", 3, 2, 1), // Cà Mau
	}
	for _, a := range apps {
		e.publishApplication(t, a, events.ApplicationApproved)
	}
	testenv.Eventually(t, "applications projected", func() bool {
		n, _ := e.app.Host.DB.Collection("applications").CountDocuments(context.Background(), map[string]any{})
		return n == 4
	})
	stepProposeAndCommit(t, e, id)
	stepMapShowsAssignedBooths(t, e, id)

	// The Cà Mau producer withdraws: its booth is released.
	three := approved("three", id, "96", 3, 2, 1)
	three.Status, three.Revision = "withdrawn", 3
	e.publishApplication(t, three, events.ApplicationWithdrawn)
	testenv.Eventually(t, "a booth.released event", func() bool { return len(e.consumed(events.BoothReleased)) == 1 })
	releasedBecause(t, e, e.consumed(events.BoothReleased), "booth_release.application_withdrawn", "")

	stepReportCountsWhatIsHeld(t, e, id)
	stepExports(t, e, id)

	// Cancelling the fair releases the remaining booths.
	e.org.Do(t, "POST", "/api/fairs/"+id+"/cancel", map[string]string{"reason": "Mưa lớn kéo dài"})
	testenv.Eventually(t, "all booths released", func() bool { return len(e.consumed(events.BoothReleased)) == 4 })
	releasedBecause(t, e, e.consumed(events.BoothReleased)[1:], "booth_release.fair_cancelled", "Mưa lớn kéo dài")
}

// An approved application put back on the waitlist holds no booth: its booth is released, and
// why is said.
func TestWaitlistingAnApprovedApplicationReleasesItsBooth(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Tuần hàng OCOP Đông Bắc")
	e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil)
	e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 2}})
	a := approved("wl", id, "19", 4, 9, 1)
	e.publishApplication(t, a, events.ApplicationApproved)
	testenv.Eventually(t, "the application projected", func() bool {
		n, _ := e.app.Host.DB.Collection("applications").CountDocuments(context.Background(), map[string]any{})
		return n == 1
	})
	if r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/booths/A01/assignment", map[string]any{"application_id": "wl"}); r.Status != 200 {
		t.Fatalf("assign A01: %d %s", r.Status, r.Body)
	}
	a.Status, a.Revision = "waitlisted", 3
	e.publishApplication(t, a, events.ApplicationWaitlisted)
	testenv.Eventually(t, "a booth.released event", func() bool { return len(e.consumed(events.BoothReleased)) == 1 })
	releasedBecause(t, e, e.consumed(events.BoothReleased), "booth_release.application_waitlisted", "")
}

// releasedBecause checks that each booth.released event, and the assignment it ends as stored,
// keeps why by its code and the words given with it, never a rendered sentence.
func releasedBecause(t *testing.T, e env, released []events.Envelope, code, words string) {
	t.Helper()
	for _, env := range released {
		var pl events.BoothAssignmentV1
		if err := env.Decode(&pl); err != nil || pl.ReasonCode != code || pl.Reason != words {
			t.Errorf("booth %s released with %q (%q), want %s (%q): %v", pl.BoothCode, pl.ReasonCode, pl.Reason, code, words, err)
		}
		var doc bson.M
		err := e.app.Host.DB.Collection(booth.AssignmentsCollection).FindOne(context.Background(), bson.M{"_id": pl.AssignmentID}).Decode(&doc)
		if err != nil || doc["reason_code"] != code || (doc["reason"] != nil && doc["reason"] != words) {
			t.Errorf("assignment of booth %s stored with reason %v (%v), want %s (%q): %v", pl.BoothCode, doc["reason_code"], doc["reason"], code, words, err)
		}
	}
}

// stepProposeAndCommit proposes booths for the four applications (the one over Hà Nội's quota
// stays unplaced) and commits the proposal.
func stepProposeAndCommit(t *testing.T, e env, id string) {
	t.Helper()
	var prop struct {
		Placements []struct {
			ApplicationID string   `json:"application_id"`
			Booths        []string `json:"booths"`
			ProducerName  string   `json:"producer_name"`
		}
		Unplaced []struct {
			ApplicationID string `json:"application_id"`
			Code          string `json:"code"`
			Reason        string `json:"reason"`
		}
		Violations []string
	}
	r := e.org.Do(t, "POST", "/api/fairs/"+id+"/allocation", nil)
	r.Decode(t, &prop)
	if r.Status != 200 || len(prop.Placements) != 3 || len(prop.Unplaced) != 1 || prop.Unplaced[0].ApplicationID != "hn2" || len(prop.Violations) != 0 {
		t.Fatalf("proposal: %d %s", r.Status, r.Body)
	}
	// Why hn2 got no booth: a code, and its reason in the reader's language (vi by default).
	vi := prop.Unplaced[0]
	e.org.Do(t, "POST", "/api/fairs/"+id+"/allocation", nil, "Accept-Language", "en").Decode(t, &prop)
	en := prop.Unplaced[0]
	if vi.Code == "" || vi.Code != en.Code || !strings.Contains(vi.Reason, "gian") || !strings.Contains(en.Reason, "booth") {
		t.Errorf("unplaced reasons: vi %+v, en %+v; want one code, said in Vietnamese and in English", vi, en)
	}
	var commit struct {
		Committed []any
		Failed    []any
	}
	e.org.Do(t, "POST", "/api/fairs/"+id+"/allocation/commit", nil).Decode(t, &commit)
	if len(commit.Committed) != 3 || len(commit.Failed) != 0 {
		t.Fatalf("commit: %+v", commit)
	}
	testenv.Eventually(t, "four booth.assigned events", func() bool { return len(e.consumed(events.BoothAssigned)) == 4 })
}

// stepMapShowsAssignedBooths checks the public map: four booths assigned, the blocked one blocked.
func stepMapShowsAssignedBooths(t *testing.T, e env, id string) {
	t.Helper()
	var m struct {
		Booths []struct {
			Code, Status string
			Holder       *struct {
				ProducerName string `json:"producer_name"`
			}
		}
	}
	e.api.Do(t, "GET", "/api/fairs/"+id+"/booths", nil).Decode(t, &m)
	statuses := map[string]int{}
	for _, b := range m.Booths {
		statuses[b.Status]++
	}
	if statuses["assigned"] != 4 || statuses["blocked"] != 1 {
		t.Errorf("map statuses %v", statuses)
	}
}

// stepReportCountsWhatIsHeld checks the report once the Cà Mau producer has withdrawn.
func stepReportCountsWhatIsHeld(t *testing.T, e env, id string) {
	t.Helper()
	var rep struct {
		Booths struct {
			ByStatus map[string]int `json:"by_status"`
		}
		Exhibitors struct {
			Total      int
			ByProvince []struct {
				Code string
			} `json:"by_province"`
			ByStars map[string]int `json:"by_stars"`
		}
		Subsidy struct {
			TotalVND int64 `json:"total_vnd"`
		}
	}
	e.org.Do(t, "GET", "/api/fairs/"+id+"/report", nil).Decode(t, &rep)
	if rep.Exhibitors.Total != 2 || rep.Booths.ByStatus["assigned"] != 3 || rep.Exhibitors.ByStars["5"] != 1 || rep.Exhibitors.ByStars["4"] != 1 {
		t.Errorf("report %+v", rep)
	}
	if rep.Subsidy.TotalVND != 3*6_000_000 {
		t.Errorf("subsidy %d, want 3 booths × 50%% of 12.000.000", rep.Subsidy.TotalVND)
	}
}

// stepExports checks the exhibitor list as CSV and the booth plan as XLSX, which only the
// organisers may download.
func stepExports(t *testing.T, e env, id string) {
	t.Helper()
	csv := e.org.Do(t, "GET", "/api/fairs/"+id+"/exhibitors?format=csv", nil)
	if !bytes.HasPrefix(csv.Body, []byte("\uFEFF")) || !strings.Contains(string(csv.Body), "Chủ thể OCOP") || !strings.Contains(string(csv.Body), "Lào Cai") {
		t.Errorf("CSV: %s", csv.Body)
	}
	x := e.org.Do(t, "GET", "/api/fairs/"+id+"/booths?format=xlsx", nil)
	book, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	head, _ := book.GetCellValue("Danh sách", "A1")
	status, _ := book.GetCellValue("Danh sách", "I2") // B01, first by zone
	kind, _ := book.GetCellValue("Danh sách", "C2")
	if head != "Mã gian hàng" || status != "Không sử dụng" || kind != "Gian tiêu chuẩn" {
		t.Errorf("xlsx A1 %q, I2 %q, C2 %q", head, status, kind)
	}
	x = e.org.Do(t, "GET", "/api/fairs/"+id+"/booths?format=xlsx", nil, "Accept-Language", "en")
	if book, err = excelize.OpenReader(bytes.NewReader(x.Body)); err != nil {
		t.Fatalf("xlsx, en: %v", err)
	}
	head, _ = book.GetCellValue("List", "A1")
	status, _ = book.GetCellValue("List", "I2")
	if head != "Booth code" || status != "Not in use" {
		t.Errorf("xlsx in English: A1 %q, I2 %q", head, status)
	}
	csv = e.org.Do(t, "GET", "/api/fairs/"+id+"/exhibitors?format=csv", nil, "Accept-Language", "en")
	if s := string(csv.Body); !strings.Contains(s, "Producer") || strings.Contains(s, "Chủ thể") || !strings.Contains(s, "Lào Cai") {
		t.Errorf("CSV in English (names as written): %s", s)
	}
	if r := e.api.Do(t, "GET", "/api/fairs/"+id+"/booths?format=xlsx", nil); r.Status != 403 {
		t.Errorf("anonymous export: %d", r.Status)
	}
}

func TestB2BSessions(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội nghị kết nối cung cầu")
	r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/b2b-sessions", map[string]any{"days": []map[string]any{
		{"date": e.startDate(t, id), "start_time": "08:00", "slot_minutes": 20, "slots": 21, "morning_slots": 13, "tables": 14}}})
	if r.Status != 200 {
		t.Fatalf("b2b: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "b2b_sessions_set event", func() bool { return len(e.consumed(events.FairB2BSessionsSet)) == 1 })
	if r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/b2b-sessions", map[string]any{"days": []map[string]any{{"date": "2001-01-01", "start_time": "8h", "slot_minutes": 1}}}); r.Status != 422 {
		t.Errorf("bad b2b: %d", r.Status)
	}
}
