package verify

import (
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
)

// The words of the verification answer, said in the visitor's language.
var (
	statusText = map[ocop.CertificateStatus]apperr.Msg{
		ocop.CertificateValid:    apperr.M("verify.status.valid", "Còn hiệu lực", "Valid"),
		ocop.CertificateExpiring: apperr.M("verify.status.expiring", "Sắp hết hạn", "Expiring soon"),
		ocop.CertificateExpired:  apperr.M("verify.status.expired", "Đã hết hạn", "Expired"),
	}
	kindMsgs = map[string]apperr.Msg{
		"cooperative":        apperr.M("verify.kind.cooperative", "Hợp tác xã", "Cooperative"),
		"enterprise":         apperr.M("verify.kind.enterprise", "Doanh nghiệp", "Enterprise"),
		"household_business": apperr.M("verify.kind.household_business", "Hộ kinh doanh", "Household business"),
		"cooperative_group":  apperr.M("verify.kind.cooperative_group", "Tổ hợp tác", "Cooperative group"),
	}
	msgStars          = apperr.M("verify.stars", "Sản phẩm OCOP %d sao", "%d-star OCOP product")
	msgStarsPotential = apperr.M("verify.stars_potential", "Sản phẩm OCOP %d sao, tiềm năng 5 sao", "%d-star OCOP product, potential 5 stars")
	msgLevelProvince  = apperr.M("verify.level.province", "Cấp tỉnh công nhận", "Recognised by the province")
	msgLevelCentral   = apperr.M("verify.level.central", "Cấp trung ương công nhận", "Recognised by the central government")
	msgStarsMeaning   = apperr.M("verify.stars_meaning",
		"OCOP (Mỗi xã một sản phẩm) chấm sản phẩm trên thang 100 điểm: 3 sao từ 50 điểm, 4 sao từ 70 điểm, 5 sao từ 90 điểm. "+
			"Sản phẩm 3 và 4 sao do tỉnh công nhận, 5 sao do trung ương công nhận. \"Tiềm năng 5 sao\" là sản phẩm đạt từ 90 điểm ở cấp tỉnh, "+
			"đang chờ đánh giá cấp quốc gia. Giấy chứng nhận có hiệu lực 36 tháng; khi hết hạn, sản phẩm không còn là sản phẩm OCOP cho đến khi được đánh giá lại.",
		"OCOP (One Commune One Product) scores products out of 100: 3 stars from 50 points, 4 stars from 70, 5 stars from 90. "+
			"The province recognises 3 and 4 stars, the central government 5 stars. \"Potential 5 stars\" means the product scored 90 or more "+
			"at the province and awaits the national evaluation. A certificate is valid 36 months; once it has expired, the product is no longer "+
			"an OCOP product until it is evaluated again.")
	msgCodeNotFound = apperr.M("verify.code_not_found",
		"Không tìm thấy sản phẩm OCOP nào có mã này. Hãy kiểm tra lại mã trên tem hoặc quét lại mã QR.",
		"No OCOP product has this code. Check the code on the label, or scan the QR code again.")
	msgNotYours = apperr.M("verify.product_not_yours",
		"Đây là sản phẩm của chủ thể OCOP khác.",
		"This is another producer's product.")
	msgProductNotFound = apperr.M("verify.product_not_found",
		"Không tìm thấy sản phẩm.",
		"The product was not found.")
)
