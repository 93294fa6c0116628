package console_test

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// stepSessionsEnd: the producer changes the password on the account page and goes on signed in;
// the buyer signs out everywhere, and the token it had is refused; an admin disables the
// organiser, whose open console falls back to the sign-in page, where signing in says the
// account is disabled.
func stepSessionsEnd(t *testing.T, j journey, org, prod, buyer browser) {
	t.Helper()
	prod.open("#/producer")
	if got := prod.eval("[...document.querySelectorAll('#nav a')].filter((a) => a.getAttribute('href') === '#/account').map((a) => a.textContent).join('|')"); got != "Tài khoản" {
		t.Errorf("the menu's account entry reads %q", got)
	}
	prod.open("#/account")
	prod.fill(map[string]string{"#change-password-current_password": "wrong-password-1", "#change-password-new_password": "mat-ong-bac-ha-2027"})
	prod.submit("change-password")
	prod.until("a wrong current password said at its field", "document.querySelector('#change-password-current_password-err').textContent.includes('không đúng mật khẩu hiện tại')", false)
	before := prod.eval("S.token")
	prod.fill(map[string]string{"#change-password-current_password": "mat-ong-bac-ha", "#change-password-new_password": "mat-ong-bac-ha-2027"})
	prod.submit("change-password")
	prod.until("the password changed", "document.querySelector('#toast').textContent.includes('Đã đổi mật khẩu')", false)
	prod.shot("account")
	prod.open("#/producer")
	prod.until("still signed in, with the products", "document.querySelector('#product-list') && localStorage.getItem('ocopfair.token')", false)
	// Another tab still on the token from before the change is refused: it goes on with the new
	// session the browser holds, and does not sign this one out.
	prod.eval("S.token = " + strconv.Quote(before) + ", api('GET', '/api/auth/me').then((r) => { window.otherTab = r.status }), ''")
	prod.until("the other tab's request answered", "window.otherTab", false)
	if got := prod.eval("(localStorage.getItem('ocopfair.token') === S.token && S.token !== " + strconv.Quote(before) + ") + ' ' + location.hash"); got != "true #/producer" {
		t.Errorf("after a tab with the old token was refused: token kept and page = %q, want \"true #/producer\"", got)
	}

	old := buyer.eval("S.token")
	buyer.open("#/account")
	buyer.eval("window.confirm = () => true, ''")
	buyer.run(chromedp.Click("#sign-out-everywhere"))
	buyer.until("signed out", "location.hash === '#/login' && !localStorage.getItem('ocopfair.token')", false)
	// At a desk, signing in again starts in the email field.
	buyer.until("the cursor in the email field", "document.activeElement && document.activeElement.id === 'login-email'", false)
	buyer.until("the old token refused by the matchmaking service", "window.oldStatus === 401 || (fetch('/api/buyers/me', { headers: { Authorization: 'Bearer ' + "+strconv.Quote(old)+" } }).then((r) => { window.oldStatus = r.status }), false)", false)

	admin := j.who("admin-sessions")
	admin.login("admin@example.vn", "admin-password-1")
	admin.open("#/admin")
	admin.eval("window.confirm = () => true, ''")
	row := "[...document.querySelectorAll('tr')].find((r) => r.textContent.includes('xttm@hanoi.example.vn'))"
	admin.eval("(() => { " + row + ".querySelector('button').click(); return '' })()")
	admin.until("the organiser shown disabled", row+" && "+row+".textContent.includes('Đã khóa') && "+row+".querySelector('button').textContent === 'Mở khóa' && document.querySelector('#toast').textContent === 'Đã lưu'", true)
	admin.shot("account-disabled")
	org.until("the organiser's console back at sign-in", "location.hash === '#/login'", true)
	org.fill(map[string]string{"#login-email": "xttm@hanoi.example.vn", "#login-password": "organiser-pass-1"})
	org.submit("login")
	org.until("told the account is disabled", "document.querySelector('#login .form-err').textContent.includes('đã bị khóa')", false)
}
