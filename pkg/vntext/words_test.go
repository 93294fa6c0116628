package vntext

import (
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func words(w Words) []string {
	out := make([]string, w.Len())
	for i := range out {
		out[i] = w.Word(i)
	}
	return out
}

func TestNewWords(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"diacritics and case", "Mật ong hoa bạc hà JR12", []string{"mat", "ong", "hoa", "bac", "ha", "jr12"}},
		{"d with stroke", "Đặc sản Đà Lạt", []string{"dac", "san", "da", "lat"}},
		{"punctuation splits", "Mật ong (hoa bạc hà) JR-12, 500ml", []string{"mat", "ong", "hoa", "bac", "ha", "jr", "12", "500ml"}},
		{"old and new tone placement", "Khánh Hoà / Khánh Hòa", []string{"khanh", "hoa", "khanh", "hoa"}},
		{"every mark", "Ắ Ằ Ẳ Ẵ Ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ý ỳ ỷ ỹ ỵ",
			[]string{"a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "e", "e", "e", "e", "e", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "u", "u", "u", "u", "u", "y", "y", "y", "y", "y"}},
		{"no words", " -- / ", []string{}},
		{"empty", "", []string{}},
		{"invalid utf8 dropped", "Gạo\xffST25", []string{"gaost25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, words(NewWords(tt.in))); diff != "" {
				t.Errorf("NewWords(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestScoreMatches(t *testing.T) {
	tests := []struct {
		name, query, text string
		match             bool
	}{
		{"every word in another order", "mat ong jr12", "Mật ong hoa bạc hà JR12", true},
		{"diacritics in the query", "MẬT ông", "Mật ong hoa bạc hà JR12", true},
		{"folded equal marks", "mat", "Mắt biếc", true},
		{"prefix", "ma on", "Mật ong", true},
		{"a word missing", "mat ong rung", "Mật ong hoa bạc hà JR12", false},
		{"inside a word is no hit", "ong", "Mật rongbien", false},
		{"query longer than the word", "matt", "Mật ong", false},
		{"query word split by punctuation", "jr-12", "Mật ong JR12", false},
		{"no words matches everything", "  ", "Mật ong", true},
		{"no words matches an empty text", "", "", true},
		{"empty text", "mat", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(NewWords(tt.query), NewWords(tt.text))
			if (got > 0) != tt.match {
				t.Errorf("Score(%q, %q) = %d, want match %v", tt.query, tt.text, got, tt.match)
			}
		})
	}
}

func TestScoreRanks(t *testing.T) {
	tests := []struct {
		name, query, better, worse string
	}{
		{"whole word above prefix", "ong", "Mật ong rừng U Minh", "Ongtre"},
		{"prefix hits rank by position", "ma", "Mật ong", "Nước mắm Phú Quốc"},
		{"more whole words above fewer", "mat ong", "Mật ong", "Mật ongtre"},
		{"folded whole equals whole", "mat", "Mắt biếc xanh", "Matcha"},
		{"earlier first hit", "ong", "Ong mật rừng", "Mật ong rừng"},
		{"shorter text at equal hits", "mat ong", "Mật ong rừng", "Mật ong rừng U Minh"},
		{"position before length", "ong", "Ong mật rừng U Minh", "Mật ong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewWords(tt.query)
			b, w := Score(q, NewWords(tt.better)), Score(q, NewWords(tt.worse))
			if w == 0 || b <= w {
				t.Errorf("Score(%q, %q) = %d, Score(%q, %q) = %d: want both > 0 and the first higher",
					tt.query, tt.better, b, tt.query, tt.worse, w)
			}
		})
	}
}

func TestScoreEqualRanksAreTies(t *testing.T) {
	q := NewWords("mat")
	a, b := Score(q, NewWords("Mật ong")), Score(q, NewWords("Mắt xanh"))
	if a != b {
		t.Errorf("Score(mat, Mật ong) = %d, Score(mat, Mắt xanh) = %d, want equal", a, b)
	}
	if r := Score(NewWords(""), NewWords("Mật ong")); r != 1 {
		t.Errorf("Score(empty, Mật ong) = %d, want 1", r)
	}
}

func TestScoreLongTextsStayOrdered(t *testing.T) {
	// Positions and lengths past the rank's limits count as the limit: the rank stays positive
	// and whole hits still outrank prefix hits.
	long := make([]byte, 0, 4*3000)
	for range 3000 {
		long = append(long, "xy "...)
	}
	q := NewWords("mat")
	prefixFirst := Score(q, NewWords("Matcha"))
	wholeLate := Score(q, NewWords(string(long)+"mat"))
	if wholeLate <= prefixFirst {
		t.Errorf("whole hit at word 3000 ranks %d, prefix hit at word 0 ranks %d: want the whole hit higher", wholeLate, prefixFirst)
	}
}

func TestScoreAllocatesNothing(t *testing.T) {
	q, text := NewWords("mat ong jr"), NewWords("Mật ong hoa bạc hà JR12")
	if n := testing.AllocsPerRun(100, func() { Score(q, text) }); n != 0 {
		t.Errorf("Score allocates %v times per call, want 0", n)
	}
}

// catalogue makes n product-like names: a few common words, a code, a province.
func catalogue(n int) []Words {
	kinds := []string{"Mật ong", "Nước mắm", "Chè", "Gạo", "Cà phê", "Mắm tôm", "Bánh pía", "Yến sào", "Rượu cần", "Tỏi"}
	places := []string{"Phú Quốc", "Tân Cương", "Khánh Hòa", "Lý Sơn", "Sóc Trăng", "Đà Lạt", "Hà Giang", "U Minh"}
	out := make([]Words, n)
	for i := range out {
		out[i] = NewWords(fmt.Sprintf("%s hoa %s %s JR%d", kinds[i%len(kinds)], places[i%len(places)], "loại đặc biệt", i))
	}
	return out
}

func BenchmarkScore10k(b *testing.B) {
	texts := catalogue(10_000)
	for _, query := range []string{"mat ong jr12", "ma", "nuoc mam phu quoc", "khong co"} {
		b.Run(query, func(b *testing.B) {
			q := NewWords(query)
			b.ReportAllocs()
			for b.Loop() {
				hits := 0
				for _, t := range texts {
					if Score(q, t) > 0 {
						hits++
					}
				}
			}
		})
	}
}

func BenchmarkNewWords(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NewWords("Mật ong hoa bạc hà JR12 Hà Giang loại đặc biệt")
	}
}

func ExampleScore() {
	query := NewWords("mat ong")
	names := []string{"Mật ongtre", "Ong mật rừng", "Mật ong hoa bạc hà JR12", "Nước mắm"}
	ranks := make(map[string]Rank, len(names))
	for _, n := range names {
		ranks[n] = Score(query, NewWords(n))
	}
	sort.SliceStable(names, func(i, j int) bool { return ranks[names[i]] > ranks[names[j]] })
	for _, n := range names {
		if ranks[n] > 0 {
			fmt.Println(n)
		}
	}
	// Output:
	// Ong mật rừng
	// Mật ong hoa bạc hà JR12
	// Mật ongtre
}
