package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// stepProducerEditsAndRemovesProduct: the producer opens "Sửa" under a product, raises the price
// range and enters a renewed certificate's decision, sees them listed, then removes the product
// after the confirmation.
func stepProducerEditsAndRemovesProduct(t *testing.T, prod browser) {
	t.Helper()
	prod.open("#/producer")
	prod.until("the product list", "document.querySelector('#product-list .product-edit summary')", false)
	prod.run(chromedp.Click("#product-list .product-edit summary"))
	form := prod.eval("document.querySelector('#product-list .product-edit form').id")
	if !strings.HasPrefix(form, "edit-") {
		t.Fatalf("the edit form is %q", form)
	}
	if got := prod.eval("document.querySelector('#" + form + "-price_min_vnd').value"); got != "250.000" {
		t.Errorf("the edit form shows the price as %q, want 250.000", got)
	}
	prod.fill(map[string]string{"#" + form + "-price_max_vnd": "300.000", "#" + form + "-decision_no": "456/QĐ-UBND"})
	prod.submit(form)
	prod.until("the new price range and decision listed", "document.querySelector('#product-list') && document.querySelector('#product-list').textContent.includes('300.000') && document.querySelector('#product-list').textContent.includes('456/QĐ-UBND')", false)
	prod.shot("product-edited")
	prod.eval("window.confirm = () => true, ''")
	prod.run(chromedp.Click("#product-list .product-edit summary"))
	prod.run(chromedp.Click("#product-list button[id^='delete-']", chromedp.NodeVisible))
	prod.until("the product removed", "!document.querySelector('#product-list') && document.querySelector('#new-product')", false)
}
