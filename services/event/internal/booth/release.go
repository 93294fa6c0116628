package booth

import (
	"strings"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
)

// Why says why a booth was released: Code is a message code (one of the Release… codes below),
// which the assignment and its event.booth.released event keep and a reader's language says;
// Words are what a person wrote, kept as written (the organisers' reason for cancelling the fair).
type Why struct {
	Code  string
	Words string
}

// The reasons a booth is released, as messages: the code is what is stored, the texts are how
// a reader is told.
var (
	msgReleaseFairCancelled = apperr.M("booth_release.fair_cancelled",
		"Hội chợ đã bị hủy",
		"The fair was cancelled")
	msgReleaseWithdrawn = apperr.M("booth_release.application_withdrawn",
		"Chủ thể đã rút đơn đăng ký",
		"The producer withdrew the application")
	msgReleaseRejected = apperr.M("booth_release.application_rejected",
		"Đơn đăng ký đã bị từ chối",
		"The application was rejected")
	msgReleaseWaitlisted = apperr.M("booth_release.application_waitlisted",
		"Đơn đăng ký được chuyển vào danh sách chờ",
		"The application was moved to the waitlist")
	msgReleaseCancelled = apperr.M("booth_release.application_cancelled",
		"Đơn đăng ký đã bị hủy",
		"The application was cancelled")
	msgReleaseOverMax = apperr.M("booth_release.over_max",
		"Vượt số gian hàng tối đa hội chợ cho một chủ thể",
		"Beyond the most booths the fair allows a producer")
	msgReleaseByOrganiser = apperr.M("booth_release.by_organiser",
		"Ban tổ chức đã thu hồi gian hàng",
		"Released by the organisers")
	msgReleaseFairChanged = apperr.M("booth_release.allocation_fair_changed",
		"Phân gian bị hoàn tác vì trạng thái hội chợ đã thay đổi",
		"The allocation was undone: the fair's status changed")
	msgReleaseBoothChanged = apperr.M("booth_release.booth_changed",
		"Gian hàng vừa được sửa hoặc xóa khỏi sơ đồ trong lúc xếp",
		"The booth was changed or removed from the plan while it was being assigned")
	msgReleaseGroupFailed = apperr.M("booth_release.allocation_group_failed",
		"Phân gian bị hoàn tác vì một gian khác của nhóm không giao được",
		"The allocation was undone: another booth of the group could not be assigned")
)

// The codes of the reasons a booth is released.
var (
	ReleaseFairCancelled         = msgReleaseFairCancelled.Code
	ReleaseByOrganiser           = msgReleaseByOrganiser.Code
	ReleaseAllocationFairChanged = msgReleaseFairChanged.Code
	ReleaseAllocationGroupFailed = msgReleaseGroupFailed.Code
	ReleaseOverMax               = msgReleaseOverMax.Code
	ReleaseBoothChanged          = msgReleaseBoothChanged.Code
)

// EndedReason is the reason code for the booths of an application that ended with status
// (withdrawn, rejected or cancelled) or went back to the waitlist.
func EndedReason(status string) string {
	switch status {
	case applicants.Withdrawn:
		return msgReleaseWithdrawn.Code
	case applicants.Rejected:
		return msgReleaseRejected.Code
	case applicants.Waitlisted:
		return msgReleaseWaitlisted.Code
	default:
		return msgReleaseCancelled.Code
	}
}

// ReasonIn says why a released assignment was released, in lang: its code's message, and the
// words given with it. An assignment released before reasons had codes, with an English
// sentence, is read by that sentence's code (legacyWhy), so it is said in lang too.
func (a Assignment) ReasonIn(lang apperr.Lang) string {
	why := Why{Code: a.ReasonCode, Words: a.Reason}
	if why.Code == "" {
		why = legacyWhy(a.Reason)
	}
	if why.Code == "" {
		return why.Words
	}
	s := apperr.Stored{Code: why.Code}.In(lang)
	if why.Words != "" {
		s += ": " + why.Words
	}
	return s
}

// legacyWhy reads a reason stored as an English sentence, before reasons had codes, as its code
// and the words it carried; a sentence it does not know is kept as words.
func legacyWhy(sentence string) Why {
	if words, ok := strings.CutPrefix(sentence, "fair cancelled: "); ok {
		return Why{Code: ReleaseFairCancelled, Words: words}
	}
	if status, ok := strings.CutPrefix(sentence, "application "); ok {
		return Why{Code: EndedReason(status)}
	}
	switch {
	case sentence == "released by the organiser":
		return Why{Code: ReleaseByOrganiser}
	case strings.HasPrefix(sentence, "allocation rolled back: the fair is"):
		return Why{Code: ReleaseAllocationFairChanged}
	case strings.HasPrefix(sentence, "allocation rolled back: another booth"):
		return Why{Code: ReleaseAllocationGroupFailed}
	}
	return Why{Words: sentence}
}
