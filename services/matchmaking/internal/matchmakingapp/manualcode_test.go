package matchmakingapp

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// stepAManualCodeTypedChecksIn: when the camera cannot read a badge, staff type the short code
// printed on it, in any case, with spaces, or with O for 0: it checks the person in as the QR
// code does, and the same scan sent again repeats. Another fair's manual code, or one with a
// character wrong, is refused as any invalid code is.
func (x *fairDay) stepAManualCodeTypedChecksIn(t *testing.T) {
	var b badgeBody
	x.buyer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &b)
	if len(b.ManualCode) != 11 || b.ManualCode[5] != '-' || strings.ContainsAny(b.ManualCode, "ILOU") {
		t.Fatalf("the buyer's manual code %q, want XXXXX-XXXXX without I, L, O or U", b.ManualCode)
	}
	typed := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(b.ManualCode, "-", " "), "0", "O"))
	scan := uuid.NewString()
	status, in, body := checkIn(t, x.org, scan, typed, "gate", 0, time.Time{})
	if status != 201 || in.Participant.ID != x.buyerID || in.Participant.Kind != "buyer" {
		t.Fatalf("the buyer's manual code typed as %q: %d %s, want 201 checking the buyer in", typed, status, body)
	}
	if status, again, body := checkIn(t, x.org, scan, b.ManualCode, "gate", 0, time.Time{}); status != 200 || !again.Repeat {
		t.Errorf("the same scan sent again: %d %s, want 200 repeat", status, body)
	}
	var f2 badgeBody
	x.producer.Do(t, "GET", "/api/fairs/f2/badge", nil).Decode(t, &f2)
	wrong := []byte(b.ManualCode)
	wrong[0] = map[bool]byte{true: 'A', false: 'B'}[wrong[0] == 'B']
	// Typed by hand, a code of no badge here is said as mistyped, not as a forged badge.
	for name, code := range map[string]string{"another fair's badge": f2.ManualCode, "a character wrong": string(wrong), "a manual code of no badge": "ZZZZZ-ZZZZZ",
		"a character missing": b.ManualCode[:10]} {
		if status, _, body := checkIn(t, x.org, uuid.NewString(), code, "gate", 0, time.Time{}); status != 422 || !strings.Contains(string(body), `"code":"badge_manual_unknown"`) ||
			!strings.Contains(string(body), "kiểm tra lại từng ký tự") {
			t.Errorf("%s (%q): %d %s, want 422 badge_manual_unknown", name, code, status, body)
		}
	}
}
