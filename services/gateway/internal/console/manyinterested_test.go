package console_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// stepManyInterested: twenty-one producers mark interest in a buyer's new request; on a phone the
// buyer's request page names the first twenty with the count, and "và 1 chủ thể khác", tapped,
// names every one, still after a redraw.
func stepManyInterested(j journey, anon, buyer client, buyerID string) {
	t := j.t
	t.Helper()
	req := buyer.call("POST", "/api/buyers/"+buyerID+"/requests", map[string]any{"title": "Mật ong làm quà Tết", "criteria_sets": []int{4},
		"monthly_volume": 200, "unit": "litre", "target_market": "domestic"})
	reqID := req["id"].(string)
	const n = 21
	for i := range n {
		p, _ := anon.producer(fmt.Sprintf("tet%02d@cards.example.vn", i), fmt.Sprintf("HTX Ong mật Tết %02d", i), fmt.Sprintf("0101444%03d", i), 4)
		id := p.call("GET", "/api/producers/me", nil)["id"].(string)
		p.call("POST", "/api/producers/"+id+"/opportunities/"+reqID+"/interest", nil) // tried again until the product is known there
	}
	phone := j.person("cards-buyer-phone", 360, 800)
	phone.login("mua@cards.example.vn", "parity-pass-1")
	phone.open("#/request/" + reqID)
	line := "document.querySelector('.interests').textContent"
	phone.until("twenty named, one more offered", "document.querySelector('.interests') && "+line+".startsWith('21 chủ thể quan tâm: HTX Ong mật Tết 00, ') && "+
		line+".endsWith('HTX Ong mật Tết 19 và 1 chủ thể khác')", true)
	if h, _ := strconv.ParseFloat(phone.eval("String(document.querySelector('#interests-more').getBoundingClientRect().height)"), 64); h < 44 {
		t.Errorf("\"và 1 chủ thể khác\" is %v px tall on a phone, want 44 to tap", h)
	}
	phone.run(chromedp.Click("#interests-more"))
	phone.until("every one named", "!document.querySelector('#interests-more') && "+line+".endsWith('HTX Ong mật Tết 19, HTX Ong mật Tết 20')", false)
	if got := phone.eval(line); strings.Count(got, "HTX Ong mật Tết") != n {
		t.Errorf("the request names %q, want all %d producers", got, n)
	}
	// A redraw (a live update) keeps every name while the count is the same.
	if _, err := chromedp.Run(phone.ctx, chromedp.Evaluate[bool]("render(true).then(() => true)", chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	phone.until("every one named after a redraw", "!document.querySelector('#interests-more') && "+line+".endsWith('HTX Ong mật Tết 19, HTX Ong mật Tết 20')", true)
	phone.shot("many-interested")
}

// stepRequestAtAnotherFair: a new buyer's request names a fair where the exhibitor has no booth;
// the exhibitor's opportunity card says where the buyer meets and offers no meeting at its own
// fair.
func stepRequestAtAnotherFair(t *testing.T, ex browser, anon client, fairID string) {
	t.Helper()
	buyer := anon.register("ss-mua@cards.example.vn", "Cửa hàng Đặc sản Sóc Sơn", "buyer")
	b := buyer.call("POST", "/api/buyers", map[string]any{"name": "Cửa hàng Đặc sản Sóc Sơn", "kind": "tourism_shop", "province": "01", "markets": []string{"domestic"}})
	req := buyer.call("POST", fmt.Sprintf("/api/buyers/%s/requests", b["id"]), map[string]any{"title": "Mật ong cho hội chợ Sóc Sơn", "criteria_sets": []int{4},
		"monthly_volume": 100, "unit": "litre", "target_market": "domestic", "fair_id": fairID})
	card := "document.querySelector('[data-request=\"" + req["id"].(string) + "\"]')"
	ex.open("#/producer/opportunities")
	ex.run(chromedp.Reload()) // a fresh page: an earlier step held this one's reads
	ex.until("the fair the buyer meets at, and no invitation elsewhere", card+" && "+card+".querySelector('.opp-elsewhere') && "+card+
		".querySelector('.opp-elsewhere').textContent === 'Bên mua chỉ hẹn gặp tại Tuần hàng OCOP Sóc Sơn, nơi bạn chưa có gian hàng.' && !"+card+".querySelector('button.invite')", true)
}
