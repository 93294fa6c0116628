package badge

import (
	"regexp"
	"strings"
	"testing"
)

// A badge's manual code is two groups of five characters without look-alikes, the same each time
// for a badge and key, and another for another badge or key; typed in lower case it reads as
// printed, and a QR code's text is none.
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
	if got, ok := NormalManual(strings.ToLower(m)); !ok || got != m {
		t.Errorf("NormalManual(%q) = %q, %v, want %q (see shortcode for the rest)", strings.ToLower(m), got, ok, m)
	}
	if got, ok := NormalManual(key.Code(id)); ok {
		t.Errorf("NormalManual(the QR code) = %q, want no manual code", got)
	}
}
