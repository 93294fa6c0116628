package match

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, vntext.Zone)

func apply(t testing.TB, x *index.Index, typ string, payload any, id string) {
	t.Helper()
	env, err := events.New(typ, 1, id, "", payload)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Apply(env); err != nil {
		t.Fatal(err)
	}
}

func producer(t testing.TB, x *index.Index, id, province, region string, certs ...string) {
	var cs []events.CertificationV1
	for _, c := range certs {
		cs = append(cs, events.CertificationV1{Code: c, Number: "1", ValidUntil: now.AddDate(1, 0, 0)})
	}
	apply(t, x, events.ProducerRegistered, events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: id, LegalName: "HTX " + id,
		ProvinceCode: province, Region: region, Certifications: cs, Trademark: "TM-" + id, Revision: 1}}, id)
}

func product(t testing.TB, x *index.Index, id, producerID, name string, set, stars int, capacity float64, unit string, price int64, expires time.Time) {
	sector := "food"
	if set >= 14 && set <= 17 {
		sector = "beverage"
	}
	apply(t, x, events.ProductCreated, events.ProductChangedV1{Product: events.ProductV1{ID: id, ProducerID: producerID, NameVI: name,
		CriteriaSet: set, Sector: sector, Stars: stars, Certificate: events.CertificateV1{ExpiresOn: expires.Format(time.DateOnly)},
		Unit: unit, MonthlyCapacity: capacity, PriceMinVND: price, Revision: 1}}, id)
}

func fixture(t *testing.T) *Matcher {
	x := index.New()
	producer(t, x, "p-honey-4", "15", "northern_midlands_mountains", "globalgap", "haccp")
	producer(t, x, "p-honey-3", "01", "red_river_delta")
	producer(t, x, "p-sauce", "91", "mekong_delta", "haccp")
	producer(t, x, "p-expired", "15", "northern_midlands_mountains")
	product(t, x, "honey-a", "p-honey-4", "Mật ong bạc hà Mèo Vạc", 4, 4, 2, "tonne", 250000, now.AddDate(1, 0, 0))
	product(t, x, "honey-b", "p-honey-3", "Mật ong rừng", 4, 3, 500, "kg", 180000, now.AddDate(0, 1, 0))
	product(t, x, "sauce", "p-sauce", "Nước mắm Phú Quốc", 9, 5, 10000, "bottle", 90000, now.AddDate(2, 0, 0))
	product(t, x, "honey-x", "p-expired", "Mật ong hết hạn", 4, 5, 10, "tonne", 100000, now.AddDate(0, 0, -1))
	return &Matcher{Index: x, Markets: Markets()}
}

func factor(r Result, name string) Factor {
	for _, f := range r.Factors {
		if f.Name == name {
			return f
		}
	}
	return Factor{}
}

func TestRankHoneyForEU(t *testing.T) {
	m := fixture(t)
	res := m.Rank(Need{CriteriaSets: []int{4}, Keywords: []string{"mat ong"}, MinStars: 3, Volume: 1.5, Unit: "tonne", Market: "EU", MaxPrice: 300000}, 20, now)
	if len(res) != 2 {
		t.Fatalf("results %+v, want the two producers with valid honey", res)
	}
	top := res[0]
	if top.ProducerID != "p-honey-4" || top.Score <= res[1].Score || top.Score > 1 || res[1].Score < 0 {
		t.Errorf("ranking %+v", res)
	}
	if got := factor(top, "capacity").text.In(apperr.Vietnamese); got != "Công suất 2 tấn/tháng ≥ 1,5 tấn" {
		t.Errorf("capacity reason %q", got)
	}
	if got := factor(top, "certifications").text.In(apperr.Vietnamese); !strings.HasPrefix(got, "Có GlobalGAP, HACCP, cần cho thị trường EU") {
		t.Errorf("certification reason %q", got)
	}
	if got := factor(top, "stars").text.In(apperr.Vietnamese); got != "Đạt 4 sao OCOP" {
		t.Errorf("stars reason %q", got)
	}
	if factor(res[1], "capacity").Score >= 1 {
		t.Errorf("500 kg/month against 1.5 tonnes should not fit fully")
	}
	for _, r := range res {
		if r.ProducerID == "p-expired" {
			t.Error("an expired certificate appeared")
		}
	}
}

// TestFactorReasonsInReadersLanguage ranks honey and says every factor's reason in each
// language: from the catalogue's messages (which msgcheck holds to both languages), English with
// no Vietnamese but names, Vietnamese as written.
func TestFactorReasonsInReadersLanguage(t *testing.T) {
	if err := msgcheck.Catalogue(apperr.Messages()); err != nil {
		t.Error(err)
	}
	m := fixture(t)
	need := Need{CriteriaSets: []int{4}, Keywords: []string{"Mật  ong", "rừng"}, MinStars: 3, Volume: 1.5, Unit: "tonne", Market: "EU", MaxPrice: 200000}
	res := m.Rank(need, 20, now)
	if len(res) != 2 || res[0].ProducerID != "p-honey-4" {
		t.Fatalf("results %+v, want p-honey-4 first of two", res)
	}
	want := map[apperr.Lang]map[string]string{
		apperr.Vietnamese: {"category": "Đúng bộ tiêu chí 4 (Thực phẩm thô, sơ chế)", "keywords": "Khớp từ khóa: Mật ong", "stars": "Đạt 4 sao OCOP",
			"certifications": "Có GlobalGAP, HACCP, cần cho thị trường EU; thiếu ISO 22000, cần cho thị trường EU; có nhãn hiệu đăng ký",
			"capacity":       "Công suất 2 tấn/tháng ≥ 1,5 tấn", "price": "Giá từ 250.000\u00a0₫/tấn cao hơn mức 200.000\u00a0₫/tấn"},
		apperr.English: {"category": "Exact criteria set 4 (Raw and pre-processed food)", "keywords": "Matches keywords: Mật ong", "stars": "OCOP 4 stars",
			"certifications": "Has GlobalGAP, HACCP, needed for the EU; lacks ISO 22000, needed for the EU; has a registered trademark",
			"capacity":       "Capacity 2 tonnes/month ≥ 1.5 tonnes", "price": "Price from 250,000 VND/tonne above 200,000 VND/tonne"},
	}
	for _, lang := range []apperr.Lang{apperr.Vietnamese, apperr.English} {
		Localize(res, lang)
		for name, reason := range want[lang] {
			if got := factor(res[0], name).Reason; got != reason {
				t.Errorf("%s reason in %s = %q, want %q", name, lang, got, reason)
			}
		}
		// Every reason reads as a sentence, whichever of its parts comes first.
		for _, r := range res {
			for _, f := range r.Factors {
				if c, _ := utf8.DecodeRuneInString(f.Reason); unicode.IsLower(c) {
					t.Errorf("%s reason of %s in %s starts in lower case: %q", f.Name, r.ProducerID, lang, f.Reason)
				}
			}
		}
	}
}

func TestHardFilters(t *testing.T) {
	m := fixture(t)
	if res := m.Rank(Need{CriteriaSets: []int{4}, MinStars: 4}, 20, now); len(res) != 1 || res[0].ProducerID != "p-honey-4" {
		t.Errorf("min stars 4: %+v", res)
	}
	if res := m.Rank(Need{Sectors: []string{"beverage"}}, 20, now); len(res) != 0 {
		t.Errorf("no beverages: %+v", res)
	}
	if res := m.Rank(Need{}, 20, now); len(res) != 3 {
		t.Errorf("open need: %d results, want 3 (expired excluded)", len(res))
	}
}

func TestTiesAreDeterministic(t *testing.T) {
	x := index.New()
	for i := 0; i < 30; i++ {
		id := fmt.Sprintf("p%02d", i)
		producer(t, x, id, "01", "red_river_delta")
		product(t, x, "x"+id, id, "Gạo ST25", 3, 4, 10, "tonne", 30000, now.AddDate(1, 0, 0))
	}
	m := &Matcher{Index: x, Markets: Markets()}
	a := m.Rank(Need{CriteriaSets: []int{3}}, 10, now)
	for i := 0; i < 5; i++ {
		b := m.Rank(Need{CriteriaSets: []int{3}}, 10, now)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatal("ranking of equal scores changes between calls")
		}
	}
	if !sort.SliceIsSorted(a, func(i, j int) bool { return a[i].ProducerID < a[j].ProducerID }) {
		t.Error("ties are not broken by producer ID")
	}
}

func TestMarketsTable(t *testing.T) {
	m := Markets()
	for _, code := range []string{"domestic", "JP", "KR", "CN", "EU", "US", "AU"} {
		if _, ok := m[code]; !ok {
			t.Errorf("market %s missing", code)
		}
	}
	if !slices.Contains(m["EU"].Expects, "globalgap") {
		t.Error("EU should expect GlobalGAP")
	}
}

func TestScoreProducer(t *testing.T) {
	m := fixture(t)
	r, ok := m.ScoreProducer(Need{CriteriaSets: []int{9}, Keywords: []string{"nuoc mam"}}, "p-sauce", now)
	if !ok || r.Score <= 0.5 || factor(r, "keywords").Score != 1 {
		t.Errorf("ScoreProducer = %+v, %v", r, ok)
	}
	if _, ok := m.ScoreProducer(Need{CriteriaSets: []int{9}}, "p-honey-3", now); ok {
		t.Error("a honey producer fits a fish sauce need")
	}
}

// BenchmarkMatch20000Products reports p50 and p99 latency of one ranked match against a national
// catalogue (target: p99 under 10 ms).
func BenchmarkMatch20000Products(b *testing.B) {
	x := index.New()
	if err := x.Synthetic(5000, 20000, now); err != nil {
		b.Fatal(err)
	}
	m := &Matcher{Index: x, Markets: Markets()}
	needs := []Need{
		{CriteriaSets: []int{4}, Keywords: []string{"mat ong"}, MinStars: 4, Volume: 2, Unit: "tonne", Market: "EU", MaxPrice: 300000},
		{Keywords: []string{"nuoc mam", "phu quoc"}, Volume: 5000, Unit: "bottle", Market: "domestic"},
		{Sectors: []string{"food"}, Market: "JP", RequiredCerts: []string{"haccp"}, Provinces: []string{"01"}},
	}
	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		res := m.Rank(needs[i%len(needs)], 20, now)
		lat = append(lat, time.Since(start))
		if len(res) == 0 {
			b.Fatal("no results")
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// A certification the buyer asks for is said as the buyer's, and one only its market expects as
// the market's: the buyer's own requirement is not credited to the market, nor a market's to it.
func TestCertificationReasonsSayWhoNeedsThem(t *testing.T) {
	m := fixture(t)
	need := Need{CriteriaSets: []int{4}, Keywords: []string{"mật ong"}, MinStars: 3, Market: "EU", RequiredCerts: []string{"haccp", "vietgap"}}
	res := m.Rank(need, 20, now)
	if len(res) == 0 || res[0].ProducerID != "p-honey-4" {
		t.Fatalf("results %+v, want p-honey-4 first", res)
	}
	got := factor(res[0], "certifications").text.In(apperr.Vietnamese)
	want := "Có HACCP, người mua yêu cầu; có GlobalGAP, cần cho thị trường EU; thiếu VietGAP, người mua yêu cầu; thiếu ISO 22000, cần cho thị trường EU"
	if !strings.HasPrefix(got, want) {
		t.Errorf("certification reason %q, want it to start %q", got, want)
	}
}

// Pages of a ranking, read one after the other, are the ranking: no producer twice or left out,
// in its order, and the last page says the list ends there.
func TestRankPagesAreTheRanking(t *testing.T) {
	x := index.New()
	if err := x.Synthetic(300, 1200, now); err != nil {
		t.Fatal(err)
	}
	m := &Matcher{Index: x, Markets: Markets()}
	need := Need{Sectors: []string{"food"}, Market: "domestic"}
	all := m.Rank(need, 1000, now)
	if len(all) < 50 {
		t.Fatalf("the ranking holds %d producers, want enough for several pages", len(all))
	}
	var paged []Result
	for from, pages := 0, 0; ; from += 17 {
		if pages++; pages > 100 {
			t.Fatal("the pages do not end")
		}
		page, more := m.RankPage(need, from, 17, now)
		paged = append(paged, page...)
		if !more {
			break
		}
	}
	if fmt.Sprint(paged) != fmt.Sprint(all) {
		t.Errorf("the pages hold %d producers, the ranking %d, or in another order", len(paged), len(all))
	}
	if page, more := m.RankPage(need, len(all), 10, now); len(page) != 0 || more {
		t.Errorf("past the end: %d producers, more %v", len(page), more)
	}
}

// A budget per tonne is held against a price per kg as a thousand times it, and a price per
// bottle, which converts to no weight, is said, not judged.
func TestPriceIsComparedInTheRequestsUnit(t *testing.T) {
	x := index.New()
	for _, p := range []struct {
		id, unit string
		price    int64
	}{{"p-kg-dear", "kg", 250000}, {"p-kg-cheap", "kg", 200}, {"p-bottle", "bottle", 90000}, {"p-tonne", "tonne", 280000}} {
		producer(t, x, p.id, "15", "northern_midlands_mountains")
		product(t, x, "x-"+p.id, p.id, "Mật ong", 4, 4, 10000, p.unit, p.price, now.AddDate(1, 0, 0))
	}
	m := &Matcher{Index: x, Markets: Markets()}
	res := m.Rank(Need{CriteriaSets: []int{4}, Volume: 2.5, Unit: "tonne", MaxPrice: 280000}, 10, now)
	Localize(res, apperr.Vietnamese)
	want := map[string]struct {
		score  float64
		reason string
	}{
		"p-kg-dear":  {0.0011, "Giá từ 250.000\u00a0₫/kg (250.000.000\u00a0₫/tấn) cao hơn mức 280.000\u00a0₫/tấn"},
		"p-kg-cheap": {1, "Giá từ 200\u00a0₫/kg (200.000\u00a0₫/tấn), không vượt mức 280.000\u00a0₫/tấn"},
		"p-bottle":   {0.5, "Giá từ 90.000\u00a0₫/chai, không quy đổi được sang tấn để so với giá tối đa"},
		"p-tonne":    {1, "Giá từ 280.000\u00a0₫/tấn, không vượt mức 280.000\u00a0₫/tấn"},
	}
	for _, r := range res {
		f := factor(r, "price")
		if w := want[r.ProducerID]; math.Abs(f.Score-w.score) > 0.0005 || f.Reason != w.reason {
			t.Errorf("%s: price %.4f %q, want %.4f %q", r.ProducerID, f.Score, f.Reason, w.score, w.reason)
		}
	}
	if len(res) != len(want) {
		t.Errorf("%d producers ranked, want %d", len(res), len(want))
	}
}
