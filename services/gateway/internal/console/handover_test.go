package console_test

import (
	"strings"
	"testing"
)

// stepOrganiserHandsOverATakenTaxCode: someone registers a company's tax code first. The company,
// registering on a phone, is told to ask the organisers; the organiser finds the profile by the
// tax code on the import page and issues a claim code; with it the company takes the profile
// over, and the account that registered it first has no profile left.
func stepOrganiserHandsOverATakenTaxCode(t *testing.T, j journey, org browser) {
	t.Helper()
	const tax = "2300456789"
	profile := func(name string) map[string]string {
		return map[string]string{"#producer-profile-legal_name": name, "#producer-profile-kind": "enterprise", "#producer-profile-tax_code": tax,
			"#producer-profile-province": "24", "#producer-profile-commune": "Xã Tân Yên", "#producer-profile-phone": "0204 386 1234"}
	}
	first := signUpProducer(j, "squatter", "Trần Văn Nhanh", "nhanh@example.vn", "dang-ky-truoc-1")
	first.fill(profile("Gà đồi Yên Thế Nhanh"))
	first.submit("producer-profile")
	first.until("the first account's profile", "document.querySelector('h1').textContent.includes('Gà đồi Yên Thế Nhanh')", true)

	company := signUpProducer(j, "company", "Công ty Gà đồi Yên Thế", "ga@yenthe.example.vn", "ga-doi-yen-the-1")
	company.fill(profile("Công ty TNHH Gà đồi Yên Thế"))
	company.submit("producer-profile")
	company.until("the taken tax code, with whom to ask", "document.querySelector('#producer-profile .form-err').textContent.includes('liên hệ ban tổ chức')", false)
	company.shot("tax-code-taken")

	org.open("#/import")
	org.until("the hand-over search", "document.querySelector('#handover-search')", false)
	org.submit("handover-search")
	org.until("the empty tax code said under its field", "document.querySelector('#handover-search [data-field=tax_code].bad .err').textContent.length > 0", false)
	org.fill(map[string]string{"#handover-search-tax_code": " " + tax + " "})
	org.submit("handover-search")
	row := "document.querySelector('#handover-list tr')"
	org.until("the registered profile found by its tax code", row+" && "+row+".textContent.includes('Gà đồi Yên Thế Nhanh')", false)
	if held := org.eval(row + ".querySelector('.claim-state').textContent"); !strings.HasPrefix(held, "Đang thuộc một tài khoản đã đăng ký.") {
		t.Errorf("the profile to hand over says %q of who holds it", held)
	}
	// Handing over asks what was checked in a form under the profile: sent empty, it is refused
	// under the field and no code is issued.
	org.eval("(() => { " + row + ".querySelector('button').click(); return '' })()")
	box := "document.querySelector('#handover-list .handover-ask')"
	org.until("the hand-over form, the cursor in it", "document.activeElement === "+box+".querySelector('textarea') && "+box+".textContent.includes('Gà đồi Yên Thế Nhanh')", false)
	if org.eval("String(innerWidth)") == "360" {
		fitsPhone(org, "the hand-over form") // in a row of its own, not the table's third column
	}
	org.eval("(() => { " + box + ".querySelector('button[type=submit]').click(); return '' })()")
	org.until("the missing check said under the field", box+".querySelector('[data-field=reason].bad .err').textContent.includes('bắt buộc khi trao hồ sơ')", false)
	if org.eval("String(!!"+row+".querySelector('.claim-code'))") != "false" {
		t.Fatal("a hand-over code was issued without saying what was checked")
	}
	// "Thôi" closes it and forgets what was typed and said; opened again, it is empty.
	org.eval("(() => { " + box + ".querySelector('textarea').value = 'nửa chừng'; [..." + box + ".querySelectorAll('button')].find((b) => b.textContent === 'Thôi').click(); " + row + ".querySelector('button').click(); return '' })()")
	if got := org.eval(box + ".querySelector('textarea').value + '|' + " + box + ".querySelector('[data-field=reason] .err').textContent"); got != "|" {
		t.Errorf("the hand-over form opened again holds %q (text|error), want it empty", got)
	}
	org.eval("(() => { const x = " + box + ".querySelector('textarea'); x.value = 'Đã xem giấy đăng ký doanh nghiệp bản gốc'; x.dispatchEvent(new Event('input', { bubbles: true })); " + box + ".querySelector('button[type=submit]').click(); return '' })()")
	org.until("the hand-over code in the row, the keyboard on it", row+".querySelector('.claim-code strong') && document.activeElement === "+row+".querySelector('.claim-code')", false)
	org.shot("handover-code")
	code := org.eval(row + ".querySelector('.claim-code strong').textContent")
	if len(code) != 14 {
		t.Fatalf("the hand-over code %q", code)
	}

	withCode := profile("Công ty TNHH Gà đồi Yên Thế")
	withCode["#producer-profile-claim_code"] = code
	company.fill(withCode)
	company.submit("producer-profile")
	company.until("the company's profile", "document.querySelector('h1').textContent.includes('Công ty TNHH Gà đồi Yên Thế')", true)
	company.shot("handed-over")
	first.reload()
	first.until("the first account without a profile, told why", "document.querySelector('#producer-profile') && !document.querySelector('h1').textContent.includes('Gà đồi')", false)
	if said := first.eval("(document.querySelector('#profile-handed-over') || {}).textContent || ''"); !strings.Contains(said, "đã được trao lúc") || !strings.Contains(said, "liên hệ ban tổ chức") {
		t.Errorf("the first account's page after the hand-over says %q, want what became of its profile and whom to ask", said)
	}
}

// signUpProducer opens a browser for who, signs a producer account up and returns once the
// profile form is shown.
func signUpProducer(j journey, who, name, email, password string) browser {
	j.t.Helper()
	b := j.who(who)
	b.open("#/register")
	b.fill(map[string]string{"#register-name": name, "#register-email": email, "#register-password": password, "#register-role": "producer"})
	b.submit("register")
	b.until("profile form", "document.querySelector('#producer-profile')", false)
	return b
}
