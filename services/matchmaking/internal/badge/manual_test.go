package badge

import (
	"regexp"
	"testing"
)

// A badge's manual code is two groups of five characters without look-alikes, the same each time
// for a badge and key, and another for another badge or key; typed in either case, with spaces,
// or with O, I and L for 0 and 1, it reads as printed; other text does not read as one.
func TestManualCodes(t *testing.T) {
	key, other := NewKey(), NewKey()
	id := NewID()
	m := key.Manual(id)
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$`).MatchString(m) {
		t.Fatalf("Manual = %q, want XXXXX-XXXXX in Crockford's base 32", m)
	}
	if key.Manual(id) != m || key.Manual(NewID()) == m || other.Manual(id) == m {
		t.Errorf("Manual(%q) = %q: not the same each time, or shared with another badge or key", id, m)
	}
	seen := map[string]bool{}
	for range 2000 {
		seen[key.Manual(NewID())] = true
	}
	if len(seen) != 2000 {
		t.Errorf("2,000 badges have %d manual codes", len(seen))
	}
	typed := map[string]string{
		"as printed":         "7KQ2M-X9D4C",
		"lower case, spaces": "7kq2m x9d4c",
		"no dash":            "7KQ2MX9D4C",
	}
	for name, s := range typed {
		if got, ok := NormalManual(s); !ok || got != "7KQ2M-X9D4C" {
			t.Errorf("%s: NormalManual(%q) = %q, %v", name, s, got, ok)
		}
	}
	if got, ok := NormalManual("1O0IL-ABCDE"); !ok || got != "10011-ABCDE" {
		t.Errorf("NormalManual reads look-alikes as %q, %v, want 10011-ABCDE", got, ok)
	}
	for _, s := range []string{"", "7KQ2M-X9D4", "7KQ2M-X9D4CC", "7KQ2M-X9D4U", "OB1.abc.def", "7KQ2M-X9D4Ç", "ＡＢＣＤＥ-12345"} {
		if got, ok := NormalManual(s); ok {
			t.Errorf("NormalManual(%q) = %q, want no manual code", s, got)
		}
	}
}
