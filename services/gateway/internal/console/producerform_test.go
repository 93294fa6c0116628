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

// checkNewProfileForm: a new profile's form opens a number pad for the tax code, asks for a
// province instead of choosing the first one, and starts from the account's name and email.
func checkNewProfileForm(t *testing.T, prod browser, name, email string) {
	t.Helper()
	tax := prod.eval(`(() => { const el = document.querySelector('#producer-profile-tax_code');
		return [el.getAttribute('inputmode'), el.getAttribute('autocomplete'), el.getAttribute('pattern')].join(' | ') })()`)
	if want := "numeric | off | [0-9]{10}(-?[0-9]{3})?"; tax != want {
		t.Errorf("tax code field = %q, want %q", tax, want)
	}
	province := prod.eval(`(() => { const el = document.querySelector('#producer-profile-province');
		return JSON.stringify([el.value, el.options[el.selectedIndex].textContent]) })()`)
	if want := `["","— Chọn tỉnh/thành —"]`; province != want {
		t.Errorf("province preselected = %s, want %s", province, want)
	}
	prefilled := prod.eval(`document.querySelector('#producer-profile-legal_name').value + ' | ' + document.querySelector('#producer-profile-email').value`)
	if want := name + " | " + email; prefilled != want {
		t.Errorf("new profile prefilled = %q, want %q", prefilled, want)
	}
}

// checkChooseAsked: a list left at its "— Chọn … —" is not taken for its first choice: sent so,
// the form says under each such field (id form-field) what to choose, and nothing is stored.
func checkChooseAsked(b browser, form string, want map[string]string) {
	b.t.Helper()
	for field := range want {
		if got := b.eval("document.querySelector('#" + form + "-" + field + "').value"); got != "" {
			b.t.Errorf("%s's %s starts on %q, want nothing chosen", form, field, got)
		}
	}
	b.submit(form)
	for field, message := range want {
		b.until(form+"'s "+field+" asked for", "document.querySelector('#"+form+"-"+field+"').closest('.field').querySelector('.err').textContent === '"+message+"'", false)
	}
}
