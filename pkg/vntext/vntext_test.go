package vntext

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"fish sauce", "Nước mắm Phú Quốc", "nuoc mam phu quoc"},
		{"d with stroke", "Đặc sản Đà Lạt", "dac san da lat"},
		{"old and new tone placement", "Khánh Hoà", "khanh hoa"},
		{"new tone placement", "Khánh Hòa", "khanh hoa"},
		{"decomposed input", norm.NFD.String("Thái Nguyên"), "thai nguyen"},
		{"spaces collapsed", "  Chè   Tân\tCương ", "che tan cuong"},
		{"ascii unchanged", "iso 22000", "iso 22000"},
		{"empty", "", ""},
		{"invalid utf8 dropped", "Gạo\xffST25", "gaost25"},
		{"invisible characters dropped", "Nư\u200bớc\u00ad mắm\u202e\x00 \ufeffPhú", "nuoc mam phu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name, text, query string
		want              int
	}{
		{"exact diacritics", "Nước mắm Phú Quốc", "phú quốc", 2},
		{"folded only", "Nước mắm Phú Quốc", "nuoc mam phu quoc", 1},
		{"hoa variants fold equal", "Yến sào Khánh Hòa", "Khánh Hoà", 1},
		{"no match", "Nước mắm Phú Quốc", "cà phê", 0},
		{"empty query", "anything", "  ", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.text, tt.query); got != tt.want {
				t.Errorf("Match(%q, %q) = %d, want %d", tt.text, tt.query, got, tt.want)
			}
		})
	}
}

func TestSortStrings(t *testing.T) {
	got := []string{"Đồng Tháp", "Yên Bái", "An Giang", "Ăn chay", "Bắc Ninh", "Âu Cơ", "Dak", "Zeta"}
	SortStrings(got)
	want := []string{"An Giang", "Ăn chay", "Âu Cơ", "Bắc Ninh", "Dak", "Đồng Tháp", "Yên Bái", "Zeta"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SortStrings mismatch (-want +got):\n%s", diff)
	}
}

func TestFormatVND(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{{0, "0\u00a0₫"}, {999, "999\u00a0₫"}, {1000, "1.000\u00a0₫"}, {1500000, "1.500.000\u00a0₫"}, {-25000, "-25.000\u00a0₫"}}
	for _, tt := range tests {
		if got := FormatVND(tt.in); got != tt.want {
			t.Errorf("FormatVND(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	// 17:30 UTC on 31 Dec is already 1 Jan in Vietnam.
	in := time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC)
	if got, want := FormatDate(in), "01/01/2027"; got != want {
		t.Errorf("FormatDate(%v) = %q, want %q", in, got, want)
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"NFD to NFC, space collapsed", norm.NFD.String("  Hợp tác xã   Tân Cương "), "Hợp tác xã Tân Cương"},
		{"every Vietnamese letter and tone", "Ắ Ằ Ẳ Ẵ Ặ ấ ầ ẩ ẫ ậ đ Đ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ỷ ỹ ỵ ý", "Ắ Ằ Ẳ Ẵ Ặ ấ ầ ẩ ẫ ậ đ Đ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ỷ ỹ ỵ ý"},
		{"decomposed tones", norm.NFD.String("Nước mắm Phú Quốc"), "Nước mắm Phú Quốc"},
		{"the probe's name", "HTX \u202eovT\u200b\u0000 Probe", "HTX ovT Probe"},
		{"NUL", "Cơ sở\x00 Mật ong", "Cơ sở Mật ong"},
		{"other C0 and C1 controls", "Chè\x07\x1b\x7f\u0080\u009f Thái", "Chè Thái"},
		{"tabs and line breaks are space", "Trà\tShan\r\nTuyết\u0085cổ\u2028thụ", "Trà Shan Tuyết cổ thụ"},
		{"right-to-left override", "\u202eHTX Tân Cương", "HTX Tân Cương"},
		{"left-to-right override and embeddings", "\u202dHTX\u202a \u202bTân\u202c", "HTX Tân"},
		{"bidi isolates", "\u2066HTX\u2067 \u2068Tân\u2069", "HTX Tân"},
		{"bidi marks", "HTX\u200e \u200fTân\u061c", "HTX Tân"},
		{"zero width space", "Phú\u200bQuốc", "PhúQuốc"},
		{"zero width joiners", "Phú\u200c\u200d Quốc\u2060", "Phú Quốc"},
		{"BOM", "\ufeffCà phê Buôn Ma Thuột", "Cà phê Buôn Ma Thuột"},
		{"soft hyphen", "Đặc\u00adsản", "Đặcsản"},
		{"tone cut off by an invisible character composes", "Me\u200b\u0301o", "Méo"},
		{"only invisible", "\u200b\u202e\x00\ufeff", ""},
		{"Hangul fillers and the braille blank", "\u3164\u3164 HTX\u115f\u1160\uffa0 \u2800Tân\u034f", "HTX Tân"},
		{"only fillers", "\u3164\u3164\u3164", ""},
		{"invalid UTF-8", "Gạo\xff ST25", "Gạo ST25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestReadable: a name needs a letter or a digit; marks, symbols or blanks alone say nothing.
func TestReadable(t *testing.T) {
	for in, want := range map[string]bool{"Hợp tác xã": true, "5★": true, "Đ": true, "\u0301\u0301\u0301": false, "★ ★": false, "--- ...": false, "": false} {
		if got := Readable(in); got != want {
			t.Errorf("Readable(%q) = %v, want %v", in, got, want)
		}
	}
}

// Clean of text that has nothing to drop allocates no more than NFC and the collapse of space.
func BenchmarkClean(b *testing.B) {
	s := "Hợp tác xã Nông nghiệp Dịch vụ Tân Cương, Thái Nguyên"
	for b.Loop() {
		Clean(s)
	}
}

func ExampleClean() {
	fmt.Printf("%q\n", Clean(" HTX \u202eTân\u200b Cương\x00\n Thái Nguyên "))
	// Output:
	// "HTX Tân Cương Thái Nguyên"
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Nước mắm Phú Quốc", "Đặc sản", "Khánh Hoà", "", "\xff\xfe", "ǅ ß İ", "a\u0301\u0323", "HTX \u202eovT\u200b\x00 a\u200b\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, got)
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold is not idempotent: Fold(%q) = %q, Fold of that = %q", s, got, again)
		}
		if strings.Contains(got, "  ") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") {
			t.Fatalf("Fold(%q) = %q has stray spaces", s, got)
		}
		for _, r := range norm.NFD.String(got) {
			if unicode.Is(unicode.Mn, r) {
				t.Fatalf("Fold(%q) = %q keeps combining mark %U", s, got, r)
			}
		}
		if Match(s, s) == 0 && Clean(s) != "" {
			t.Fatalf("Match(%q, itself) = 0", s)
		}
		clean := Clean(s)
		if again := Clean(clean); again != clean {
			t.Fatalf("Clean is not idempotent: Clean(%q) = %q, Clean of that = %q", s, clean, again)
		}
		for _, r := range clean {
			if unicode.In(r, unicode.Cc, unicode.Cf) {
				t.Fatalf("Clean(%q) = %q keeps invisible %U", s, clean, r)
			}
		}
	})
}

func ExampleFold() {
	fmt.Println(Fold("Nước mắm Phú Quốc"))
	fmt.Println(Fold("Nước mắm Phú Quốc") == Fold("NUOC MAM phu quoc"))
	// Output:
	// nuoc mam phu quoc
	// true
}

func TestSlug(t *testing.T) {
	for _, c := range []struct {
		in       string
		keepCase bool
		want     string
	}{
		{Fold("Hội chợ OCOP Hà Nội – mùa Thu 2026"), false, "hoi-cho-ocop-ha-noi-mua-thu-2026"},
		{"A-01", true, "A-01"},
		{"  ..//A 01//  ", false, "a-01"},
		{"Hội", false, "h-i"}, // not folded: only ASCII letters stay
		{"", false, ""},
	} {
		if got := Slug(c.in, c.keepCase); got != c.want {
			t.Errorf("Slug(%q, %v) = %q, want %q", c.in, c.keepCase, got, c.want)
		}
	}
}
