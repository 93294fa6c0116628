package httpx

import "testing"

func TestMatchesTag(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{`"abc"`, true},
		{`W/"abc"`, true},
		{`"x", "abc"`, true},
		{`*`, true},
		{`"abd"`, false},
		{``, false},
	}
	for _, tt := range tests {
		if got := matchesTag(tt.header, `"abc"`); got != tt.want {
			t.Errorf("matchesTag(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}
