package console_test

import (
	"testing"
	"time"
)

// b2bFair is a published B2B conference a month ahead with four booths in Khu A and one B2B day
// (6 slots, 3 in the morning, an hour's lunch), whose two exhibitors, a honey and a tea
// cooperative, are approved and placed, and two registered buyers: a supermarket chain selling
// in markets and a tourism shop. Emails end in @tag.example.vn.
type b2bFair struct {
	fairID, day       string
	org               client
	honey, tea        client
	honeyID, teaID    string
	buyer, buyer2     client
	buyerID, buyer2ID string
}

// setUpB2BFair makes a b2bFair named name with tables B2B tables, through the API.
func setUpB2BFair(t *testing.T, j journey, tag, name string, tables int, markets []string) b2bFair {
	t.Helper()
	anon := client{t: t, base: j.base}
	admin := anon.as("admin@example.vn", "admin-password-1")
	admin.call("POST", "/api/accounts", map[string]string{"name": "Sở Công Thương", "email": "sct@" + tag + ".example.vn", "password": "organiser-pass-1", "role": "organiser"})
	x := b2bFair{org: anon.as("sct@"+tag+".example.vn", "organiser-pass-1")}
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
	fair := x.org.call("POST", "/api/fairs", map[string]any{"name_vi": name, "kind": "b2b_conference", "region": "promo_red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Trung tâm Hội nghị Quốc gia", "address": "Số 1 Đại lộ Thăng Long"}, "start_date": day(30), "end_date": day(32),
		"applications_open": day(0), "applications_close": day(20), "eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 1}})
	x.fairID, x.day = fair["id"].(string), day(31)
	x.org.call("POST", "/api/fairs/"+x.fairID+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "kind": "standard", "rows": 1, "columns": 4}})
	x.org.call("POST", "/api/fairs/"+x.fairID+"/publish", nil)
	x.org.call("PUT", "/api/fairs/"+x.fairID+"/b2b-sessions", map[string]any{"days": []map[string]any{{"date": x.day, "start_time": "08:00", "slot_minutes": 20,
		"slots": 6, "morning_slots": 3, "tables": tables, "lunch_minutes": 60}}})
	var honeyApp, teaApp string
	x.honey, honeyApp = anon.applicant(x.fairID, "mo@"+tag+".example.vn", "HTX Mật ong Bắc Hà", "5300333111", "15", "Mật ong bạc hà", 4)
	x.tea, teaApp = anon.applicant(x.fairID, "tra@"+tag+".example.vn", "HTX Chè Shan Tuyết", "5300333222", "08", "Chè shan tuyết", 4)
	x.org.call("POST", "/api/applications/"+honeyApp+"/approve", nil)
	x.org.call("POST", "/api/applications/"+teaApp+"/approve", nil)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if placed, _ := x.org.call("POST", "/api/fairs/"+x.fairID+"/allocation", nil)["placements"].([]any); len(placed) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the approved applications were never placed")
		}
	}
	x.org.call("POST", "/api/fairs/"+x.fairID+"/allocation/commit", nil)
	x.honeyID = x.honey.call("GET", "/api/producers/me", nil)["id"].(string)
	x.teaID = x.tea.call("GET", "/api/producers/me", nil)["id"].(string)
	x.buyer = anon.register("mua@"+tag+".example.vn", "Chuỗi Siêu thị Sen", "buyer")
	x.buyerID = x.buyer.call("POST", "/api/buyers", map[string]any{"name": "Chuỗi Siêu thị Sen", "kind": "supermarket_chain", "province": "01", "markets": markets})["id"].(string)
	x.buyer2 = anon.register("dacsan@"+tag+".example.vn", "Cửa hàng Đặc sản Việt", "buyer")
	x.buyer2ID = x.buyer2.call("POST", "/api/buyers", map[string]any{"name": "Cửa hàng Đặc sản Việt", "kind": "tourism_shop", "province": "01", "markets": []string{"domestic"}})["id"].(string)
	return x
}
