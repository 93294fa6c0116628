package console_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/testenv"
)

// browser is one person at one browser (its own storage), on a 360 px phone or a desktop.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	name  string
}

func (b browser) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.do(len(steps) == 1, steps)
}

// runAgain runs steps that are safe to run again together from the first, such as choosing an
// option and pressing a button: a live update that re-renders the page between them is retried.
func (b browser) runAgain(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.do(true, steps)
}

func (b browser) do(again bool, steps []chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	var err error
	// A live update can re-render the page between finding a node and acting on it; the action
	// then did nothing, and steps that are safe to repeat are tried again on the fresh page.
	for attempt := 0; attempt < 3; attempt++ {
		ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
		err = chromedp.Do(ctx, steps...)
		cancel()
		if err == nil || !again || !(strings.Contains(err.Error(), "Could not find node with given id") || strings.Contains(err.Error(), "No node with given id found")) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if err != nil {
		b.t.Fatalf("%s: %v", b.name, err)
	}
}

func (b browser) eval(js string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("%s: evaluate %s: %v", b.name, js, err)
	}
	return v
}

// until evaluates a JavaScript condition every 200 ms until it holds (or 30 s pass), optionally
// re-rendering the page between tries.
func (b browser) until(what, cond string, rerender bool) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
			b.t.Fatalf("%s: timed out waiting for %s (%s)", b.name, what, cond)
		}
		if rerender {
			// Drawn before the next look (at most 5 s): a render still on its way when until
			// returns could wipe what the test does next.
			_, _ = chromedp.Run(b.ctx, chromedp.Evaluate[bool]("Promise.race([render(true), new Promise((r) => setTimeout(r, 5000))]).then(() => true)", chromedp.EvalAwaitPromise))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (b browser) open(hash string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base + "/" + hash))
	b.until("page "+hash, "document.querySelector('#app') && !document.querySelector('#app').textContent.startsWith('…') && !document.querySelector('#app').hasAttribute('aria-busy')", false)
}

// fill sets form fields. A live update may re-render the page between finding a field and
// setting it; the page then has a fresh, empty form, so filling starts over (a few times).
func (b browser) fill(values map[string]string) {
	b.t.Helper()
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = nil
		for sel, v := range values {
			ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
			err = chromedp.Do(ctx, chromedp.WaitVisible(sel), chromedp.SetValue(sel, v))
			cancel()
			if err != nil {
				break
			}
		}
		if err == nil {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	b.t.Fatalf("%s: fill: %v", b.name, err)
}

func (b browser) submit(formID string) {
	b.t.Helper()
	b.run(chromedp.Click("#" + formID + " button[type=submit]"))
}

func (b browser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.shots, fmt.Sprintf("%s-%s.png", b.name, name))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b browser) login(email, password string) {
	b.t.Helper()
	b.open("#/login")
	b.fill(map[string]string{"#login-email": email, "#login-password": password})
	b.submit("login")
	b.until("signed in", "localStorage.getItem('ocopfair.token')", false)
	// Signing in draws the person's first page twice (its own render and the hashchange's, which
	// also closes the menu): a step taken before both are done can be undone by them.
	b.until("the first page drawn", "!/^#\\/(login)?$/.test(location.hash) && !document.querySelector('#app').hasAttribute('aria-busy')", false)
}

// journey is the real system the console journey walks, and the browser the people in it use.
type journey struct {
	t     *testing.T
	root  context.Context
	base  string
	shots string
	// width and height are the screen of everyone in the journey (who), prefix the start of
	// their screenshots' names.
	width, height int
	prefix        string
}

// who opens a browser for name at the journey's screen size.
func (j journey) who(name string) browser {
	j.t.Helper()
	return j.person(j.prefix+name, j.width, j.height)
}

// startJourney starts the whole system and Chromium; both stop when the test ends.
func startJourney(t *testing.T) journey {
	t.Helper()
	exe := testenv.Chromium(t)
	stack, err := localstack.Start(context.Background(), localstack.Options{
		BinDir: testenv.Binaries(t, filepath.Join("..", "..", "..", "..")), DataDir: t.TempDir(), Logs: serviceLogs(t),
		Env: map[string]string{"OCOPFAIR_ADMIN_EMAIL": "admin@example.vn", "OCOPFAIR_ADMIN_PASSWORD": "admin-password-1",
			"OCOPFAIR_OUTBOX_INTERVAL": "300ms", "OCOPFAIR_LOG_LEVEL": "warn", "OCOPFAIR_SOLVE_LIMIT": "3s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stack.Stop() })
	shots := os.Getenv("OCOPFAIR_TEST_OUTPUT")
	if shots == "" {
		shots = filepath.Join("..", "..", "..", "..", "testoutput")
	}
	shots = filepath.Join(shots, "console")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.WindowSize(1200, 900))...)
	t.Cleanup(cancel)
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(cancelRoot)
	if err := chromedp.Do(root); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return journey{t: t, root: root, base: stack.URL("gateway"), shots: shots}
}

// person opens a browser of its own (its own storage) for name, with a width × height viewport.
func (j journey) person(name string, width, height int) browser {
	j.t.Helper()
	ctx, _ := chromedp.NewContext(j.root, chromedp.WithNewBrowserContext())
	// The first run opens the tab; it must not have a timeout, which would close the tab.
	if err := chromedp.Do(ctx); err != nil {
		j.t.Fatalf("open a tab for %s: %v", name, err)
	}
	b := browser{t: j.t, ctx: ctx, base: j.base, shots: j.shots, name: name}
	b.run(chromedp.EmulateViewport(int64(width), int64(height)))
	return b
}

// TestConsoleJourney walks the console as the three user groups would, on the real system:
// an organiser sets up and publishes a fair with a floor plan, a producer registers on a phone,
// adds a product and applies, the organiser approves (the producer's open page updates live) and
// allocates, the producer sees its booth on the map, a buyer finds the producer among the matches
// and asks for a meeting, the producer accepts, the organiser schedules, and both see the agenda.
// The organiser then imports a producer, whose owner claims the imported profile, and hands a
// profile registered with a company's tax code by someone else over to the company.
func TestConsoleJourney(t *testing.T) {
	// Everyone on a 360 px phone, then everyone at a desktop: each role's main task works at both.
	for _, size := range []struct {
		name          string
		width, height int
	}{{"phone", 360, 800}, {"desktop", 1366, 800}} {
		t.Run(size.name, func(t *testing.T) {
			j := startJourney(t)
			j.width, j.height, j.prefix = size.width, size.height, size.name+"-"
			walkJourney(t, j)
		})
	}
}

// walkJourney is the console journey at the journey's screen size.
func walkJourney(t *testing.T, j journey) {
	stepAdminCreatesOrganiser(t, j)
	org, fairID := stepOrganiserPublishesFair(t, j)
	prod := stepProducerApplies(t, j, fairID)
	stepOrganiserApprovesAndAllocates(t, org, prod, fairID)
	buyer := stepBuyerAsksForAMeeting(t, j, fairID)
	stepMeetingIsScheduled(t, org, prod, buyer, fairID)
	stepBothSeeTheAgenda(t, prod, buyer)
	lost, code := stepOrganiserImportsAndReissuesClaimCode(t, org)
	stepImportedProducerClaimsProfile(t, j, org, lost, code)
	stepOrganiserHandsOverATakenTaxCode(t, j, org)
	stepOrganiserCorrectsProduct(t, org, prod)
	stepEnglishSwitch(t, buyer)
	stepSessionsEnd(t, j, org, prod, buyer)
	stepProducerEditsAndRemovesProduct(t, prod)
}

// stepAdminCreatesOrganiser: an admin creates the organiser's account.
func stepAdminCreatesOrganiser(t *testing.T, j journey) {
	t.Helper()
	admin := j.who("admin")
	admin.login("admin@example.vn", "admin-password-1")
	admin.open("#/admin")
	admin.fill(map[string]string{"#new-organiser-name": "Trung tâm Xúc tiến Hà Nội", "#new-organiser-email": "xttm@hanoi.example.vn", "#new-organiser-password": "organiser-pass-1"})
	admin.submit("new-organiser")
	admin.until("organiser listed", "document.body.textContent.includes('xttm@hanoi.example.vn')", true)
	admin.shot("accounts")
}

// stepOrganiserPublishesFair: the organiser creates a fair, draws the floor plan and publishes
// it. It returns the organiser's browser and the fair's ID.
func stepOrganiserPublishesFair(t *testing.T, j journey) (browser, string) {
	t.Helper()
	org := j.who("organiser")
	org.login("xttm@hanoi.example.vn", "organiser-pass-1")
	org.open("#/fairs")
	org.until("the new fair form", "document.querySelector('#new-fair-region')", false)
	// "Vùng xúc tiến" offers Hà Nội's four promotion groupings, each once.
	if got := org.eval("[...document.querySelectorAll('#new-fair-region option')].map((o) => o.textContent).join('|')"); got != "Miền núi phía Bắc|Đồng bằng sông Hồng|Miền Trung – Tây Nguyên|Nam Bộ" {
		t.Errorf("the promotion regions offered are %q", got)
	}
	checkRegionFollowsProvince(t, org)
	org.fill(map[string]string{"#new-fair-name_vi": "Hội chợ OCOP Hà Nội mùa Thu", "#new-fair-venue_name": "Cung Văn hóa Hữu nghị", "#new-fair-venue_address": "91 Trần Hưng Đạo"})
	org.submit("new-fair")
	org.until("fair page", "location.hash.startsWith('#/fair/')", false)
	fairID := strings.TrimPrefix(org.eval("location.hash"), "#/fair/")
	org.fill(map[string]string{"#grid-rows": "2", "#grid-columns": "6"})
	org.submit("grid")
	org.until("12 booths on the map", "document.querySelectorAll('#booth-map rect').length === 12", true)
	// Publishing is asked first, saying what it does; the keyboard then goes to the fair's name and state.
	org.eval("window.asked = '', window.realConfirm = window.realConfirm || window.confirm, window.confirm = (m) => { window.asked = m; return true }, ''")
	org.run(chromedp.Click("[data-action=publish]"))
	org.until("published", "document.body.textContent.includes('Đang nhận đơn') && document.activeElement.id === 'fair-title'", true)
	if asked := org.eval("window.asked"); !strings.Contains(asked, "Công bố Hội chợ OCOP Hà Nội mùa Thu?") || !strings.Contains(asked, "đăng ký gian hàng") {
		t.Errorf("publishing asked %q, want the fair named and what publishing does", asked)
	}
	org.eval("window.confirm = window.realConfirm, ''")
	org.shot("fair-map")
	return org, fairID
}

// stepProducerApplies: a producer registers on a phone, fills the profile, adds a product and
// applies to the fair.
func stepProducerApplies(t *testing.T, j journey, fairID string) browser {
	t.Helper()
	prod := j.who("producer")
	prod.open("#/register")
	checkSignUpHint(t, prod)
	prod.fill(map[string]string{"#register-name": "HTX Mật ong Bắc Hà", "#register-email": "htx@bacha.example.vn", "#register-password": "mat-ong-bac-ha"})
	checkChooseAsked(prod, "register", map[string]string{"role": "Hãy chọn: chủ thể OCOP (bán hàng) hay bên mua."})
	prod.fill(map[string]string{"#register-role": "producer"})
	prod.submit("register")
	prod.until("profile form", "document.querySelector('#producer-profile')", false)
	checkNewProfileForm(t, prod, "HTX Mật ong Bắc Hà", "htx@bacha.example.vn")
	prod.fill(map[string]string{"#producer-profile-legal_name": "HTX Mật ong Bắc Hà", "#producer-profile-tax_code": "5300123456",
		"#producer-profile-province": "15", "#producer-profile-commune": "Xã Bắc Hà", "#producer-profile-phone": "0912 345 678"})
	prod.submit("producer-profile")
	prod.until("product form", "document.querySelector('#new-product')", true)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	prod.fill(map[string]string{"#new-product-name_vi": "Mật ong bạc hà",
		"#new-product-decision_no": "123/QĐ-UBND", "#new-product-issued_by": "UBND tỉnh Lào Cai", "#new-product-issued_on": issued,
		"#new-product-unit": "tonne", "#new-product-monthly_capacity": "2", "#new-product-price_min_vnd": "250000"})
	checkChooseAsked(prod, "new-product", map[string]string{"criteria_set": "Hãy chọn bộ tiêu chí ghi trên giấy chứng nhận OCOP.",
		"stars": "Hãy chọn số sao ghi trên giấy chứng nhận OCOP."})
	prod.fill(map[string]string{"#new-product-criteria_set": "4", "#new-product-stars": "4"})
	prod.submit("new-product")
	prod.until("product listed as valid", "document.querySelector('#product-list') && document.body.textContent.includes('Còn hiệu lực')", true)
	// The product's QR code for its packaging: no scan yet, the code itself and where it leads.
	prod.until("the QR box with no scan yet", "document.querySelector('#product-list .qr-box summary').textContent === 'Mã QR · 0 lượt quét'", true)
	prod.run(chromedp.Click("#product-list .qr-box summary"))
	// The code is fetched with the token and shown from a blob: URL, which the page's CSP must
	// let an image load: it has to be drawn, not only given a src.
	prod.until("the product's QR code drawn", "(() => { const i = document.querySelector('#product-list .qr-box img.qr'); return i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0 })() && document.querySelector('#product-list .verify-link').href.includes('/v/')", false)
	prod.shot("products")
	if got := prod.eval("String(document.querySelector('#product-list').scrollWidth <= document.querySelector('#product-list').closest('.card').clientWidth)"); got != "true" {
		t.Errorf("the product list is wider than its card: its QR code or photo button is cut off")
	}
	prod.open("#/producer/fairs")
	prod.until("the fair open for applications", "document.querySelector('#apply-"+fairID+"')", true)
	prod.shot("open-fairs")
	// The preferred zone is one of the plan's zones, or none.
	prod.until("the plan's zones to choose from", "[...document.querySelectorAll('#apply-"+fairID+"-preferred_zone option')].map((o) => o.value).join('|') === '|Khu A'", false)
	prod.fill(map[string]string{"#apply-" + fairID + "-preferred_zone": "Khu A"})
	prod.submit("apply-" + fairID)
	prod.until("application submitted", "location.hash === '#/producer/apps' && document.body.textContent.includes('Đã nộp')", true)
	if next := prod.eval("(document.querySelector('[data-app] .app-next') || {}).textContent || ''"); next != "Ban tổ chức đang xét đơn; kết quả sẽ hiện ở đây." {
		t.Errorf("a submitted application says next %q", next)
	}
	if got := prod.eval("document.querySelector('[data-app] .asked').textContent"); !strings.HasPrefix(got, "Đã đăng ký: 1 × Gian tiêu chuẩn · Khu mong muốn: Khu A · ") {
		t.Errorf("the application says it asked for %q", got)
	}
	stepAnAppliedFairSaysWhere(prod, fairID)
	return prod
}

// stepOrganiserApprovesAndAllocates: the organiser approves in the queue and allocates booths;
// the producer's open page follows both without a reload, and its booth shows on the map.
func stepOrganiserApprovesAndAllocates(t *testing.T, org, prod browser, fairID string) {
	t.Helper()
	org.open("#/fair/" + fairID + "/apps")
	org.until("application in the queue", "document.querySelector('#app-queue [data-act=approve]')", true)
	// The organiser narrows the queue as at a busy fair: a search without accents and 4★, then
	// approves everything left in one go.
	org.run(chromedp.SendKeys("#qf-q", "bac ha"))
	org.runAgain(chromedp.SetValue("#qf-stars", "4"), chromedp.Evaluate[chromedp.Void]("document.querySelector('#qf-stars').dispatchEvent(new Event('change'))"))
	org.until("the producer alone in the narrowed queue", "document.querySelectorAll('#app-queue tbody tr').length === 1 && document.querySelector('#app-queue').textContent.includes('Mật ong Bắc Hà')", false)
	if got := org.eval("document.querySelector('#app-queue tbody tr .asked').textContent"); got != "1 × Gian tiêu chuẩn · Khu mong muốn: Khu A" {
		t.Errorf("the queue says the producer asked for %q", got)
	}
	org.shot("applications")
	// The search's own reload (it waits for typing to pause) may redraw the list and clear the
	// choice after the tick, before or after "Duyệt": tick and approve until the row says so.
	org.until("approved in bulk", "document.querySelector('#app-queue tbody').textContent.includes('Đã duyệt') || "+
		"(document.querySelector('#bulk-approve').disabled ? document.querySelector('#pick-all').click() : document.querySelector('#bulk-approve').click(), false)", false)
	prod.until("approval shown live", "document.querySelector('.app-status') && document.querySelector('.app-status').textContent.includes('Đã duyệt')", false)
	// Approved without a booth yet: the producer is told the booth is on its way.
	if next := prod.eval("(document.querySelector('.app-next') || {}).textContent || ''"); !strings.Contains(next, "Ban tổ chức đang xếp gian") {
		t.Errorf("approved, the application says next %q", next)
	}

	org.open("#/fair/" + fairID + "/alloc")
	// A live update may redraw the tab under the click: ask again until the proposal shows.
	org.until("proposal", "document.querySelector('#commit-alloc') || (document.querySelector('#run-alloc') && document.querySelector('#run-alloc').click(), false)", false)
	org.shot("allocation")
	stepAProposalStaysWhileShown(t, org)
	org.eval("window.confirm = () => true, ''")
	org.run(chromedp.Click("#commit-alloc"))
	// What the commit did stays said on the tab, the keyboard on it.
	org.until("the commit said", "document.querySelector('#alloc-said') && document.activeElement === document.querySelector('#alloc-said')", false)
	if said := org.eval("document.querySelector('#alloc-said').textContent"); said != "Đã giao gian cho 1 chủ thể; mỗi chủ thể được báo gian của mình." {
		t.Errorf("after the commit the tab says %q", said)
	}
	prod.until("booth code shown live, the next step gone with it", "document.querySelector('.booth-codes') && !document.querySelector('.app-next')", false)
	// The booth poster to print: a PDF with the booth and the products' QR codes.
	if poster := prod.download("the booth poster", ".poster-link"); !bytes.HasPrefix(poster, []byte("%PDF-")) {
		t.Errorf("the booth poster starts %.8q, want a PDF", poster)
	}
	prod.shot("application-booth")
	// An exhibitor has its badge for the gate with its booth, before any meeting.
	prod.open("#/badge")
	prod.until("the exhibitor's badge", "location.hash === '#/badge/"+fairID+"' && document.querySelector('#badge-qr') && document.querySelector('#badge-name')", false)
	prod.open("#/fair/" + fairID)
	prod.until("own booth highlighted", "[...document.querySelectorAll('#booth-map rect')].some(r => r.getAttribute('stroke') === '#d32f2f')", true)
	prod.shot("map")
}

// stepBuyerAsksForAMeeting: a buyer registers, posts a request, finds the producer and asks for
// a meeting.
func stepBuyerAsksForAMeeting(t *testing.T, j journey, fairID string) browser {
	t.Helper()
	buyer := j.who("buyer")
	buyer.open("#/register")
	// An email that has an account already is said under it, with a way back in.
	buyer.fill(map[string]string{"#register-name": "Siêu thị Xanh", "#register-email": "htx@bacha.example.vn", "#register-password": "sieu-thi-xanh", "#register-role": "buyer"})
	buyer.submit("register")
	buyer.until("the email taken said under it", "document.querySelector('#register-email').closest('.field').querySelector('.err').textContent === 'Đã có tài khoản dùng địa chỉ email này.' && "+
		"!document.querySelector('#register-have').hidden && document.querySelector('#register-have a').textContent === 'Quên mật khẩu?'", false)
	buyer.fill(map[string]string{"#register-email": "mua@xanh.example.vn"})
	buyer.submit("register")
	buyer.until("buyer profile form", "document.querySelector('#buyer-profile')", false)
	// The name typed at sign-up is there; the province is asked for, not the first one offered.
	if got := buyer.eval("document.querySelector('#buyer-profile-name').value + '|' + document.querySelector('#buyer-profile-province').value"); got != "Siêu thị Xanh|" {
		t.Errorf("a new buyer profile starts with name|province %q, want the account's name and no province", got)
	}
	buyer.fill(map[string]string{"#buyer-profile-province": "01"})
	buyer.run(chromedp.Evaluate[chromedp.Void]("(e => e.checked || e.click())(document.querySelector('#buyer-profile-markets input[value=\"EU\"]'))"))
	buyer.submit("buyer-profile")
	buyer.until("request form", "document.querySelector('#new-request')", true)
	// A title alone would rank any producer: the form asks what goods are wanted.
	buyer.fill(map[string]string{"#new-request-title": "Mật ong cho chuỗi siêu thị"})
	buyer.submit("new-request")
	buyer.until("the goods asked for", "document.querySelector('#new-request-keywords').closest('.field').querySelector('.err').textContent.startsWith('Hãy chọn bộ tiêu chí hoặc nhập từ khóa')", false)
	// A volume without its unit: the unit is asked for in words, not as the API's codes.
	buyer.fill(map[string]string{"#new-request-keywords": "mật ong", "#new-request-monthly_volume": "1.5"})
	buyer.submit("new-request")
	buyer.until("the unit asked for", "document.querySelector('#new-request-unit').closest('.field').querySelector('.err').textContent === 'Hãy chọn đơn vị tính cho khối lượng cần mỗi tháng.'", false)
	buyer.fill(map[string]string{"#new-request-unit": "tonne", "#new-request-target_market": "EU", "#new-request-fair_id": fairID})
	buyer.run(chromedp.Evaluate[chromedp.Void]("(e => e.checked || e.click())(document.querySelector('#new-request-criteria_sets input[value=\"4\"]')), (e => e.checked || e.click())(document.querySelector('#new-request-required_certifications input[value=\"vietgap\"]'))"))
	buyer.submit("new-request") // the certificate asked for is said with the request and weighed in the matches' reasons
	buyer.until("the producer among the matches", "document.querySelector('#matches') && document.body.textContent.includes('HTX Mật ong Bắc Hà') && "+
		"document.querySelector('h1 + p').textContent.includes('Chứng nhận yêu cầu: VietGAP') && document.querySelector('#matches').textContent.includes('VietGAP')", true)
	buyer.shot("matches")
	// The invitation carries a message about the request, which the buyer may change.
	if got := buyer.eval("document.querySelector('#meeting-note').value"); got != "Về nhu cầu “Mật ong cho chuỗi siêu thị”. Cần khoảng 1,5 tấn/tháng." {
		t.Errorf("the invitation's message starts as %q", got)
	}
	buyer.run(chromedp.Click("#matches .request-meeting"))
	buyer.until("meeting requested", "document.querySelector('#toast').textContent === 'Đã gửi lời mời gặp tới HTX Mật ong Bắc Hà.'", false)
	buyer.open("#/meetings")
	buyer.until("the request waiting for the producer, with its message", "document.querySelector('#meeting-list') && document.querySelector('#meeting-list').textContent.includes('HTX Mật ong Bắc Hà') && "+
		"document.querySelector('#meeting-list blockquote.note') && document.querySelector('#meeting-list blockquote.note').textContent === 'Về nhu cầu “Mật ong cho chuỗi siêu thị”. Cần khoảng 1,5 tấn/tháng.'", true)
	return buyer
}

// stepBothSeeTheAgenda: the producer and the buyer each find the meeting on their agenda.
func stepBothSeeTheAgenda(t *testing.T, prod, buyer browser) {
	t.Helper()
	for _, who := range []browser{prod, buyer} {
		who.open("#/meetings")
		who.until("agenda link", "document.querySelector('.agenda-link')", true)
		who.run(chromedp.Click(".agenda-link"))
		who.until("agenda with the meeting", "document.querySelector('#agenda') && document.querySelectorAll('#agenda tr.meeting').length === 1", true)
		who.shot("agenda")
	}
	// The buyer puts the meeting in a calendar.
	ics := strings.ReplaceAll(string(buyer.download("the calendar file", "#ics-download")), "\r\n ", "") // long lines are folded
	if !strings.Contains(ics, "BEGIN:VEVENT") || !strings.Contains(ics, "HTX Mật ong Bắc Hà") {
		t.Errorf("the buyer's calendar file %q", ics)
	}
}

// stepImportedProducerClaimsProfile: the imported producer takes over its profile on a phone:
// the tax code alone is refused, the voided code is refused (the organiser sees it as a wrong
// try of the new code, which still works), the new code works.
func stepImportedProducerClaimsProfile(t *testing.T, j journey, org browser, lost, code string) {
	t.Helper()
	silk := signUpProducer(j, "imported-producer", "Nguyễn Thị Lụa", "lua@vanphuc.example.vn", "lua-van-phuc-1")
	profile := map[string]string{"#producer-profile-legal_name": "Cơ sở Lụa Vạn Phúc", "#producer-profile-kind": "household_business", "#producer-profile-tax_code": "0101234567",
		"#producer-profile-province": "01", "#producer-profile-commune": "Phường Vạn Phúc", "#producer-profile-phone": "0243 382 1234"}
	silk.fill(profile)
	silk.submit("producer-profile")
	silk.until("the claim code asked for", "document.querySelector('[data-field=claim_code].bad .err').textContent.length > 0", false)
	silk.shot("claim-refused")
	profile["#producer-profile-claim_code"] = lost
	silk.fill(profile)
	silk.submit("producer-profile")
	silk.until("the voided code refused", "document.querySelector('[data-field=claim_code].bad .err').textContent.includes('lượt thử')", false)
	// The organiser's list (drawn again) shows the new code still valid, with one wrong try.
	org.until("the wrong try in the unclaimed list", "[...document.querySelectorAll('#unclaimed-list .claim-state')].some((c) => "+
		"c.closest('tr').textContent.includes('Lụa Vạn Phúc') && c.textContent.startsWith('Mã còn hiệu lực') && c.textContent.includes('Các tài khoản đã nhập sai mã 1 lần'))", true)
	profile["#producer-profile-claim_code"] = code
	silk.fill(profile)
	silk.submit("producer-profile")
	silk.until("the imported profile with its product", "document.querySelector('h1').textContent.includes('Lụa Vạn Phúc') && document.body.textContent.includes('Khăn lụa tơ tằm')", true)
	silk.shot("claimed")
}

// stepEnglishSwitch: the console switches to English.
func stepEnglishSwitch(t *testing.T, buyer browser) {
	t.Helper()
	buyer.run(chromedp.Click("#lang"))
	buyer.until("English labels", "document.querySelector('#logout').textContent === 'Sign out'", false)
}
