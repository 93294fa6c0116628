package localstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DemoAccount is a sign-in printed for people trying the demo.
type DemoAccount struct {
	Role, Email, Password string
}

// demoProduct is a real-looking OCOP product of a province.
type demoProduct struct {
	producer, kind, province, commune string
	name                              string
	set, stars                        int
	unit                              string
	capacity                          float64
	price                             int64
}

var demoProducts = []demoProduct{
	{"HTX Mật ong Bắc Hà", "cooperative", "15", "Xã Bắc Hà", "Mật ong bạc hà Bắc Hà", 4, 4, "litre", 1500, 350000},
	{"HTX Chè Tân Cương", "cooperative", "19", "Xã Tân Cương", "Chè búp Tân Cương", 11, 4, "kg", 3000, 600000},
	{"Công ty Nước mắm Phú Quốc Khải Hoàn", "enterprise", "91", "Đặc khu Phú Quốc", "Nước mắm Phú Quốc 40 độ đạm", 9, 5, "bottle", 50000, 120000},
	{"HTX Gạo ST25 Sóc Trăng", "cooperative", "92", "Xã Mỹ Xuyên", "Gạo ST25 ông Cua", 3, 4, "tonne", 40, 38000},
	{"HTX Cà phê Cầu Đất", "cooperative", "68", "Xã Xuân Trường", "Cà phê Arabica Cầu Đất", 13, 4, "kg", 5000, 450000},
	{"Cơ sở Miến dong Bình Liêu", "household_business", "22", "Xã Bình Liêu", "Miến dong Bình Liêu", 6, 4, "kg", 4000, 90000},
	{"HTX Rượu Bàu Đá", "cooperative", "52", "Xã Nhơn Lộc", "Rượu Bàu Đá", 14, 3, "bottle", 8000, 150000},
	{"Công ty Yến sào Khánh Hòa", "enterprise", "56", "Phường Nha Trang", "Yến sào Khánh Hòa chưng sẵn", 8, 5, "jar", 20000, 45000},
	{"HTX Bưởi da xanh Bến Tre", "cooperative", "86", "Xã Mỏ Cày", "Bưởi da xanh", 1, 4, "tonne", 60, 35000},
	{"HTX Vải thiều Lục Ngạn", "cooperative", "24", "Xã Lục Ngạn", "Vải thiều Lục Ngạn sấy khô", 7, 4, "kg", 8000, 180000},
	{"Cơ sở Lụa Vạn Phúc", "household_business", "01", "Phường Hà Đông", "Khăn lụa tơ tằm Vạn Phúc", 22, 4, "piece", 2000, 350000},
	{"HTX Gốm Bát Tràng", "cooperative", "01", "Xã Bát Tràng", "Bộ ấm chén men lam Bát Tràng", 21, 4, "set", 1500, 650000},
	{"Tổ hợp tác Nón lá Huế", "cooperative_group", "46", "Phường Phú Hậu", "Nón bài thơ Huế", 21, 3, "piece", 3000, 120000},
	{"HTX Tiêu Phú Quốc", "cooperative", "91", "Đặc khu Phú Quốc", "Tiêu đen Phú Quốc", 10, 4, "kg", 6000, 220000},
	{"Công ty Tinh dầu quế Văn Yên", "enterprise", "15", "Xã Văn Yên", "Tinh dầu quế Văn Yên", 20, 4, "ml", 500000, 2500},
	{"HTX Sâm Ngọc Linh", "cooperative", "51", "Xã Trà Linh", "Sâm Ngọc Linh ngâm mật ong", 18, 5, "jar", 800, 1800000},
	{"HTX Nấm linh chi Đà Lạt", "cooperative", "68", "Phường Lâm Viên", "Nấm linh chi đỏ sấy khô", 18, 4, "kg", 500, 900000},
	{"Cơ sở Bánh đa Kế", "household_business", "24", "Phường Dĩnh Kế", "Bánh đa Kế", 6, 3, "pack", 20000, 25000},
	{"HTX Cam Vinh", "cooperative", "40", "Xã Quỳ Hợp", "Cam Vinh", 1, 4, "tonne", 80, 30000},
	{"HTX Mắm tôm chua Huế", "cooperative", "46", "Phường Hương Sơ", "Mắm tôm chua", 9, 3, "jar", 10000, 60000},
	{"Công ty Ca cao Bến Tre", "enterprise", "86", "Xã Châu Thành", "Sô-cô-la ca cao Bến Tre", 13, 4, "box", 15000, 95000},
	{"HTX Dừa sáp Cầu Kè", "cooperative", "86", "Xã Cầu Kè", "Dừa sáp Cầu Kè", 1, 4, "piece", 30000, 120000},
	{"HTX Mật ong Tây Nguyên", "cooperative", "66", "Xã Ea Kar", "Mật ong hoa cà phê", 4, 3, "litre", 5000, 200000},
	{"HTX Sen Đồng Tháp", "cooperative", "82", "Xã Tháp Mười", "Trà tim sen", 12, 4, "pack", 10000, 80000},
	{"HTX Xoài cát Hòa Lộc", "cooperative", "82", "Xã Cái Bè", "Xoài cát Hòa Lộc", 1, 4, "tonne", 50, 55000},
	{"Cơ sở Kẹo dừa Mỏ Cày", "household_business", "86", "Xã Mỏ Cày", "Kẹo dừa sầu riêng", 7, 3, "pack", 40000, 30000},
	{"HTX Chè Shan tuyết Hà Giang", "cooperative", "08", "Xã Hoàng Su Phì", "Chè Shan tuyết cổ thụ", 11, 5, "kg", 2000, 1200000},
	{"HTX Thịt trâu gác bếp Điện Biên", "cooperative", "11", "Xã Mường Phăng", "Thịt trâu gác bếp", 8, 4, "kg", 1500, 950000},
	{"HTX Đông trùng hạ thảo Sơn La", "cooperative", "14", "Phường Chiềng Lề", "Đông trùng hạ thảo sấy thăng hoa", 18, 4, "jar", 3000, 700000},
	{"HTX Hoa lan Mê Linh", "cooperative", "01", "Xã Mê Linh", "Lan hồ điệp chậu", 23, 4, "piece", 5000, 450000},
}

var demoBuyers = []struct {
	name, kind, province, title string
	sets                        []int
	keywords                    []string
	volume                      float64
	unit, market                string
}{
	{"Siêu thị Xanh Hà Nội", "supermarket_chain", "01", "Mật ong sạch cho chuỗi siêu thị", []int{4}, []string{"mat ong"}, 800, "litre", "domestic"},
	{"Công ty XNK Nông sản Việt", "exporter", "79", "Gạo thơm xuất khẩu EU", []int{3}, []string{"gao", "st25"}, 20, "tonne", "EU"},
	{"Chuỗi cửa hàng tiện lợi Sáng", "convenience_chain", "79", "Đặc sản khô đóng gói", []int{6, 7}, nil, 5000, "pack", "domestic"},
	{"Khách sạn Sông Hương", "hotel", "46", "Quà tặng thủ công cho khách", []int{21, 22}, nil, 300, "piece", "domestic"},
	{"Sàn thương mại điện tử Chợ Quê", "ecommerce", "01", "Trà và cà phê đặc sản", []int{11, 12, 13}, []string{"che", "ca phe"}, 500, "kg", "domestic"},
	{"Công ty Thực phẩm Nhật Việt", "exporter", "31", "Nước mắm cho thị trường Nhật", []int{9}, []string{"nuoc mam"}, 20000, "bottle", "JP"},
	{"Chợ đầu mối Bình Điền", "wholesale_market", "79", "Trái cây đặc sản số lượng lớn", []int{1}, nil, 30, "tonne", "domestic"},
	{"Nhà hàng Quê Nhà", "restaurant", "48", "Gia vị và mắm miền Trung", []int{9, 10}, nil, 200, "jar", "domestic"},
	{"Công ty Suất ăn Công nghiệp Bắc Ninh", "industrial_catering", "24", "Gạo và miến cho bếp ăn", []int{3, 6}, nil, 10, "tonne", "domestic"},
	{"Cửa hàng Quà Việt", "tourism_shop", "56", "Yến sào và đặc sản biển", []int{8}, []string{"yen"}, 2000, "jar", "domestic"},
	{"Công ty Dược liệu Xanh", "distributor", "01", "Dược liệu và tinh dầu", []int{18, 20}, nil, 1000, "jar", "KR"},
	{"Siêu thị Mê Kông", "supermarket_chain", "92", "Đặc sản miền Tây", []int{1, 7}, []string{"dua", "keo dua"}, 3000, "pack", "domestic"},
	{"Công ty Xuất khẩu Úc Châu", "exporter", "79", "Trái cây tươi đi Úc", []int{1}, []string{"xoai", "buoi"}, 15, "tonne", "AU"},
	{"Nhà phân phối Hương Việt", "distributor", "31", "Chè đặc sản vùng cao", []int{11}, []string{"che"}, 800, "kg", "domestic"},
	{"Chuỗi cà phê Phố Cổ", "restaurant", "01", "Cà phê Arabica rang xay", []int{13}, []string{"ca phe", "arabica"}, 400, "kg", "domestic"},
}

type demoClient struct {
	base  string
	token string
	http  *http.Client
}

func (c demoClient) do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		payload = b
	}
	// A busy service (503: the scheduler busy, or settings not yet seen) is asked again after
	// its Retry-After, a few times.
	for try := 1; ; try++ {
		status, wait, data, err := c.send(ctx, method, path, payload)
		if err != nil {
			return err
		}
		if status == http.StatusServiceUnavailable && try < demoTries {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
				continue
			}
		}
		if status >= 300 {
			return fmt.Errorf("%s %s: %d %s", method, path, status, strings.TrimSpace(string(data)))
		}
		if out != nil {
			return json.Unmarshal(data, out)
		}
		return nil
	}
}

// demoTries is how many times the demo asks a busy service.
const demoTries = 5

// send makes one request and reads its status, Retry-After (1 s when none, at most 5 s) and body.
func (c demoClient) send(ctx context.Context, method, path string, payload []byte) (int, time.Duration, []byte, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, 0, nil, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	wait := time.Second
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
		wait = time.Duration(min(n, 5)) * time.Second
	}
	return resp.StatusCode, wait, data, nil
}

func (c demoClient) login(ctx context.Context, email, password string) (demoClient, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err := c.do(ctx, "POST", "/api/auth/login", map[string]string{"email": email, "password": password}, &tok)
	c.token = tok.AccessToken
	return c, err
}

func (c demoClient) register(ctx context.Context, email, password, name, role string) (demoClient, error) {
	var reg struct {
		AccessToken string `json:"access_token"`
	}
	err := c.do(ctx, "POST", "/api/auth/register", map[string]string{"email": email, "password": password, "name": name, "role": role}, &reg)
	c.token = reg.AccessToken
	return c, err
}

// eventually retries fn for a while: events take a moment to reach the other services.
func eventually(ctx context.Context, fn func() error) error {
	var err error
	for i := 0; i < 100; i++ {
		if err = fn(); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return err
}

// demoGrid is one grid of standard booths on a demo fair's floor plan, as the event service
// generates it: booths of demoBooth × demoBooth metres side by side, rows demoAisle apart.
type demoGrid struct {
	Zone, Prefix  string
	Rows, Columns int
	X, Y          float64
}

// The event service's sizes for a grid of standard booths.
const (
	demoBooth = 3
	demoAisle = 3
)

// size returns the floor g covers in metres.
func (g demoGrid) size() (width, depth float64) {
	return float64(g.Columns * demoBooth), float64(g.Rows*demoBooth + (g.Rows-1)*demoAisle)
}

// body is g as the grid of POST /api/fairs/{id}/booths.
func (g demoGrid) body() map[string]any {
	return map[string]any{"zone": g.Zone, "prefix": g.Prefix, "rows": g.Rows, "columns": g.Columns, "origin_x": g.X, "origin_y": g.Y}
}

// demoPlans returns the grids of the Hà Nội fair (five zones of 30 booths, three zones to a row)
// and of the Tây Ninh trade week (two zones of 25, one below the other). Each grid starts an
// aisle past the floor of the one before it, so no booth stands on another.
func demoPlans() (hanoi, week []demoGrid) {
	place := func(zones []string, first rune, rows, columns, perRow int) []demoGrid {
		out := make([]demoGrid, len(zones))
		for i, z := range zones {
			g := demoGrid{Zone: z, Prefix: string(first + rune(i)), Rows: rows, Columns: columns}
			w, d := g.size()
			g.X, g.Y = float64(i%perRow)*(w+demoAisle), float64(i/perRow)*(d+demoAisle)
			out[i] = g
		}
		return out
	}
	hanoi = place([]string{"Khu Tây Bắc", "Khu Đồng bằng sông Hồng", "Khu miền Trung – Tây Nguyên", "Khu Nam Bộ", "Khu Hà Nội"}, 'A', 3, 10, 3)
	week = place([]string{"Khu đặc sản", "Khu thủ công"}, 'P', 5, 5, 1)
	return hanoi, week
}

// LoadDemo fills a fresh system through its public API with a labelled demo: a Hà Nội OCOP fair
// with 150 booths and a trade week with 50, 60 producers with products across sectors and
// provinces (most applying, approved and placed at the Hà Nội fair), 15 buyers with sourcing
// requests that producers have marked interest in, and a fair in every other state of its
// lifecycle: a draft, one with applications closed, a cancelled one, a completed one, and a live
// one whose B2B day yesterday was scheduled and held, with MoUs and contracts recorded, and whose
// day today has badges scanned at the gate and at the tables, meetings attended and QR scans. It
// returns the accounts to sign in with.
func LoadDemo(ctx context.Context, gateway, adminEmail, adminPassword string) ([]DemoAccount, error) {
	anon := demoClient{base: gateway, http: &http.Client{Timeout: 30 * time.Second}}
	admin, err := anon.login(ctx, adminEmail, adminPassword)
	if err != nil {
		return nil, fmt.Errorf("demo: admin sign-in: %w", err)
	}
	accounts := []DemoAccount{{"admin", adminEmail, adminPassword}, {"organiser", "organiser@demo.ocopfair.vn", "demo-organiser-1"}}
	if err := admin.do(ctx, "POST", "/api/accounts", map[string]string{"email": accounts[1].Email, "password": accounts[1].Password,
		"name": "Trung tâm Xúc tiến Thương mại (mẫu)", "role": "organiser"}, nil); err != nil {
		return nil, fmt.Errorf("demo: organiser: %w", err)
	}
	org, err := anon.login(ctx, accounts[1].Email, accounts[1].Password)
	if err != nil {
		return nil, err
	}
	now := demoNow()
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
	newFair := func(name, kind, province, region string, start int) (string, error) {
		var f struct{ ID string }
		err := org.do(ctx, "POST", "/api/fairs", map[string]any{"name_vi": name, "kind": kind, "region": region, "host_province": province,
			"venue":      map[string]string{"name": "Trung tâm Hội chợ Triển lãm", "address": "Dữ liệu mẫu"},
			"start_date": day(start), "end_date": day(start + 4), "applications_open": day(-1), "applications_close": day(start - 7),
			"eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 2},
			"fees":        map[string]any{"booth_prices": map[string]int64{"standard": 12_000_000, "corner": 15_000_000}, "subsidy_percent": 50, "max_subsidised_booths": 2}}, &f)
		return f.ID, err
	}
	hanoi, err := newFair("Hội chợ OCOP Hà Nội 2026 (dữ liệu mẫu)", "fair", "01", "promo_red_river_delta", 30)
	if err != nil {
		return nil, fmt.Errorf("demo: fair: %w", err)
	}
	week, err := newFair("Tuần hàng OCOP Tây Ninh (dữ liệu mẫu)", "trade_week", "80", "southeast", 40)
	if err != nil {
		return nil, fmt.Errorf("demo: trade week: %w", err)
	}
	hanoiPlan, weekPlan := demoPlans()
	for id, plan := range map[string][]demoGrid{hanoi: hanoiPlan, week: weekPlan} {
		for _, g := range plan {
			if err := org.do(ctx, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": g.body()}, nil); err != nil {
				return nil, fmt.Errorf("demo: booths %s: %w", g.Prefix, err)
			}
		}
		if err := addDemoLandmarks(ctx, org, id, plan); err != nil {
			return nil, err
		}
	}
	for _, id := range []string{hanoi, week} {
		if err := org.do(ctx, "POST", "/api/fairs/"+id+"/publish", nil, nil); err != nil {
			return nil, err
		}
	}
	if err := org.do(ctx, "PUT", "/api/fairs/"+hanoi+"/b2b-sessions", map[string]any{"days": []map[string]any{
		{"date": day(31), "start_time": "08:00", "slot_minutes": 20, "slots": 21, "morning_slots": 12, "tables": 14}}}, nil); err != nil {
		return nil, err
	}

	var producers, spare []demoParticipant
	for i := 0; i < 60; i++ {
		tpl := demoProducts[i%len(demoProducts)]
		name := tpl.producer
		if i >= len(demoProducts) {
			name += " cơ sở 2"
		}
		email := fmt.Sprintf("producer%02d@demo.ocopfair.vn", i+1)
		p, err := anon.register(ctx, email, "demo-producer-1", name, "producer")
		if err != nil {
			return nil, fmt.Errorf("demo: producer %d: %w", i, err)
		}
		if i == 0 {
			accounts = append(accounts, DemoAccount{"producer", email, "demo-producer-1"})
		}
		var prof struct{ ID string }
		if err := p.do(ctx, "POST", "/api/producers", map[string]any{"kind": tpl.kind, "legal_name": name, "tax_code": fmt.Sprintf("%010d", 4600100000+i),
			"province": tpl.province, "commune": tpl.commune, "phone": fmt.Sprintf("09%08d", 12345000+i),
			"certifications": []map[string]string{{"code": []string{"vietgap", "haccp", "iso_22000", "globalgap"}[i%4], "number": fmt.Sprintf("CN-%04d", i), "valid_until": day(400)}},
			"export_markets": []string{"JP", "EU", "KR", "AU"}[i%4 : i%4+1]}, &prof); err != nil {
			return nil, fmt.Errorf("demo: profile %d: %w", i, err)
		}
		issued := now.AddDate(0, -6-i%30, 0)
		if i%15 == 7 {
			issued = now.AddDate(-3, 1, 0) // a certificate about to expire
		}
		var prod struct{ ID string }
		if err := p.do(ctx, "POST", "/api/producers/"+prof.ID+"/products", map[string]any{"name_vi": tpl.name, "criteria_set": tpl.set, "stars": tpl.stars,
			"potential_five_star": tpl.stars == 4 && i%9 == 0, "unit": tpl.unit, "monthly_capacity": tpl.capacity, "price_min_vnd": tpl.price, "price_max_vnd": tpl.price * 13 / 10,
			"certificate":    map[string]string{"decision_no": fmt.Sprintf("%d/QĐ-UBND", 1000+i), "issued_by": "UBND tỉnh", "issued_on": issued.Format(time.DateOnly)},
			"description_vi": "Sản phẩm OCOP " + tpl.name + " (dữ liệu mẫu)"}, &prod); err != nil {
			return nil, fmt.Errorf("demo: product %d: %w", i, err)
		}
		part := demoParticipant{c: p, id: prof.ID, productID: prod.ID, sets: []int{tpl.set}}
		producers = append(producers, part)
		if i%6 == 5 {
			spare = append(spare, part) // not every producer applies here: these exhibit at the live fair
			continue
		}
		fair, plan := hanoi, hanoiPlan
		if i%5 == 4 {
			fair, plan = week, weekPlan
		}
		if err := eventually(ctx, func() error {
			return p.do(ctx, "POST", "/api/fairs/"+fair+"/applications", map[string]any{"product_ids": []string{prod.ID}, "booth_count": 1 + i%2,
				"preferred_zone": plan[i%len(plan)].Zone}, nil)
		}); err != nil {
			return nil, fmt.Errorf("demo: application %d: %w", i, err)
		}
	}
	var apps struct {
		Items []struct {
			ID       string `json:"id"`
			Eligible bool   `json:"eligible"`
		} `json:"items"`
	}
	if err := org.do(ctx, "GET", "/api/fairs/"+hanoi+"/applications?limit=100", nil, &apps); err != nil {
		return nil, err
	}
	for i, a := range apps.Items {
		if i%7 == 6 {
			continue // some left for the organiser to review
		}
		action := "approve"
		if !a.Eligible {
			action = "waitlist"
		}
		if err := org.do(ctx, "POST", "/api/applications/"+a.ID+"/"+action, nil, nil); err != nil {
			return nil, err
		}
	}
	if err := eventually(ctx, func() error {
		var p struct {
			Placements []any `json:"placements"`
		}
		if err := org.do(ctx, "POST", "/api/fairs/"+hanoi+"/allocation", nil, &p); err != nil {
			return err
		}
		if len(p.Placements) == 0 {
			return fmt.Errorf("no approvals have reached the event service yet")
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("demo: allocation: %w", err)
	}
	if err := org.do(ctx, "POST", "/api/fairs/"+hanoi+"/allocation/commit", nil, nil); err != nil {
		return nil, err
	}

	var buyers []demoParticipant
	for i, b := range demoBuyers {
		email := fmt.Sprintf("buyer%02d@demo.ocopfair.vn", i+1)
		c, err := anon.register(ctx, email, "demo-buyer-1", b.name, "buyer")
		if err != nil {
			return nil, fmt.Errorf("demo: buyer %d: %w", i, err)
		}
		if i == 0 {
			accounts = append(accounts, DemoAccount{"buyer", email, "demo-buyer-1"})
		}
		var prof struct{ ID string }
		if err := c.do(ctx, "POST", "/api/buyers", map[string]any{"name": b.name, "kind": b.kind, "province": b.province, "markets": []string{"domestic", b.market}}, &prof); err != nil {
			return nil, err
		}
		var req struct{ ID string }
		if err := c.do(ctx, "POST", "/api/buyers/"+prof.ID+"/requests", map[string]any{"title": b.title + " (mẫu)", "criteria_sets": b.sets, "keywords": b.keywords,
			"monthly_volume": b.volume, "unit": b.unit, "target_market": b.market, "fair_id": hanoi}, &req); err != nil {
			return nil, err
		}
		buyers = append(buyers, demoParticipant{c: c, id: prof.ID, request: req.ID, sets: b.sets})
	}
	if err := loadDemoInterests(ctx, producers, buyers); err != nil {
		return nil, err
	}
	if err := loadDemoLifecycle(ctx, org, spare[:6], buyers[:6]); err != nil {
		return nil, err
	}
	if err := demoMeetingRequests(ctx, org, hanoi, producers[0], buyers); err != nil {
		return nil, err
	}
	return accounts, nil
}
