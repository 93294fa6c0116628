package application

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of booth applications: producers read them when applying, organisers when
// reviewing. Field messages are said after the field's name.
var (
	msgCursorOtherSort = apperr.M("queue_cursor_other_sort",
		"là con trỏ của một thứ tự sắp xếp khác; hãy tải lại danh sách từ trang đầu",
		"is a cursor of another order; load the list again from its first page")
	msgProductsCount = apperr.M("application_products_count",
		"hãy chọn từ 1 đến 30 sản phẩm của bạn để trưng bày",
		"list 1 to 30 of your products to show")
	msgProductTwice = apperr.M("product_listed_twice",
		"bị liệt kê hai lần",
		"is listed twice")
	msgNotOpen = apperr.M("fair_not_open",
		"Hội chợ hiện không nhận đơn đăng ký (hội chợ %s, nhận đơn từ %s đến %s).",
		"The fair is not taking applications now (status %s, window %s to %s).")
	msgMoveRefused = apperr.M("application_move_refused",
		"Không thể %s đơn đăng ký đang ở trạng thái %s.",
		"Cannot %s an application that is %s.")
	msgFairOver = apperr.M("application_fair_over",
		"Không thể %s đơn đăng ký khi hội chợ %s: đơn là một phần hồ sơ của hội chợ.",
		"Cannot %s an application once its fair is %s: it is part of the fair's record.")
	msgReasonRequired = apperr.M("reject_reason_required",
		"Cần có lý do từ chối.",
		"A reason is required.")
	msgReasonField = apperr.M("reject_reason_missing",
		"hãy cho chủ thể OCOP biết vì sao đơn bị từ chối",
		"tell the producer why the application is rejected")
	msgNeedsProfile = apperr.M("application_needs_profile",
		"Hãy tạo hồ sơ chủ thể OCOP trước khi đăng ký.",
		"Create your producer profile before applying.")
	msgOrganisersSee = apperr.M("applications_organisers_only",
		"Chỉ ban tổ chức hội chợ mới xem được các đơn đăng ký của hội chợ.",
		"Only the fair's organisers see its applications.")
	msgNotYours = apperr.M("application_not_yours",
		"Đây không phải đơn đăng ký của bạn.",
		"This is not your application.")
	msgWithdrawOwn = apperr.M("application_withdraw_own_only",
		"Chỉ chủ thể OCOP đã nộp đơn mới rút được đơn.",
		"Only the producer can withdraw its application.")
	msgOrganisersReview = apperr.M("application_review_organisers_only",
		"Chỉ ban tổ chức hội chợ mới xét duyệt được đơn đăng ký.",
		"Only the fair's organisers review its applications.")
	msgStale = apperr.M("application_stale",
		"Đơn đăng ký vừa được thay đổi; hãy tải lại rồi thử lại.",
		"The application was changed meanwhile; reload it and try again.")
	msgActiveExists = apperr.M("application_exists",
		"Bạn đã có đơn đăng ký tham gia hội chợ này; hãy rút đơn trước khi đăng ký lại.",
		"You already have an application to this fair; withdraw it before applying again.")
	msgFairNotFound = apperr.M("application_fair_not_found",
		"Không tìm thấy hội chợ (hội chợ vừa công bố có thể cần giây lát mới hiện ra).",
		"The fair was not found (a fair just published may take a moment to appear).")
)

// statusNames says each application status in words, for messages.
var statusNames = map[Status]apperr.Msg{
	Submitted:  apperr.M("application_status.submitted", "đã nộp", "submitted"),
	Approved:   apperr.M("application_status.approved", "đã được duyệt", "approved"),
	Rejected:   apperr.M("application_status.rejected", "bị từ chối", "rejected"),
	Waitlisted: apperr.M("application_status.waitlisted", "trong danh sách chờ", "waitlisted"),
	Withdrawn:  apperr.M("application_status.withdrawn", "đã rút", "withdrawn"),
	Cancelled:  apperr.M("application_status.cancelled", "đã bị hủy", "cancelled"),
}

// actionNames says each move in words, for messages.
var actionNames = map[Action]apperr.Msg{
	Approve:  apperr.M("application_action.approve", "duyệt", "approve"),
	Reject:   apperr.M("application_action.reject", "từ chối", "reject"),
	Waitlist: apperr.M("application_action.waitlist", "đưa vào danh sách chờ", "waitlist"),
	Withdraw: apperr.M("application_action.withdraw", "rút", "withdraw"),
	Cancel:   apperr.M("application_action.cancel", "hủy", "cancel"),
}

// fairStatusNames says the statuses of a fair in words, as the event service announces them.
var fairStatusNames = map[string]apperr.Msg{
	"draft":               apperr.M("application_fair_status.draft", "đang là bản nháp", "draft"),
	"published":           apperr.M("application_fair_status.published", "đã công bố", "published"),
	"applications_closed": apperr.M("application_fair_status.applications_closed", "đã đóng nhận đơn", "closed to applications"),
	"live":                apperr.M("application_fair_status.live", "đang diễn ra", "live"),
	"completed":           apperr.M("application_fair_status.completed", "đã kết thúc", "completed"),
	"cancelled":           apperr.M("application_fair_status.cancelled", "đã bị hủy", "cancelled"),
}

// named says a word from names in the reader's language, or the value as it is when it has none
// (a status added later).
func named[K ~string](names map[K]apperr.Msg, k K) apperr.Localized {
	if m, ok := names[k]; ok {
		return m
	}
	return asWritten(k)
}
