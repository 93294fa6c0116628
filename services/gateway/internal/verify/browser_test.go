package verify_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/testenv"
)

// products registers a producer through the gateway and adds a product whose certificate is
// valid, one expiring within 90 days and one expired; it returns their public codes by status.
func products(t *testing.T, api testenv.Client) map[string]string {
	t.Helper()
	var signUp struct {
		AccessToken string `json:"access_token"`
	}
	r := api.Do(t, "POST", "/api/auth/register", map[string]string{"email": "htx.cheshan@example.vn", "password": "mat-khau-rat-dai-1", "name": "HTX Chè Shan", "role": "producer"})
	if r.Status != 201 {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &signUp)
	me := api.With(signUp.AccessToken)
	var p struct{ ID string }
	r = me.Do(t, "POST", "/api/producers", map[string]any{"kind": "cooperative", "legal_name": "HTX Chè Shan tuyết Suối Giàng", "tax_code": "5100123456",
		"province": "Lào Cai", "commune": "Xã Suối Giàng", "phone": "0216 388 1234"})
	if r.Status != 201 {
		t.Fatalf("profile: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &p)
	now := time.Now()
	issued := map[string]string{
		"valid":    now.AddDate(-1, 0, 0).Format(time.DateOnly),
		"expiring": now.AddDate(-3, 0, 30).Format(time.DateOnly),
		"expired":  now.AddDate(-3, -1, 0).Format(time.DateOnly),
	}
	codes := map[string]string{}
	for status, on := range issued {
		var prod struct{ ID string }
		r := me.Do(t, "POST", "/api/producers/"+p.ID+"/products", map[string]any{"name_vi": "Chè Shan tuyết cổ thụ (" + status + ")", "criteria_set": 11, "stars": 4,
			"unit": "pack", "certificate": map[string]string{"decision_no": "1523/QĐ-UBND", "issued_by": "UBND tỉnh Lào Cai", "issued_on": on}})
		if r.Status != 201 {
			t.Fatalf("product %s: %d %s", status, r.Status, r.Body)
		}
		r.Decode(t, &prod)
		var s struct{ Code string }
		me.Do(t, "GET", "/api/products/"+prod.ID+"/scans", nil).Decode(t, &s)
		codes[status] = s.Code
	}
	return codes
}

// On a 360 × 800 phone, the verification page shows each certificate's status in its colour, in
// Vietnamese and, after the switch, in English; an unknown code says so.
func TestVerificationPageOnAPhone(t *testing.T) {
	exe := testenv.Chromium(t)
	stack, err := localstack.Start(context.Background(), localstack.Options{
		BinDir: testenv.Binaries(t, filepath.Join("..", "..", "..", "..")), DataDir: t.TempDir(),
		Env: map[string]string{"OCOPFAIR_OUTBOX_INTERVAL": "300ms", "OCOPFAIR_LOG_LEVEL": "warn"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stack.Stop() })
	base := stack.URL("gateway")
	codes := products(t, testenv.Client{Base: base})

	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-component-update", true))...)
	t.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	tests := []struct{ status, vi, en, colour string }{
		{"valid", "Còn hiệu lực", "Valid", "rgb(30, 123, 52)"},
		{"expiring", "Sắp hết hạn", "Expiring soon", "rgb(184, 110, 0)"},
		{"expired", "Đã hết hạn", "Expired", "rgb(179, 38, 30)"},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			until(t, ctx, chromedp.Navigate(base+"/v/"+codes[tt.status]), "document.getElementById('status').dataset.status === '"+tt.status+"'")
			if got := eval(t, ctx, "document.getElementById('status-text').textContent"); got != tt.vi {
				t.Errorf("status text %q, want %q", got, tt.vi)
			}
			if got := eval(t, ctx, "getComputedStyle(document.getElementById('status')).backgroundColor"); got != tt.colour {
				t.Errorf("status colour %s, want %s", got, tt.colour)
			}
			if got := eval(t, ctx, "String(document.documentElement.scrollWidth)"); got != "360" {
				t.Errorf("page width %s px on a 360 px phone, want no sideways scrolling", got)
			}
			until(t, ctx, chromedp.Click("#lang"), "document.getElementById('status-text').textContent === '"+tt.en+"'")
			if got := eval(t, ctx, "document.documentElement.lang + ' ' + location.search"); got != "en ?lang=en" {
				t.Errorf("after the switch: %q, want English and ?lang=en", got)
			}
		})
	}
	// The page loads images from this site alone: a visitor's browser reaches no address a
	// producer typed.
	page := testenv.Client{Base: base}.Do(t, "GET", "/v/"+codes["valid"], nil)
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:;") || strings.Contains(csp, "https:") {
		t.Errorf("the page's policy %q lets images come from elsewhere", csp)
	}
	until(t, ctx, chromedp.Navigate(base+"/v/abcdefghjkm"), "!document.getElementById('error').hidden")
	if got := eval(t, ctx, "document.getElementById('error').textContent"); got == "" {
		t.Errorf("an unknown code shows no message")
	}
}

// until runs action, then waits (up to 30 s) for the JavaScript condition cond to hold.
func until(t *testing.T, ctx context.Context, action chromedp.Action[chromedp.Void], cond string) {
	t.Helper()
	run, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(run, action); err != nil {
		t.Fatal(err)
	}
	for {
		ok, err := chromedp.Run(run, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		select {
		case <-run.Done():
			t.Fatalf("waited 30 s for %s: %v", cond, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func eval(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}
