package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// stepProducerEditsAndRemovesProduct: the producer opens "Sửa" under a product, raises the price
// range and enters a renewed certificate's decision, sees them listed with the certificate's
// expiry as it was (a 12-month one, not reset to 36 months), then removes the product after the
// confirmation.
func stepProducerEditsAndRemovesProduct(t *testing.T, prod browser) {
	t.Helper()
	prod.open("#/producer")
	prod.until("the product list", "document.querySelector('#product-list .product-edit summary')", false)
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
	prod.open("#/producer")
	prod.until("the product list", "document.querySelector('#product-list .product-edit summary')", false)
	prod.run(chromedp.Click("#product-list .product-edit summary"))
	if got := prod.eval("document.querySelector('#" + form + "-price_min_vnd').value"); got != "250.000" {
		t.Errorf("the edit form shows the price as %q, want 250.000", got)
	}
	prod.fill(map[string]string{"#" + form + "-price_max_vnd": "300.000", "#" + form + "-decision_no": "456/QĐ-UBND"})
	prod.submit(form)
	prod.until("the new price range and decision listed", "document.querySelector('#product-list') && document.querySelector('#product-list').textContent.includes('300.000') && document.querySelector('#product-list').textContent.includes('456/QĐ-UBND')", false)
	prod.shot("product-edited")
	prod.eval(`window.keptExpiry = '', api('GET', '` + product + `').then((g) => { window.keptExpiry = g.data.certificate.expires_on; }), ''`)
	prod.until("the product read again", "window.keptExpiry", false)
	if got := prod.eval("window.keptExpiry"); got != expiry {
		t.Errorf("after the edit the certificate expires on %s, want %s as before", got, expiry)
	}
	prod.eval("window.confirm = () => true, ''")
	prod.run(chromedp.Click("#product-list .product-edit summary"))
	prod.run(chromedp.Click("#product-list button[id^='delete-']", chromedp.NodeVisible))
	prod.until("the product removed", "!document.querySelector('#product-list') && document.querySelector('#new-product')", false)
}
