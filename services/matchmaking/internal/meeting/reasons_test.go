package meeting

import (
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

func TestCancelReasonsAreSaidInTheReadersLanguage(t *testing.T) {
	tests := []struct {
		name   string
		m      Meeting
		vi, en string
	}{
		{"the buyer, without words", Meeting{ReasonCode: ReasonByBuyer}, "Người mua đã hủy cuộc gặp", "Cancelled by the buyer"},
		{"the producer, in its own words", Meeting{ReasonCode: ReasonByProducer, Reason: "Bận giao hàng"}, "Bận giao hàng", "Bận giao hàng"},
		{"the organiser", Meeting{ReasonCode: ReasonByOrganiser}, "Ban tổ chức đã hủy cuộc gặp", "Cancelled by the organiser"},
		{"the fair's cancellation", Meeting{ReasonCode: ReasonFairCancelled, Reason: "Bão số 3"}, "Hội chợ đã bị hủy: Bão số 3", "The fair was cancelled: Bão số 3"},
		{"the booth released", Meeting{ReasonCode: ReasonBoothReleased}, "Gian hàng của chủ thể đã bị thu hồi", "The producer's booth was released"},
		{"the application ended", Meeting{ReasonCode: ReasonApplicationEnded}, "Chủ thể đã rút hoặc bị hủy đơn tham gia hội chợ", "The producer's application was withdrawn or cancelled"},
		{"stored bilingual before reasons had codes", Meeting{Reason: "Chủ thể đã hủy / cancelled by the producer"}, "Chủ thể đã hủy cuộc gặp", "Cancelled by the producer"},
		{"a fair cancelled before reasons had codes", Meeting{Reason: "Hội chợ bị hủy / the fair was cancelled: Bão số 3"}, "Hội chợ đã bị hủy: Bão số 3", "The fair was cancelled: Bão số 3"},
		{"a booth released before reasons had codes", Meeting{Reason: "Gian hàng của chủ thể đã bị thu hồi / the producer's booth was released"},
			"Gian hàng của chủ thể đã bị thu hồi", "The producer's booth was released"},
		{"a person's words before reasons had codes", Meeting{Reason: "Trùng lịch giao hàng"}, "Trùng lịch giao hàng", "Trùng lịch giao hàng"},
		{"not cancelled", Meeting{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reasonOf(tt.m).In(apperr.Vietnamese); got != tt.vi {
				t.Errorf("reasonOf(%+v) in vi = %q, want %q", tt.m, got, tt.vi)
			}
			if got := reasonOf(tt.m).In(apperr.English); got != tt.en {
				t.Errorf("reasonOf(%+v) in en = %q, want %q", tt.m, got, tt.en)
			}
		})
	}
}
