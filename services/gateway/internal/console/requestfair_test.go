package console_test

import (
	"fmt"
	"time"
)

// stepStartsWhereTheyExhibit: a fair sooner than the one the best match exhibits at is offered
// too; a new request that names no fair opens on the fair where its best-ranked producers have
// booths, not on the soonest, where none of them does.
func stepStartsWhereTheyExhibit(bb browser, oc, buyer client, buyerID, fairID string) {
	bb.t.Helper()
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	sooner := oc.call("POST", "/api/fairs", map[string]any{"name_vi": "Phiên chợ OCOP cuối tuần", "kind": "trade_week", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Phố đi bộ Hồ Gươm", "address": "Đinh Tiên Hoàng"}, "start_date": day(5), "end_date": day(6),
		"applications_open": day(0), "applications_close": day(3), "eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 1}})
	oc.call("POST", "/api/fairs/"+sooner["id"].(string)+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "kind": "standard", "rows": 1, "columns": 2}})
	oc.call("POST", "/api/fairs/"+sooner["id"].(string)+"/publish", nil)
	req := buyer.call("POST", fmt.Sprintf("/api/buyers/%s/requests", buyerID), map[string]any{"title": "Mật ong bạc hà Bắc Hà", "criteria_sets": []int{4},
		"keywords": []string{"bạc hà"}, "monthly_volume": 300, "unit": "litre", "target_market": "domestic"})
	bb.open("#/request/" + req["id"].(string))
	bb.until("the sooner fair offered", "document.querySelector('#meeting-fair option[value=\""+sooner["id"].(string)+"\"]')", true)
	bb.until("the fair where the best match exhibits chosen", "document.querySelector('#meeting-fair').value === '"+fairID+"' && document.querySelector('#matches')", false)
}
