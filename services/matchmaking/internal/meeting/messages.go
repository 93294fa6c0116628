package meeting

import (
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// The messages of meetings, agendas and scheduling runs: buyers, producers and organisers read
// them in the console.
var (
	msgOtherReasonWords = apperr.M("decline_other_needs_words",
		"cần vài lời khi chọn lý do khác, để bên kia biết vì sao",
		"needs a few words with another reason, so that the other side knows why")
	msgNotAwaiting = apperr.M("meeting_not_awaiting_answer",
		"Cuộc gặp %s nên không còn chờ trả lời.",
		"The meeting is %s, not waiting for an answer.")
	msgOtherSideAnswers = apperr.M("meeting_other_side_answers",
		"Yêu cầu gặp do bên kia trả lời, không phải bên đã gửi.",
		"The other side answers a meeting request.")
	msgNotActive = apperr.M("meeting_not_active",
		"Cuộc gặp %s.",
		"The meeting is already %s.")
	msgHeld = apperr.M("meeting_held",
		"Cuộc gặp đã diễn ra (đã ghi kết quả) nên không thể hủy nữa.",
		"The meeting was held (its outcome is recorded) and can no longer be cancelled.")
	msgAttendedNoCancel = apperr.M("meeting_attended",
		"Cuộc gặp đã diễn ra (cả hai bên đã quét thẻ tại bàn) nên không thể hủy nữa.",
		"The meeting took place (both sides scanned their badges at its table) and can no longer be cancelled.")
	msgValue = apperr.M("meeting_value_invalid",
		"phải là số tiền từ 0 đến 1.000.000.000.000.000 đồng",
		"must be an amount from 0 to 1,000,000,000,000,000 VND")
	msgValueContractOnly = apperr.M("meeting_value_contract_only",
		"chỉ ghi cho kết quả Ký hợp đồng; để 0 hoặc bỏ trống với kết quả khác",
		"is given only with a signed contract; leave it 0 or out with any other outcome")
	msgOutcomeNotAccepted = apperr.M("meeting_outcome_not_accepted",
		"Chỉ ghi kết quả cho cuộc gặp đã được chấp nhận (cuộc gặp này %s).",
		"Only an accepted meeting has an outcome (this one is %s).")
	msgOutcomeUnscheduled = apperr.M("meeting_outcome_unscheduled",
		"Cuộc gặp chưa được xếp lịch: hãy ghi kết quả khi đã có lịch và đã đến giờ gặp.",
		"The meeting has no slot yet: record its outcome once it is scheduled and its slot has started.")
	msgOutcomeEarly = apperr.M("meeting_outcome_too_early",
		"Cuộc gặp bắt đầu lúc %s: hãy ghi kết quả sau thời điểm đó.",
		"The meeting's slot starts at %s: record its outcome after that.")
	msgOutcomeOtherSide = apperr.M("meeting_outcome_other_side",
		"%s đã ghi kết quả “%s” lúc %s. Hãy xem lại kết quả đó trước khi thay (gửi kèm If-Match với revision đã xem).",
		"The %s recorded the outcome “%s” at %s. Look at it before replacing it (send If-Match with the revision seen).")
	msgOutcomeChanged = apperr.M("meeting_outcome_changed",
		"Kết quả cuộc gặp vừa được ghi (bởi bên kia, hoặc trên thiết bị khác của bạn). Hãy xem lại kết quả đang ghi rồi lưu lại nếu cần thay.",
		"The meeting's outcome was just recorded (by the other side, or on another of your devices). Look at it, then save again to replace it.")
	msgBuyerProfileFirst = apperr.M("meeting_buyer_profile_missing",
		"Hãy tạo hồ sơ người mua trước.",
		"Create your buyer profile first.")
	msgProducerProfileFirst = apperr.M("meeting_producer_profile_missing",
		"Hãy tạo hồ sơ chủ thể OCOP trước (hồ sơ mới có thể cần vài giây mới hiện ra).",
		"Create your producer profile first (a new profile may take a moment to appear).")
	msgFairClosed = apperr.M("meeting_fair_not_open",
		"Hội chợ %s nên không nhận yêu cầu gặp.",
		"The fair is %s, so it takes no meeting requests.")
	msgAskOwnOnly = apperr.M("meeting_ask_own_only",
		"Bạn chỉ đề nghị được những cuộc gặp mà mình tham gia.",
		"You can only ask for meetings you take part in.")
	msgCapReached = apperr.M("meeting_cap_reached",
		"%s đã có %d cuộc gặp tại hội chợ này (đã nhận lời, hoặc tự đề nghị và đang chờ trả lời), mức tối đa cho phép; hãy hủy một cuộc gặp hoặc rút một đề nghị trước.",
		"The %s already has %d meetings at this fair (accepted, or asked for and awaiting an answer), the most allowed; cancel one or withdraw a request first.")
	msgDeclinedLately = apperr.M("meeting_declined_lately",
		"Bên kia đã từ chối đề nghị gặp của bạn tại hội chợ này trong %d giờ qua; hãy đợi rồi đề nghị lại, hoặc chờ họ đề nghị.",
		"The other side declined your request at this fair in the last %d hours; wait before asking again, or for them to ask.")
	msgAskBusy = apperr.M("meeting_ask_busy",
		"Đang có một yêu cầu gặp khác của cùng người tham gia được xử lý. Vui lòng thử lại sau ít giây.",
		"Another meeting request of the same participant is being handled. Please try again in a few seconds.")
	msgNoBooth = apperr.M("meeting_producer_no_booth",
		"không có gian hàng tại hội chợ này: chỉ hẹn gặp được các chủ thể trưng bày tại hội chợ",
		"holds no booth at this fair: meetings are with the fair's exhibitors")
	msgFairUnknown = apperr.M("meeting_fair_unknown",
		"Không tìm thấy hội chợ.",
		"The fair was not found.")
	msgListOrganisersOnly = apperr.M("meeting_list_organisers_only",
		"Chỉ ban tổ chức hội chợ mới xem được mọi cuộc gặp của hội chợ.",
		"Only the fair's organisers see all its meetings.")
	msgNotYours = apperr.M("meeting_not_yours",
		"Bạn không tham gia cuộc gặp này.",
		"You do not take part in this meeting.")
	msgAnswerSidesOnly = apperr.M("meeting_answer_sides_only",
		"Chỉ người mua hoặc chủ thể của cuộc gặp mới trả lời được.",
		"Only the buyer or producer answers.")
	msgOutcomeSidesOnly = apperr.M("meeting_outcome_sides_only",
		"Chỉ người mua hoặc chủ thể của cuộc gặp mới ghi được kết quả.",
		"Only the buyer or producer records the outcome.")
	msgNotB2BDay = apperr.M("meeting_day_not_b2b",
		"không phải một ngày gặp B2B của hội chợ",
		"is not one of the fair's B2B days")
	msgSlotRange = apperr.M("meeting_slot_range",
		"phải là khung giờ từ 1 đến %d",
		"must be a slot from 1 to %d")
	msgChanged = apperr.M("meeting_changed",
		"Cuộc gặp vừa được thay đổi; hãy tải lại rồi thử lại.",
		"The meeting was changed meanwhile; reload it and try again.")
	msgDuplicate = apperr.M("meeting_exists",
		"Người mua và chủ thể này đã có một cuộc gặp tại hội chợ.",
		"This buyer and producer already have a meeting at this fair.")
	msgAgendaOrganisersOnly = apperr.M("agenda_organisers_only",
		"Chỉ ban tổ chức hội chợ mới xem được lịch gặp chung của hội chợ.",
		"Only the fair's organisers see its agenda.")
	msgAgendaOwnOnly = apperr.M("agenda_own_only",
		"Bạn chỉ xem được lịch gặp của chính mình.",
		"You can only see your own agenda.")
)

// The messages of scheduling runs, read by organisers.
var (
	msgSchedulerBusy = apperr.M("scheduler_busy",
		"Bộ xếp lịch đang bận với một lượt khác; hãy thử lại sau giây lát.",
		"The scheduler is busy with another run; try again shortly.")
	msgScheduleOrganisersOnly = apperr.M("scheduling_organisers_only",
		"Chỉ ban tổ chức hội chợ mới xếp lịch gặp được.",
		"Only the fair's organisers schedule its meetings.")
	msgNoB2BSettings = apperr.M("scheduling_no_b2b_settings",
		"Hội chợ chưa có ngày gặp B2B nào được lưu: hãy lưu ít nhất một ngày (giờ bắt đầu, số lượt, số bàn) rồi xếp lịch.",
		"The fair has no B2B day saved yet: save at least one day (its start, slots and tables), then schedule.")
	msgFairRevision = apperr.M("scheduling_fair_revision_invalid",
		"phải là một phiên bản của hội chợ (số nguyên từ 1 trở lên)",
		"must be a revision of the fair (a whole number from 1)")
	msgSettingsChanged = apperr.M("unscheduled.settings_changed",
		"Thiết lập B2B đã đổi sau lượt xếp lịch: ngày %s không còn khung %d hoặc bàn %d; hãy xếp lịch lại (sửa lịch) để xếp cuộc gặp này.",
		"The B2B settings changed after the scheduling run: day %s no longer has slot %d or table %d; run the scheduling again (repair) to place this meeting.")
	msgFairRevisionNotYet = apperr.M("scheduling_fair_revision_not_yet",
		"Thiết lập B2B của hội chợ ở phiên bản %d chưa đến dịch vụ xếp lịch; lịch chưa được xếp, hãy thử lại sau giây lát.",
		"The fair's B2B settings at revision %d have not reached the scheduler yet; nothing was scheduled: try again in a moment.")
	msgLeaseLost = apperr.M("scheduling_lease_lost",
		"Lượt xếp lịch này chạy quá thời hạn và một lượt mới hơn có thể đã thay thế: lịch của nó không được lưu; hãy xếp lịch lại.",
		"This scheduling run took longer than its lease and a newer run may have taken over: its schedule was not saved; run the scheduling again.")
	msgRunBusy = apperr.M("scheduling_in_progress",
		"Một lượt xếp lịch khác của hội chợ này đang chạy; hãy thử lại khi lượt đó xong.",
		"Another scheduling run of this fair is in progress; try again when it has finished.")
	msgLeaseMismatch = apperr.M("scheduling_lease_mismatch",
		"Lịch gặp phải được lưu theo đúng lượt xếp lịch đã tạo ra nó.",
		"A schedule is saved under its own run's lease.")
	msgRunSaved = apperr.M("scheduling_run_saved",
		"Lượt xếp lịch này đã được lưu rồi.",
		"This scheduling run was saved already.")
	msgRunRaced = apperr.M("scheduling_run_raced",
		"Trong lúc xếp lịch, một cuộc gặp đã diễn ra (đã quét thẻ hoặc ghi kết quả) tại chỗ mà lịch mới đã xếp cho cuộc gặp khác; lịch không được lưu: hãy xếp lịch lại.",
		"While the run was scheduling, a meeting took place (badges scanned or its outcome recorded) where the new schedule put another meeting; nothing was saved: run the scheduling again.")
)

// statusNames are the meeting statuses as users read them.
var statusNames = map[string]apperr.Msg{
	Requested: apperr.M("meeting_status.requested", "đang chờ trả lời", "requested"),
	Accepted:  apperr.M("meeting_status.accepted", "đã được chấp nhận", "accepted"),
	Declined:  apperr.M("meeting_status.declined", "đã bị từ chối", "declined"),
	Cancelled: apperr.M("meeting_status.cancelled", "đã bị hủy", "cancelled"),
}

// statusName, sideName and outcomeName are a status, a side and an outcome as users read them;
// one without a name is said as it is.
func statusName(status string) apperr.Localized   { return named(statusNames, status) }
func sideName(side string) apperr.Localized       { return named(sideNames, side) }
func outcomeName(outcome string) apperr.Localized { return named(outcomeNames, outcome) }

// named is key's message in names, or key as written.
func named(names map[string]apperr.Msg, key string) apperr.Localized {
	if m, ok := names[key]; ok {
		return m
	}
	return asWritten(key)
}

// sideNames are the sides as a sentence's subject names them.
var sideNames = map[string]apperr.Msg{
	SideBuyer:    apperr.M("meeting_side.buyer", "Bên mua", "buyer"),
	SideProducer: apperr.M("meeting_side.producer", "Chủ thể OCOP", "producer"),
}

// fairStates say why a fair in that status takes no meeting requests.
var fairStates = map[string]apperr.Msg{
	"draft":     apperr.M("meeting_fair_state.draft", "chưa được công bố", "not published yet"),
	"cancelled": apperr.M("meeting_fair_state.cancelled", "đã bị hủy", "cancelled"),
	"completed": apperr.M("meeting_fair_state.completed", "đã kết thúc", "completed"),
}

// startsAt is the start of a meeting's slot, written as each language writes a time in Vietnam.
type startsAt time.Time

// In writes the time as "08:30 ngày 01/03/2026" in Vietnamese and in RFC 3339 in English.
func (t startsAt) In(lang apperr.Lang) string {
	at := time.Time(t).In(vntext.Zone)
	if lang == apperr.English {
		return at.Format(time.RFC3339)
	}
	return at.Format("15:04 ngày 02/01/2006")
}

// The messages of answering with another time, and of declining with a reason.
var (
	msgProposalAskerAnswers = apperr.M("meeting_proposal_asker_answers",
		"Thời gian khác đã được đề xuất: bên đã gửi yêu cầu chấp nhận hoặc từ chối đề xuất đó.",
		"Another time was proposed: the side that asked accepts or declines it.")
	msgProposeAskedOnly = apperr.M("meeting_propose_asked_only",
		"Chỉ bên nhận yêu cầu gặp mới đề xuất được thời gian khác.",
		"Only the side that was asked can propose another time.")
	msgAlreadyProposed = apperr.M("meeting_already_proposed",
		"Đã có một đề xuất thời gian khác đang chờ trả lời.",
		"Another time was already proposed and awaits an answer.")
)

// The messages of an organiser's move of a scheduled meeting: one code per conflict.
var (
	msgMoveOrganisersOnly = apperr.M("meeting_move_organisers_only",
		"Chỉ ban tổ chức hội chợ mới chuyển được cuộc gặp.",
		"Only the fair's organisers move its meetings.")
	msgMoveNotAccepted = apperr.M("meeting_move_not_accepted",
		"Chỉ chuyển được cuộc gặp đã được chấp nhận (cuộc gặp này %s).",
		"Only an accepted meeting can be moved (this one is %s).")
	msgMoveSettled = apperr.M("meeting_move_settled",
		"Cuộc gặp đã diễn ra hoặc đã đến giờ gặp nên không chuyển được nữa.",
		"The meeting was held or its slot has started, so it can no longer be moved.")
	msgMoveStarted = apperr.M("meeting_move_slot_started",
		"Khung giờ %d đã bắt đầu: hãy chọn một khung giờ chưa tới.",
		"Slot %d has already started: choose a slot still to come.")
	msgMoveSession = apperr.M("meeting_move_session",
		"Hai bên đã hẹn gặp vào %s: khung giờ %d nằm ngoài phiên đó.",
		"Both sides agreed on the %s: slot %d is outside it.")
	msgMoveTableTaken = apperr.M("meeting_move_table_taken",
		"Bàn %d ở khung giờ %d đã có cuộc gặp %s – %s.",
		"Table %d in slot %d already holds the meeting %s – %s.")
	msgMoveBusy = apperr.M("meeting_move_participant_busy",
		"%s đã có một cuộc gặp khác ở khung giờ %d.",
		"%s already has another meeting in slot %d.")
	msgMoveUnavailable = apperr.M("meeting_move_participant_unavailable",
		"%s đã báo không dự được khung giờ %d.",
		"%s said they cannot attend slot %d.")
	msgMoveScheduleChanged = apperr.M("meeting_move_schedule_changed",
		"Lịch gặp vừa được xếp lại (phiên bản %d); hãy tải lại lưới rồi thử lại.",
		"The schedule was changed meanwhile (version %d); reload the grid and try again.")
)
