package booth

import (
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
)

// TestReleaseReasonsInReadersLanguage says why booths were released, from the code and words an
// assignment keeps, in each language; an assignment released before reasons had codes, with an
// English sentence, is read by that sentence's code.
func TestReleaseReasonsInReadersLanguage(t *testing.T) {
	if err := msgcheck.Catalogue(apperr.Messages()); err != nil {
		t.Error(err)
	}
	tests := []struct {
		name   string
		a      Assignment
		vi, en string
	}{
		{"withdrawn", Assignment{ReasonCode: EndedReason("withdrawn")}, "Chủ thể đã rút đơn đăng ký", "The producer withdrew the application"},
		{"rejected", Assignment{ReasonCode: EndedReason("rejected")}, "Đơn đăng ký đã bị từ chối", "The application was rejected"},
		{"cancelled", Assignment{ReasonCode: EndedReason("cancelled")}, "Đơn đăng ký đã bị hủy", "The application was cancelled"},
		{"the fair cancelled, with the organisers' words", Assignment{ReasonCode: ReleaseFairCancelled, Reason: "Bão số 3"},
			"Hội chợ đã bị hủy: Bão số 3", "The fair was cancelled: Bão số 3"},
		{"by the organisers", Assignment{ReasonCode: ReleaseByOrganiser}, "Ban tổ chức đã thu hồi gian hàng", "Released by the organisers"},
		{"by the organisers, before reasons had codes", Assignment{Reason: "released by the organiser"}, "Ban tổ chức đã thu hồi gian hàng", "Released by the organisers"},
		{"the fair cancelled, before reasons had codes", Assignment{Reason: "fair cancelled: Bão số 3"}, "Hội chợ đã bị hủy: Bão số 3", "The fair was cancelled: Bão số 3"},
		{"withdrawn, before reasons had codes", Assignment{Reason: "application withdrawn"}, "Chủ thể đã rút đơn đăng ký", "The producer withdrew the application"},
		{"a rollback, before reasons had codes", Assignment{Reason: "allocation rolled back: the fair is cancelled"},
			"Phân gian bị hoàn tác vì trạng thái hội chợ đã thay đổi", "The allocation was undone: the fair's status changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.ReasonIn(apperr.Vietnamese); got != tt.vi {
				t.Errorf("ReasonIn(vi) = %q, want %q", got, tt.vi)
			}
			if got := tt.a.ReasonIn(apperr.English); got != tt.en {
				t.Errorf("ReasonIn(en) = %q, want %q", got, tt.en)
			}
		})
	}
}
