package storage

import (
	"strings"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// The messages of MapError; the parameter is the thing, from EntityName.
var (
	msgNotFound    = apperr.M("not_found", "Không tìm thấy %s.", "The %s was not found.")
	msgExists      = apperr.M("already_exists", "%s này đã tồn tại.", "This %s already exists.")
	msgUnreachable = apperr.M("database_unavailable",
		"Tạm thời không kết nối được cơ sở dữ liệu; hãy thử lại sau giây lát.",
		"The database is not reachable right now; try again shortly.")
	msgRecord = apperr.M("entity.record", "dữ liệu", "record")
)

// entities names the things the stores keep, in each language, by the English name the code uses
// (plural names are said as the singular: a message names one thing).
var entities = entityTable()

func entityTable() map[string]apperr.Msg {
	table := map[string]apperr.Msg{}
	entity := func(code, vi, en string, names ...string) {
		m := apperr.M("entity."+code, vi, en)
		for _, n := range append(names, en) {
			table[n] = m
		}
	}
	entity("account", "tài khoản", "account", "accounts")
	entity("fair", "hội chợ", "fair", "fairs")
	entity("booth", "gian hàng", "booth", "booths")
	entity("booth_assignment", "việc xếp gian hàng", "booth assignment", "booth assignments")
	entity("booth_holding", "thông tin giữ gian hàng", "booth holding", "booth holdings")
	entity("floor_plan", "sơ đồ gian hàng", "floor plan", "floorplans")
	entity("allocation_proposal", "phương án phân bổ gian hàng", "allocation proposal", "allocation proposals")
	entity("allocation_commit", "lần chốt phân bổ gian hàng", "allocation commit", "allocation commits")
	entity("producer", "chủ thể OCOP", "producer", "producers")
	entity("producer_profile", "hồ sơ chủ thể OCOP", "producer profile", "producer profiles")
	entity("product", "sản phẩm", "product", "products")
	entity("certificate_notice", "thông báo về giấy chứng nhận", "certificate notice", "certificate notices")
	entity("application", "đơn đăng ký tham gia", "application", "applications")
	entity("claim_code", "mã nhận hồ sơ", "claim code", "claim codes")
	entity("claim_audit", "nhật ký nhận hồ sơ", "claim audit")
	entity("buyer", "người mua", "buyer", "buyers")
	entity("sourcing_request", "yêu cầu tìm nguồn hàng", "sourcing request", "request", "requests")
	entity("meeting", "cuộc gặp", "meeting", "meetings")
	entity("meeting_outcome", "kết quả cuộc gặp", "meeting outcome", "meeting outcomes")
	entity("unavailability", "khoảng thời gian bận", "unavailability")
	entity("schedule", "lịch gặp B2B", "schedule", "schedules")
	entity("scheduling_lease", "lượt xếp lịch đang chạy", "scheduling lease", "scheduling leases")
	entity("idempotency_key", "khóa Idempotency-Key", "idempotency key")
	entity("sent_event", "sự kiện đã gửi", "sent event", "sent events")
	entity("dead_letter", "thông điệp không xử lý được", "dead letter", "dead letters")
	entity("document", "bản ghi", "document", "documents")
	return table
}

// EntityName is the name of the thing what names (an English name the code uses, as passed to
// MapError), in the user's language. A name followed by an identifier ("booth A-12") keeps the
// identifier; a name not in the table is said as "record".
func EntityName(what string) apperr.Localized {
	if m, ok := entities[what]; ok {
		return m
	}
	for i := len(what) - 1; i > 0; i-- {
		if what[i] != ' ' {
			continue
		}
		if m, ok := entities[what[:i]]; ok {
			return named{kind: m, name: strings.TrimSpace(what[i:])}
		}
	}
	return msgRecord
}

// named is a kind of thing with its identifier, such as "gian hàng A-12".
type named struct {
	kind apperr.Msg
	name string
}

// In says the kind in lang, followed by the identifier as it is.
func (n named) In(lang apperr.Lang) string { return n.kind.In(lang) + " " + n.name }
