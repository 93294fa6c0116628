package booth

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The words of the booth-plan download, said in the caller's language. Columns without words
// (X (m), Y (m)) read the same in both.
var (
	msgPlanTitle = apperr.M("export.floor_plan", "Sơ đồ gian hàng", "Floor plan")
	msgPlanHead  = []any{
		apperr.M("export.plan.booth_code", "Mã gian hàng", "Booth code"),
		apperr.M("export.plan.zone", "Khu vực", "Zone"),
		apperr.M("export.plan.kind", "Loại gian", "Kind"),
		"X (m)", "Y (m)",
		apperr.M("export.plan.width", "Rộng (m)", "Width (m)"),
		apperr.M("export.plan.depth", "Sâu (m)", "Depth (m)"),
		apperr.M("export.plan.price", "Giá (VND)", "Price (VND)"),
		apperr.M("export.plan.status", "Trạng thái", "Status"),
		apperr.M("export.plan.producer", "Chủ thể OCOP", "Producer"),
	}
	// planKind says a booth's kind in words, as the console does.
	planKind = map[string]apperr.Msg{
		Standard: apperr.M("export.plan.standard", "Gian tiêu chuẩn", "Standard booth"),
		Corner:   apperr.M("export.plan.corner", "Gian góc", "Corner booth"),
		Double:   apperr.M("export.plan.double", "Gian đôi", "Double booth"),
		Premium:  apperr.M("export.plan.premium", "Gian cao cấp", "Premium booth"),
	}
	// planStatus says a booth's status on the map in words.
	planStatus = map[string]apperr.Msg{
		Available: apperr.M("export.plan.available", "Còn trống", "Available"),
		Reserved:  apperr.M("export.plan.reserved", "Giữ chỗ", "Reserved"),
		Assigned:  apperr.M("export.plan.assigned", "Đã phân", "Assigned"),
		Blocked:   apperr.M("export.plan.blocked", "Không sử dụng", "Not in use"),
	}
)
