package allocation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// row makes n standard booths side by side in zone, codes prefix01...
func row(zone, prefix string, n int, y float64) []Booth {
	out := make([]Booth, n)
	for i := range out {
		out[i] = Booth{Code: fmt.Sprintf("%s%02d", prefix, i+1), Zone: zone, Kind: "standard", X: float64(i) * 3, Y: y, W: 3, H: 3, Usable: true}
	}
	return out
}

var t0 = time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)

func app(id string, priority int, province string, sets []int, count int, zone string, minute int) Application {
	return Application{ID: id, ProducerID: "prod-" + id, Province: province, Priority: priority, CriteriaSets: sets,
		Kind: "standard", Count: count, PreferredZone: zone, SubmittedAt: t0.Add(time.Duration(minute) * time.Minute)}
}

func placementOf(p Proposal, id string) (Placement, bool) {
	for _, pl := range p.Placements {
		if pl.ApplicationID == id {
			return pl, true
		}
	}
	return Placement{}, false
}

func TestPriorityWinsTheLastBooth(t *testing.T) {
	p := Problem{Booths: row("A", "A", 1, 0), Applications: []Application{
		app("three-early", 1, "01", []int{1}, 1, "", 0),
		app("five-late", 4, "01", []int{2}, 1, "", 60),
		app("four", 2, "01", []int{3}, 1, "", 5),
	}}
	prop := Allocate(p)
	if pl, ok := placementOf(prop, "five-late"); !ok || pl.Booths[0] != "A01" {
		t.Errorf("5★ application did not get the only booth: %+v", prop)
	}
	if len(prop.Unplaced) != 2 || prop.Unplaced[0].Text.In(apperr.Vietnamese) == "" || prop.Unplaced[0].Text.In(apperr.English) == "" {
		t.Errorf("unplaced = %+v, want two with reasons", prop.Unplaced)
	}
	if v := Check(p, prop); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

func TestEarlierApplicationWinsAmongEqualStars(t *testing.T) {
	p := Problem{Booths: row("A", "A", 1, 0), Applications: []Application{app("late", 2, "01", nil, 1, "", 30), app("early", 2, "01", nil, 1, "", 10)}}
	if pl, ok := placementOf(Allocate(p), "early"); !ok {
		t.Errorf("earlier application not placed: %+v", pl)
	}
}

func TestPreferredZoneAndTogether(t *testing.T) {
	booths := append(row("Khu Tây Bắc", "A", 6, 0), row("Khu Nam Bộ", "B", 6, 20)...)
	p := Problem{Booths: booths, Applications: []Application{
		app("south", 3, "91", []int{9}, 2, "Khu Nam Bộ", 0),
		app("north", 3, "15", []int{4}, 1, "Khu Tây Bắc", 1),
	}}
	prop := Allocate(p)
	south, _ := placementOf(prop, "south")
	if south.Zone != "Khu Nam Bộ" || !south.InPreferredZone || !south.Together || len(south.Booths) != 2 {
		t.Errorf("south placement %+v, want two neighbouring booths in Khu Nam Bộ", south)
	}
	north, _ := placementOf(prop, "north")
	if north.Zone != "Khu Tây Bắc" {
		t.Errorf("north placement %+v", north)
	}
}

func TestQuota(t *testing.T) {
	p := Problem{Booths: row("A", "A", 6, 0), Quotas: map[string]int{"01": 2}, Applications: []Application{
		app("h1", 3, "01", nil, 1, "", 0), app("h2", 3, "01", nil, 2, "", 1), app("h3", 3, "01", nil, 1, "", 2), app("other", 1, "79", nil, 2, "", 3),
	}}
	prop := Allocate(p)
	if _, ok := placementOf(prop, "h2"); ok {
		t.Error("h2 placed beyond Hà Nội's quota")
	}
	if _, ok := placementOf(prop, "h3"); !ok {
		t.Error("h3 fits the quota but was not placed")
	}
	if _, ok := placementOf(prop, "other"); !ok {
		t.Error("uncapped province not placed")
	}
	if v := Check(p, prop); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

func TestHeldBoothsAreKept(t *testing.T) {
	p := Problem{Booths: row("A", "A", 3, 0), Held: []Held{{Code: "A02", ApplicationID: "pinned"}},
		Applications: []Application{app("pinned", 1, "01", []int{1}, 1, "", 0), app("new", 4, "01", []int{2}, 2, "", 1)}}
	prop := Allocate(p)
	if _, ok := placementOf(prop, "pinned"); ok {
		t.Error("an application that holds a booth was placed again")
	}
	newPl, ok := placementOf(prop, "new")
	if !ok || slices.Contains(newPl.Booths, "A02") {
		t.Errorf("new placement %+v must avoid the held booth", newPl)
	}
	if newPl.Together {
		t.Error("A01 and A03 are not side by side")
	}
	if v := Check(p, prop); len(v) > 0 {
		t.Errorf("violations: %v", v)
	}
}

func TestSameCriteriaSetNotSideBySide(t *testing.T) {
	// Four booths in a row, two fish-sauce producers (set 9) and two tea producers (set 11): an
	// alternating arrangement exists, so no two of a set may be neighbours.
	p := Problem{Booths: row("A", "A", 4, 0), Applications: []Application{
		app("mam1", 3, "01", []int{9}, 1, "", 0), app("mam2", 3, "01", []int{9}, 1, "", 1),
		app("che1", 3, "01", []int{11}, 1, "", 2), app("che2", 3, "01", []int{11}, 1, "", 3),
	}}
	prop := Allocate(p)
	if prop.SameSetNeighbours != 0 {
		t.Errorf("same-set neighbours = %d, want 0: %+v", prop.SameSetNeighbours, prop.Placements)
	}
}

func TestKindMustMatch(t *testing.T) {
	booths := row("A", "A", 2, 0)
	booths[1].Kind = "corner"
	a := app("c", 3, "01", nil, 1, "", 0)
	a.Kind = "corner"
	p := Problem{Booths: booths, Applications: []Application{a, app("s", 3, "01", nil, 2, "", 1)}}
	prop := Allocate(p)
	if pl, _ := placementOf(prop, "c"); len(pl.Booths) != 1 || pl.Booths[0] != "A02" {
		t.Errorf("corner request got %+v", pl)
	}
	if _, ok := placementOf(prop, "s"); ok {
		t.Error("two standard booths were not available, yet s was placed")
	}
}

func TestCheckCatchesViolations(t *testing.T) {
	p := Problem{Booths: row("A", "A", 2, 0), Held: []Held{{Code: "A01", ApplicationID: "x"}}, Quotas: map[string]int{"01": 1},
		Applications: []Application{app("x", 1, "01", nil, 1, "", 0), app("y", 1, "01", nil, 2, "", 0)}}
	bad := Proposal{Placements: []Placement{{ApplicationID: "y", Booths: []string{"A01"}}}}
	v := Check(p, bad)
	var codes []string
	for _, x := range v {
		codes = append(codes, x.Msg.Code)
	}
	slices.Sort(codes)
	if want := []string{"allocation.check_count", "allocation.check_held", "allocation.check_quota"}; !slices.Equal(codes, want) {
		t.Errorf("Check found %v, want %v (held booth, wrong count and quota)", codes, want)
	}
	for _, x := range v {
		if x.Msg.Code == "allocation.check_held" {
			if vi, en := x.In(apperr.Vietnamese), x.In(apperr.English); vi != "Gian hàng A01 xếp cho đơn y đang thuộc đơn x." || en != "Booth A01 given to y is held by x." {
				t.Errorf("held booth said %q and %q", vi, en)
			}
		}
	}
}

// randomProblem builds a realistic fair: zones of rows, a mix of kinds, some blocked booths, a
// few pinned, quotas for some provinces.
func randomProblem(r *rand.Rand, booths, apps int) Problem {
	var p Problem
	zones := []string{"Khu Tây Bắc", "Khu Đồng bằng", "Khu miền Trung", "Khu Nam Bộ", "Khu Hà Nội"}
	kinds := []string{"standard", "standard", "standard", "standard", "corner", "double", "premium"}
	n := 0
	for zi := 0; n < booths; zi++ {
		zone := zones[zi%len(zones)]
		for rowIdx := 0; rowIdx < 4 && n < booths; rowIdx++ {
			for c := 0; c < 10 && n < booths; c++ {
				kind := kinds[r.IntN(len(kinds))]
				p.Booths = append(p.Booths, Booth{Code: fmt.Sprintf("Z%dR%dC%02d", zi, rowIdx, c), Zone: zone, Kind: kind,
					X: float64(c) * 3, Y: float64(rowIdx)*6 + float64(zi)*100, W: 3, H: 3, Usable: r.IntN(25) != 0})
				n++
			}
		}
	}
	provinces := []string{"01", "15", "19", "31", "46", "79", "91", "92", "96", "52"}
	p.Quotas = map[string]int{"01": booths / 8, "79": booths / 10}
	for i := 0; i < apps; i++ {
		a := Application{ID: fmt.Sprintf("app%04d", i), ProducerID: fmt.Sprintf("prod%04d", i/(1+r.IntN(2))), Province: provinces[r.IntN(len(provinces))],
			Priority: 1 + r.IntN(4), CriteriaSets: []int{1 + r.IntN(26)}, Kind: kinds[r.IntN(len(kinds))], Count: 1 + r.IntN(2),
			SubmittedAt: t0.Add(time.Duration(r.IntN(100000)) * time.Second)}
		if r.IntN(3) == 0 {
			a.PreferredZone = zones[r.IntN(len(zones))]
		}
		p.Applications = append(p.Applications, a)
	}
	for i := 0; i < len(p.Booths)/20; i++ {
		b := p.Booths[r.IntN(len(p.Booths))]
		a := p.Applications[r.IntN(len(p.Applications))]
		if slices.ContainsFunc(p.Held, func(h Held) bool { return h.Code == b.Code || h.ApplicationID == a.ID }) {
			continue
		}
		p.Held = append(p.Held, Held{Code: b.Code, ApplicationID: a.ID})
	}
	return p
}

func TestAllocateProperties(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewPCG(seed, 99))
		p := randomProblem(r, 20+r.IntN(200), 10+r.IntN(300))
		prop := Allocate(p)
		if v := Check(p, prop); len(v) > 0 {
			t.Fatalf("seed %d: violations %v", seed, v)
		}
		accounted := len(prop.Placements) + len(prop.Unplaced)
		holding := map[string]bool{}
		for _, h := range p.Held {
			holding[h.ApplicationID] = true
		}
		want := 0
		for _, a := range p.Applications {
			if !holding[a.ID] {
				want++
			}
		}
		if accounted != want {
			t.Fatalf("seed %d: %d placements + unplaced, want %d: an application was dropped silently", seed, accounted, want)
		}
		if again := Allocate(p); fmt.Sprint(again) != fmt.Sprint(prop) {
			t.Fatalf("seed %d: Allocate is not deterministic", seed)
		}
	}
}

// BenchmarkAllocate500Booths800Applications is the national-fair size from the issue; it reports
// the rule violations (must be 0) and the soft same-set neighbours.
func BenchmarkAllocate500Booths800Applications(b *testing.B) {
	p := randomProblem(rand.New(rand.NewPCG(7, 7)), 500, 800)
	var prop Proposal
	for b.Loop() {
		prop = Allocate(p)
	}
	b.ReportMetric(float64(len(Check(p, prop))), "violations")
	b.ReportMetric(float64(len(prop.Placements)), "placed")
	b.ReportMetric(float64(prop.SameSetNeighbours), "same-set-pairs")
}
