package console_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// checkinFair is what TestConsoleCheckin sets up through the API: a fair with a producer and a
// buyer whose meeting is scheduled at a B2B table, and each one's badge code.
type checkinFair struct {
	org                     client
	fairID                  string
	producerCode, buyerCode string
	producerName, buyerName string
	table                   int
	// setUp is when the fair was set up: its dates count from it, also for steps that run after
	// midnight.
	setUp time.Time
}

func setUpCheckin(t *testing.T, j journey) checkinFair {
	t.Helper()
	anon := client{t: t, base: j.base}
	admin := anon.as("admin@example.vn", "admin-password-1")
	admin.call("POST", "/api/accounts", map[string]string{"name": "Ban tổ chức Hội chợ", "email": "btc@checkin.example.vn", "password": "organiser-pass-1", "role": "organiser"})
	org := anon.as("btc@checkin.example.vn", "organiser-pass-1")
	setUp := time.Now()
	day := func(d int) string { return setUp.AddDate(0, 0, d).Format(time.DateOnly) }
	fair := org.call("POST", "/api/fairs", map[string]any{"name_vi": "Hội chợ OCOP Kinh Bắc", "kind": "fair", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Cung Văn hóa Hữu nghị", "address": "91 Trần Hưng Đạo"}, "start_date": day(30), "end_date": day(34),
		"applications_open": day(0), "applications_close": day(20), "eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 2}})
	fairID := fair["id"].(string)
	org.call("POST", "/api/fairs/"+fairID+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "kind": "standard", "rows": 1, "columns": 4}})
	org.call("POST", "/api/fairs/"+fairID+"/publish", nil)
	producer, app := anon.applicant(fairID, "dong@checkin.example.vn", "HTX Gốm Phù Lãng", "2300111222", "24", "Bình gốm men da lươn", 4)
	org.call("POST", "/api/applications/"+app+"/approve", nil)
	// The approval reaches the allocator as an event: propose again until it places the exhibitor.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if placed, _ := org.call("POST", "/api/fairs/"+fairID+"/allocation", nil)["placements"].([]any); len(placed) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the approved application was never placed")
		}
	}
	org.call("POST", "/api/fairs/"+fairID+"/allocation/commit", nil)
	buyer := anon.register("mua@checkin.example.vn", "Công ty Thương mại Đông Á", "buyer")
	b := buyer.call("POST", "/api/buyers", map[string]any{"name": "Công ty Thương mại Đông Á", "kind": "distributor", "province": "01", "markets": []string{"domestic"}})
	producerID := producer.call("GET", "/api/producers/me", nil)["id"].(string)
	m := buyer.call("POST", "/api/fairs/"+fairID+"/meetings", map[string]any{"buyer_id": b["id"], "producer_id": producerID, "session": "any"})
	producer.call("POST", fmt.Sprintf("/api/meetings/%s/accept", m["id"]), nil)
	org.call("PUT", "/api/fairs/"+fairID+"/b2b-sessions", map[string]any{"days": []map[string]any{{"date": day(30), "start_time": "09:00", "slot_minutes": 20,
		"slots": 4, "morning_slots": 2, "tables": 3, "lunch_minutes": 0}}})
	// The B2B settings travel to matchmaking as an event: schedule until the meeting has a table.
	table := 0
	for deadline := time.Now().Add(30 * time.Second); table == 0; time.Sleep(300 * time.Millisecond) {
		org.call("POST", "/api/fairs/"+fairID+"/schedule?time_limit_ms=2000", nil)
		for _, x := range asList(org.call("GET", "/api/fairs/"+fairID+"/agenda", nil)["meetings"]) {
			if n, ok := x["table"].(float64); ok && n > 0 {
				table = int(n)
			}
		}
		if table == 0 && time.Now().After(deadline) {
			t.Fatal("the meeting was never scheduled at a table")
		}
	}
	return checkinFair{org: org, fairID: fairID, table: table, setUp: setUp,
		producerCode: producer.call("GET", "/api/fairs/"+fairID+"/badge", nil)["code"].(string), producerName: "HTX Gốm Phù Lãng",
		buyerCode: buyer.call("GET", "/api/fairs/"+fairID+"/badge", nil)["code"].(string), buyerName: "Công ty Thương mại Đông Á"}
}

// asList reads a JSON array of objects.
func asList(v any) []map[string]any {
	var out []map[string]any
	for _, x := range v.([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

// checkins returns the fair's check-ins as the API lists them to the organiser, newest first.
func (f checkinFair) checkins() []map[string]any {
	return asList(f.org.call("GET", "/api/fairs/"+f.fairID+"/checkins?limit=100", nil)["items"])
}

// TestConsoleCheckin walks the fair day: organiser staff on a phone check a producer in at the
// entrance by typing its badge code, see a forged code refused, lose the network and check a
// buyer in all the same (the scan waits in the page, survives a reload and is sent once when the
// network is back), see the buyer's meeting at a B2B table, and let the camera read badges (a
// badge held up is sent once, a QR code that is no badge is said to be none). The producer shows
// its badge on its phone and downloads it as a PDF.
func TestConsoleCheckin(t *testing.T) {
	j := startJourney(t)
	f := setUpCheckin(t, j)
	staff := j.person("checkin-staff", 360, 800)
	staff.login("btc@checkin.example.vn", "organiser-pass-1")
	stepCheckinTyped(t, staff, f)
	stepCheckinOffline(t, staff, f)
	stepLiveWaitsWhenFull(t, staff)
	stepCheckinAtTable(t, staff, f)
	desk := j.person("checkin-desk", 1366, 800)
	stepCheckinCamera(t, desk, f)
	prod := j.person("checkin-producer", 360, 800)
	prod.login("dong@checkin.example.vn", "parity-pass-1")
	stepMyBadge(t, prod, f)
	stepBadgeWithoutNetwork(t, j, f)
	stepManualCodeTyped(t, staff, prod, f)
	stepTotalsFollowOtherStaff(t, staff, f)
	stepB2BDaysEachKept(t, staff, desk, f)
	stepProducerRenamesItself(t, prod, f)
	stepCheckinLapsedScans(t, staff, f)
	stepCheckinPhonePassedOn(t, j, staff, f)
}

// noAxeFindings fails the test for each serious or critical accessibility finding in the view.
func noAxeFindings(b browser, view string) {
	b.t.Helper()
	for _, f := range b.axeRun(testenv.Axe(b.t)) {
		b.t.Errorf("%s %s: %s (%s) %s at %s", b.name, view, f.ID, f.Impact, f.Help, strings.Join(f.Nodes, ", "))
	}
}

// typeCode types a badge code as staff would and presses "Kiểm tra".
func typeCode(b browser, code string) {
	b.t.Helper()
	b.run(chromedp.SendKeys("#checkin-code", code))
	b.run(chromedp.Click("#checkin-send"))
}

// verdict is the text of the big answer to the last scan.
const verdict = "document.querySelector('#checkin-result').textContent"

// stepCheckinTyped: the menu leads to the fair's check-in at the entrance; a typed badge code
// shows ✔ and the producer's name, a forged one the API's refusal in Vietnamese.
func stepCheckinTyped(t *testing.T, staff browser, f checkinFair) {
	t.Helper()
	staff.open("#/fairs")
	staff.run(chromedp.Click("#menu"))
	staff.run(chromedp.Click("#nav a[href='#/checkin']"))
	staff.until("the fair's check-in at the entrance", "location.hash === '#/checkin/"+f.fairID+"' && document.querySelector('#checkin-place') && document.querySelector('#checkin-place').selectedOptions[0].textContent === 'Cổng vào'", false)
	// Each fair is offered with its dates: two fairs of one name are told apart.
	if fair := staff.eval("document.querySelector('#checkin-fair').selectedOptions[0].textContent"); fair != "Hội chợ OCOP Kinh Bắc · "+f.setUp.AddDate(0, 0, 30).Format("02/01/2006")+" – "+f.setUp.AddDate(0, 0, 34).Format("02/01/2006") {
		t.Errorf("check-in opens at fair %q", fair)
	}
	// Two pages built at once (a live update while the page was first read), the first read
	// answering last: the page shown is the one that says the answers.
	staff.open("#/fairs")
	staff.eval(`window.realFetch = window.realFetch || window.fetch, window.heldRead = null,
		window.fetch = (url, opts) => window.heldRead || !String(url).includes('/api/fairs?status=') ? window.realFetch(url, opts) : new Promise((ok) => { window.heldRead = () => ok(window.realFetch(url, opts)) }),
		location.hash = '#/checkin/` + f.fairID + `', ''`)
	staff.until("the first page's read held", "window.heldRead", false)
	staff.eval("render(true), ''")
	staff.until("the second page shown", "document.querySelector('#checkin-place')", false)
	staff.eval("window.heldRead(), window.fetch = window.realFetch, ''")
	// A live update redraws the page: the code box keeps the keyboard (a handheld scanner types into it).
	// A focus asked for an item the redraw no longer has (a reviewed application's next row, gone
	// meanwhile) is dropped, not left to take the keyboard on some later redraw.
	staff.eval("document.querySelector('#checkin-code').focus(), window.redrawn = false, focusNextDraw('#checkin-gone'), render(true).then(() => { window.redrawn = true }), ''")
	staff.until("the page redrawn", "window.redrawn", false)
	if got, pending := staff.eval("document.activeElement.id"), staff.eval("S.focusNext"); got != "checkin-code" || pending != "" {
		t.Errorf("after a redraw the focus is on %q and %q waits for a later one, want the code box and nothing waiting", got, pending)
	}
	typeCode(staff, f.producerCode)
	staff.until("✔ and the producer's name", "document.querySelector('#checkin-result.ok') && "+verdict+".startsWith('✔ "+f.producerName+"')", false)
	if v := staff.eval(verdict); !strings.Contains(v, "Chủ thể OCOP") || !strings.Contains(v, "Cổng vào") {
		t.Errorf("the answer at the entrance reads %q, want the role and the place", v)
	}
	fitsPhone(staff, "the check-in page")
	staff.shot("checkin-ok")
	noAxeFindings(staff, "#/checkin")

	// The signature's last character changed: the badge is refused, not checked in.
	forged := f.producerCode[:len(f.producerCode)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(f.producerCode, "A")]
	typeCode(staff, forged)
	staff.until("the refusal", "document.querySelector('#checkin-result.bad')", false)
	if v := staff.eval(verdict); !strings.HasPrefix(v, "✘ ") || !strings.Contains(v, "không hợp lệ") {
		t.Errorf("a forged badge reads %q, want ✘ and the refusal in Vietnamese", v)
	}
	staff.shot("checkin-refused")
	if n := len(f.checkins()); n != 1 {
		t.Errorf("after one good and one forged badge the fair has %d check-ins, want 1", n)
	}
}

// setNetwork takes the browser off the network (every request fails, navigator.onLine is false)
// or back on it.
func setNetwork(b browser, online bool) {
	b.t.Helper()
	conditions := []*network.Conditions{}
	if !online {
		conditions = append(conditions, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	steps := []error{}
	_, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{})
	steps = append(steps, err)
	_, err = chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conditions})
	steps = append(steps, err)
	_, err = chromedp.Call(b.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: !online, DownloadThroughput: -1, UploadThroughput: -1})
	steps = append(steps, err)
	for _, err := range steps {
		if err != nil {
			b.t.Fatalf("%s: network online=%v: %v", b.name, online, err)
		}
	}
}

// blockCheckins makes every request to the check-in API fail as a network failure would (the
// rest of the page loads), or lets them through again.
func blockCheckins(b browser, block bool) {
	b.t.Helper()
	patterns := []*network.BlockPattern{}
	if block {
		patterns = append(patterns, &network.BlockPattern{URLPattern: b.base + "/api/fairs/*/checkins", Block: true})
	}
	if _, err := chromedp.Call(b.ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns}); err != nil {
		b.t.Fatalf("%s: block check-ins=%v: %v", b.name, block, err)
	}
}

// stepCheckinOffline: without network the buyer's scan waits in the page ("Đang chờ gửi: 1",
// "chờ mạng"); a reload keeps it while the API cannot be reached; once it can, the scan is sent
// and the API holds exactly one check-in for it.
func stepCheckinOffline(t *testing.T, staff browser, f checkinFair) {
	t.Helper()
	setNetwork(staff, false)
	staff.until("offline said", "document.querySelector('#checkin-offline')", false)
	typeCode(staff, f.buyerCode)
	staff.until("the scan waiting", "document.querySelector('#checkin-pending') && document.querySelector('#checkin-pending').textContent === 'Đang chờ gửi: 1'", false)
	if v := staff.eval(verdict); !strings.Contains(v, "Chờ mạng") {
		t.Errorf("the answer to a scan offline reads %q", v)
	}
	if row := staff.eval("document.querySelector('#checkin-list li.wait').textContent"); !strings.Contains(row, "chờ mạng") {
		t.Errorf("the waiting scan is listed as %q", row)
	}
	scanID := staff.eval("JSON.parse(localStorage.getItem('ocopfair.checkin.queue'))[0].scan_id")
	staff.shot("checkin-offline")

	// The page comes back but the API still cannot be reached: a reload keeps the scan.
	blockCheckins(staff, true)
	// The live stream drops as a real network loss drops it (the emulation keeps open connections
	// open) and asks for a new ticket while offline, which fails.
	staff.eval("S.live.dispatchEvent(new Event('error')), ''")
	time.Sleep(4 * time.Second)
	setNetwork(staff, true)
	// Live updates come back with the network, without a reload.
	staff.until("the live stream open again", "S.live instanceof EventSource && S.live.readyState === EventSource.OPEN", false)
	staff.run(chromedp.Reload())
	staff.until("the page reloaded", "document.querySelector('#checkin-place') && !document.querySelector('#app').hasAttribute('aria-busy')", false)
	staff.until("the scan still waiting after a reload", "document.querySelector('#checkin-pending') && document.querySelector('#checkin-pending').textContent === 'Đang chờ gửi: 1' && document.querySelector('#checkin-list li.wait')", false)
	time.Sleep(2 * time.Second) // a try or two fail on the way
	if n := len(f.checkins()); n != 1 {
		t.Errorf("while the API cannot be reached the fair has %d check-ins, want 1", n)
	}
	blockCheckins(staff, false)
	staff.until("the queue empty and the buyer checked in", "!document.querySelector('#checkin-pending') && [...document.querySelectorAll('#checkin-list li.ok')].some((li) => li.textContent.includes('"+f.buyerName+"'))", false)
	staff.until("the fair's totals", "document.querySelector('#checkin-counts').textContent.startsWith('Cả hội chợ: 2 người đã điểm danh · 2 lượt ở cổng · 0 lượt tại bàn')", false)
	staff.shot("checkin-sent")
	got := 0
	for _, c := range f.checkins() {
		if c["scan_id"] == scanID {
			got++
		}
	}
	if got != 1 {
		t.Errorf("the API holds %d check-ins for the scan made offline, want 1", got)
	}
}

// stepCheckinAtTable: at the buyer's meeting table the answer names the meeting's time and the
// producer it is with.
func stepCheckinAtTable(t *testing.T, staff browser, f checkinFair) {
	t.Helper()
	choose(staff, "#checkin-place", fmt.Sprintf("table:%d", f.table))
	typeCode(staff, f.buyerCode)
	staff.until("the meeting at the table", "document.querySelector('#checkin-result.ok') && "+verdict+".includes('Lịch gặp tại bàn')", false)
	want := fmt.Sprintf("Lịch gặp tại bàn %d, ", f.table)
	if v := staff.eval(verdict); !strings.Contains(v, want) || !strings.Contains(v, f.producerName) || !strings.Contains(v, fmt.Sprintf("Bàn số %d", f.table)) {
		t.Errorf("the answer at table %d reads %q, want %q… with %s", f.table, v, want, f.producerName)
	}
	// The meeting is in 30 days: at its table today that is a warning, not a plain line under the ✔.
	if got := staff.eval("document.querySelector('#checkin-result .ci-meeting').className + ' | ' + document.querySelector('#checkin-result .ci-meeting').textContent"); !strings.HasPrefix(got, "ci-meeting warn-line other-day | ⚠ Hôm nay không có lịch gặp tại bàn này. Lịch gặp tại bàn") {
		t.Errorf("a meeting 30 days ahead at the table reads %q, want a warning", got)
	}
	same := staff.eval(`(() => { const m = { slot_start: "2026-12-05T08:00:00+07:00", slot_end: "2026-12-05T08:20:00+07:00", table: 1, other_party: "HTX Chè" };
		const p = ciMeeting(m, "2026-12-05T08:05:00+07:00"); return p.className + " | " + p.textContent })()`)
	if same != "ci-meeting | Lịch gặp tại bàn 1, 08:00–08:20, với HTX Chè" {
		t.Errorf("a meeting on the scan's day reads %q", same)
	}
	// A scan queued offline on an earlier day, sent today, names its own day.
	late := staff.eval(`(() => { const m = { slot_start: "2026-12-05T08:00:00+07:00", slot_end: "2026-12-05T08:20:00+07:00", table: 1, other_party: "HTX Chè" };
		return ciMeeting(m, "2026-12-04T16:05:00+07:00").textContent })()`)
	if !strings.HasPrefix(late, "⚠ Ngày 04/12/2026 không có lịch gặp tại bàn này. Lịch gặp tại bàn 1, 08:00–08:20 05/12/2026,") {
		t.Errorf("a meeting the day after a scan made offline reads %q", late)
	}
	staff.shot("checkin-table")
}

// fakeCamera stands in for a phone's camera and the browser's QR reader, which a test browser
// lacks: the reader sees whatever window.seen holds, in every frame. The phone's buzzes and its
// screen lock are written down in window.buzzes and window.awake.
const fakeCamera = `
window.seen = [];
window.buzzes = [];
window.awake = "never";
navigator.vibrate = (p) => { window.buzzes.push(JSON.stringify(p)); return true; };
Object.defineProperty(navigator, "wakeLock", { value: { request: async () => { window.awake = "on"; return { release: async () => { window.awake = "released"; } }; } } });
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
  async detect() { return window.seen.map((rawValue) => ({ rawValue, format: "qr_code" })); }
};
navigator.mediaDevices.getUserMedia = async () => {
  const c = document.createElement("canvas");
  c.width = 320; c.height = 240;
  const g = c.getContext("2d");
  setInterval(() => { g.fillStyle = "#" + Math.floor(Math.random() * 4096).toString(16).padStart(3, "0"); g.fillRect(0, 0, 320, 240); }, 100);
  return c.captureStream(10);
};`

// stepCheckinCamera: on a desktop with a camera, a product's QR code is said to be no badge, and
// a badge held up to the camera for two seconds (read many times) is checked in once.
func stepCheckinCamera(t *testing.T, desk browser, f checkinFair) {
	t.Helper()
	if _, err := chromedp.Call(desk.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fakeCamera}); err != nil {
		t.Fatal(err)
	}
	desk.login("btc@checkin.example.vn", "organiser-pass-1")
	desk.open("#/checkin")
	choose(desk, "#checkin-place", "gate")
	desk.until("the camera button", "document.querySelector('#checkin-camera') && document.querySelector('#checkin-camera').textContent === 'Quét bằng camera'", false)
	desk.run(chromedp.Click("#checkin-camera"))
	desk.until("the camera on", "document.querySelector('video.ci-video') && document.querySelector('video.ci-video').readyState >= 2 && document.querySelector('#checkin-camera').textContent === 'Tắt camera'", false)
	// A live update redraws the page: the camera keeps running in the same view.
	desk.eval("document.querySelector('video.ci-video').dataset.kept = 'yes', render(true), ''")
	time.Sleep(time.Second)
	if kept := desk.eval("String(document.querySelector('video.ci-video') && document.querySelector('video.ci-video').dataset.kept)"); kept != "yes" {
		t.Errorf("after a live update the camera view is %q, want the same one still running", kept)
	}
	desk.eval("window.seen = [location.origin + '/v/ABCDEF123456'], ''")
	desk.until("a product's QR is no badge", verdict+".includes('không phải thẻ tham dự')", false)
	before := len(f.checkins())
	desk.eval("window.seen = ['" + f.producerCode + "'], ''")
	desk.until("the producer checked in", "document.querySelector('#checkin-result.ok') && "+verdict+".startsWith('✔ "+f.producerName+"')", false)
	time.Sleep(2 * time.Second) // the badge stays in front of the camera
	desk.eval("window.seen = [], ''")
	desk.shot("checkin-camera")
	noAxeFindings(desk, "#/checkin with the camera")
	if n := len(f.checkins()) - before; n != 1 {
		t.Errorf("a badge held up to the camera made %d check-ins, want 1", n)
	}
	if n := desk.eval("String(document.querySelectorAll('#checkin-list li').length)"); n != "1" {
		t.Errorf("the camera page lists %s scans, want 1", n)
	}
	if buzzes, awake := desk.eval("window.buzzes.join(' ')"), desk.eval("window.awake"); buzzes != "80" || awake != "on" {
		t.Errorf("with the camera on the phone buzzed %q (want one short buzz, 80) and its screen lock is %q (want on)", buzzes, awake)
	}
	desk.run(chromedp.Click("#checkin-camera"))
	desk.until("the camera off and the screen free to dim", "!document.querySelector('video.ci-video') && document.querySelector('#checkin-camera').textContent === 'Quét bằng camera' && window.awake === 'released'", false)
	// The fair's badges to print, one card a page.
	if badges := desk.download("every badge as a PDF", "#checkin-badges-pdf"); !bytes.HasPrefix(badges, []byte("%PDF-")) {
		t.Errorf("the fair's badges start %.8q, want a PDF", badges)
	}
	desk.run(chromedp.Click("#lang"))
	desk.until("English", "document.querySelector('#checkin-place').selectedOptions[0].textContent === 'Entrance' && document.querySelector('#checkin-camera').textContent === 'Scan with the camera'", false)
	desk.shot("checkin-english")
	desk.run(chromedp.Click("#lang"))
}

// stepMyBadge: the producer's "Thẻ tham dự" shows its QR big, its name, and gives the PDF.
func stepMyBadge(t *testing.T, prod browser, f checkinFair) {
	t.Helper()
	prod.open("#/producer")
	prod.run(chromedp.Click("#menu"))
	prod.run(chromedp.Click("#nav a[href='#/badge']"))
	prod.until("the badge with its QR", "location.hash === '#/badge/"+f.fairID+"' && (() => { const i = document.querySelector('#badge-qr'); return i && i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width >= 250 })()", false)
	if name := prod.eval("document.querySelector('#badge-name').textContent"); name != f.producerName {
		t.Errorf("the badge names %q, want %q", name, f.producerName)
	}
	if text := prod.eval("document.querySelector('#badge').textContent"); !strings.Contains(text, "Hội chợ OCOP Kinh Bắc") || !strings.Contains(text, "Tải thẻ PDF") {
		t.Errorf("the badge reads %q", text)
	}
	fitsPhone(prod, "the badge")
	prod.shot("badge")
	noAxeFindings(prod, "#/badge")
	if badge := prod.download("the PDF", "#badge-pdf"); !bytes.HasPrefix(badge, []byte("%PDF-")) {
		t.Errorf("the downloaded badge starts %.8q, want a PDF", badge)
	}
}
