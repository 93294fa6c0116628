package report

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The words of the exhibitor list download, said in the caller's language (names stay as they
// are written).
var (
	msgExhibitorsTitle = apperr.M("export.exhibitors", "Danh sách đơn vị tham gia", "Exhibitors")
	msgExhibitorsHead  = []apperr.Msg{
		apperr.M("export.row_number", "Số thứ tự", "No."),
		apperr.M("export.booth_codes", "Mã gian hàng", "Booth codes"),
		apperr.M("export.zone", "Khu vực", "Zone"),
		apperr.M("export.producer", "Chủ thể OCOP", "Producer"),
		apperr.M("export.province", "Tỉnh/thành phố", "Province or city"),
		apperr.M("export.products", "Sản phẩm", "Products"),
		apperr.M("export.criteria_sets", "Bộ tiêu chí", "Criteria sets"),
		apperr.M("export.best_stars", "Hạng sao cao nhất", "Highest star rating"),
		apperr.M("export.booth_count", "Số gian", "Booths"),
		apperr.M("export.booth_fee", "Phí gian hàng (VND)", "Booth fee (VND)"),
	}
	msgStars          = apperr.M("export.stars", "Hạng %d sao", "%d stars")
	msgPotentialStars = apperr.M("export.potential_five", "Hạng 4 sao (tiềm năng 5 sao)", "4 stars (potential 5 stars)")
)
