package application

import (
	"errors"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// A fair that is over (completed or cancelled) refuses every move of its applications, saying
// which move and why in both languages; a fair still running refuses none.
func TestFairMovesRefusedOnceOver(t *testing.T) {
	for _, status := range []string{"published", "applications_closed", "live", "completed", "cancelled"} {
		for _, act := range []Action{Approve, Reject, Waitlist, Withdraw} {
			err := Fair{Status: status}.Moves(act)
			over := status == "completed" || status == "cancelled"
			if !over {
				if err != nil {
					t.Errorf("Fair{%s}.Moves(%s) = %v, want nil", status, act, err)
				}
				continue
			}
			var e *apperr.Error
			if !errors.As(err, &e) || !apperr.Is(err, apperr.Conflict) || e.Code() != "application_fair_over" {
				t.Errorf("Fair{%s}.Moves(%s) = %v, want a Conflict application_fair_over", status, act, err)
				continue
			}
			if e.Detail(apperr.Vietnamese) == "" || e.Detail(apperr.English) == "" {
				t.Errorf("Fair{%s}.Moves(%s) says %q / %q", status, act, e.Detail(apperr.Vietnamese), e.Detail(apperr.English))
			}
		}
	}
	for _, tt := range []struct {
		status string
		act    Action
		lang   apperr.Lang
		want   string
	}{
		{"completed", Withdraw, apperr.English, "Cannot withdraw an application once its fair is completed: it is part of the fair's record."},
		{"cancelled", Reject, apperr.Vietnamese, "Không thể từ chối đơn đăng ký khi hội chợ đã bị hủy: đơn là một phần hồ sơ của hội chợ."},
	} {
		var e *apperr.Error
		if err := (Fair{Status: tt.status}).Moves(tt.act); !errors.As(err, &e) || e.Detail(tt.lang) != tt.want {
			t.Errorf("Fair{%s}.Moves(%s) = %v, want %q", tt.status, tt.act, err, tt.want)
		}
	}
}
