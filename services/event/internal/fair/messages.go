package fair

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of fairs: organisers read them when they set a fair up and move it through its
// lifecycle, visitors when a fair is not there for them.
var (
	// msgB2BChanged: the B2B days were saved by someone else since the sender read them.
	msgB2BChanged = apperr.M("fair_b2b_changed",
		"Các ngày B2B vừa được người khác thay đổi (phiên bản %d); trang đã hiện các ngày mới nhất, hãy kiểm tra rồi lưu lại.",
		"The B2B days were changed by someone else meanwhile (revision %d); the page now shows them: check and save again.")
	msgFrozen = apperr.M("fair_frozen",
		"Hội chợ %s nên không thể thay đổi nữa.",
		"A %s fair cannot be changed.")
	msgTermsFixed = apperr.M("fair_terms_fixed",
		"Hội chợ đã đóng nhận đơn nên không thể đổi ngày, thời gian nhận đơn hay điều kiện tham gia.",
		"Dates, the application window and eligibility rules are fixed once applications are closed.")
	msgNoMoves = apperr.M("fair_no_moves",
		"Hội chợ %s nên không thể chuyển sang trạng thái khác.",
		"The fair is %s: no further moves are possible.")
	msgMoveNotAllowed = apperr.M("fair_move_not_allowed",
		"Không thể %[1]s hội chợ %[2]s; lúc này chỉ có thể %[3]s.",
		"Cannot %[1]s a %[2]s fair; allowed: %[3]s.")
	msgCancelReason = apperr.M("fair_cancel_reason",
		"hãy cho biết lý do hủy hội chợ; các đơn vị tham gia sẽ đọc lý do này",
		"say why the fair is cancelled; exhibitors will read it")
	msgWindowClosed = apperr.M("fair_window_closed",
		"Thời gian nhận đơn đã kết thúc; hãy dời thời gian nhận đơn trước khi công bố.",
		"The application window has already closed; move it before publishing.")
	msgStartEarly = apperr.M("fair_start_early",
		"Hội chợ bắt đầu ngày %s: chỉ mở được từ ngày hôm trước.",
		"The fair begins on %s: it can be opened from the day before.")
	msgCompleteEarly = apperr.M("fair_complete_early",
		"Hội chợ chưa bắt đầu (ngày %s) nên chưa thể kết thúc; một hội chợ không diễn ra thì hãy hủy.",
		"The fair has not begun (it begins on %s), so it cannot be completed; cancel a fair that will not take place.")
	msgForbidden = apperr.M("fair_organisers_only",
		"Chỉ ban tổ chức của hội chợ mới được thay đổi hội chợ.",
		"Only the fair's organisers can change it.")
	msgStale = apperr.M("fair_stale",
		"Hội chợ vừa được người khác thay đổi; hãy tải lại rồi thử lại.",
		"The fair was changed by someone else meanwhile; reload it and try again.")
	msgOrganiserSignIn = apperr.M("fair_list_sign_in",
		"Bộ lọc organiser=me liệt kê các hội chợ của chính bạn: hãy đăng nhập trước.",
		"organiser=me lists the caller's own fairs: sign in first.")
)

// Field messages of fairs and their filters, said after the field's name.
var (
	msgRegion = apperr.M("fair_region_code",
		"không phải mã vùng (xem GET /api/reference)", "is not a region code (see GET /api/reference)")
	msgProvince = apperr.M("fair_province_code",
		"không thuộc 34 tỉnh, thành phố", "is not one of the 34 provinces and cities")
	msgOrganiserMe = apperr.M("fair_organiser_me",
		"chỉ nhận giá trị me: danh sách chỉ thu hẹp được về các hội chợ của chính bạn",
		"must be me: the list can narrow only to the caller's own fairs")
	msgCursorOrder = apperr.M("fair_cursor_order",
		"thuộc một trang xếp theo thứ tự khác: giữ nguyên order khi sang trang sau",
		"belongs to a page in the other order: keep the same order for the next page")
	msgDateTime = apperr.M("fair_date_time",
		"phải là thời điểm như 2026-12-01T08:00:00+07:00, hoặc ngày theo dạng YYYY-MM-DD",
		"must be a date-time such as 2026-12-01T08:00:00+07:00, or a date YYYY-MM-DD")
	msgDayOfFair = apperr.M("fair_b2b_day_outside",
		"phải là một ngày trong thời gian diễn ra hội chợ", "must be one of the fair's days")
	msgListedTwice = apperr.M("fair_b2b_day_twice",
		"bị liệt kê hai lần", "is listed twice")
	msgClock = apperr.M("fair_b2b_start_time",
		"phải là giờ như 08:00", "must be a time such as 08:00")
	msgMinutes = apperr.M("fair_b2b_slot_minutes",
		"phải từ %d đến %d phút", "must be %d to %d minutes")
	msgMorningSlots = apperr.M("fair_b2b_morning_slots",
		"phải từ 0 đến số lượt gặp trong ngày", "must be 0 to the number of slots")
	msgLunchMinutes = apperr.M("fair_b2b_lunch_minutes",
		"phải từ %d đến %d phút", "must be %d to %d minutes")
	msgLunchOneSession = apperr.M("fair_b2b_lunch_one_session",
		"chỉ đặt được khi ngày có cả buổi sáng và buổi chiều (số lượt buổi sáng lớn hơn 0 và nhỏ hơn số lượt trong ngày)",
		"can be set only on a day with both a morning and an afternoon (the morning's slots above 0 and below the day's slots)")
	msgDayPastMidnight = apperr.M("fair_b2b_day_past_midnight",
		"quá nhiều: ngày B2B sẽ kết thúc lúc %s; giờ bắt đầu cộng số lượt × số phút mỗi lượt và giờ nghỉ trưa phải xong trước 24:00 của ngày đó",
		"are too many: the day would end at %s; its start plus slots × minutes per slot and the lunch pause must end by 24:00 of its date")
	msgLeavesB2BDay = apperr.M("fair_dates_leave_b2b_day",
		"để ngày B2B %s ra ngoài thời gian hội chợ: hãy đổi hoặc bỏ ngày B2B đó trong phần phiên B2B trước",
		"would leave the B2B day %s outside the fair: change or remove that day in the B2B sessions first")
	msgPhone = apperr.M("fair_contact_phone",
		"phải là số điện thoại Việt Nam", "must be a Vietnamese phone number")
	msgEmail = apperr.M("fair_contact_email",
		"phải là một địa chỉ email, ví dụ xttm@hanoi.gov.vn", "must be an email address such as xttm@hanoi.gov.vn")
	msgOrganisers = apperr.M("fair_organisers_count",
		"phải có từ %d đến %d mã tài khoản ban tổ chức", "must list %d to %d organiser account IDs")
	msgOrganiserID = apperr.M("fair_organiser_id",
		"phải là mã tài khoản của một người trong ban tổ chức, dạng UUID như 0190a4d2-5c1e-7b3a-9f2d-8e6c4b2a1f03",
		"must be an organiser's account ID, a UUID such as 0190a4d2-5c1e-7b3a-9f2d-8e6c4b2a1f03")
	msgOrganiserSelf = apperr.M("fair_organiser_self",
		"phải có mã tài khoản của chính bạn: người tạo hoặc sửa hội chợ vẫn ở trong ban tổ chức (chỉ quản trị viên mới đặt được danh sách bất kỳ)",
		"must include your own account ID: an organiser who creates or changes a fair stays among its organisers (only an admin may set any list)")
	msgEndBeforeStart = apperr.M("fair_dates_order",
		"không được trước ngày bắt đầu", "must not be before the start date")
	msgTooLongFair = apperr.M("fair_too_long",
		"một hội chợ kéo dài tối đa %d ngày", "a fair lasts at most %d days")
	msgCloseAfterOpen = apperr.M("fair_window_order",
		"phải sau ngày mở nhận đơn", "must be after applications open")
	msgCloseBeforeStart = apperr.M("fair_window_before_start",
		"phải trước ngày hội chợ bắt đầu", "must be before the fair starts")
	msgVND = apperr.M("fair_booth_price",
		"phải từ %d đến %d tỷ đồng", "must be %d to %d billion VND")
	msgBoothsBetween = apperr.M("fair_province_quota",
		"phải từ %d đến %d gian hàng", "must be %d to %d booths")
)

// Words of the field messages above.
var (
	msgEndsNextDay   = apperr.M("fair_b2b_ends_next_day", "%s ngày hôm sau", "%s the next day")
	msgEndsDaysLater = apperr.M("fair_b2b_ends_days_later", "%s, %d ngày sau", "%s, %d days later")
)

// statusNames says each status in words, for messages; a status not listed is said as it is.
var statusNames = map[Status]apperr.Msg{
	Draft:              apperr.M("fair_status.draft", "đang là bản nháp", "draft"),
	Published:          apperr.M("fair_status.published", "đã công bố", "published"),
	ApplicationsClosed: apperr.M("fair_status.applications_closed", "đã đóng nhận đơn", "closed to applications"),
	Live:               apperr.M("fair_status.live", "đang diễn ra", "live"),
	Completed:          apperr.M("fair_status.completed", "đã kết thúc", "completed"),
	Cancelled:          apperr.M("fair_status.cancelled", "đã bị hủy", "cancelled"),
}

// actionNames says each lifecycle move in words, for messages.
var actionNames = map[Action]apperr.Msg{
	Publish:           apperr.M("fair_action.publish", "công bố", "publish"),
	CloseApplications: apperr.M("fair_action.close_applications", "đóng nhận đơn", "close applications"),
	Start:             apperr.M("fair_action.start", "bắt đầu", "start"),
	Complete:          apperr.M("fair_action.complete", "kết thúc", "complete"),
	Cancel:            apperr.M("fair_action.cancel", "hủy", "cancel"),
}

// StatusName is s in the reader's words, for messages of other packages that name a fair's
// status ("the fair is completed").
func StatusName(s Status) apperr.Localized {
	if m, ok := statusNames[s]; ok {
		return m
	}
	return apperr.OrOf(string(s))
}

// actionName is a in the reader's words.
func actionName(a Action) apperr.Localized {
	if m, ok := actionNames[a]; ok {
		return m
	}
	return apperr.OrOf(string(a))
}
