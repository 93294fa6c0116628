package producer

import (
	"regexp"
	"testing"
)

func TestNewClaimCode(t *testing.T) {
	shape := regexp.MustCompile(`^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}$`)
	seen := map[string]bool{}
	symbols := map[rune]int{}
	for range 2000 {
		c := NewClaimCode()
		if !shape.MatchString(c) {
			t.Fatalf("NewClaimCode() = %q, want three groups of four unambiguous symbols", c)
		}
		if seen[c] {
			t.Fatalf("NewClaimCode() repeated %q", c)
		}
		seen[c] = true
		for _, r := range NormalizeClaimCode(c) {
			symbols[r]++
		}
	}
	// 24,000 symbols over 32: each should turn up about 750 times; a broken source or mapping
	// leaves some out or favours a few.
	if len(symbols) != 32 {
		t.Errorf("%d distinct symbols, want 32", len(symbols))
	}
	for r, n := range symbols {
		if n < 550 || n > 950 {
			t.Errorf("symbol %q appeared %d times in 24,000, want about 750", r, n)
		}
	}
}

func TestHashClaimCode(t *testing.T) {
	tests := []struct {
		name  string
		typed string
		same  bool
	}{
		{"as printed", "K7QX-94MP-2RHT", true},
		{"lower case with spaces", " k7qx 94mp 2rht ", true},
		{"no separators", "K7QX94MP2RHT", true},
		{"one symbol off", "K7QX-94MP-2RHV", false},
	}
	want := HashClaimCode("code-1", "K7QX-94MP-2RHT")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HashClaimCode("code-1", tt.typed) == want; got != tt.same {
				t.Errorf("HashClaimCode(%q) matches = %v, want %v", tt.typed, got, tt.same)
			}
		})
	}
	if HashClaimCode("code-2", "K7QX-94MP-2RHT") == want {
		t.Error("the same code under another code ID has the same hash")
	}
}
