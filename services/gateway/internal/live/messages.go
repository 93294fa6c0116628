package live

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of opening a stream.
var (
	msgTokenInURL = apperr.M("live_token_in_url",
		"Luồng cập nhật không nhận mã truy cập trên URL; hãy lấy vé từ POST /api/live/ticket rồi mở /api/live?ticket=...",
		"The stream does not take a token in the URL; get a ticket from POST /api/live/ticket and open /api/live?ticket=...")
	msgLiveUnavailable = apperr.M("live_unavailable",
		"Cập nhật trực tiếp tạm thời không dùng được; hãy thử lại sau giây lát.",
		"Live updates are unavailable right now; try again shortly.")
	msgTooManyStreams = apperr.M("live_too_many_streams",
		"Tài khoản này đã mở %d luồng cập nhật cùng lúc; hãy đóng bớt các thẻ hoặc thiết bị khác.",
		"This account already has %d live streams open; close some other tabs or devices.")
	msgLiveFull = apperr.M("live_full",
		"Máy chủ đang mở quá nhiều luồng cập nhật trực tiếp; trang vẫn dùng được, chỉ không tự cập nhật. Sẽ thử lại sau ít phút.",
		"The server has too many live streams open; pages still work, only not updated live. Retrying in a little while.")
	msgTicketInvalid = apperr.M("live_ticket_invalid",
		"Vé mở luồng không hợp lệ, đã hết hạn hoặc đã được dùng; hãy lấy vé mới từ POST /api/live/ticket.",
		"The stream ticket is invalid, expired or already used; get a new one from POST /api/live/ticket.")
)
