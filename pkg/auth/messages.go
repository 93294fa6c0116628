package auth

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of token checks.
var (
	msgTokenInvalid = apperr.M("token_invalid",
		"Mã truy cập không hợp lệ; hãy đăng nhập lại.",
		"The access token is invalid; sign in again.")
	msgTokenExpired = apperr.M("token_expired",
		"Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.",
		"The access token has expired; sign in again.")
	msgTokenRevoked = apperr.M("token_revoked",
		"Phiên đăng nhập này đã kết thúc (đăng xuất mọi nơi, đổi mật khẩu hoặc tài khoản bị khóa); hãy đăng nhập lại.",
		"This session has ended (signed out everywhere, password changed or account disabled); sign in again.")
	msgTokenClaims = apperr.M("token_claims_invalid",
		"Mã truy cập thiếu tài khoản hoặc mang vai trò không hợp lệ; hãy đăng nhập lại.",
		"The access token has no subject or a wrong role; sign in again.")
)

// roleNames are the roles as users know them.
var roleNames = map[string]apperr.Msg{
	RoleAdmin:     apperr.M("role.admin", "quản trị viên", "administrator"),
	RoleOrganiser: apperr.M("role.organiser", "ban tổ chức", "organiser"),
	RoleProducer:  apperr.M("role.producer", "chủ thể OCOP", "producer"),
	RoleBuyer:     apperr.M("role.buyer", "người mua", "buyer"),
}

// RoleName is role as users know it, in their language; a role ocopfair does not know is said as
// it is written.
func RoleName(role string) apperr.Localized {
	if m, ok := roleNames[role]; ok {
		return m
	}
	return verbatim(role)
}

// verbatim is a text said the same in every language, such as a name.
type verbatim string

// In returns the text as it is.
func (v verbatim) In(apperr.Lang) string { return string(v) }
