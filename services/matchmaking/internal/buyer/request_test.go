package buyer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// TestRequestListsAreBounded: a request whose lists are longer than anything real (100,000
// criteria sets, 60,000 keywords) is refused field by field instead of being stored and ranked.
func TestRequestListsAreBounded(t *testing.T) {
	many := func(n int, s string) *[]string {
		l := make([]string, n)
		for i := range l {
			l[i] = s
		}
		return &l
	}
	sets := make([]int, 27)
	for i := range sets {
		sets[i] = i%26 + 1
	}
	title := "Mật ong cho chuỗi siêu thị"
	tests := []struct {
		name  string
		f     RequestFields
		field string
	}{
		{"criteria sets", RequestFields{Title: &title, CriteriaSets: &sets}, "criteria_sets"},
		{"keywords", RequestFields{Title: &title, Keywords: many(maxKeywords+1, "mat ong")}, "keywords"},
		{"provinces", RequestFields{Title: &title, Provinces: many(35, "01")}, "provinces"},
		{"regions", RequestFields{Title: &title, Regions: many(11, "north_central")}, "regions"},
		{"sectors", RequestFields{Title: &title, Sectors: many(7, "food")}, "sectors"},
		{"certifications", RequestFields{Title: &title, RequiredCerts: many(21, "haccp")}, "required_certifications"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Request
			err := r.Apply(tt.f, true)
			var e *apperr.Error
			if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != tt.field || e.Fields[0].Code != "too_many" {
				t.Errorf("Apply = %v, want one field error on %s", err, tt.field)
			}
		})
	}
	var r Request
	if err := r.Apply(RequestFields{Title: &title, CriteriaSets: &[]int{4, 4, 9}, Keywords: many(maxKeywords, "mat ong")}, true); err != nil {
		t.Errorf("Apply of lists within their bounds = %v, want nil", err)
	}
}

// A buyer's markets are kept one code a market, as producers' are: UK as GB, each once; a
// withdrawn code is refused.
func TestBuyerMarketsOneCodeEach(t *testing.T) {
	b := Buyer{}
	ms := []string{"uk", "GB", "domestic", "jp"}
	if err := b.Apply(BuyerFields{Markets: &ms}, false); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Markets, []string{"GB", "domestic", "JP"}) {
		t.Errorf("markets %v, want GB, domestic, JP", b.Markets)
	}
	gone := []string{"SU"}
	if err := (&Buyer{}).Apply(BuyerFields{Markets: &gone}, false); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("the Soviet Union as a market: %v, want it refused", err)
	}
}

// A request's target market, date and keywords are held to what they can be: before, any text up
// to the body's size was stored as the market and served to every producer's opportunities.
func TestARequestsMarketDateAndKeywordsAreChecked(t *testing.T) {
	title := "Mật ong cho chuỗi siêu thị"
	honey := &[]string{"mật ong"}
	at := func(s string) *time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	field := func(err error) string {
		var e *apperr.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 {
			return fmt.Sprint(err)
		}
		return e.Fields[0].Field
	}
	for _, tc := range []struct {
		name  string
		f     RequestFields
		field string
	}{
		{"a long market", RequestFields{Title: &title, Keywords: honey, Market: ptr(strings.Repeat("A", 100_000))}, "target_market"},
		{"a market hidden in controls", RequestFields{Title: &title, Keywords: honey, Market: ptr("\u202eLANIF\u0000<b>")}, "target_market"},
		{"year 0", RequestFields{Title: &title, Keywords: honey, NeededBy: at("0000-01-01")}, "needed_by"},
		{"year 9999", RequestFields{Title: &title, Keywords: honey, NeededBy: at("9999-12-31")}, "needed_by"},
		{"a title of 900 KB", RequestFields{Title: ptr(strings.Repeat("Mật ong ", 115_000))}, "title"},
		{"a keyword of 61 letters", RequestFields{Title: &title, Keywords: &[]string{"chè", strings.Repeat("ê", 61)}}, "keywords[1]"},
	} {
		var r Request
		if got := field(r.Apply(tc.f, true)); got != tc.field {
			t.Errorf("%s: %s, want it refused on %s", tc.name, got, tc.field)
		}
	}
	var r Request
	if err := r.Apply(RequestFields{Title: &title, Market: ptr("uk"), NeededBy: at("2027-03-01"), Keywords: &[]string{"\u0301", " mật ong ", "Mật  Ong", "mắm", "mầm", "chè"}}, true); err != nil {
		t.Fatal(err)
	}
	if r.Market != "GB" || !slices.Equal(r.Keywords, []string{"mật ong", "mắm", "mầm", "chè"}) {
		t.Errorf("market %q, keywords %q; want GB and each readable keyword once", r.Market, r.Keywords)
	}
	if err := r.Apply(RequestFields{Market: ptr("domestic")}, false); err != nil || r.Market != "domestic" {
		t.Errorf("domestic: %q, %v", r.Market, err)
	}
}

// A request names its goods: ranked on a title alone, any producer fits it alike. Before, the API
// took "Mật ong rừng" with nothing else and ranked rice and tea first; only the console asked.
func TestARequestNamesItsGoods(t *testing.T) {
	title := "Mật ong rừng"
	refusedOn := func(err error) string {
		var e *apperr.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 {
			return fmt.Sprint(err)
		}
		return e.Fields[0].Field
	}
	var r Request
	if got := refusedOn(r.Apply(RequestFields{Title: &title, Keywords: &[]string{" ", "-"}}, true)); got != "keywords" {
		t.Errorf("a title and unreadable keywords: %s, want it refused on keywords", got)
	}
	for _, f := range []RequestFields{{Title: &title, CriteriaSets: &[]int{1}}, {Title: &title, Sectors: &[]string{"food"}}, {Title: &title, Keywords: &[]string{"mật ong"}}} {
		var r Request
		if err := r.Apply(f, true); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
	}
	r = Request{Title: title, Keywords: []string{"mật ong"}}
	if got := refusedOn(r.Apply(RequestFields{Keywords: &[]string{}}, false)); got != "keywords" {
		t.Errorf("an edit taking the last keyword away: %s, want it refused on keywords", got)
	}
	if err := r.Apply(RequestFields{Keywords: &[]string{}, CriteriaSets: &[]int{1}}, false); err != nil {
		t.Errorf("an edit trading the keyword for a criteria set: %v", err)
	}
	// A goods entry refused says what to mend, alone: "name your goods" beside it was wrong.
	long := strings.Repeat("mật ong ", 10)
	for want, f := range map[string]RequestFields{"criteria_sets[0]": {Title: &title, CriteriaSets: &[]int{99}},
		"sectors[0]": {Title: &title, Sectors: &[]string{"rice"}}, "keywords[0]": {Title: &title, Keywords: &[]string{long}}} {
		var r Request
		if got := refusedOn(r.Apply(f, true)); got != want {
			t.Errorf("a wrong %s: refused on %s, want it alone", want, got)
		}
	}
	old := Request{Title: title, MinStars: 3}
	if err := old.Apply(RequestFields{Market: ptr("JP")}, false); err != nil {
		t.Errorf("a request saved before the rule, its market edited: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
