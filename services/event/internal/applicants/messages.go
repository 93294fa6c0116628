package applicants

import "github.com/ocopfair/ocopfair/pkg/apperr"

// statusNames says each application status in words, for messages that name one ("this
// application is withdrawn").
var statusNames = map[string]apperr.Msg{
	Submitted:  apperr.M("applicant_status.submitted", "đang chờ duyệt", "submitted"),
	Approved:   apperr.M("applicant_status.approved", "đã được duyệt", "approved"),
	Rejected:   apperr.M("applicant_status.rejected", "đã bị từ chối", "rejected"),
	Waitlisted: apperr.M("applicant_status.waitlisted", "đang trong danh sách chờ", "waitlisted"),
	Withdrawn:  apperr.M("applicant_status.withdrawn", "đã được rút", "withdrawn"),
	Cancelled:  apperr.M("applicant_status.cancelled", "đã bị hủy", "cancelled"),
}

// StatusName is the status s in the reader's words; a status not listed is said as it is.
func StatusName(s string) apperr.Localized {
	if m, ok := statusNames[s]; ok {
		return m
	}
	return apperr.OrOf(s)
}
