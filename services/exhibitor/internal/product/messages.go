package product

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of products, their certificates and the catalogue's filters. Field messages are
// said after the field's name.
var (
	msgCriteriaSet = apperr.M("criteria_set_invalid",
		"phải là bộ tiêu chí từ 1 đến 26",
		"must be a criteria set from 1 to 26")
	// msgDecisionNo and msgIssuedBy take an example written as it is on certificates.
	msgDecisionNo = apperr.M("certificate_decision_required",
		"bắt buộc phải có: số quyết định công nhận (ví dụ %s)",
		"is required: the number of the recognition decision (e.g. %s)")
	msgIssuedBy = apperr.M("certificate_issuer_required",
		"bắt buộc phải có: cơ quan cấp (ví dụ %s)",
		"is required: who issued it (e.g. %s)")
	msgExpiryBeforeIssue = apperr.M("certificate_expiry_before_issue",
		"phải sau ngày cấp",
		"must be after the issue date")
	msgCertificateTooLong = apperr.M("certificate_too_long",
		"giấy chứng nhận OCOP có hiệu lực tối đa %d tháng",
		"an OCOP certificate is valid at most %d months")
	msgCertificateTooEarly = apperr.M("certificate_before_ocop",
		"giấy chứng nhận OCOP chỉ có từ năm 2018",
		"OCOP certificates exist since 2018")
	msgCertificateInFuture = apperr.M("certificate_issued_in_future",
		"không được sau ngày hôm nay (giờ Việt Nam)",
		"must not be after today (Vietnam time)")
	msgGTIN = apperr.M("gtin_invalid",
		"phải là mã vạch 13 chữ số có số kiểm tra đúng (mã GS1 Việt Nam bắt đầu bằng 893)",
		"must be a 13-digit barcode with a correct check digit (GS1 Vietnam codes start with 893)")
	msgUnit = apperr.M("unit_unknown",
		"phải là mã đơn vị tính, ví dụ kg, tonne, litre, bottle, box, pack",
		"must be a unit code such as kg, tonne, litre, bottle, box, pack")
	msgPriceRange = apperr.M("price_range",
		"giá phải từ 0 đến 1 tỷ đồng",
		"prices must be 0 to 1 billion VND")
	msgPriceMinAboveMax = apperr.M("price_min_above_max",
		"không được lớn hơn giá cao nhất (giá đến)",
		"must not exceed the highest price (price to)")
	msgCapacity = apperr.M("monthly_capacity_range",
		"phải từ 0 đến 1 tỷ",
		"must be 0 to 1 billion")
	msgShelfLife = apperr.M("shelf_life_range",
		"phải từ 0 đến 36500 ngày",
		"must be 0 to 36500 days")
	msgMonth = apperr.M("month_invalid",
		"phải là tháng từ 1 đến 12",
		"must be a month from 1 to 12")
	msgImageURL = apperr.M("image_url_invalid",
		"phải là địa chỉ http(s), dài tối đa 500 ký tự",
		"must be an http(s) address of at most 500 characters")

	msgProvinceFilter = apperr.M("province_filter_unknown",
		"không thuộc 34 tỉnh, thành phố hiện nay",
		"is not one of the 34 provinces and cities")
	msgRegionFilter = apperr.M("region_unknown",
		"không phải mã vùng nào đang có",
		"is not a region code")
	msgCertificationFilter = apperr.M("certification_unknown",
		"không phải mã chứng nhận nào đang có",
		"is not a certification code")

	msgAddOwnOnly = apperr.M("product_own_profile_only",
		"Bạn chỉ có thể thêm sản phẩm vào hồ sơ của chính mình.",
		"You can only add products to your own profile.")
	msgNotFound = apperr.M("product_not_found",
		"Không tìm thấy sản phẩm.",
		"The product was not found.")
	msgInApplication = apperr.M("product_in_application",
		"Sản phẩm đang có trong đơn đăng ký gian hàng tại: %s. Rút đơn trước khi xóa sản phẩm.",
		"The product is in a booth application to: %s. Withdraw the application before removing the product.")
	msgBeingRemoved = apperr.M("product_being_removed",
		"đang được xóa; hãy chọn sản phẩm khác",
		"is being removed; choose another product")
	msgBeingApplied = apperr.M("product_being_applied",
		"Một đơn đăng ký gian hàng có sản phẩm này đang được gửi; hãy thử lại sau ít phút.",
		"A booth application listing this product is being sent; try again in a few minutes.")
	msgTooSlow = apperr.M("product_intent_expired",
		"Yêu cầu mất quá lâu và chưa được thực hiện; hãy gửi lại.",
		"The request took too long and was not carried out; send it again.")
	msgNotYours = apperr.M("product_not_yours",
		"Đây là sản phẩm của chủ thể OCOP khác.",
		"This is another producer's product.")
	msgRevisionChanged = apperr.M("product_revision_changed",
		"Sản phẩm đã thay đổi từ lúc bạn tải; hãy xem lại rồi thử lại.",
		"The product changed since you loaded it; look at it again and try again.")
	msgStale = apperr.M("product_stale",
		"Sản phẩm vừa được thay đổi; hãy tải lại rồi thử lại.",
		"The product was changed meanwhile; reload it and try again.")
	msgNameTaken = apperr.M("product_name_taken",
		"Chủ thể OCOP này đã có một sản phẩm cùng tên.",
		"This producer already lists a product with this name.")
	msgStarsNeedDecision = apperr.M("product_stars_need_decision",
		"hạng sao mới đi với quyết định công nhận mới: nhập số, nơi cấp và ngày của quyết định ấy (hạng sao nhập nhầm thì nhờ ban tổ chức sửa)",
		"a new star rating comes with its new recognition decision: type that decision's number, issuer and date (for stars typed wrong, ask the organisers to correct them)")
)

// Examples shown in the messages of a certificate's required fields.
const (
	exampleDecisionNo = "1234/QĐ-UBND"
	exampleIssuedBy   = "UBND tỉnh Lào Cai"
)
