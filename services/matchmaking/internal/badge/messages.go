package badge

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of badges and check-ins: participants read them on their badge page, the fair's
// staff on the check-in page.
var (
	msgBadgeNone = apperr.M("badge_none",
		"Bạn chưa có gian hàng hay cuộc gặp nào được chấp nhận tại hội chợ này nên chưa có thẻ tham dự.",
		"You have no booth and no accepted meeting at this fair, so you have no badge for it.")
	msgBadgeInvalid = apperr.M("badge_invalid",
		"Mã thẻ không hợp lệ: thẻ giả, đã bị sửa hoặc đã bị thu hồi. Hãy quét lại, hoặc kiểm tra giấy tờ của người tham dự.",
		"This badge code is not valid: forged, altered or revoked. Scan it again, or check the person's papers.")
	msgManualUnknown = apperr.M("badge_manual_unknown",
		"Không tìm thấy thẻ nào của hội chợ này có mã đó: hãy kiểm tra lại từng ký tự (10 ký tự, ví dụ 7KQ2M-X9D4C), hoặc giấy tờ của người tham dự.",
		"No badge of this fair has that code: check each character (10 of them, such as 7KQ2M-X9D4C), or the person's papers.")
	msgBadgeInvalidField = apperr.M("badge_invalid_code",
		"không phải mã thẻ do hội chợ cấp",
		"is not a badge code this fair issued")
	msgBadgeLapsed = apperr.M("badge_lapsed",
		"Thẻ của %s không còn hiệu lực ở hội chợ này: không còn gian hàng hay cuộc gặp B2B nào (đơn đã rút hoặc bị từ chối, cuộc gặp đã hủy).",
		"%s's badge is no longer valid at this fair: no booth and no B2B meeting any more (the application withdrawn or rejected, the meetings cancelled).")
	msgBadgeLapsedField = apperr.M("badge_lapsed_code",
		"thẻ không còn hiệu lực ở hội chợ này",
		"is a badge no longer valid at this fair")
	msgBadgeOtherFair = apperr.M("badge_other_fair",
		"Thẻ này dùng cho hội chợ khác (%s), không dùng được ở hội chợ này.",
		"This badge is for another fair (%s), not this one.")
	msgFairUnknown = apperr.M("badge_fair_unknown",
		"Không tìm thấy hội chợ.",
		"The fair was not found.")
	msgStaffOnly = apperr.M("checkin_organisers_only",
		"Chỉ ban tổ chức hội chợ mới quét thẻ, xem lượt check-in và in thẻ của hội chợ.",
		"Only the fair's organisers scan badges, see the check-ins and print the fair's badges.")
	msgTableRequired = apperr.M("checkin_table_required",
		"bắt buộc khi quét tại bàn gặp: số bàn từ 1 trở lên",
		"is required at a table: a table number from 1")
	msgTableAtGate = apperr.M("checkin_table_at_gate",
		"chỉ ghi khi quét tại bàn gặp",
		"is only given at a table")
	msgScanID = apperr.M("checkin_scan_id_uuid",
		"phải là mã UUID do trang quét tạo khi quét",
		"must be the UUID the scanning page made when it scanned")
	msgScanFuture = apperr.M("checkin_scanned_in_future",
		"muộn hơn hiện tại quá 2 phút: hãy kiểm tra đồng hồ của điện thoại",
		"is more than 2 minutes in the future: check the phone's clock")
	msgScanOld = apperr.M("checkin_scanned_too_old",
		"đã quá 24 giờ nên lượt quét này không còn được nhận",
		"is more than 24 hours ago, so the scan is no longer taken")
	msgScanOtherFair = apperr.M("checkin_scan_other_fair",
		"Lượt quét này đã được ghi cho một hội chợ khác.",
		"This scan was already recorded at another fair.")
	msgRoleProducer = apperr.M("badge_role_producer", "Chủ thể OCOP", "OCOP producer")
	msgRoleBuyer    = apperr.M("badge_role_buyer", "Người mua", "Buyer")
	msgNoBadges     = apperr.M("badge_none_at_fair",
		"Hội chợ chưa có cuộc gặp nào được chấp nhận nên chưa có thẻ nào để in.",
		"The fair has no accepted meeting yet, so there is no badge to print.")
)

var (
	msgScanReused = apperr.M("checkin_scan_reused",
		"Mã lượt quét này đã được dùng cho một lượt quét khác (thẻ, nơi quét hoặc giờ quét khác). Mỗi lượt quét cần một mã mới.",
		"This scan ID was already used for another scan (another badge, place or time). Each scan needs a new ID.")
	msgScanReusedField = apperr.M("checkin_scan_reused_field",
		"đã được dùng cho một lượt quét khác",
		"was already used for another scan")
	msgNoTables = apperr.M("checkin_no_tables",
		"hội chợ này không có bàn gặp B2B nào",
		"this fair has no B2B tables")
)

var msgNoBadge = apperr.M("badge_not_held",
	"Người tham dự này không có thẻ nào còn hiệu lực tại hội chợ.",
	"This participant holds no valid badge at the fair.")
