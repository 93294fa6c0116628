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

// stepCheckinLapsedScans: a scan that waited for the network past what the API takes (24 h) is
// not sent, and does not vanish either: the page names its badge code and time until the staff
// say they have noted it, through the phone's other writes of its queue.
func stepCheckinLapsedScans(t *testing.T, staff browser, f checkinFair) {
	t.Helper()
	staff.open("#/checkin/" + f.fairID)
	staff.until("the check-in page", "document.querySelector('#checkin-code')", false)
	scanID := staff.eval(`(() => {
		const s = { scan_id: ciUUID(), fair_id: '` + f.fairID + `', code: '` + f.buyerCode + `', place: 'gate', by: claims().sub,
			scanned_at: new Date(Date.now() - 25 * 3600000 + 7 * 3600000).toISOString().replace('Z', '+07:00') };
		localStorage.setItem(checkinKeys.queue, JSON.stringify([...JSON.parse(localStorage.getItem(checkinKeys.queue) || '[]'), s]));
		return s.scan_id })()`)
	staff.eval("ciDraw(), ''")
	lapsed := "((document.querySelector('#checkin-lapsed') || {}).textContent || '')"
	staff.until("the lapsed scan named", lapsed+".includes('"+f.buyerCode+"')", false)
	if said := staff.eval(lapsed); !strings.Contains(said, "1 lượt quét chờ mạng quá 24 giờ") || staff.eval("String(!!document.querySelector('#checkin-pending'))") != "false" {
		t.Errorf("a scan older than 24 h: the page says %q (waiting to send: %s), want it named as not sendable, not waiting", said, staff.eval("String(!!document.querySelector('#checkin-pending'))"))
	}
	// Another write of the queue (an answer let go) keeps it; sending does not send it.
	staff.eval("window.flushed = false, ciDrop('none'), ciFlush().then(() => { window.flushed = true; ciDraw() }), ''")
	staff.until("the queue tried", "window.flushed && document.querySelector('#checkin-code')", false)
	for _, c := range f.checkins() {
		if c["scan_id"] == scanID {
			t.Fatalf("a scan older than 24 h was sent: %v", c)
		}
	}
	if !strings.Contains(staff.eval(lapsed), f.buyerCode) {
		t.Fatal("the lapsed scan went with the queue's next write, unread")
	}
	staff.eval("document.querySelector('#checkin-lapsed-ok').click(), ''")
	staff.until("the lapsed scan let go, the keyboard on the code box", "!document.querySelector('#checkin-lapsed') && document.activeElement.id === 'checkin-code'", false)
	if n := staff.eval("String(JSON.parse(localStorage.getItem(checkinKeys.queue) || '[]').filter((s) => s.scan_id === '" + scanID + "').length)"); n != "0" {
		t.Errorf("noted, the lapsed scan is still kept on the phone (%s)", n)
	}
}
