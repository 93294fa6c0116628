package shortcode

import "testing"

// Codes typed as heard read as written; other text does not read as a code.
func TestNormal(t *testing.T) {
	for s, want := range map[string]string{"7KQ2M-X9D4C": "7KQ2M-X9D4C", "7kq2m x9d4c": "7KQ2M-X9D4C", "7KQ2MX9D4C": "7KQ2M-X9D4C", "1O0IL-ABCDE": "10011-ABCDE", " 7kq2m.x9d4c ": "7KQ2M-X9D4C"} {
		if got, ok := Normal(s, 10); !ok || got != want {
			t.Errorf("Normal(%q) = %q, %v, want %q", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "7KQ2M-X9D4", "7KQ2M-X9D4CC", "7KQ2M-X9D4U", "OB1.abc.def", "7KQ2M-X9D4Ç", "ＡＢＣＤＥ-12345", string(make([]byte, 100))} {
		if got, ok := Normal(s, 10); ok {
			t.Errorf("Normal(%q) = %q, want no code", s, got)
		}
	}
}

// Grouped writes two groups of the alphabet's characters.
func TestGrouped(t *testing.T) {
	if got := Grouped(10, func(i int) byte { return byte(i * 7) }); got != "07ENW-3AHRZ" {
		t.Errorf("Grouped = %q", got)
	}
}
