package gatewayapp

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// TestConsoleSignsInAfterAReplayedRegistration: the console's sign-up reaches the gateway a
// second time with the key of a sign-up that already went through (its response was lost). The
// replay carries no token, so the console signs in with the credentials it sent and ends up
// signed in, as after a first sign-up.
func TestConsoleSignsInAfterAReplayedRegistration(t *testing.T) {
	exe := ""
	for _, p := range []string{os.Getenv("OCOPFAIR_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := exec.LookPath(p); p != "" && err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		t.Fatal("Chromium is not installed: `make test` installs Debian's chromium package (apt-get install chromium)")
	}
	f := start(t, nil)
	const key = "console-reg-1"
	// The body exactly as the console's form sends it, so that the key's request matches.
	body := `{"name":"HTX Che Shan Tuyet","email":"htx.shantuyet@example.vn","password":"shan-tuyet-2026","role":"producer"}`
	if r := f.client.Do(t, "POST", "/api/auth/register", body, httpx.IdempotencyHeader, key); r.Status != 201 {
		t.Fatalf("first sign-up: %d %s", r.Status, r.Body)
	}

	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true))...)
	defer cancel()
	ctx, cancelCtx := chromedp.NewContext(alloc)
	defer cancelCtx()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("open the sign-up page", chromedp.Navigate(f.client.Base+"/#/register"), chromedp.WaitVisible("#register-email"))
	// The console's next Idempotency-Key is the one already used: the retry of a lost response.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("crypto.randomUUID = () => '"+key+"', true")); err != nil {
		t.Fatal(err)
	}
	step("fill the sign-up form", chromedp.SetValue("#register-name", "HTX Che Shan Tuyet"), chromedp.SetValue("#register-email", "htx.shantuyet@example.vn"),
		chromedp.SetValue("#register-password", "shan-tuyet-2026"), chromedp.SetValue("#register-role", "producer"),
		chromedp.Click("#register button[type=submit]"))
	deadline := time.Now().Add(30 * time.Second)
	for {
		tok, err := chromedp.Run(ctx, chromedp.Evaluate[string]("localStorage.getItem('ocopfair.token') || ''"))
		if err == nil && strings.Count(tok, ".") == 2 {
			if r := f.client.With(tok).Do(t, "GET", "/api/auth/me", nil); r.Status != 200 || !strings.Contains(string(r.Body), "htx.shantuyet@example.vn") {
				t.Fatalf("the console's token: me = %d %s", r.Status, r.Body)
			}
			return
		}
		if time.Now().After(deadline) {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.textContent"))
			t.Fatalf("the console did not sign in after the replayed sign-up (token %q, page %q)", tok, page)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
