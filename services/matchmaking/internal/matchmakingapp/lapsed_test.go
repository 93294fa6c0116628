package matchmakingapp

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// stepALapsedBadgeIsRefused: at the other fair the buyer's only meeting is cancelled: its badge
// there, shown or printed before, is refused at the gate as no longer valid, naming whose it is;
// the producer, who still has its booth there, is let in.
func (x *fairDay) stepALapsedBadgeIsRefused(t *testing.T) {
	var b, p badgeBody
	x.buyer.Do(t, "GET", "/api/fairs/f2/badge", nil).Decode(t, &b)
	x.producer.Do(t, "GET", "/api/fairs/f2/badge", nil).Decode(t, &p)
	if b.Code == "" || p.Code == "" {
		t.Fatalf("badges at f2: buyer %q, producer %q", b.Code, p.Code)
	}
	if r := x.buyer.Do(t, "POST", "/api/meetings/"+x.otherMeetingID+"/cancel", nil); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	atOther := func(code string) testenv.Response {
		return x.orgOfOther.Do(t, "POST", "/api/fairs/f2/checkins", map[string]any{"scan_id": uuid.NewString(), "code": code, "place": "gate"})
	}
	testenv.Eventually(t, "the buyer's lapsed badge refused", func() bool {
		r := atOther(b.Code)
		return r.Status == 422 && strings.Contains(string(r.Body), `"code":"badge_lapsed"`) && strings.Contains(string(r.Body), "Thẻ của Nguyễn Thị Hường không còn hiệu lực")
	})
	// A scan queued offline two minutes ago, while the meeting stood, is recorded as it happened.
	queued := x.orgOfOther.Do(t, "POST", "/api/fairs/f2/checkins", map[string]any{"scan_id": uuid.NewString(), "code": b.Code, "place": "gate",
		"scanned_at": time.Now().Add(-2 * time.Minute).In(vntext.Zone).Format(time.RFC3339)})
	if queued.Status != 201 {
		t.Errorf("a scan queued offline before the meeting was cancelled: %d %s, want 201", queued.Status, queued.Body)
	}
	if r := x.buyer.Do(t, "GET", "/api/fairs/f2/badge", nil); r.Status != 404 {
		t.Errorf("the buyer's badge at f2 after its meeting was cancelled: %d %s, want 404", r.Status, r.Body)
	}
	if r := atOther(p.Code); r.Status != 201 {
		t.Errorf("the exhibitor's badge at f2 after its meeting was cancelled: %d %s, want 201", r.Status, r.Body)
	}
}
