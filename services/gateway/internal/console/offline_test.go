package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// edge stands between one phone and the gateway: a venue's network, which can go away. Down, it
// drops every new connection as a lost network does (the browser's fetch fails).
type edge struct {
	*httptest.Server
	down atomic.Bool
	// failing makes a proxy in front of a gateway that is down: every answer is 502.
	failing atomic.Bool
}

func newEdge(t *testing.T, target string) *edge {
	t.Helper()
	to, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(to)
	proxy.FlushInterval = -1 // the live stream's events pass at once
	e := &edge{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.down.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		}
		if e.failing.Load() {
			http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		e.CloseClientConnections() // the live stream's too: Close waits for every request
		e.Close()
	})
	return e
}

// stepBadgeWithoutNetwork: the producer's phone loses the network at the fair. The console still
// opens (its offline shell) and shows the badge and the agenda kept on the phone, each saying it
// is the kept one and since when; a page that cannot load without network leads to them. Back
// online the live pages are shown again, and signing out forgets what was kept (a shared phone
// keeps no one's badge).
func stepBadgeWithoutNetwork(t *testing.T, j journey, f checkinFair) {
	t.Helper()
	net := newEdge(t, j.base)
	prod := j.person("checkin-producer-offline", 360, 800)
	prod.base = net.URL
	// Another account's badge kept on this phone (its session lapsed without signing out) goes
	// as this one signs in.
	prod.open("#/login")
	prod.eval(`localStorage.setItem('ocopfair.kept.badge.someone-else', '{"f":{}}'), ''`)
	prod.login("dong@checkin.example.vn", "parity-pass-1")
	if kept := prod.eval("localStorage.getItem('ocopfair.kept.badge.someone-else') || ''"); kept != "" {
		t.Errorf("signed in, the phone still keeps another account's badge: %s", kept)
	}
	prod.open("#/agenda/" + f.fairID)
	const row = "document.querySelector('#agenda tr[data-meeting] .other-party')"
	prod.until("the agenda with the meeting", row, false)
	meeting := prod.eval(row + ".closest('tr').textContent")
	prod.open("#/badge/" + f.fairID)
	const qrShown = "(() => { const i = document.querySelector('#badge-qr'); return i && i.complete && i.naturalWidth > 0 })()"
	prod.until("the badge with its QR", qrShown, false)
	if prod.eval("document.querySelector('.kept-note') ? 'shown' : ''") != "" {
		t.Error("the live badge says it is the one kept on the phone")
	}
	// The offline shell is installed (its files kept) once it controls the page.
	prod.until("the offline shell in control", "navigator.serviceWorker && navigator.serviceWorker.controller", false)

	// The browser's own cache emptied (it keeps files minutes, the shell keeps them until the next
	// version): what opens now comes from the shell.
	if _, err := chromedp.Call(prod.ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	net.down.Store(true)
	prod.run(chromedp.Reload())
	prod.until("the kept badge without network", "document.querySelector('.kept-note') && "+qrShown, false)
	if name := prod.eval("document.querySelector('#badge-name').textContent"); name != f.producerName {
		t.Errorf("the kept badge names %q, want %q", name, f.producerName)
	}
	if note := prod.eval("document.querySelector('.kept-note').textContent"); !strings.HasPrefix(note, "Không có mạng: thẻ đã lưu trên điện thoại này lúc ") {
		t.Errorf("the kept badge says %q", note)
	}
	manual := prod.eval("document.querySelector('#badge-manual').textContent")
	fitsPhone(prod, "the kept badge")
	prod.shot("badge-offline")
	prod.open("#/badge")
	prod.until("the kept badge from the menu's badge page", "location.hash === '#/badge/"+f.fairID+"' && document.querySelector('.kept-note') && "+qrShown, false)
	if got := prod.eval("document.querySelector('#badge-manual').textContent"); got != manual {
		t.Errorf("the badge page without a fair shows code %q, want %q", got, manual)
	}
	// A page that needs the network leads to what was kept.
	prod.open("#/meetings")
	prod.until("the way to what was kept", "document.querySelector('#load-failed #kept-links')", false)
	if links := prod.eval("[...document.querySelectorAll('#kept-links a')].map((a) => a.getAttribute('href') + ' ' + a.textContent).join(' | ')"); links != "#/badge/"+f.fairID+" Thẻ tham dự · Hội chợ OCOP Kinh Bắc | #/agenda/"+f.fairID+" Lịch gặp · Hội chợ OCOP Kinh Bắc" {
		t.Errorf("without network the page leads to %q", links)
	}
	prod.run(chromedp.Click("#kept-links a[href='#/agenda/" + f.fairID + "']"))
	prod.until("the kept agenda", "document.querySelector('.kept-note') && "+row, false)
	if got := prod.eval(row + ".closest('tr').textContent"); got != meeting {
		t.Errorf("the kept agenda shows %q, want %q", got, meeting)
	}
	if note := prod.eval("document.querySelector('.kept-note').textContent"); !strings.HasPrefix(note, "Không có mạng: lịch gặp đã lưu trên điện thoại này lúc ") {
		t.Errorf("the kept agenda says %q", note)
	}
	fitsPhone(prod, "the kept agenda")
	prod.shot("agenda-offline")

	net.down.Store(false)
	keptBehindAFailingProxy(prod, net, f.fairID, qrShown)
	prod.open("#/agenda/" + f.fairID)
	prod.until("the live agenda again", "!document.querySelector('.kept-note') && "+row, false)
	prod.run(chromedp.Click("#logout"))
	prod.until("signed out", "location.hash === '#/login' && !localStorage.getItem('ocopfair.token')", false)
	if kept := prod.eval("Object.keys(localStorage).filter((k) => k.startsWith('ocopfair.kept.')).join(',')"); kept != "" {
		t.Errorf("signed out, the phone still keeps %s", kept)
	}
}

// keptBehindAFailingProxy: a proxy in front of a gateway that is down answers 502 to everything;
// a reload opens the kept page and the kept badge, as without network.
func keptBehindAFailingProxy(prod browser, net *edge, fairID, qrShown string) {
	prod.t.Helper()
	net.failing.Store(true)
	defer net.failing.Store(false)
	prod.open("#/badge/" + fairID)
	prod.run(chromedp.Reload())
	prod.until("the kept badge behind a failing proxy", "document.querySelector('.kept-note') && "+qrShown, false)
}

// stepLiveWaitsWhenFull: the gateway replica holds as many live streams as it may and refuses a
// new ticket with 503 live_full and Retry-After 40. The page asks again after those 40 s and a
// random part more (a crowd back at one moment would be refused again), not after its own 15 s,
// then follows live updates again once the ticket is given.
func stepLiveWaitsWhenFull(t *testing.T, p browser) {
	t.Helper()
	p.until("the live stream open", "S.live instanceof EventSource && S.live.readyState === EventSource.OPEN", false)
	p.eval(`(() => {
	  const wait = window.setTimeout, get = window.fetch;
	  window.liveWaits = [];
	  window.setTimeout = (fn, ms, ...args) => { if (fn === startLive) liveWaits.push(ms); return wait(fn, ms, ...args); };
	  window.fetch = (url, o) => String(url).endsWith("/api/live/ticket")
	    ? Promise.resolve(new Response('{"code":"live_full"}', { status: 503, headers: { "Retry-After": "40", "Content-Type": "application/problem+json" } }))
	    : get(url, o);
	  window.fullNoMore = () => { window.setTimeout = wait; window.fetch = get; };
	  S.live.close(); S.live = null; startLive();
	})(), ''`)
	p.until("the refused ticket's next try planned", "liveWaits.length > 0", false)
	if ms, err := strconv.ParseFloat(p.eval("String(liveWaits[0])"), 64); err != nil || ms < 40000 || ms > 60000 {
		t.Errorf("refused a ticket with Retry-After 40, the page asks again after %s ms, want 40,000–60,000", p.eval("String(liveWaits)"))
	}
	p.eval("fullNoMore(), clearTimeout(retryLive.timer), startLive(), ''")
	p.until("the live stream open again", "S.live instanceof EventSource && S.live.readyState === EventSource.OPEN", false)
}
