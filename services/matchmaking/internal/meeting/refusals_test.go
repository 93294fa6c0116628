package meeting

import (
	"errors"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestRefusalsReadInBothLanguages says the meeting rules' refusals in Vietnamese and English:
// statuses, sides and slot times are words of the reader's language, not codes.
func TestRefusalsReadInBothLanguages(t *testing.T) {
	now := time.Date(2026, 3, 1, 7, 0, 0, 0, vntext.Zone)
	starts := time.Date(2026, 3, 1, 8, 30, 0, 0, vntext.Zone)
	_, respondErr := Meeting{Status: Accepted, RequestedBy: SideBuyer}.Respond(SideProducer, true, now)
	_, cancelErr := Meeting{Status: Declined}.Cancel(ReasonByBuyer, "", now)
	_, earlyErr := Meeting{Status: Accepted, Slot: 2}.Record("mou_signed", 0, SideBuyer, false, starts, now)
	tests := []struct {
		name   string
		err    error
		code   string
		vi, en string
	}{
		{"answer to an accepted meeting", respondErr, "meeting_not_awaiting_answer",
			"Cuộc gặp đã được chấp nhận nên không còn chờ trả lời.", "The meeting is accepted, not waiting for an answer."},
		{"cancel a declined meeting", cancelErr, "meeting_not_active",
			"Cuộc gặp đã bị từ chối.", "The meeting is already declined."},
		{"an outcome before the slot", earlyErr, "meeting_outcome_too_early",
			"Cuộc gặp bắt đầu lúc 08:30 ngày 01/03/2026: hãy ghi kết quả sau thời điểm đó.",
			"The meeting's slot starts at 2026-03-01T08:30:00+07:00: record its outcome after that."},
		{"a producer at its cap", apperr.New(apperr.Conflict, msgCapReached, auth.RoleName(auth.RoleProducer), 3), "meeting_cap_reached",
			"Chủ thể OCOP đã có 3 cuộc gặp tại hội chợ này (đã nhận lời, hoặc tự đề nghị và đang chờ trả lời), mức tối đa cho phép; hãy hủy một cuộc gặp hoặc rút một đề nghị trước.",
			"The producer already has 3 meetings at this fair (accepted, or asked for and awaiting an answer), the most allowed; cancel one or withdraw a request first."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *apperr.Error
			if !errors.As(tt.err, &e) {
				t.Fatalf("error = %v, want an *apperr.Error", tt.err)
			}
			if e.Code() != tt.code || e.Detail(apperr.Vietnamese) != tt.vi || e.Detail(apperr.English) != tt.en {
				t.Errorf("error = %s %q / %q, want %s %q / %q", e.Code(), e.Detail(apperr.Vietnamese), e.Detail(apperr.English), tt.code, tt.vi, tt.en)
			}
		})
	}
}
