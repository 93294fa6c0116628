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

// TestIfMatch: If-Match lets a change go ahead for "*", no header, or a list naming the version,
// quoted or not; a weak tag or another version is refused.
func TestIfMatch(t *testing.T) {
	for header, want := range map[string]bool{``: true, `"7"`: true, `7`: true, `"1", "7"`: true, `*`: true,
		`W/"7"`: false, `"8"`: false, `"77"`: false, `"7`: false} {
		if got := IfMatch(header, "7"); got != want {
			t.Errorf("IfMatch(%q, 7) = %v, want %v", header, got, want)
		}
	}
}

// A revision's tag is the number quoted, and If-Match on it reads the header as IfMatch does.
func TestRevisionTag(t *testing.T) {
	if got := RevisionTag(7); got != `"7"` {
		t.Errorf("RevisionTag(7) = %s", got)
	}
	if !IfMatchRevision(RevisionTag(7), 7) || IfMatchRevision(`"7"`, 8) || !IfMatchRevision("", 8) {
		t.Error("IfMatchRevision does not match its own tag only")
	}
}
