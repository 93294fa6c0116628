package console_test

import "testing"

// checkSignUpHint: the password rule is said under the field before anything is sent, and the
// field is described by it.
func checkSignUpHint(t *testing.T, prod browser) {
	t.Helper()
	got := prod.eval(`(() => { const el = document.querySelector('#register-password');
		const hint = document.getElementById((el.getAttribute('aria-describedby') || '').split(' ')[0]);
		return hint ? hint.textContent : '(no hint)' })()`)
	if want := "Ít nhất 10 ký tự, không trùng với email."; got != want {
		t.Errorf("password hint before sign-up = %q, want %q", got, want)
	}
}
