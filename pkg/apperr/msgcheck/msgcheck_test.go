package msgcheck_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
)

func TestCatalogueFindsEachFault(t *testing.T) {
	good := apperr.Msg{Code: "fair_closed", VI: "Hội chợ %s đã đóng đăng ký.", EN: "The fair %s no longer takes applications."}
	tests := []struct {
		name string
		msgs []apperr.Msg
		want string // part of the error; "" for none
	}{
		{"good", []apperr.Msg{good}, ""},
		{"reordered parameters", []apperr.Msg{{Code: "x", VI: "Gian hàng %[2]s của %[1]s", EN: "%[1]s's booth %[2]s"}}, ""},
		{"duplicate code", []apperr.Msg{good, good}, "defined twice"},
		{"bad code", []apperr.Msg{{Code: "Fair Closed", VI: good.VI, EN: good.EN}}, "the code must be"},
		{"empty English", []apperr.Msg{{Code: "x", VI: good.VI}}, "both texts must be set"},
		{"empty Vietnamese", []apperr.Msg{{Code: "x", EN: good.EN}}, "both texts must be set"},
		{"fewer parameters", []apperr.Msg{{Code: "x", VI: "Hội chợ đã đóng.", EN: good.EN}}, "different parameters"},
		{"other verb", []apperr.Msg{{Code: "x", VI: "Còn %d gian hàng.", EN: "%s booths left."}}, "different parameters"},
		{"no diacritics", []apperr.Msg{{Code: "x", VI: "Hoi cho %s da dong.", EN: good.EN}}, "no letter has a diacritic"},
		{"English in Vietnamese", []apperr.Msg{{Code: "x", VI: "Hội chợ %s must đóng.", EN: good.EN}}, `English word "must"`},
		{"Vietnamese letters in English", []apperr.Msg{{Code: "x", VI: good.VI, EN: "The fair %s is đóng."}}, "is not English"},
		{"Vietnamese words in English", []apperr.Msg{{Code: "x", VI: good.VI, EN: "The fair %s khong open."}}, `Vietnamese word "khong"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := msgcheck.Catalogue(tt.msgs)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Catalogue = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Catalogue = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestParams(t *testing.T) {
	tests := []struct {
		format string
		want   map[int]string
	}{
		{"no parameters, 100%%", map[int]string{}},
		{"%s and %d", map[int]string{1: "s", 2: "d"}},
		{"%[2]s before %[1]s", map[int]string{1: "s", 2: "s"}},
		{"%-5.2f then %v", map[int]string{1: "f", 2: "v"}},
		{"%[2]d then %s", map[int]string{2: "d", 3: "s"}},
	}
	for _, tt := range tests {
		got, err := msgcheck.Params(tt.format)
		if err != nil {
			t.Errorf("Params(%q): %v", tt.format, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Params(%q) (-want +got):\n%s", tt.format, diff)
		}
	}
}

func TestBareStrings(t *testing.T) {
	got, err := msgcheck.BareStrings("testdata/bare")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"testdata/bare/bare.go:13:2: Validation.Add",
		"testdata/bare/bare.go:14:2: Validation.Check",
		"testdata/bare/bare.go:15:2: Validation.Add",
		"testdata/bare/bare.go:19:7: apperr.Error with Message set",
		"testdata/bare/bare.go:20:6: apperr.FieldError with Message set",
		"testdata/bare/bare.go:21:6: apperr.E with a bare string",
		"testdata/bare/bare.go:22:6: apperr.Wrap with a bare string",
	}
	if len(got) != len(want) {
		t.Fatalf("BareStrings = %d places, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("place %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
}

// TestAnswerTexts reads answers the way the end-to-end tests do: a Vietnamese answer with an
// English word or without diacritics, and an English one with Vietnamese left in, are found.
func TestAnswerTexts(t *testing.T) {
	for _, tt := range []struct {
		text   string
		vi, en bool // whether the text passes as Vietnamese, as English
	}{
		{"Không tìm thấy hội chợ.", true, false},
		{"Fair not found.", false, true},
		{"Không tìm thấy the fair.", false, false},
		{"khong tim thay hoi cho", false, false},
	} {
		if got := len(msgcheck.NotVietnamese(tt.text)) == 0; got != tt.vi {
			t.Errorf("msgcheck.NotVietnamese(%q) = %v, want it to pass %v", tt.text, msgcheck.NotVietnamese(tt.text), tt.vi)
		}
		if got := len(msgcheck.NotEnglish(tt.text)) == 0; got != tt.en {
			t.Errorf("msgcheck.NotEnglish(%q) = %v, want it to pass %v", tt.text, msgcheck.NotEnglish(tt.text), tt.en)
		}
	}
}
