package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// b2bDays reads the fair's B2B days as "date start tables×slots", in order.
func b2bDays(org client, fairID string) string {
	var out []string
	days, _ := org.call("GET", "/api/fairs/"+fairID, nil)["b2b_days"].([]any)
	for _, d := range days {
		day := d.(map[string]any)
		out = append(out, fmt.Sprintf("%s %s %v×%v", day["date"], day["start_time"], day["tables"], day["slots"]))
	}
	return strings.Join(out, ", ")
}

// stepB2BDaysEachKept: on a phone the organiser adds a second B2B day from the B2B tab, typing
// its date and start on the number pad (digits alone); at a desk it then changes the first day's
// tables: both days stay, each with its own settings, and the second can be removed.
func stepB2BDaysEachKept(t *testing.T, staff, desk browser, f checkinFair) {
	t.Helper()
	d30, d31 := f.setUp.AddDate(0, 0, 30), f.setUp.AddDate(0, 0, 31)
	vn := func(d time.Time) string { return d.Format("02/01/2006") }
	iso := func(d time.Time) string { return d.Format(time.DateOnly) }
	want := func(what, days string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); b2bDays(f.org, f.fairID) != days; time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the fair's B2B days are %q, want %q", what, b2bDays(f.org, f.fairID), days)
			}
		}
	}
	staff.open("#/fair/" + f.fairID + "/b2b")
	staff.until("the first B2B day being edited", "document.querySelector('#b2b-day-pick') && document.querySelector('#b2b-day-pick').selectedOptions[0].textContent === '"+vn(d30)+"'", false)
	choose(staff, "#b2b-day-pick", "new")
	staff.until("a new day, the one after the first", "document.querySelector('#b2b-day-pick').selectedOptions[0].textContent === '+ Thêm ngày B2B' && document.querySelector('#b2b-date').value === '"+vn(d31)+"'", false)
	// It starts from the first day's settings (09:00, 3 tables, 4 slots), not the form's defaults.
	if got := staff.eval("['start_time', 'tables', 'slots'].map((k) => document.querySelector('#b2b-' + k).value).join(' ')"); got != "09:00 3 4" {
		t.Errorf("a new B2B day starts from %q, want the first day's 09:00 3 4", got)
	}
	staff.fill(map[string]string{"#b2b-date": d31.Format("02012006"), "#b2b-start_time": "0830", "#b2b-tables": "5", "#b2b-slots": "8", "#b2b-morning_slots": "4"})
	// Typed short, the day and the time are written back as they were read once the cursor leaves.
	staff.run(chromedp.Focus("#b2b-date"), chromedp.Focus("#b2b-start_time"), chromedp.Focus("#b2b-tables"))
	if got := staff.eval("document.querySelector('#b2b-date').value + ' ' + document.querySelector('#b2b-start_time').value"); got != vn(d31)+" 08:30" {
		t.Errorf("the day and time typed short read %q once left, want %q", got, vn(d31)+" 08:30")
	}
	staff.submit("b2b")
	want("a day added on the phone", fmt.Sprintf("%s 09:00 3×4, %s 08:30 5×8", iso(d30), iso(d31)))
	staff.until("the new day being edited", "document.querySelector('#b2b-day-pick').selectedOptions[0].textContent === '"+vn(d31)+"' && document.querySelector('#b2b-tables').value === '5'", true)

	desk.open("#/fair/" + f.fairID + "/b2b")
	desk.until("the first day's settings", "document.querySelector('#b2b-day-pick') && document.querySelector('#b2b-tables').value === '3'", false)
	desk.fill(map[string]string{"#b2b-tables": "4"})
	// Meanwhile another organiser gives the second day 6 tables: the desk's save, over the days
	// as it read them, is refused and said; the page then shows the other's change, keeps what
	// was typed, and a second save keeps both.
	f.org.call("PUT", "/api/fairs/"+f.fairID+"/b2b-sessions", map[string]any{"days": []map[string]any{
		{"date": iso(d30), "start_time": "09:00", "slot_minutes": 20, "slots": 4, "morning_slots": 2, "tables": 3},
		{"date": iso(d31), "start_time": "08:30", "slot_minutes": 20, "slots": 8, "morning_slots": 4, "tables": 6, "lunch_minutes": 60}}})
	desk.submit("b2b")
	desk.until("the refusal said above the button", "document.querySelector('#b2b .form-err').textContent.includes('vừa được người khác thay đổi')", false)
	want("the other organiser's change kept", fmt.Sprintf("%s 09:00 3×4, %s 08:30 6×8", iso(d30), iso(d31)))
	desk.until("the page redrawn with what was typed", "document.querySelector('#b2b-tables').value === '4' && document.querySelector('#b2b .form-err').textContent.includes('vừa được người khác thay đổi')", true)
	desk.submit("b2b")
	want("the first day's tables changed at the desk", fmt.Sprintf("%s 09:00 4×4, %s 08:30 6×8", iso(d30), iso(d31)))
	choose(desk, "#b2b-day-pick", iso(d31))
	desk.until("the second day's settings", "document.querySelector('#b2b-tables').value === '6' && document.querySelector('#b2b-slots').value === '8'", false)
	desk.eval("window.confirm = () => true, ''")
	desk.run(chromedp.Click("#b2b-day-remove"))
	want("the second day removed", iso(d30)+" 09:00 4×4")
}

// stepProducerRenamesItself: on a phone the producer corrects its name, commune and tax code in
// "Sửa hồ sơ" (a tax code another profile holds is refused under its field); its page shows the new name, and the fair's floor plan (the event service's) soon does
// too.
func stepProducerRenamesItself(t *testing.T, prod browser, f checkinFair) {
	t.Helper()
	const name = "HTX Gốm sứ Phù Lãng Quế Võ"
	prod.open("#/producer")
	prod.until("the profile's fold", "document.querySelector('#profile-edit summary')", false)
	prod.run(chromedp.Click("#profile-edit summary"))
	stepASaveOutlivesALiveUpdate(prod)
	// A tax code another profile holds is said under the field, not as a change meanwhile.
	client{t: t, base: f.org.base}.producer("gom-khac@checkin.example.vn", "HTX Gốm Bát Tràng", "0100999888", 4)
	prod.fill(map[string]string{"#profile-edit-form-tax_code": "0100999888"})
	prod.submit("profile-edit-form")
	prod.until("the taken tax code refused at its field", "document.querySelector('#profile-edit-form [data-field=tax_code].bad .err') && document.querySelector('#profile-edit-form [data-field=tax_code] .err').textContent.includes('đã thuộc về một hồ sơ chủ thể OCOP khác')", false)
	prod.fill(map[string]string{"#profile-edit-form-legal_name": name, "#profile-edit-form-commune": "Xã Phù Lãng", "#profile-edit-form-address": "Thôn Đồng Vãng",
		"#profile-edit-form-tax_code": "2300111223"})
	prod.submit("profile-edit-form")
	prod.until("the new name on the producer's page", "document.querySelector('h1') && document.querySelector('h1').textContent === '"+name+"'", true)
	// A tax code mistyped at registration is corrected there too (the console offered no field).
	if line := prod.eval("[...document.querySelectorAll('.card p.muted')].map((p) => p.textContent).join(' | ')"); !strings.Contains(line, "Mã số thuế: 2300111223") {
		t.Errorf("the profile's card reads %q, want the corrected tax code", line)
	}
	// The address saved is on the profile's card with the commune (it was saved and shown nowhere).
	if line := prod.eval("document.querySelector('.profile-line').textContent"); !strings.Contains(line, "Xã Phù Lãng · Thôn Đồng Vãng · ") {
		t.Errorf("the profile's card reads %q, want the commune and the address", line)
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		list := fmt.Sprint(f.org.call("GET", "/api/fairs/"+f.fairID+"/booths", nil))
		if strings.Contains(list, name) && !strings.Contains(list, f.producerName) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fair's floor plan after the rename: %s", list)
		}
	}
}

// stepASaveOutlivesALiveUpdate: a live update heard while a save awaits its answer (a phone on a
// slow network), or whose redraw was already reading when the save was sent, does not draw the
// page again over the form: the refusal, once it comes, is said on the page the producer sees.
func stepASaveOutlivesALiveUpdate(prod browser) {
	prod.t.Helper()
	// holdSave holds the next PATCH until window.heldSave() refuses it with message; holdRead holds
	// the next read of the profile until window.heldRead().
	holdSave := func(message string) string {
		return `window.heldSave = null, window.saveHeld = (url, opts) => new Promise((ok) => { window.heldSave = () => ok(new Response(
			'{"title":"Dữ liệu không hợp lệ","errors":[{"field":"legal_name","message":"` + message + `"}]}', { status: 422, headers: { 'Content-Type': 'application/problem+json' } })) })`
	}
	const hold = `window.realFetch = window.realFetch || window.fetch,
		window.fetch = (url, opts) => opts && opts.method === 'PATCH' && !window.heldSave ? window.saveHeld(url, opts) :
			window.holdRead && String(url).includes('/api/producers/me') ? (window.holdRead = false, new Promise((ok) => { window.heldRead = () => ok(window.realFetch(url, opts)) })) :
			window.realFetch(url, opts), ''`
	const shown = "document.querySelector('#profile-edit-form') && document.querySelector('#profile-edit-form').dataset.old === 'yes' && document.querySelector('#profile-edit-form').textContent.includes"
	// refused refuses the held save once a wrong redraw has had time to draw (a redraw held
	// changes nothing to wait for), and waits for the refusal on the form shown.
	refused := func(message string) {
		time.Sleep(1500 * time.Millisecond)
		prod.eval("window.heldSave(), ''")
		prod.until("the refusal said on the form shown", shown+"('"+message+"')", false)
	}
	prod.eval(holdSave("Tên này đã có trong hồ sơ khác") + ", window.holdRead = false, " + hold)
	prod.fill(map[string]string{"#profile-edit-form-legal_name": "HTX Gốm"})
	prod.submit("profile-edit-form")
	prod.until("the save sent", "window.heldSave", false)
	prod.eval("document.querySelector('#profile-edit-form').dataset.old = 'yes', redrawWhenFree(0), ''")
	refused("Tên này đã có trong hồ sơ khác")
	// A live redraw reading the profile when the save is sent.
	prod.eval(holdSave("Lần hai") + ", window.heldRead = null, window.holdRead = true, render(true, true), ''")
	prod.until("the redraw's read held", "window.heldRead", false)
	prod.submit("profile-edit-form")
	prod.until("the second save sent", "window.heldSave", false)
	prod.eval("window.heldRead(), ''")
	refused("Lần hai")
	// A refresh the producer's own action asked for (here render(true), as a save elsewhere on
	// the page calls it), overtaken by a live update, is drawn all the same, what is typed kept.
	prod.eval("window.heldRead = null, window.holdRead = true, render(true), ''")
	prod.until("the refresh's read held", "window.heldRead", false)
	prod.eval("render(true, true), ''")
	prod.until("the page drawn again, what was typed kept", "document.querySelector('#profile-edit-form') && !document.querySelector('#profile-edit-form').dataset.old && "+
		"document.querySelector('#profile-edit-form-legal_name').value === 'HTX Gốm'", false)
	prod.eval("window.heldRead(), window.fetch = window.realFetch, ''")
}

// stepAnAppliedFairSaysWhere: back on the open fairs after applying, the fair says where the
// application is instead of a second form; then the producer follows it on its applications.
func stepAnAppliedFairSaysWhere(prod browser, fairID string) {
	prod.t.Helper()
	applied := "document.querySelector('[data-fair=\"" + fairID + "\"] .applied')"
	prod.open("#/producer/fairs")
	prod.until("the fair applied to", applied+" && "+applied+".textContent.includes('Đã nộp') && !document.querySelector('#apply-"+fairID+"')", true)
	prod.open("#/producer/apps")
	prod.until("the application followed", "document.querySelector('.app-status') && document.querySelector('.app-status').textContent.includes('Đã nộp')", true)
}

// stepAProposalStaysWhileShown: a live update heard while the allocation's proposal is shown
// waits: the proposal stays to be confirmed.
func stepAProposalStaysWhileShown(t *testing.T, org browser) {
	t.Helper()
	org.eval("document.querySelector('#commit-alloc').dataset.old = 'yes', redrawWhenFree(0), ''")
	// A redraw held changes nothing to wait for: give a wrong one time to draw.
	time.Sleep(1500 * time.Millisecond)
	if got := org.eval("String(!!document.querySelector('#commit-alloc[data-old]'))"); got != "true" {
		t.Errorf("a live update took the allocation's proposal away")
	}
}
