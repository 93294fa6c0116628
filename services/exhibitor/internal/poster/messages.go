package poster

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The answers of the poster routes, in the caller's language.
var (
	msgFairNotFound = apperr.M("poster.fair_not_found",
		"Không tìm thấy hội chợ.",
		"The fair was not found.")
	msgNotPlaced = apperr.M("poster.not_placed",
		"Chủ thể OCOP này chưa được xếp gian hàng tại hội chợ, nên chưa có áp phích.",
		"This producer holds no booth at the fair yet, so it has no poster.")
	msgNotYours = apperr.M("poster.not_yours",
		"Chỉ chủ thể OCOP có gian hàng và ban tổ chức hội chợ mới tải được áp phích này.",
		"Only the producer holding the booth and the fair's organisers download this poster.")
	msgOrganisersOnly = apperr.M("poster.organisers_only",
		"Chỉ ban tổ chức hội chợ mới tải được toàn bộ áp phích của hội chợ.",
		"Only the fair's organisers download all of its posters.")
	msgSize = apperr.M("poster.size",
		"Khổ giấy phải là A4 hoặc A5.",
		"The paper size must be A4 or A5.")
	msgSizeField = apperr.M("poster.size_field",
		"chọn A4 hoặc A5",
		"choose A4 or A5")
)
