// Package vntext handles Vietnamese text: NFC normalisation for storage, folding for search that
// ignores diacritics and case, ranking of exact-diacritic matches above folded ones, Vietnamese
// collation for sorting names, and display formats for money (VND) and dates.
package vntext

import (
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Clean returns s as one line of text in NFC: invalid UTF-8 and invisible characters dropped,
// surrounding space trimmed and inner runs of space (line breaks and tabs included) collapsed to
// one space. Store user text through Clean so that equal-looking names compare equal.
//
// The invisible characters are the Unicode control (Cc) and format (Cf) characters that are not
// space: NUL and the other C0 and C1 controls, bidi overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) and marks, zero-width space, joiners and word joiner (U+200B–U+200D, U+2060),
// the BOM (U+FEFF) and the soft hyphen (U+00AD). They let two names that look alike differ, or
// make a name display reversed. They are dropped before NFC, so a tone mark cut off from its
// letter by one composes with it; Vietnamese letters and tone marks are letters (L) and
// combining marks (Mn) and are kept.
func Clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.Map(dropInvisible, s) // allocates only when something is dropped
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// dropInvisible maps the characters Clean drops to -1, for strings.Map. Space among the
// controls (tab, line feed, U+0085) is kept for strings.Fields to collapse, so that words on
// two lines stay two words.
func dropInvisible(r rune) rune {
	switch {
	case r >= 0x20 && r < 0x7f: // printable ASCII, most of any text
		return r
	case unicode.IsSpace(r):
		return r
	case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
		return -1
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) || r == brailleBlank:
		// Fillers drawn as nothing (ㅤ U+3164 and the other Hangul fillers, the braille blank):
		// a name of them alone would look empty in every list.
		return -1
	}
	return r
}

// brailleBlank is U+2800, a braille cell without dots: a symbol that shows as a space.
const brailleBlank = '\u2800'

// Readable reports whether s has a letter or a digit: a name of combining marks or symbols
// alone is said as nothing.
func Readable(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// Fold returns the search key of s: decomposed, without combining marks, with đ/Đ mapped to d,
// lower-cased, without the invisible characters Clean drops and with space collapsed. "Nước mắm
// Phú Quốc" folds to "nuoc mam phu quoc", and so does a query with a zero-width space in it.
func Fold(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // drops leading space
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), dropInvisible(r) < 0: // marks, and what Clean drops
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		space = false
		b.WriteString(norm.NFC.String(string(unicode.ToLower(r))))
	}
	return strings.TrimRight(b.String(), " ")
}

// Match ranks how well query matches text: 2 when text contains query with its diacritics
// (ignoring case), 1 when it matches only once both are folded, 0 when it does not match.
// An empty query matches everything with rank 1.
func Match(text, query string) int {
	q := strings.ToLower(Clean(query))
	if q == "" {
		return 1
	}
	if strings.Contains(strings.ToLower(Clean(text)), q) {
		return 2
	}
	if strings.Contains(Fold(text), Fold(query)) {
		return 1
	}
	return 0
}

// Collator compares strings in Vietnamese alphabetical order (a ă â b c d đ e ê ...).
// A Collator is not safe for concurrent use; make one per goroutine.
type Collator struct {
	c   *collate.Collator
	buf collate.Buffer
}

// NewCollator returns a Vietnamese collator that ignores case differences at the first level.
func NewCollator() *Collator {
	return &Collator{c: collate.New(language.Vietnamese, collate.IgnoreCase)}
}

// Compare returns -1, 0 or 1 as a sorts before, equal to or after b.
func (c *Collator) Compare(a, b string) int { return c.c.CompareString(a, b) }

// Key returns a key of s that sorts as s does in Vietnamese order when keys are compared as
// strings (byte by byte): hex digits of the collation key, so that it is safe in text (cursors).
func (c *Collator) Key(s string) string {
	k := hex.EncodeToString(c.c.KeyFromString(&c.buf, s))
	c.buf.Reset()
	return k
}

// SortStrings sorts names in Vietnamese order, in place.
func SortStrings(names []string) {
	c := NewCollator()
	sort.SliceStable(names, func(i, j int) bool { return c.Compare(names[i], names[j]) < 0 })
}

// FormatVND formats an amount of đồng the Vietnamese way: 1500000 -> "1.500.000 ₫", with a
// no-break space, so that a line never breaks between the amount and its "₫".
func FormatVND(amount int64) string {
	return Group(strconv.FormatInt(amount, 10), ".") + "\u00a0₫"
}

// Group writes the digits of a whole number, a sign before them or not, in groups of three with
// sep between them: Group("-1500000", ".") is "-1.500.000", Group("12000", ",") is "12,000".
func Group(digits, sep string) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return b.String()
}

// Zone is Vietnam's time zone (UTC+7, no daylight saving since 1975). It is a fixed zone so that
// binaries need no tzdata.
var Zone = time.FixedZone("ICT", 7*60*60)

// FormatDate formats t as dd/mm/yyyy in Vietnam's time zone.
func FormatDate(t time.Time) string { return t.In(Zone).Format("02/01/2006") }

// Slug is s for a file name: its ASCII letters and digits (lower-cased unless keepCase), every run
// of anything else one "-", none at either end. Fold a name written with Vietnamese letters
// first: Slug(Fold("Hội chợ OCOP"), false) is "hoi-cho-ocop".
func Slug(s string, keepCase bool) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsDigit(r) || unicode.IsLetter(r)) {
			if !keepCase {
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}
