package console_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
)

// stepManualCodeTyped: the producer's badge shows a short code without look-alike letters; the
// camera failing, staff type it at a table as read out (lower case, a space, O for 0) and the
// producer is checked in with ✔ and its name.
func stepManualCodeTyped(t *testing.T, staff, prod browser, f checkinFair) {
	t.Helper()
	manual := prod.eval("document.querySelector('#badge-manual').textContent")
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$`).MatchString(manual) {
		t.Fatalf("the badge's code to type in reads %q, want XXXXX-XXXXX without I, L, O or U", manual)
	}
	if got := prod.eval("document.querySelector('.badge-manual').textContent"); got != "Mã nhập tay: "+manual {
		t.Errorf("the badge says %q", got)
	}
	staff.open("#/checkin/" + f.fairID)
	staff.until("the check-in page", "document.querySelector('#checkin-code')", false)
	// The fair is a month ahead: staff scanning today are warned they may have the wrong fair.
	if got := staff.eval("(document.querySelector('#checkin-not-today') || {}).textContent || ''"); !strings.HasPrefix(got, "Hội chợ này diễn ra từ ") || !strings.Contains(got, "hôm nay không phải ngày hội chợ") {
		t.Errorf("the check-in page of a fair a month ahead says %q", got)
	}
	typed := strings.ToLower(strings.ReplaceAll(strings.Replace(manual, "-", " ", 1), "0", "O"))
	staff.eval("document.querySelector('#checkin-result').textContent = '', ''")
	typeCode(staff, typed)
	staff.until("✔ and the producer's name for the typed code", "document.querySelector('#checkin-result.ok') && "+verdict+".startsWith('✔ "+f.producerName+"')", false)
}

// stepTotalsFollowOtherStaff: the check-in page's totals count the scans made at other gates
// too, without a scan on this phone; the report counts the people checked in.
func stepTotalsFollowOtherStaff(t *testing.T, staff browser, f checkinFair) {
	t.Helper()
	staff.eval("CI.countEvery = 300, ''")
	staff.open("#/checkin/" + f.fairID)
	staff.until("the totals", "document.querySelector('#checkin-counts').textContent !== ''", false)
	before := staff.eval("document.querySelector('#checkin-counts').textContent")
	f.org.call("POST", "/api/fairs/"+f.fairID+"/checkins", map[string]any{"scan_id": uuid.NewString(), "code": f.buyerCode, "place": "gate"})
	staff.until("the other gate's scan counted", "document.querySelector('#checkin-counts').textContent !== "+strconv.Quote(before), false)
	staff.eval("CI.countEvery = 20000, ''")
	// The fair's report counts the people checked in beside the product views by QR code, each
	// named for what it is.
	staff.open("#/fair/" + f.fairID + "/report")
	staff.until("the check-ins on the dashboard", "document.querySelector('#kpi-checkins .n') && Number(document.querySelector('#kpi-checkins .n').textContent) >= 2 && "+
		"document.querySelector('#kpi-checkins .label').textContent === 'Người đã điểm danh' && document.querySelector('#kpi-scans .label').textContent === 'Lượt xem sản phẩm qua mã QR'", false)
	// It follows the check-ins made meanwhile by itself (every 30 s; here sooner), no reload.
	shown, err := chromedp.Run(staff.ctx, chromedp.Evaluate[string]("(async () => { reportEvery.ms = 300; await render(true); return document.querySelector('#kpi-checkins').textContent })()", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	f.org.call("POST", "/api/fairs/"+f.fairID+"/checkins", map[string]any{"scan_id": uuid.NewString(), "code": f.producerCode, "place": "table", "table": f.table%3 + 1}) // no meeting of its there: no live update
	staff.until("the new check-in on the report", "document.querySelector('#kpi-checkins').textContent !== "+strconv.Quote(shown), false)
	staff.eval("reportEvery.ms = 30000, ''")
}
