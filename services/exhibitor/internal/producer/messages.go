package producer

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of producer profiles and their claim codes: producers and organisers read them in
// the console. Field messages are said after the field's name.
var (
	msgTaxCode = apperr.M("tax_code_invalid",
		"phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số từ 001 với chi nhánh (ví dụ 0101234567-001)",
		"must be 10 digits, or 10 digits, a dash and 3 digits from 001 for a branch (e.g. 0101234567-001)")
	// msgProvince takes an old province name that is still accepted, as an example.
	msgProvince = apperr.M("province_unknown",
		"không thuộc 34 tỉnh, thành phố hiện nay (tên cũ như %s vẫn được chấp nhận)",
		"is not one of the 34 provinces and cities (old names such as %s are accepted)")
	msgCommune = apperr.M("commune_required",
		"bắt buộc phải có: tên xã hoặc phường",
		"is required: the commune or ward")
	msgPhone = apperr.M("phone_invalid",
		"phải là số điện thoại Việt Nam, ví dụ 0912 345 678 hoặc +84 912 345 678",
		"must be a Vietnamese phone number such as 0912 345 678 or +84 912 345 678")
	msgEmail = apperr.M("producer_email_invalid",
		"phải là một địa chỉ email",
		"must be an email address")
	msgCertificationTwice = apperr.M("certification_listed_twice",
		"bị liệt kê hai lần",
		"is listed twice")
	msgCertificationNumber = apperr.M("certification_number_required",
		"bắt buộc phải có: số giấy chứng nhận, tối đa 80 ký tự",
		"is required: the certificate number, at most 80 characters")
	msgCertificationUntil = apperr.M("certification_valid_until_required",
		"bắt buộc phải có: ngày cuối cùng giấy chứng nhận còn hiệu lực",
		"is required: the last day the certificate is valid")
	msgExportMarket = apperr.M("export_market_invalid",
		"phải là mã hai chữ cái của một quốc gia (ISO 3166) hoặc EU, ví dụ JP, KR, CN, EU, US, AU",
		"must be a country's two-letter code (ISO 3166) or EU, such as JP, KR, CN, EU, US, AU")

	msgProducerTaken = apperr.M("producer_exists",
		"Đã có hồ sơ chủ thể OCOP cho tài khoản này hoặc mã số thuế này. Nếu mã số thuế là của đơn vị bạn mà hồ sơ do người khác tạo, hãy liên hệ ban tổ chức: sau khi xác minh, ban tổ chức cấp mã nhận hồ sơ để bạn nhập vào ô «Mã nhận hồ sơ» (claim_code).",
		"A producer profile already exists for this account or this tax code. If the tax code is your company's and someone else registered it, contact the organisers: once they have checked, they issue a claim code to enter as the claim code (claim_code).")
	msgTaxCodeOther = apperr.M("producer_tax_code_in_use",
		"Mã số thuế này đã thuộc về một hồ sơ chủ thể OCOP khác.",
		"Another producer profile already has this tax code.")
	msgHaveProfile = apperr.M("producer_profile_exists",
		"Bạn đã có hồ sơ chủ thể OCOP.",
		"You already have a producer profile.")
	msgStale = apperr.M("producer_stale",
		"Hồ sơ vừa được người khác thay đổi; hãy tải lại rồi thử lại.",
		"The profile was changed by someone else meanwhile; reload it and try again.")
	msgNotFound = apperr.M("producer_not_found",
		"Không tìm thấy hồ sơ chủ thể OCOP.",
		"The producer profile was not found.")
	msgNotYours = apperr.M("producer_not_yours",
		"Đây là hồ sơ của chủ thể OCOP khác.",
		"This is another producer's profile.")
	msgNoProfileYet = apperr.M("producer_profile_missing",
		"Bạn chưa có hồ sơ chủ thể OCOP; hãy tạo hồ sơ trước.",
		"You have no producer profile yet; create it first.")
	msgRevisionChanged = apperr.M("producer_revision_changed",
		"Hồ sơ đã thay đổi từ lúc bạn tải (nay là phiên bản %d); hãy tải lại rồi thử lại.",
		"The profile changed since you loaded it (revision %d now); reload and try again.")

	msgTaxCodeImported = apperr.M("producer_tax_code_imported",
		"Mã số thuế này đã được đăng ký.",
		"This tax code is already registered.")
	msgClaimCodeNeeded = apperr.M("claim_code_needed",
		"mã số thuế này thuộc một hồ sơ do ban tổ chức nhập; hãy xin ban tổ chức mã nhận hồ sơ và nhập vào ô Mã nhận hồ sơ",
		"this tax code belongs to a profile imported by the organiser; ask them for its claim code and enter it as the claim code")
	msgClaimRace = apperr.M("claim_code_race",
		"Một mã nhận hồ sơ khác vừa được cấp cho hồ sơ này cùng lúc; hãy cấp lại.",
		"A claim code was issued for this profile at the same moment; issue it again.")
	msgClaimRefused = apperr.M("claim_code_refused",
		"Mã nhận hồ sơ không được chấp nhận.",
		"The claim code was not accepted.")
	msgClaimNotIssued = apperr.M("claim_code_not_issued",
		"chưa có mã nhận hồ sơ nào được cấp cho hồ sơ này; hãy xin ban tổ chức đã nhập hồ sơ cấp mã",
		"no claim code has been issued for this profile; ask the organiser who imported it for one")
	msgClaimExpired = apperr.M("claim_code_expired",
		"mã nhận hồ sơ này đã hết hạn ngày %s; hãy xin ban tổ chức mã mới",
		"this claim code expired on %s; ask the organiser for a new one")
	msgClaimLockedForAccount = apperr.M("claim_code_locked_for_account",
		"tài khoản này đã thử mã nhận hồ sơ này %d lần nên không được thử lại; nếu bạn là chủ thể, hãy xin ban tổ chức mã mới",
		"this account has tried this claim code %d times and may not try it again; if you are the producer, ask the organiser for a new one")
	msgClaimWrongLast = apperr.M("claim_code_wrong_last",
		"không phải mã nhận của hồ sơ này; đã hết lượt thử, hãy xin ban tổ chức mã mới",
		"is not this profile's claim code; no tries are left, ask the organiser for a new code")
	msgHandOverReason = apperr.M("handover_reason_required",
		"bắt buộc khi trao hồ sơ đã đăng ký: ghi rõ đã xác minh gì về đơn vị sở hữu mã số thuế (ví dụ giấy đăng ký kinh doanh), ít nhất %d ký tự",
		"is required to hand over a registered profile: say what was checked of the company owning the tax code (e.g. its business registration), at least %d characters")
	msgHandedOver = apperr.M("producer_profile_handed_over",
		"Hồ sơ chủ thể OCOP của tài khoản này đã được trao lúc %s cho tài khoản của đơn vị sở hữu mã số thuế, bằng mã ban tổ chức cấp sau khi xác minh; sản phẩm, đơn đăng ký và gian hàng đi theo hồ sơ. Nếu có nhầm lẫn, hãy liên hệ ban tổ chức hội chợ.",
		"This account's OCOP producer profile was handed over at %s to the account of the company owning its tax code, with a code the organisers issued after checking; its products, applications and booths went with it. If this is a mistake, contact the fair's organisers.")
	msgClaimHandOverRefused = apperr.M("claim_code_handover_refused",
		"không phải mã nhận hồ sơ đang có hiệu lực của hồ sơ này (mỗi tài khoản được thử %d lần); hãy kiểm tra lại với ban tổ chức",
		"is not a claim code in force for this profile (each account may try %d times); check it with the organiser")
	msgClaimHandOverLocked = apperr.M("claim_code_handover_locked",
		"tài khoản này đã thử %d lần nên không được thử lại với hồ sơ này; hãy liên hệ ban tổ chức",
		"this account has tried %d times and may not try again for this profile; contact the organiser")
	msgClaimWrong = apperr.M("claim_code_wrong",
		"không phải mã nhận của hồ sơ này (còn %d lượt thử); hãy kiểm tra lại với ban tổ chức",
		"is not this profile's claim code (%d tries left); check it with the organiser")
	msgClaimUsed = apperr.M("claim_code_used",
		"mã nhận hồ sơ này đã được dùng",
		"this claim code has already been used")
)

// oldProvinceExample is an old province name that lookups still accept, shown in the message of
// an unknown province.
const oldProvinceExample = "Hà Giang"
