package console_test

import (
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// smallJPEG writes a 64 × 48 JPEG, as a phone's camera would hand one over, and returns its path.
func smallJPEG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: 160, B: uint8(y * 5), A: 255})
		}
	}
	path := filepath.Join(t.TempDir(), "mat-ong.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConsoleMatchCards puts product photos, meeting states and interest in front of users: a
// producer adds a photo from a phone and sees its thumbnail, a buyer's match card says the
// meeting request was sent (and offers no second one) and narrows to the chosen fair's
// exhibitors, and a producer's "Quan tâm" reaches the buyer's request page with its name.
func TestConsoleMatchCards(t *testing.T) {
	j := startJourney(t)
	anon := client{t: t, base: j.base}
	admin := anon.as("admin@example.vn", "admin-password-1")
	admin.call("POST", "/api/accounts", map[string]string{"name": "Sở Công Thương", "email": "sct@cards.example.vn", "password": "organiser-pass-1", "role": "organiser"})
	oc := anon.as("sct@cards.example.vn", "organiser-pass-1")
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	fair := oc.call("POST", "/api/fairs", map[string]any{"name_vi": "Hội chợ OCOP Hồ Gươm", "kind": "fair", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Cung Văn hóa Hữu nghị", "address": "91 Trần Hưng Đạo"}, "start_date": day(30), "end_date": day(34),
		"applications_open": day(0), "applications_close": day(20), "eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 2}})
	fairID := fair["id"].(string)
	oc.call("POST", "/api/fairs/"+fairID+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "kind": "standard", "rows": 1, "columns": 4}})
	oc.call("POST", "/api/fairs/"+fairID+"/publish", nil)
	exhibitor, app := anon.applicant(fairID, "bh@cards.example.vn", "HTX Mật ong Bắc Hà", "5300222111", "15", "Mật ong bạc hà", 4)
	oc.call("POST", "/api/applications/"+app+"/approve", nil)
	// The approval reaches the allocator as an event: propose again until it places the exhibitor.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if placed, _ := oc.call("POST", "/api/fairs/"+fairID+"/allocation", nil)["placements"].([]any); len(placed) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the approved application was never placed")
		}
	}
	oc.call("POST", "/api/fairs/"+fairID+"/allocation/commit", nil)
	anon.producer("ss@cards.example.vn", "HTX Mật ong Sóc Sơn", "0101222333", 4)
	buyer := anon.register("mua@cards.example.vn", "Chuỗi Siêu thị Sen", "buyer")
	b := buyer.call("POST", "/api/buyers", map[string]any{"name": "Chuỗi Siêu thị Sen", "kind": "supermarket_chain", "province": "01", "markets": []string{"domestic"}})
	req := buyer.call("POST", fmt.Sprintf("/api/buyers/%s/requests", b["id"]), map[string]any{"title": "Mật ong rừng", "criteria_sets": []int{4}, "keywords": []string{"mật ong"},
		"min_stars": 3, "monthly_volume": 500, "unit": "litre", "target_market": "domestic"})
	exhibitorID := exhibitor.call("GET", "/api/producers/me", nil)["id"].(string)
	buyer.call("POST", "/api/fairs/"+fairID+"/meetings", map[string]any{"buyer_id": b["id"], "producer_id": exhibitorID, "session": "any"})

	prod := j.person("cards-producer", 360, 800)
	prod.login("ss@cards.example.vn", "parity-pass-1")
	stepPhotoUpload(t, prod)
	stepCredentials(t, prod, anon.as("ss@cards.example.vn", "parity-pass-1"))
	bb := j.person("cards-buyer", 1366, 800)
	bb.login("mua@cards.example.vn", "parity-pass-1")
	stepMatchCardsMeetingAndFair(t, bb, req["id"].(string))
	ex := j.person("cards-exhibitor", 360, 800)
	ex.login("bh@cards.example.vn", "parity-pass-1")
	stepInterestReachesBuyer(t, ex, bb, req["id"].(string))
	stepAnsweringOnAPhone(t, ex)
	stepProducerInvitesFromOpportunities(t, ex, prod, exhibitor, req["id"].(string))
	stepOpportunitiesTwentyAtATime(t, ex, buyer, b["id"].(string))
	stepBuyerAgendaBeforeScheduling(t, bb)
	second := oc.call("POST", "/api/fairs", map[string]any{"name_vi": "Tuần hàng OCOP Sóc Sơn", "kind": "trade_week", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Nhà văn hóa Sóc Sơn", "address": "1 Núi Đôi"}, "start_date": day(60), "end_date": day(62),
		"applications_open": day(0), "applications_close": day(50), "eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 2}})
	oc.call("POST", "/api/fairs/"+second["id"].(string)+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "kind": "standard", "rows": 1, "columns": 2}})
	oc.call("POST", "/api/fairs/"+second["id"].(string)+"/publish", nil)
	stepCardsSpeakOfTheFairChosen(t, bb, req["id"].(string), second["id"].(string))
	stepBuyerEditsAndCloses(t, bb, buyer, req["id"].(string))
	adm := j.person("cards-admin", 1366, 800)
	adm.login("admin@example.vn", "admin-password-1")
	stepForgottenPassword(t, adm, prod, "ss@cards.example.vn")
	stepManyInterested(j, anon, buyer, b["id"].(string))
	stepRequestAtAnotherFair(t, ex, anon, second["id"].(string))
	stepStartsWhereTheyExhibit(bb, oc, buyer, b["id"].(string), fairID)
}

// stepPhotoUpload: the producer picks a photo for its product on a phone; the thumbnail appears
// in its product list without a reload, with the product's name as its text.
func stepPhotoUpload(t *testing.T, prod browser) {
	t.Helper()
	prod.open("#/producer")
	prod.until("the photo picker", "document.querySelector('#product-list .photo input[type=file][accept=\"image/jpeg,image/png,image/webp\"][capture=environment]')", false)
	if label := prod.eval("document.querySelector('#product-list .photo label').textContent"); label != "Thêm ảnh" {
		t.Errorf("the photo picker is labelled %q, want Thêm ảnh", label)
	}
	// The picker shows as a button in the page's words, not the browser's own "Choose File"; the
	// keyboard reaches it (the input stays focusable) and its focus shows on the button.
	if got := prod.eval(`(() => { const i = document.querySelector('#product-list .photo input[type=file]'), l = i.labels[0], r = l.getBoundingClientRect();
		i.focus(); const took = document.activeElement === i, ring = getComputedStyle(l).outlineStyle; i.blur();
		return getComputedStyle(i).opacity + '|' + (r.height >= 44) + '|' + took + '|' + ring })()`); got != "0|true|true|solid" {
		t.Errorf("the photo picker (input opacity|label a 44 px target|input takes the keyboard|label's ring then) reads %s", got)
	}
	// A file that is no picture is refused in the page's words, under the picker.
	notPhoto := filepath.Join(t.TempDir(), "ghi-chu.jpg")
	if err := os.WriteFile(notPhoto, []byte("không phải ảnh"), 0o644); err != nil {
		t.Fatal(err)
	}
	prod.run(chromedp.SetUploadFiles("#product-list .photo input[type=file]", []string{notPhoto}))
	prod.until("the refusal under the picker", "document.querySelector('#product-list .photo input[aria-invalid=true]') && document.querySelector('#product-list .photo .err').textContent !== ''", false)
	if msg := prod.eval("document.querySelector('#product-list .photo .err').textContent"); msg == "Có lỗi, vui lòng kiểm tra lại" {
		t.Errorf("the refusal of a file that is no picture reads %q, not what is wrong", msg)
	} else {
		t.Logf("refusal: %s", msg)
	}
	// A phone camera's 12-megapixel photo is drawn at 2400 px, upright, as a JPEG before it is
	// sent (the server keeps 1200 px); a small one goes as it is.
	prod.eval(`(async () => { const c = document.createElement("canvas"); c.width = 4000; c.height = 3000; const g = c.getContext("2d");
		for (let i = 0; i < 400; i++) { g.fillStyle = "hsl(" + i + ",60%,50%)"; g.fillRect((i * 37) % 4000, (i * 53) % 3000, 300, 200); }
		const big = await new Promise((ok) => c.toBlob(ok, "image/png")); const out = await shrinkPhoto(big); const b = await createImageBitmap(out);
		c.width = 64; c.height = 48; const small = await new Promise((ok) => c.toBlob(ok, "image/jpeg"));
		window.shrunk = out.type + " " + b.width + "x" + b.height + " " + (out.size < big.size) + " " + ((await shrinkPhoto(small)) === small) })(), ''`)
	prod.until("the photos made ready to send", "window.shrunk", false)
	if got := prod.eval("window.shrunk"); got != "image/jpeg 2400x1800 true true" {
		t.Errorf("a 4000×3000 photo and a small one are sent as %q, want \"image/jpeg 2400x1800 true true\"", got)
	}
	// The network failing mid-upload (venue Wi-Fi): said under the picker, and live updates go on.
	prod.eval("window.realFetch = window.realFetch || window.fetch, window.fetch = (u, o) => String(u).includes('/photo') ? Promise.reject(new TypeError('Failed to fetch')) : window.realFetch(u, o), ''")
	prod.run(chromedp.SetUploadFiles("#product-list .photo input[type=file]", []string{smallJPEG(t)}))
	prod.until("the failure under the picker, the page free", "document.querySelector('#product-list .photo .err').textContent === 'Mất kết nối mạng nên có thể chưa lưu được: hãy kiểm tra mạng rồi bấm lại.' && "+
		"!document.querySelector('#app [data-pending]') && !document.querySelector('#product-list .photo input').disabled", false)
	prod.eval("window.fetch = window.realFetch, ''")
	prod.run(chromedp.SetUploadFiles("#product-list .photo input[type=file]", []string{smallJPEG(t)}))
	prod.until("the thumbnail", "(() => { const i = document.querySelector('#product-list .photo img.thumb'); return i && i.src.endsWith('&size=thumb') && i.complete && i.naturalWidth > 0 && i.alt === 'Mật ong HTX Mật ong Sóc Sơn' && i.loading === 'lazy' && document.querySelector('#product-list .photo .err').textContent === '' })()", false)
	fitsPhone(prod, "photo")
	prod.shot("photo")
	// The photo changed the product, as this page knows: an edit saved right after it is taken
	// (it was refused as made over an older version).
	form := prod.eval("document.querySelector('#product-list .product-edit form').id")
	prod.eval("document.querySelector('#" + form + "').closest('details').open = true, ''")
	prod.fill(map[string]string{"#" + form + "-price_max_vnd": "410.000"})
	// Saved as the network drops: the form says it was not saved, and its button works again.
	prod.eval("window.fetch = (u, o) => o && o.method === 'PATCH' ? Promise.reject(new TypeError('Failed to fetch')) : window.realFetch(u, o), ''")
	prod.submit(form)
	prod.until("not saved, said under the form", "document.querySelector('#"+form+" .form-err').textContent === 'Mất kết nối mạng nên có thể chưa lưu được: hãy kiểm tra mạng rồi bấm lại.' && "+
		"!document.querySelector('#"+form+" button[type=submit]').disabled", false)
	prod.eval("window.fetch = window.realFetch, ''")
	prod.submit(form)
	prod.until("the price saved after the photo", "document.querySelector('#product-list').textContent.includes('410.000') && document.querySelector('#toast').textContent === 'Đã lưu sản phẩm.'", false)
}

// stepMatchCardsMeetingAndFair: the exhibitor's card says the request was sent and offers no
// second one; the other producer's card shows its photo and offers a meeting; "only exhibitors"
// leaves the fair's exhibitor alone.
func stepMatchCardsMeetingAndFair(t *testing.T, bb browser, reqID string) {
	t.Helper()
	bb.open("#/request/" + reqID)
	card := func(name string) string {
		return "[...document.querySelectorAll('#matches .card')].find((c) => c.querySelector('h2').textContent.includes('" + name + "'))"
	}
	bb.until("both producers, the exhibitor's meeting sent", card("Bắc Hà")+" && "+card("Sóc Sơn")+" && "+card("Bắc Hà")+".querySelector('.meeting-status')", true)
	if got := bb.eval(card("Bắc Hà") + ".querySelector('.meeting-status').textContent"); got != "Đã gửi yêu cầu" {
		t.Errorf("the exhibitor's meeting badge reads %q, want Đã gửi yêu cầu", got)
	}
	if bb.eval("String(!!"+card("Bắc Hà")+".querySelector('.request-meeting'))") != "false" {
		t.Error("a second meeting is offered while the first is awaiting an answer")
	}
	// The other producer has no booth at the fair chosen: the card says so instead of offering a
	// meeting the API refuses, and that refusal, where it comes, names the reason, not only
	// "Một số trường chưa hợp lệ".
	if bb.eval("String(!!"+card("Sóc Sơn")+".querySelector('.request-meeting'))") != "false" {
		t.Error("a meeting is offered with a producer that has no booth at the fair chosen")
	}
	if got := bb.eval(card("Sóc Sơn") + ".querySelector('.not-exhibiting').textContent"); got != "Không có gian hàng tại Hội chợ OCOP Hồ Gươm." {
		t.Errorf("the card of a producer not at the fair says %q", got)
	}
	refusal, err := chromedp.Run(bb.ctx, chromedp.Evaluate[string](`(async () => { const me = await api("GET", "/api/buyers/me");
		const r = await api("POST", "/api/fairs/" + document.querySelector('#meeting-fair').value + "/meetings", { buyer_id: me.data.id, producer_id: `+card("Sóc Sơn")+`.dataset.producer, session: "any" });
		return r.status + " " + failure(r) })()`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.Contains(refusal, "không có gian hàng tại hội chợ này") {
		t.Errorf("a meeting asked with a producer not at the fair is refused with %q (%v), want the field's message", refusal, err)
	}
	bb.shot("match-card-not-at-fair")
	bb.until("the other producer's photo", card("Sóc Sơn")+".querySelector('img.thumb[alt=\"Mật ong HTX Mật ong Sóc Sơn\"]')", true)
	bb.run(chromedp.Click("#only-exhibitors"))
	bb.until("only the exhibitor", "!document.querySelector('#match-box').hasAttribute('aria-busy') && document.querySelectorAll('#matches .card').length === 1 && "+card("Bắc Hà"), false)
	bb.shot("match-cards")
}

// stepInterestReachesBuyer: the exhibitor marks "Quan tâm" on the request; the buyer's request
// page counts it with the producer's name, and its match card carries the tag.
func stepInterestReachesBuyer(t *testing.T, ex, bb browser, reqID string) {
	t.Helper()
	ex.open("#/producer/opportunities")
	btn := "document.querySelector('[data-request=\"" + reqID + "\"] button.interest')"
	ex.until("the opportunity", btn, true)
	if got := ex.eval(btn + ".getAttribute('aria-pressed')"); got != "false" {
		t.Errorf("an opportunity not yet marked shows aria-pressed=%q", got)
	}
	ex.run(chromedp.Click("[data-request=\"" + reqID + "\"] button.interest"))
	ex.until("interest stored", btn+".getAttribute('aria-pressed') === 'true' && "+btn+".textContent === '✔ Quan tâm'", false)
	ex.open("#/producer")
	ex.open("#/producer/opportunities")
	ex.until("interest shown after a reload", btn+".getAttribute('aria-pressed') === 'true'", false)
	fitsPhone(ex, "opportunities")
	bb.open("#/request/" + reqID)
	bb.until("the interest count with the name", "document.querySelector('.interests') && document.querySelector('.interests').textContent === '1 chủ thể quan tâm: HTX Mật ong Bắc Hà'", true)
	bb.until("the interest tag on the card", "[...document.querySelectorAll('#matches .card')].some((c) => c.textContent.includes('Bắc Hà') && c.querySelector('.interest-tag'))", true)
	bb.open("#/buyer")
	bb.until("the count in the request list", "document.querySelector('#request-list .interests') && document.querySelector('#request-list .interests').textContent === '1 chủ thể quan tâm'", true)
	bb.shot("interest")
}

// stepCredentials: on a phone, the producer gives its HACCP certificate (number, last valid day),
// its trademark and an export market, which buyers' matches weigh; the page lists the
// certificate, the profile holds all three, and the certificate can be removed again.
func stepCredentials(t *testing.T, prod browser, own client) {
	t.Helper()
	prod.open("#/producer")
	prod.until("the credentials card", "document.querySelector('#credentials-card #cert-add')", false)
	prod.fill(map[string]string{"#cert-add-code": "haccp", "#cert-add-number": "HACCP-2026-118", "#cert-add-valid_until": "31/12/2027"})
	prod.submit("cert-add")
	prod.until("the certificate listed", "document.querySelector('#cert-list') && document.querySelector('#cert-list').textContent.includes('HACCP-2026-118') && "+
		"document.querySelector('#cert-list').textContent.includes('31/12/2027')", false)
	prod.until("the form redrawn", "document.querySelector('#credentials')", false)
	prod.fill(map[string]string{"#credentials-trademark_registration": "4-0312345-000"})
	prod.run(chromedp.Click("#credentials-export_markets input[value=\"JP\"]"))
	prod.submit("credentials")
	prod.until("saved", "document.querySelector('#toast').textContent === 'Đã lưu hồ sơ.'", false)
	// Drawn again after the toast: "Xóa" on the card drawn before would send the old revision.
	prod.until("the profile drawn again", "document.querySelector('#credentials') && !document.querySelector('#credentials').dataset.sending", false)
	fitsPhone(prod, "credentials")
	prod.shot("credentials")
	me := own.call("GET", "/api/producers/me", nil)
	if got := fmt.Sprint(me["certifications"], " ", me["trademark_registration"], " ", me["export_markets"]); got != "[map[code:haccp number:HACCP-2026-118 valid_until:2027-12-31]] 4-0312345-000 [JP]" {
		t.Errorf("the profile holds %s", got)
	}
	prod.eval("window.confirm = () => true, ''")
	prod.until("the remove button", "document.querySelector('#cert-list .cert-remove[data-code=haccp]')", false)
	prod.run(chromedp.Click("#cert-list .cert-remove[data-code=haccp]"))
	prod.until("the certificate gone", "!document.querySelector('#cert-list') && document.querySelector('#credentials-card').textContent.includes('Chưa khai chứng nhận nào.')", false)
}
