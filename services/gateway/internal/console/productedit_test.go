package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepProducerEditsAndRemovesProduct: the producer opens "Sửa" under a product, raises the price
// range and enters a renewed certificate's decision, sees them listed with the certificate's
// expiry as it was (a 12-month one, not reset to 36 months); removing it is refused while the
// fair's application lists it, and a product in no application goes after the confirmation.
func stepProducerEditsAndRemovesProduct(t *testing.T, prod browser) {
	t.Helper()
	prod.open("#/producer") // the certificate's end is said with the days left, counted in Vietnam's calendar
	prod.until("the product list, its expiry with the days left", "document.querySelector('#product-list .product-edit summary') && /^Hết hạn \\d{2}\\/\\d{2}\\/\\d{4} · còn \\d+ ngày$/.test(document.querySelector('#product-list .expiry').textContent)", false)
	// A live update redraws the page with nothing typed: an open fold stays open, the focus where it was.
	prod.run(chromedp.Click("#product-list .qr-box summary"))
	prod.eval("document.querySelector('#product-list .qr-box summary').focus(), window.redrawn = false, render(true).then(() => { window.redrawn = true }), ''")
	prod.until("the page redrawn", "window.redrawn", false)
	if got := prod.eval("document.querySelector('#product-list .qr-box').open + ' ' + (document.activeElement === document.querySelector('#product-list .qr-box summary'))"); got != "true true" {
		t.Errorf("after a redraw the QR fold's open and focus kept = %q, want \"true true\"", got)
	}
	prod.run(chromedp.Click("#product-list .qr-box summary"))
	// Nothing typed (the new product's lists show their first choice): live updates redraw it.
	if got := prod.eval("String(formsDirty())"); got != "false" {
		t.Errorf("the producer page with nothing typed counts as typed in: %s", got)
	}
	form := prod.eval("document.querySelector('#product-list .product-edit form').id")
	if !strings.HasPrefix(form, "edit-") {
		t.Fatalf("the edit form is %q", form)
	}
	// The certificate was given for 12 months (as an import may say).
	product := "/api/products/" + strings.TrimPrefix(form, "edit-")
	prod.eval(`(async () => { const g = await api('GET', '` + product + `'); const d = new Date(g.data.certificate.issued_on); d.setFullYear(d.getFullYear() + 1);
		const exp = d.toISOString().slice(0, 10); const c = g.data.certificate;
		const r = await api('PATCH', '` + product + `', { certificate: { decision_no: c.decision_no, issued_by: c.issued_by, issued_on: c.issued_on, expires_on: exp } }); window.shortExpiry = r.ok ? exp : 'failed ' + r.status + ' ' + JSON.stringify(r.data); })(), ''`)
	prod.until("a 12-month certificate", "window.shortExpiry", false)
	expiry := prod.eval("window.shortExpiry")
	if strings.HasPrefix(expiry, "failed") {
		t.Fatalf("shortening the certificate: %s", expiry)
	}
	// The page shows the product as it is now (the same address again would not load it anew).
	prod.eval("window.redrawn = false, render(true).then(() => { window.redrawn = true }), ''")
	prod.until("the page redrawn", "window.redrawn", false)
	prod.until("the product list", "document.querySelector('#product-list .product-edit summary')", false)
	prod.run(chromedp.Click("#product-list .product-edit summary"))
	if got := prod.eval("document.querySelector('#" + form + "-price_min_vnd').value"); got != "250.000" {
		t.Errorf("the edit form shows the price as %q, want 250.000", got)
	}
	// A new product half typed below stays typed when the edit is saved and the page refreshed.
	prod.fill(map[string]string{"#new-product-name_vi": "Mật ong hoa cà phê"})
	prod.fill(map[string]string{"#" + form + "-price_max_vnd": "300.000", "#" + form + "-decision_no": "456/QĐ-UBND"})
	prod.submit(form)
	prod.until("the new price range and decision listed", "document.querySelector('#product-list') && document.querySelector('#product-list').textContent.includes('300.000') && document.querySelector('#product-list').textContent.includes('456/QĐ-UBND')", false)
	if got := prod.eval("document.querySelector('#new-product-name_vi').value + '|' + document.querySelector('#" + form + "-price_max_vnd').value"); got != "Mật ong hoa cà phê|300.000" {
		t.Errorf("after saving the edit: the new product's name and the edited price read %q, want the name kept as typed", got)
	}
	noneChangedByStaff(t, prod, "after the producer's own edit")
	prod.shot("product-edited")
	stepSavedOverAnotherPhonesEdit(t, prod, form, product)
	prod.eval(`window.keptExpiry = '', api('GET', '` + product + `').then((g) => { window.keptExpiry = g.data.certificate.expires_on; }), ''`)
	prod.until("the product read again", "window.keptExpiry", false)
	if got := prod.eval("window.keptExpiry"); got != expiry {
		t.Errorf("after the edit the certificate expires on %s, want %s as before", got, expiry)
	}
	// The product is in the fair's application: removing it is refused, saying so.
	prod.eval("window.confirm = () => true, ''")
	prod.run(chromedp.Click("#product-list .product-edit summary"))
	prod.run(chromedp.Click("#product-list button[id^='delete-']", chromedp.NodeVisible))
	prod.until("told the product is in an application", "document.querySelector('#toast').textContent.includes('đơn đăng ký gian hàng') && document.querySelector('#toast').textContent.includes('Rút đơn')", false)
	if n := prod.eval("String(document.querySelectorAll('#product-list tbody tr').length)"); n != "1" {
		t.Errorf("products listed after a refused removal: %s, want 1", n)
	}
	// A name typed in the first product's edit, its fold then closed, stays typed and folded
	// when another form is saved.
	prod.fill(map[string]string{"#" + form + "-name_vi": "Mật ong bạc hà rừng"})
	prod.run(chromedp.Click("#product-list .product-edit summary"))
	// A product in no application goes after the confirmation.
	prod.fill(map[string]string{"#new-product-name_vi": "Mật ong hoa nhãn", "#new-product-criteria_set": "4", "#new-product-stars": "3", "#new-product-decision_no": "124/QĐ-UBND",
		"#new-product-issued_by": "UBND tỉnh Lào Cai", "#new-product-issued_on": time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)})
	prod.submit("new-product")
	prod.until("the second product listed", "document.querySelectorAll('#product-list tbody tr').length === 2", false)
	row := "[...document.querySelectorAll('#product-list tbody tr')].find((r) => r.textContent.includes('Mật ong hoa nhãn'))"
	stepProductRatedAgain(t, prod, row)
	if got := prod.eval("document.querySelector('#" + form + "-name_vi').value + '|' + document.querySelector('#" + form + "').closest('details').open"); got != "Mật ong bạc hà rừng|false" {
		t.Errorf("the first product's edit after the second was added: %q, want its typed name kept and its fold closed", got)
	}
	prod.eval("(() => { " + row + ".querySelector('.product-edit summary').click(); " + row + ".querySelector('button[id^=\"delete-\"]').click(); return '' })()")
	prod.until("the product removed, and said so", "document.querySelectorAll('#product-list tbody tr').length === 1 && !document.querySelector('#product-list').textContent.includes('Mật ong hoa nhãn') && document.querySelector('#toast').textContent === 'Đã xóa.'", false)
	stepSavedAfterAnotherPhoneRemoved(t, prod)
}

// stepSavedAfterAnotherPhoneRemoved: another phone removes a product this page still lists (it
// does not hear of it): removing it here too says it is removed, and saving another's edit says
// the product is not found; either way the list no longer shows it.
func stepSavedAfterAnotherPhoneRemoved(t *testing.T, prod browser) {
	t.Helper()
	// add lists a new product and returns its edit form's ID and its address.
	add := func(name, decision string) (form, product string) {
		n := prod.eval("String(document.querySelectorAll('#product-list tbody tr').length)")
		prod.fill(map[string]string{"#new-product-name_vi": name, "#new-product-criteria_set": "4", "#new-product-stars": "3",
			"#new-product-decision_no": decision, "#new-product-issued_by": "UBND tỉnh Lào Cai",
			"#new-product-issued_on": time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)})
		prod.submit("new-product")
		prod.until("the new product listed", "document.querySelectorAll('#product-list tbody tr').length === "+n+" + 1", false)
		form = prod.eval("[...document.querySelectorAll('#product-list tbody tr')].find((r) => r.textContent.includes('" + name + "')).querySelector('.product-edit form').id")
		return form, "/api/products/" + strings.TrimPrefix(form, "edit-")
	}
	otherPhoneRemoves := func(product string) {
		prod.eval(`window.otherPhone = '', api('DELETE', '` + product + `').then((r) => { window.otherPhone = String(r.status); }), ''`)
		prod.until("the other phone's removal", "window.otherPhone", false)
		if got := prod.eval("window.otherPhone"); got != "204" {
			t.Fatalf("the other phone's removal: %s", got)
		}
	}
	form, product := add("Mật ong hoa vải", "125/QĐ-UBND")
	otherPhoneRemoves(product)
	prod.eval("document.querySelector('#" + form + "').closest('details').open = true, ''")
	prod.run(chromedp.Click("#delete-"+strings.TrimPrefix(form, "edit-"), chromedp.NodeVisible))
	prod.until("the product removed here too, and said so", "document.querySelectorAll('#product-list tbody tr').length === 1 && !document.querySelector('#product-list').textContent.includes('Mật ong hoa vải') && document.querySelector('#toast').textContent === 'Đã xóa.'", false)

	form, product = add("Mật ong hoa xuyến chi", "126/QĐ-UBND")
	otherPhoneRemoves(product)
	prod.eval("document.querySelector('#" + form + "').closest('details').open = true, ''")
	prod.fill(map[string]string{"#" + form + "-price_max_vnd": "400.000"})
	prod.submit(form)
	prod.until("told the product is not found, and no longer listed", "document.querySelector('#toast').textContent.includes('Không tìm thấy sản phẩm') && document.querySelectorAll('#product-list tbody tr').length === 1 && !document.querySelector('#product-list').textContent.includes('Mật ong hoa xuyến chi')", false)
}

// stepSavedOverAnotherPhonesEdit: another phone changes the price meanwhile (this page does not
// hear of it): a save from this page is refused and says so, the page then shows the other
// phone's price with this one's typing kept, and saving again takes it.
func stepSavedOverAnotherPhonesEdit(t *testing.T, prod browser, form, product string) {
	t.Helper()
	prod.eval(`window.otherPhone = '', api('PATCH', '` + product + `', { price_max_vnd: 320000 }).then((r) => { window.otherPhone = String(r.status); }), ''`)
	prod.until("the other phone's edit", "window.otherPhone", false)
	if got := prod.eval("window.otherPhone"); got != "200" {
		t.Fatalf("the other phone's edit: %s", got)
	}
	prod.eval("document.querySelector('#" + form + "').closest('details').open = true, ''") // the save folded it
	prod.fill(map[string]string{"#" + form + "-price_max_vnd": "350.000"})
	prod.submit(form)
	prod.until("told the product changed meanwhile", "document.querySelector('#toast').textContent.includes('đã thay đổi từ lúc bạn tải')", false)
	prod.until("the other phone's price shown, this one's typing kept", "document.querySelector('#product-list').textContent.includes('320.000') && document.querySelector('#"+form+"-price_max_vnd').value === '350.000' && !document.querySelector('#"+form+"').dataset.sending", false)
	// Said above the button too, after the page was redrawn, and after a live update redraws it
	// again: the toast is soon gone.
	for _, when := range []string{"the redraw", "a live update"} {
		if when == "a live update" {
			prod.eval("window.redrawn = false, render(true).then(() => { window.redrawn = true }), ''")
			prod.until("the page redrawn", "window.redrawn", false)
		}
		if got := prod.eval("document.querySelector('#" + form + " .form-err').textContent"); !strings.Contains(got, "đã thay đổi từ lúc bạn tải") {
			t.Errorf("above the save button after %s: %q, want the product changed meanwhile", when, got)
		}
	}
	prod.submit(form)
	prod.until("the price saved the second time", "document.querySelector('#product-list').textContent.includes('350.000') && !document.querySelector('#product-list').textContent.includes('320.000')", false)
	if got := prod.eval("document.querySelector('#" + form + " .form-err').textContent"); got != "" {
		t.Errorf("above the save button once saved: %q, want nothing", got)
	}
}

// stepOrganiserCorrectsProduct: an organiser corrects the producer's product (its monthly
// supply); the producer's open page says, under the product, that the organisers changed it
// last, who and when.
func stepOrganiserCorrectsProduct(t *testing.T, org, prod browser) {
	t.Helper()
	prod.open("#/producer")
	prod.until("the product list", "document.querySelector('#product-list .product-edit form')", false)
	noneChangedByStaff(t, prod, "before any correction")
	product := "/api/products/" + strings.TrimPrefix(prod.eval("document.querySelector('#product-list .product-edit form').id"), "edit-")
	org.eval(`window.corrected = '', api('PATCH', '` + product + `', { monthly_capacity: 1200 }).then((r) => { window.corrected = String(r.status); }), ''`)
	org.until("the organiser's correction", "window.corrected", false)
	if got := org.eval("window.corrected"); got != "200" {
		t.Fatalf("the organiser's correction answered %s", got)
	}
	prod.until("told the organisers changed the product", `document.querySelector('#product-list .changed-by') && /^Ban tổ chức \(.+\) đã sửa lần cuối lúc \d\d:\d\d \d\d\/\d\d\/\d{4}\.$/.test(document.querySelector('#product-list .changed-by').textContent)`, true)
	if prod.eval("String(innerWidth)") == "360" {
		fitsPhone(prod, "a product the organisers changed")
	}
	prod.shot("product-changed-by-organiser")
}

// noneChangedByStaff: no product in the producer's list says the organisers changed it last.
func noneChangedByStaff(t *testing.T, prod browser, when string) {
	t.Helper()
	if got := prod.eval("String(document.querySelectorAll('#product-list .changed-by').length)"); got != "0" {
		t.Errorf("%s, %s products say the organisers changed them last", when, got)
	}
}

// stepProductRatedAgain: the keyboard goes on from the product just added (its "Sửa"), not from
// the top of the page; the product, re-evaluated, is given 5★ with the ministry's decision in
// its edit, listed so, and the keyboard stays on that product.
func stepProductRatedAgain(t *testing.T, prod browser, row string) {
	t.Helper()
	summary := row + ".querySelector('.product-edit summary')"
	prod.until("the keyboard on the product added", "document.activeElement === "+summary, false)
	prod.eval("(() => { " + summary + ".click(); return '' })()")
	form := prod.eval(row + ".querySelector('.product-edit form').id")
	if got := prod.eval("document.querySelector('#" + form + "-stars').value + '|' + document.querySelector('#" + form + "-stars-hint').textContent"); !strings.HasPrefix(got, "3|Đổi khi có quyết định công nhận mới") {
		t.Errorf("the edit's stars and their hint read %q, want 3 and the hint", got)
	}
	// New stars over the old decision are refused under the decision, before sending.
	prod.fill(map[string]string{"#" + form + "-stars": "5"})
	prod.submit(form)
	prod.until("the new decision asked for", "document.querySelector('#"+form+" [data-field=decision_no] .err').textContent.startsWith('Nhập số, nơi cấp và ngày')", false)
	prod.fill(map[string]string{"#" + form + "-decision_no": "1234/QĐ-BNN-KTHT", "#" + form + "-issued_by": "Bộ Nông nghiệp và Môi trường"})
	prod.submit(form)
	prod.until("5★ listed, the keyboard on the product", row+" && "+row+".querySelector('[data-label=\"Số sao\"]').textContent === '5★' && document.activeElement === "+summary, false)
	if got := prod.eval(row + ".textContent"); !strings.Contains(got, "1234/QĐ-BNN-KTHT") {
		t.Errorf("the product re-rated lists %q, want the ministry's decision", got)
	}
}
