package buyer

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of buyer profiles, sourcing requests, matches and opportunities: buyers,
// producers and organisers read them in the console.
var (
	msgBuyerName = apperr.M("buyer_name_required",
		"bắt buộc phải có: tên của tổ chức, ít nhất 2 ký tự",
		"is required: the organisation's name, at least 2 characters")
	msgProvince = apperr.M("buyer_province_unknown",
		"không phải một trong 34 tỉnh, thành phố",
		"is not one of the 34 provinces and cities")
	msgRequestFair = apperr.M("request_fair_unknown",
		"không phải một hội chợ đã công bố (xem GET /api/fairs); hội chợ mới có thể cần vài giây mới hiện ra",
		"is not a published fair (see GET /api/fairs); a new fair may take a moment to appear")
	msgTooManyOpen = apperr.M("sourcing_too_many_open",
		"bạn đang mở %d yêu cầu tìm nguồn hàng, mức tối đa: hãy đóng những yêu cầu đã tìm được nguồn trước khi tạo yêu cầu mới",
		"you hold %d sourcing requests open, the most allowed: close those already met before opening another")
	msgNeededBy = apperr.M("sourcing_needed_by_out_of_range",
		"phải là một ngày từ năm 2000 đến năm 2100",
		"must be a date from the year 2000 to 2100")
	msgMarket = apperr.M("buyer_market_invalid",
		"phải là domestic hoặc một mã thị trường như JP, KR, CN, EU, US, AU",
		"must be domestic or a market code such as JP, KR, CN, EU, US, AU")
	msgEmail = apperr.M("buyer_email_invalid",
		"phải là một địa chỉ email, ví dụ mua.hang@sieuthi.vn",
		"must be an email address such as mua.hang@sieuthi.vn")
	msgPhone = apperr.M("buyer_phone_invalid",
		"phải là một số điện thoại Việt Nam",
		"must be a Vietnamese phone number")
	msgTitle = apperr.M("sourcing_title_required",
		"bắt buộc phải có, ít nhất 3 ký tự: hãy nói bạn đang tìm mua gì",
		"is required, at least 3 characters: say what you are looking for")
	msgNoGoods = apperr.M("sourcing_goods_required",
		"bắt buộc phải có: chọn bộ tiêu chí hoặc nhập từ khóa (vd: mật ong) để tìm đúng chủ thể có mặt hàng bạn cần",
		"is required: choose a criteria set or give a keyword (e.g. honey), so that the producers who have the goods come first")
	msgNotNegative = apperr.M("sourcing_not_negative",
		"phải từ 0 trở lên",
		"must be 0 or more")
	msgUnit = apperr.M("sourcing_unit_invalid",
		"phải là một mã đơn vị như kg, tonne, litre, bottle, box",
		"must be a unit code such as kg, tonne, litre, bottle, box")
	msgCertification = apperr.M("sourcing_certification_unknown",
		"không phải mã chứng nhận (haccp, iso_22000, vietgap, globalgap, ...)",
		"is not a certification code (haccp, iso_22000, vietgap, globalgap, ...)")
	msgRegion = apperr.M("sourcing_region_unknown",
		"không phải một mã vùng",
		"is not a region code")
	msgOtherBuyer = apperr.M("buyer_profile_not_yours",
		"Đây là hồ sơ của một người mua khác.",
		"This is another buyer's profile.")
	msgOtherRequest = apperr.M("sourcing_request_not_yours",
		"Đây là yêu cầu tìm nguồn hàng của một người mua khác.",
		"This is another buyer's sourcing request.")
	msgRequestClosed = apperr.M("sourcing_request_closed",
		"Yêu cầu tìm nguồn hàng này đã đóng.",
		"The sourcing request is closed.")
	msgRequestAlreadyClosed = apperr.M("sourcing_request_already_closed",
		"Yêu cầu tìm nguồn hàng này đã được đóng trước đó.",
		"The sourcing request is already closed.")
	msgMatchesNotProducers = apperr.M("matches_buyers_only",
		"Chỉ người mua và ban tổ chức mới xem được các chủ thể phù hợp.",
		"Matches are for the buyer and organisers.")
	msgWarmingUp = apperr.M("matching_warming_up",
		"Bộ ghép nối đang khởi động; hãy thử lại sau vài giây.",
		"Matching is warming up; try again in a few seconds.")
	msgProducerUnknown = apperr.M("opportunities_producer_unknown",
		"Không tìm thấy chủ thể OCOP (hồ sơ mới có thể cần vài giây mới hiện ra).",
		"The producer was not found (a new profile may take a moment to appear).")
	msgOtherProducer = apperr.M("opportunities_not_yours",
		"Đây là cơ hội của một chủ thể OCOP khác.",
		"These are another producer's opportunities.")
	msgChanged = apperr.M("buyer_record_changed",
		"Dữ liệu vừa được thay đổi; hãy tải lại rồi thử lại.",
		"It was changed meanwhile; reload and try again.")
	msgBuyerExists = apperr.M("buyer_profile_exists",
		"Tài khoản này đã có hồ sơ người mua.",
		"This account already has a buyer profile.")
)

// The messages of a fair filter and of producers' interest in sourcing requests.
var (
	msgFairUnknown = apperr.M("matches_fair_unknown",
		"Không tìm thấy hội chợ này (hội chợ mới có thể cần vài giây mới hiện ra).",
		"The fair was not found (a new fair may take a moment to appear).")
	msgInterestNotProducers = apperr.M("interest_producers_only",
		"Chỉ chủ thể OCOP mới bày tỏ quan tâm đến yêu cầu tìm nguồn hàng.",
		"Only producers mark interest in sourcing requests.")
	msgInterestNoFit = apperr.M("interest_not_an_opportunity",
		"Yêu cầu này không nằm trong các cơ hội của chủ thể: chưa có sản phẩm nào phù hợp.",
		"This request is not among the producer's opportunities: none of its products fits it.")
)
