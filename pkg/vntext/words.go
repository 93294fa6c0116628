package vntext

import (
	"strings"
	"unicode"
)

// Words is a text split into folded words, made once (by NewWords) so that every query scored
// against it afterwards compares prepared strings and allocates nothing. The zero value holds no
// words. Words is immutable and safe for concurrent use.
type Words struct {
	// words are substrings of one folded string, so a text costs one allocation for its
	// characters and one for the slice, whatever its length.
	words []string
}

// NewWords folds text (as Fold does: no diacritics, đ as d, lower case) and splits it into words
// at every character that is neither a letter nor a digit: "Mật ong (hoa bạc hà) JR-12" holds
// the words mat, ong, hoa, bac, ha, jr, 12. Use it for texts and queries alike.
func NewWords(text string) Words {
	folded := Fold(text)
	return Words{words: strings.FieldsFunc(folded, notWordRune)}
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// Len returns how many words w holds.
func (w Words) Len() int { return len(w.words) }

// Word returns the i-th folded word of w, 0 <= i < Len.
func (w Words) Word(i int) string { return w.words[i] }

// Search limits the parts of a Rank. Beyond them, positions and lengths count as the limit.
const (
	maxRankPos   = 1<<10 - 1
	maxRankWords = 1<<10 - 1
)

// Rank orders a text's match to a query: 0 means no match, and of two matches the higher Rank
// is the better. Ranks compare only between texts scored against the same query.
//
// A text matches when every query word equals a text word (a whole-word hit) or begins one (a
// prefix hit): "mat ong jr12" matches "Mật ong hoa bạc hà JR12", "ma" is a prefix hit on "Mật".
// Matches are ranked, most important first, by
//  1. more whole-word hits (a query word counts as whole if any text word equals it),
//  2. an earlier first hit: the position of the earliest text word a query word hit, so a name
//     that starts with what was asked comes before one that mentions it late,
//  3. a shorter text, in words: the closer a text is to just the query, the better it fits.
//
// Equal ranks are ties; callers keep their own order among them (a stable sort).
// A query of no words matches every text with Rank 1, so an empty search keeps every text in
// its caller's order.
type Rank int

// Score ranks text against query (both from NewWords); see Rank for the rules. It allocates
// nothing, so it suits scoring a whole catalogue per request.
func Score(query, text Words) Rank {
	if len(query.words) == 0 {
		return 1
	}
	whole, first := 0, maxRankPos
	for _, q := range query.words {
		pos, isWhole := hit(q, text.words)
		if pos < 0 {
			return 0
		}
		if isWhole {
			whole++
		}
		first = min(first, pos)
	}
	n := min(len(text.words), maxRankWords)
	return Rank(1 + whole<<20 + (maxRankPos-first)<<10 + (maxRankWords - n))
}

// hit finds q in words: the position of the first word equal to q (whole), or else of the
// first word that q begins, or -1.
func hit(q string, words []string) (pos int, whole bool) {
	pos = -1
	for i, w := range words {
		// The first byte rules out most words before a string comparison is paid for.
		if len(w) < len(q) || w[0] != q[0] || w[:len(q)] != q {
			continue
		}
		if len(w) == len(q) {
			return min(i, maxRankPos), true
		}
		if pos < 0 {
			pos = min(i, maxRankPos)
		}
	}
	return pos, false
}
