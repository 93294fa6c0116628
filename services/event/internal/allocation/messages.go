package allocation

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of allocation runs and commits: organisers read them when they place producers in
// booths, and each failed placement of a commit says why in one of them.
var (
	msgCommitted = apperr.M("allocation_committed",
		"Phương án này đã được chốt; hãy chạy lại phân bổ để chốt phần còn lại.",
		"This proposal has already been committed; run the allocation again to commit what is left.")
	msgProposalStale = apperr.M("allocation_proposal_stale",
		"Phương án đã lưu không còn đúng; hãy chạy lại phân bổ.",
		"The stored proposal is out of date; run the allocation again.")
	msgProposalReplaced = apperr.M("allocation_proposal_replaced",
		"Đã có phương án phân gian mới hơn (một người khác trong ban tổ chức vừa chạy); chưa gian nào được giao: hãy xem phương án mới rồi chốt lại.",
		"A newer booth proposal has been made (another organiser ran it just now); no booth was assigned: look at the new proposal, then commit it.")
	msgNoProposal = apperr.M("allocation_no_proposal",
		"Chưa có phương án phân gian nào để chốt: hãy chạy phân gian tự động trước, xem phương án rồi chốt.",
		"There is no booth proposal to commit: run the allocation first, look at its proposal, then commit it.")
	msgRunClosed = apperr.M("allocation_closed",
		"Chỉ chạy được phân bổ gian hàng từ khi hội chợ được công bố cho đến khi kết thúc (hội chợ %s).",
		"Allocation runs once the fair is published and before it ends (it is %s).")
	msgOtherFair = apperr.M("allocation_application_other_fair",
		"Đơn đăng ký này không thuộc hội chợ này.",
		"The application is not to this fair.")
	msgApplicationNow = apperr.M("allocation_application_status",
		"Đơn đăng ký lúc này %s.",
		"The application is now %s.")
	msgGotBoothMeanwhile = apperr.M("allocation_application_placed",
		"Đơn đăng ký vừa được xếp gian hàng trong lúc chốt.",
		"The application got a booth meanwhile.")
	msgBoothNow = apperr.M("allocation_booth_held",
		"Gian hàng %[1]s lúc này %[2]s.",
		"Booth %[1]s is now %[2]s.")
	msgBoothTakenMeanwhile = apperr.M("allocation_booth_taken",
		"Gian hàng %s vừa được xếp cho đơn khác; hãy chạy lại phân bổ.",
		"Booth %s was taken meanwhile; run the allocation again.")
	msgFairEnded = apperr.M("allocation_fair_ended",
		"Hội chợ %s trong lúc chốt phân bổ; các gian hàng của đơn này đã được giải phóng lại.",
		"The fair became %s while the allocation was committed; its booths were released again.")
	msgFairEndedStuck = apperr.M("allocation_fair_ended_stuck",
		"Hội chợ %s trong lúc chốt phân bổ; chưa giải phóng lại được các gian hàng được liệt kê.",
		"The fair became %s while the allocation was committed; releasing its booths again failed for those listed.")
	msgCommitInternal = apperr.M("allocation_commit_failed",
		"Không xếp được gian hàng do lỗi từ phía hệ thống; lỗi đã được ghi lại.",
		"The booths could not be assigned because of an error on our side; it has been logged.")
)

// What Check finds wrong with a proposal, each naming the applications and booths concerned.
var (
	msgCheckUnknownApplication = apperr.M("allocation.check_unknown_application",
		"Phương án xếp cho đơn %s không có trong danh sách đơn.",
		"Placement for unknown application %s.")
	msgCheckPlacedTwice = apperr.M("allocation.check_placed_twice",
		"Đơn %s được xếp hai lần.",
		"Application %s placed twice.")
	msgCheckCount = apperr.M("allocation.check_count",
		"Đơn %[1]s xin %[2]d gian nhưng được xếp %[3]d gian.",
		"Application %[1]s asked for %[2]d booths, got %[3]d.")
	msgCheckMost = apperr.M("allocation.check_most",
		"Đơn %[1]s được xếp %[2]d gian, vượt mức tối đa %[3]d gian mỗi chủ thể mà hội chợ cho phép.",
		"Application %[1]s is given %[2]d booths, more than the fair's most of %[3]d per producer.")
	msgCheckUnknownBooth = apperr.M("allocation.check_unknown_booth",
		"Gian hàng %s không có trên sơ đồ.",
		"Unknown booth %s.")
	msgCheckHeld = apperr.M("allocation.check_held",
		"Gian hàng %[1]s xếp cho đơn %[2]s đang thuộc đơn %[3]s.",
		"Booth %[1]s given to %[2]s is held by %[3]s.")
	msgCheckUnusable = apperr.M("allocation.check_unusable",
		"Gian hàng %s đang bị khóa hoặc được giữ chỗ.",
		"Booth %s is blocked or reserved.")
	msgCheckKind = apperr.M("allocation.check_kind",
		"Gian hàng %[1]s thuộc loại %[2]s, còn đơn %[3]s xin loại %[4]s.",
		"Booth %[1]s is %[2]s, application %[3]s asked for %[4]s.")
	msgCheckZones = apperr.M("allocation.check_zones",
		"Các gian của đơn %s nằm rải rác ở nhiều khu.",
		"Application %s is spread over several zones.")
	msgCheckQuota = apperr.M("allocation.check_quota",
		"Tỉnh %[1]s giữ %[2]d gian, vượt chỉ tiêu %[3]d gian.",
		"Province %[1]s holds %[2]d booths, quota %[3]d.")
)

// holdNames says the hold of a booth in words, for msgBoothNow.
var holdNames = map[string]apperr.Msg{
	"reserved": apperr.M("booth_hold.reserved", "đang được ban tổ chức giữ lại", "reserved"),
	"blocked":  apperr.M("booth_hold.blocked", "đang bị khóa", "blocked"),
}

// holdName is the hold h in the reader's words; a hold not listed is said as it is.
func holdName(h string) apperr.Localized {
	if m, ok := holdNames[h]; ok {
		return m
	}
	return apperr.OrOf(h)
}
