package allocation

import (
	"strings"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Unplaced is an application that got no booth, and why: a code, and its reason with its values,
// said in the reader's language only in the answer (Reason).
type Unplaced struct {
	ApplicationID string      `json:"application_id"`
	Code          string      `json:"code" doc:"province_quota or no_zone_space"`
	Reason        string      `json:"reason" doc:"in the language of Accept-Language (vi by default, en)"`
	Text          apperr.Text `json:"-"`
}

// Why an application got no booth.
var (
	msgProvinceQuota = apperr.M("allocation.province_quota",
		"Đã hết chỉ tiêu gian hàng của tỉnh (%d/%d)",
		"The province's booth quota is used up (%d of %d)")
	msgNoZoneSpace = apperr.M("allocation.no_zone_space",
		"Không còn đủ %d gian loại %s trống trong cùng một khu",
		"No zone has %d free %s booths left")
)

// unplaced is application id unplaced for the reason m with args; its code is m's, without the
// package's prefix.
func unplaced(id string, m apperr.Msg, args ...any) Unplaced {
	return Unplaced{ApplicationID: id, Code: strings.TrimPrefix(m.Code, "allocation."), Text: m.With(args...)}
}
