package meeting

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestICSFoldsAndEscapes: every line ends in CRLF and fits 75 octets without splitting a
// Vietnamese character, and texts keep their commas, semicolons and line breaks escaped.
func TestICSFoldsAndEscapes(t *testing.T) {
	start := time.Date(2027, 1, 3, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	c := icsCalendar{Name: "Lịch gặp B2B – Hội chợ OCOP", Stamp: start, Events: []icsEvent{{
		UID: "m1@ocopfair", Sequence: 3, Start: start, End: start.Add(20 * time.Minute),
		Summary:     "Gặp B2B: Hợp tác xã Nông nghiệp Dịch vụ Tổng hợp Mường Khương, Lào Cai; chè shan tuyết",
		Description: "dòng một\ndòng hai \\ hết",
	}, {
		UID: "m2@ocopfair", Start: start, End: start, Summary: strings.Repeat("x", 200), Location: strings.Repeat("ệ", 100),
	}}}
	out := string(c.encode())
	if !strings.HasSuffix(out, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Fatalf("lines must end in CRLF:\n%q", out)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Errorf("line of %d octets (valid UTF-8: %v): %q", len(l), utf8.ValidString(l), l)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, want := range []string{
		`SUMMARY:Gặp B2B: Hợp tác xã Nông nghiệp Dịch vụ Tổng hợp Mường Khương\, Lào Cai\; chè shan tuyết`,
		`DESCRIPTION:dòng một\ndòng hai \\ hết`,
		"SUMMARY:" + strings.Repeat("x", 200), "LOCATION:" + strings.Repeat("ệ", 100),
		"DTSTART:20270103T010000Z", "DTEND:20270103T012000Z", "SEQUENCE:3", "UID:m1@ocopfair",
	} {
		if !strings.Contains(unfolded, want+"\r\n") {
			t.Errorf("missing %q in:\n%s", want, unfolded)
		}
	}
}
