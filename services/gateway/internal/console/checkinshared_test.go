package console_test

import (
	"strings"
	"testing"
)

// stepCheckinPhonePassedOn: a gate phone passes between people. A scan waiting for the network
// is sent only under the sign-in of the staff who made it: signing out asks first (no keeps it),
// signing out of an expired sign-in keeps it unasked, someone else signed in on the phone does not
// send it (a producer's token would have it refused and lost), and the staff signed in again does. Signing out with a scan waiting, said yes to,
// lets it go: the badge code is not left on the phone.
func stepCheckinPhonePassedOn(t *testing.T, j journey, staff browser, f checkinFair) {
	t.Helper()
	anon := client{t: t, base: j.base}
	producerToken := anon.as("dong@checkin.example.vn", "parity-pass-1").token
	queued := "JSON.parse(localStorage.getItem('ocopfair.checkin.queue') || '[]')"
	held := func(scanID string) int {
		n := 0
		for _, c := range f.checkins() {
			if c["scan_id"] == scanID {
				n++
			}
		}
		return n
	}
	staff.open("#/checkin/" + f.fairID)
	blockCheckins(staff, true)
	typeCode(staff, f.producerCode)
	staff.until("the scan waiting", "document.querySelector('#checkin-pending') && document.querySelector('#checkin-pending').textContent === 'Đang chờ gửi: 1'", false)
	scanID := staff.eval(queued + "[0].scan_id")
	staff.eval("window.asked = ''; window.confirm = (m) => { window.asked = m; return false }, document.querySelector('#logout').click(), ''")
	if asked := staff.eval("window.asked"); !strings.Contains(asked, "Còn 1 lượt quét chưa gửi được") || staff.eval("String(!!S.token && "+queued+".length === 1)") != "true" {
		t.Fatalf("signing out with a scan waiting asked %q; said no, the phone is signed in and holds the scan: %s", asked, staff.eval("String(!!S.token && "+queued+".length === 1)"))
	}

	// The staff's sign-in ends elsewhere (signed out everywhere): the next try to send is refused
	// (401), the page says to sign out and in again, and signing out keeps the scan, unasked.
	client{t: t, base: j.base, token: staff.eval("S.token")}.call("POST", "/api/auth/sign-out-everywhere", nil)
	f.org = anon.as("btc@checkin.example.vn", "organiser-pass-1")
	staffToken := f.org.token
	blockCheckins(staff, false)
	staff.eval("window.asked = '', window.flushed = false, ciFlush().then(() => { window.flushed = true }), ''")
	staff.until("the scan refused for the sign-in", "window.flushed", false)
	if staff.eval("location.hash") != "#/login" {
		if said := staff.eval("document.querySelector('#checkin-net').textContent"); !strings.Contains(said, "đăng nhập lại") {
			t.Fatalf("the sign-in refused, the check-in page says %q, want it to ask to sign in again", said)
		}
		staff.eval("document.querySelector('#logout').click(), ''")
	}
	staff.until("signed out", "location.hash === '#/login'", false)
	if asked := staff.eval("window.asked"); asked != "" || staff.eval("String("+queued+".length)") != "1" {
		t.Fatalf("signing out of an expired sign-in asked %q and left %s scans, want no question and the scan kept", asked, staff.eval("String("+queued+".length)"))
	}

	// A producer signs in on the phone, with the network back: the staff's scan is not sent.
	staff.eval("signedIn('" + producerToken + "'), ''")
	staff.until("the producer's page", "location.hash === '#/producer' && !document.querySelector('#app').hasAttribute('aria-busy')", false)
	staff.eval("window.flushed = false, ciFlush().then(() => ciFlush()).then(() => { window.flushed = true }), ''")
	staff.until("the queue tried under the producer's sign-in", "window.flushed", false)
	if n := held(scanID); n != 0 || staff.eval(queued+".map((s) => s.scan_id).join()") != scanID {
		t.Fatalf("under the producer's sign-in the staff's scan was sent (%d held) or left the phone (%s)", n, staff.eval(queued+".map((s) => s.scan_id).join()"))
	}

	staff.eval("signedIn('" + staffToken + "'), ''")
	staff.open("#/checkin/" + f.fairID)
	staff.until("the staff's scan sent", queued+".length === 0 && !document.querySelector('#checkin-pending')", false)
	if n := held(scanID); n != 1 {
		t.Errorf("the staff signed in again: the fair holds %d check-ins for its scan, want 1", n)
	}

	blockCheckins(staff, true)
	typeCode(staff, f.buyerCode)
	staff.until("another scan waiting", "document.querySelector('#checkin-pending')", false)
	staff.eval("window.confirm = () => true, document.querySelector('#logout').click(), ''")
	staff.until("signed out, the scan let go", "location.hash === '#/login' && "+queued+".length === 0", false)
	blockCheckins(staff, false)
}
