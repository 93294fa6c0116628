package account

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of accounts, sign-up and sign-in: the console shows them to people signing in.
var (
	msgEmail = apperr.M("email_invalid",
		"phải là một địa chỉ email, ví dụ ten@example.vn",
		"must be an email address such as ten@example.vn")
	msgAccountNotFound = apperr.M("account_not_found",
		"Không tìm thấy tài khoản.",
		"The account was not found.")
	msgEmailASCII = apperr.M("email_not_ascii",
		"chỉ được gồm chữ cái Latinh không dấu, chữ số và các ký hiệu thông thường (ví dụ ten@example.vn)",
		"may hold only unaccented Latin letters, digits and the usual symbols (such as ten@example.vn)")
	msgPasswordIsEmail = apperr.M("password_is_email",
		"không được trùng với địa chỉ email",
		"must not be your email address")
	msgLoginFailed = apperr.M("login_failed",
		"Email hoặc mật khẩu không đúng.",
		"The email or password is wrong.")
	msgEmailTaken = apperr.M("email_taken",
		"Đã có tài khoản dùng địa chỉ email này.",
		"An account with this email already exists.")
	msgSignUpLimited = apperr.M("sign_up_rate_limited",
		"Có quá nhiều lượt đăng ký từ địa chỉ này; hãy thử lại sau.",
		"Too many sign-ups from this address; try again later.")
	msgSignInLimited = apperr.M("sign_in_rate_limited",
		"Có quá nhiều lượt đăng nhập; hãy đợi một phút rồi thử lại.",
		"Too many sign-in attempts; wait a minute and try again.")
	msgAccountDisabled = apperr.M("account_disabled",
		"Tài khoản này đã bị khóa; hãy liên hệ ban tổ chức.",
		"This account is disabled; contact the organisers.")
	msgCurrentPassword = apperr.M("current_password_wrong",
		"không đúng mật khẩu hiện tại",
		"is not your current password")
	msgSamePassword = apperr.M("password_unchanged",
		"phải khác mật khẩu hiện tại",
		"must differ from your current password")
	msgDisableSelf = apperr.M("account_disable_self",
		"Không thể tự khóa tài khoản của mình; hãy nhờ một quản trị viên khác.",
		"You cannot disable your own account; ask another administrator.")
	msgAccountChanged = apperr.M("account_changed",
		"Tài khoản vừa được thay đổi ở nơi khác; hãy thử lại.",
		"The account changed meanwhile; try again.")
	msgResetCursor = apperr.M("password_reset_cursor_invalid",
		"không phải con trỏ của danh sách này: hãy dùng next_cursor của trang trước",
		"is not a cursor of this list: use the previous page's next_cursor")
	msgResetCode = apperr.M("password_reset_code_invalid",
		"không đúng, đã dùng hoặc đã hết hạn: kiểm tra từng ký tự; nếu vẫn không được, hãy xin quản trị viên một mã mới",
		"is wrong, used or expired: check each character; if it still fails, ask the administrator for a new one")
	msgAccountGone = apperr.M("account_gone",
		"Tài khoản này không còn tồn tại.",
		"This account no longer exists.")
)
