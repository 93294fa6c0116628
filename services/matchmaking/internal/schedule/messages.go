package schedule

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of a problem that does not validate, said on the field at fault: organisers who
// send a problem to the scheduling endpoint read them.
var (
	msgMorningSlots = apperr.M("schedule_morning_slots",
		"phải là số từ 0 đến số khung giờ của ngày (%d)",
		"must be a number from 0 to the day's slots (%d)")
	msgListedTwice = apperr.M("schedule_id_repeated",
		"phải có mã, và mỗi mã chỉ xuất hiện một lần (%q)",
		"must have an ID, each listed once (%q)")
	msgUnavailableSlot = apperr.M("schedule_unavailable_slot",
		"khung giờ %d không nằm trong khoảng 1 đến %d",
		"slot %d is not 1 to %d")
	msgParticipantCount = apperr.M("schedule_participant_count",
		"phải có từ %d đến %d người tham gia",
		"must have %d to %d participants")
	msgParticipantRepeated = apperr.M("schedule_participant_repeated",
		"có một người tham gia được liệt kê hai lần",
		"lists a participant twice")
	msgFixedSlot = apperr.M("schedule_fixed_slot",
		"phải là 0 (tự do) hoặc một khung giờ từ 1 đến %d",
		"must be 0 (free) or a slot from 1 to %d")
	msgAfterUnknown = apperr.M("schedule_after_unknown",
		"nêu một cuộc gặp không có trong bài toán (%q)",
		"lists a meeting the problem does not hold (%q)")
	msgKeepUnknown = apperr.M("schedule_keep_unknown",
		"phải là một cuộc gặp có trong bài toán, mỗi cuộc gặp chỉ giữ một chỗ (nhận được %q)",
		"must be a meeting of the problem, each kept at most once (got %q)")
	msgKeepPlace = apperr.M("schedule_keep_place",
		"phải có khung giờ từ 1 đến %d và bàn từ 1 đến %d", "must have a slot of 1 to %d and a table of 1 to %d")
	msgNotNegative = apperr.M("schedule_not_negative",
		"không được là số âm",
		"must not be negative")
)

// Why a meeting is left unscheduled, said in the reader's language (Unscheduled.In).
var (
	msgFixedSlotBlocked = apperr.M("unscheduled.fixed_slot",
		"khung giờ cố định %d nằm ngoài %s của cuộc gặp, hoặc khi đó có người tham gia bận",
		"its fixed slot %d is outside its %s or a participant is unavailable then")
	msgNoCommonSlot = apperr.M("unscheduled.no_common_slot",
		"không có khung giờ nào trong %s mà mọi người tham gia (%s) đều rảnh",
		"no slot of the %s is free for all of %s")
	msgNoRoom = apperr.M("unscheduled.no_room",
		"mọi khung giờ cuộc gặp có thể nhận đều đã kín bàn, trùng cuộc gặp khác của người tham gia, hoặc trái thứ tự after",
		"every slot it could take is full, taken by a participant's other meeting, or conflicts with its after order")
	// MsgTableTaken: a meeting whose table is held by a meeting that has already started.
	MsgTableTaken = apperr.M("unscheduled.table_taken",
		"bàn ở khung giờ của cuộc gặp đã có một cuộc gặp khác bắt đầu trước",
		"its slot's table is taken by a meeting that has already started")
	// MsgDaysOver: every B2B day of the fair left to the meeting is over.
	MsgDaysOver = apperr.M("unscheduled.days_over",
		"các ngày B2B còn lại của hội chợ đã qua: không còn khung giờ nào chưa bắt đầu",
		"the fair's remaining B2B days are over: no slot is left that has not started")
)

// sessionNames are the sessions as users read them.
var sessionNames = map[string]apperr.Msg{
	Morning:   apperr.M("session.morning", "phiên buổi sáng", "morning session"),
	Afternoon: apperr.M("session.afternoon", "phiên buổi chiều", "afternoon session"),
	Any:       apperr.M("session.any", "cả ngày", "whole day"),
}
