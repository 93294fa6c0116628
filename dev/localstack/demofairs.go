package localstack

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// demoParticipant is a demo producer or buyer as the later steps of the demo use it: its
// signed-in client, its profile, and what it offers or asks (a product and its criteria set, or
// a sourcing request and the sets it asks for).
type demoParticipant struct {
	c         demoClient
	id        string
	productID string
	request   string
	sets      []int
}

// demoFairDates are a fair's dates as days from today.
type demoFairDates struct{ start, open, close int }

// newDemoFair creates a fair for the lifecycle demo: a small hall of one grid of ten booths, its
// entrance, stage and B2B area.
func newDemoFair(ctx context.Context, org demoClient, name, kind, province, region string, d demoFairDates) (string, error) {
	now := demoNow()
	day := func(n int) string { return now.AddDate(0, 0, n).Format(time.DateOnly) }
	var f struct{ ID string }
	if err := org.do(ctx, "POST", "/api/fairs", map[string]any{"name_vi": name, "kind": kind, "region": region, "host_province": province,
		"venue":      map[string]string{"name": "Cung Văn hóa tỉnh", "address": "Dữ liệu mẫu"},
		"start_date": day(d.start), "end_date": day(d.start + 3), "applications_open": day(d.open), "applications_close": day(d.close),
		"eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 2},
		"fees":        map[string]any{"booth_prices": map[string]int64{"standard": 10_000_000}, "subsidy_percent": 50, "max_subsidised_booths": 2}}, &f); err != nil {
		return "", fmt.Errorf("demo: fair %s: %w", name, err)
	}
	g := demoGrid{Zone: "Khu trưng bày", Prefix: "M", Rows: 2, Columns: 5}
	if err := org.do(ctx, "POST", "/api/fairs/"+f.ID+"/booths", map[string]any{"grid": g.body()}, nil); err != nil {
		return "", fmt.Errorf("demo: booths of %s: %w", name, err)
	}
	return f.ID, addDemoLandmarks(ctx, org, f.ID, []demoGrid{g})
}

// patchDemoDates moves a published fair's dates: a fair is published only while applications are
// open, so a fair shown in the past is published first and moved back after.
func patchDemoDates(ctx context.Context, org demoClient, id string, d demoFairDates) error {
	now := demoNow()
	day := func(n int) string { return now.AddDate(0, 0, n).Format(time.DateOnly) }
	if err := org.do(ctx, "PATCH", "/api/fairs/"+id, map[string]any{"applications_open": day(d.open), "applications_close": day(d.close),
		"start_date": day(d.start), "end_date": day(d.start + 3)}, nil); err != nil {
		return fmt.Errorf("demo: dates of fair %s: %w", id, err)
	}
	return nil
}

// moveDemoFair takes a fair through lifecycle actions in order.
func moveDemoFair(ctx context.Context, org demoClient, id string, actions ...string) error {
	for _, a := range actions {
		var body any
		if a == "cancel" {
			body = map[string]string{"reason": "Địa điểm tổ chức không còn trống trong tuần này; ban tổ chức sẽ thông báo lịch mới."}
		}
		if err := org.do(ctx, "POST", "/api/fairs/"+id+"/"+a, body, nil); err != nil {
			return fmt.Errorf("demo: fair %s %s: %w", id, a, err)
		}
	}
	return nil
}

// loadDemoLifecycle adds a fair in each lifecycle state the two open fairs do not show: a draft,
// one whose applications have closed, a cancelled one, a completed one, and a live one whose B2B
// day yesterday was scheduled and whose meetings have outcomes (MoUs, a contract with its value),
// with more meetings on its next day.
func loadDemoLifecycle(ctx context.Context, org demoClient, exhibitors, buyers []demoParticipant) error {
	for _, f := range []struct {
		name, kind, province, region string
		dates                        demoFairDates
		past                         *demoFairDates // the dates it is moved to once published
		actions                      []string
	}{
		{"Hội chợ OCOP Cần Thơ 2027 (bản nháp, dữ liệu mẫu)", "fair", "92", "mekong_delta", demoFairDates{90, 30, 80}, nil, nil},
		{"Tuần hàng OCOP Thái Nguyên (đã đóng nhận hồ sơ, dữ liệu mẫu)", "trade_week", "19", "northern_midlands_mountains", demoFairDates{12, -20, 5}, nil, []string{"publish", "close-applications"}},
		{"Hội chợ OCOP Lâm Đồng (đã hủy, dữ liệu mẫu)", "fair", "68", "central_highlands", demoFairDates{20, -10, 10}, nil, []string{"publish", "cancel"}},
		{"Hội chợ OCOP Hải Phòng 2026 (đã kết thúc, dữ liệu mẫu)", "fair", "31", "promo_red_river_delta", demoFairDates{20, -1, 10}, &demoFairDates{-40, -80, -50},
			[]string{"publish", "close-applications", "start", "complete"}},
	} {
		id, err := newDemoFair(ctx, org, f.name, f.kind, f.province, f.region, f.dates)
		if err != nil {
			return err
		}
		for i, a := range f.actions {
			if err := moveDemoFair(ctx, org, id, a); err != nil {
				return err
			}
			if i == 0 && f.past != nil {
				if err := patchDemoDates(ctx, org, id, *f.past); err != nil {
					return err
				}
			}
		}
	}
	return loadDemoLiveFair(ctx, org, exhibitors, buyers)
}

// loadDemoLiveFair opens a fair to applications, has the exhibitors apply, approves and places
// them, then moves its dates to yesterday and takes it live: applications can only be made
// before they close, and outcomes only once a meeting's slot has started.
func loadDemoLiveFair(ctx context.Context, org demoClient, exhibitors, buyers []demoParticipant) error {
	id, err := newDemoFair(ctx, org, "Hội chợ OCOP miền Trung (đang diễn ra, dữ liệu mẫu)", "fair", "48", "promo_central_highlands", demoFairDates{20, -1, 10})
	if err != nil {
		return err
	}
	if err := moveDemoFair(ctx, org, id, "publish"); err != nil {
		return err
	}
	for _, p := range exhibitors {
		if err := eventually(ctx, func() error {
			return p.c.do(ctx, "POST", "/api/fairs/"+id+"/applications", map[string]any{"product_ids": []string{p.productID}, "booth_count": 1}, nil)
		}); err != nil {
			return fmt.Errorf("demo: application to the live fair: %w", err)
		}
	}
	if err := approveAndPlace(ctx, org, id, len(exhibitors)); err != nil {
		return err
	}
	if err := patchDemoDates(ctx, org, id, demoFairDates{-1, -30, -2}); err != nil {
		return err
	}
	now := demoNow()
	day := func(n int) string { return now.AddDate(0, 0, n).Format(time.DateOnly) }
	if err := moveDemoFair(ctx, org, id, "close-applications", "start"); err != nil {
		return err
	}
	var fair struct{ Revision int64 }
	if err := org.do(ctx, "PUT", "/api/fairs/"+id+"/b2b-sessions", map[string]any{"days": []map[string]any{
		{"date": day(-1), "start_time": "08:00", "slot_minutes": 30, "slots": 8, "morning_slots": 4, "lunch_minutes": 60, "tables": 4},
		{"date": day(1), "start_time": "08:00", "slot_minutes": 30, "slots": 8, "morning_slots": 4, "lunch_minutes": 60, "tables": 4}}}, &fair); err != nil {
		return fmt.Errorf("demo: live fair B2B days: %w", err)
	}
	if err := demoMeetings(ctx, org, id, fair.Revision, exhibitors, buyers); err != nil {
		return err
	}
	return demoFairDay(ctx, org, id, exhibitors, buyers)
}

// approveAndPlace approves a fair's applications once all want have reached the organisers'
// queue, and commits an allocation that places every one of them.
func approveAndPlace(ctx context.Context, org demoClient, fairID string, want int) error {
	var apps struct {
		Items []struct{ ID string } `json:"items"`
	}
	if err := eventually(ctx, func() error {
		if err := org.do(ctx, "GET", "/api/fairs/"+fairID+"/applications?limit=100", nil, &apps); err != nil {
			return err
		}
		if len(apps.Items) < want {
			return fmt.Errorf("%d of %d applications in the queue", len(apps.Items), want)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("demo: live fair applications: %w", err)
	}
	for _, a := range apps.Items {
		if err := org.do(ctx, "POST", "/api/applications/"+a.ID+"/approve", nil, nil); err != nil {
			return fmt.Errorf("demo: approve: %w", err)
		}
	}
	if err := eventually(ctx, func() error {
		var p struct {
			Placements []any `json:"placements"`
		}
		if err := org.do(ctx, "POST", "/api/fairs/"+fairID+"/allocation", nil, &p); err != nil {
			return err
		}
		if len(p.Placements) < want {
			return fmt.Errorf("%d of %d approvals have reached the event service", len(p.Placements), want)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("demo: live fair allocation: %w", err)
	}
	return org.do(ctx, "POST", "/api/fairs/"+fairID+"/allocation/commit", nil, nil)
}

// demoOutcomes are what came of the live fair's first meetings, in order; later meetings have
// none yet.
var demoOutcomes = []struct {
	outcome string
	value   int64
}{{"contract_signed", 480_000_000}, {"mou_signed", 0}, {"mou_signed", 0}, {"sample_requested", 0}, {"negotiating", 0}, {"contract_signed", 125_000_000}}

// demoMeetings has each buyer ask two exhibitors of the live fair for a meeting, the producers
// accept, the organiser schedule them, and the meetings held yesterday record their outcomes.
func demoMeetings(ctx context.Context, org demoClient, fairID string, revision int64, exhibitors, buyers []demoParticipant) error {
	var ids []string
	for i, b := range buyers {
		for k := range 2 {
			p := exhibitors[(i+k)%len(exhibitors)]
			var m struct{ ID string }
			if err := eventually(ctx, func() error {
				return b.c.do(ctx, "POST", "/api/fairs/"+fairID+"/meetings", map[string]any{"buyer_id": b.id, "producer_id": p.id}, &m)
			}); err != nil {
				return fmt.Errorf("demo: meeting: %w", err)
			}
			if err := p.c.do(ctx, "POST", "/api/meetings/"+m.ID+"/accept", nil, nil); err != nil {
				return fmt.Errorf("demo: accept: %w", err)
			}
			ids = append(ids, m.ID)
		}
	}
	// The live fair's days began before the demo loads: its schedule is entered as a day held
	// (include_started), which a live run never places meetings in.
	if err := org.do(ctx, "POST", fmt.Sprintf("/api/fairs/%s/schedule?fair_revision=%d&time_limit_ms=2000&include_started=true", fairID, revision), nil, nil); err != nil {
		return fmt.Errorf("demo: schedule: %w", err)
	}
	yesterday := demoNow().AddDate(0, 0, -1).Format(time.DateOnly)
	recorded := 0
	for i, id := range ids {
		b := buyers[i/2]
		var m struct{ Day string }
		if err := b.c.do(ctx, "GET", "/api/meetings/"+id, nil, &m); err != nil {
			return err
		}
		if m.Day != yesterday || recorded == len(demoOutcomes) {
			continue
		}
		o := demoOutcomes[recorded]
		if err := b.c.do(ctx, "POST", "/api/meetings/"+id+"/outcome", map[string]any{"outcome": o.outcome, "value_vnd": o.value}, nil); err != nil {
			return fmt.Errorf("demo: outcome: %w", err)
		}
		recorded++
	}
	return nil
}

// loadDemoInterests has producers mark interest in the sourcing requests they fit: for each
// request, the first two producers whose product's criteria set it asks for.
func loadDemoInterests(ctx context.Context, producers, buyers []demoParticipant) error {
	for _, b := range buyers {
		marked := 0
		for _, p := range producers {
			if marked == 2 || !slices.Contains(b.sets, p.sets[0]) {
				continue
			}
			if err := eventually(ctx, func() error {
				return p.c.do(ctx, "POST", "/api/producers/"+p.id+"/opportunities/"+b.request+"/interest", nil, nil)
			}); err != nil {
				return fmt.Errorf("demo: interest: %w", err)
			}
			marked++
		}
	}
	return nil
}

// demoMeetingRequests gives the demo producer and buyers meetings at the Hà Nội fair in each
// state a match card and an inbox show: the demo buyer's request to the demo producer awaits its
// answer, another buyer's was accepted and scheduled, a third was declined.
func demoMeetingRequests(ctx context.Context, org demoClient, fairID string, producer demoParticipant, buyers []demoParticipant) error {
	for i, answer := range []string{"", "accept", "decline"} {
		b := buyers[i]
		var m struct{ ID string }
		if err := eventually(ctx, func() error {
			return b.c.do(ctx, "POST", "/api/fairs/"+fairID+"/meetings", map[string]any{"buyer_id": b.id, "producer_id": producer.id,
				"note": "Chúng tôi muốn trao đổi về giá sỉ và lịch giao hàng hằng tháng."}, &m)
		}); err != nil {
			return fmt.Errorf("demo: meeting request at the Hà Nội fair: %w", err)
		}
		if answer == "" {
			continue
		}
		if err := producer.c.do(ctx, "POST", "/api/meetings/"+m.ID+"/"+answer, nil, nil); err != nil {
			return fmt.Errorf("demo: %s: %w", answer, err)
		}
	}
	if err := org.do(ctx, "POST", "/api/fairs/"+fairID+"/schedule?time_limit_ms=2000", nil, nil); err != nil {
		return fmt.Errorf("demo: schedule of the Hà Nội fair: %w", err)
	}
	return nil
}
