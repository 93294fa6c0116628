package console_test

import (
	"encoding/base64"

	"github.com/chromedp/chromedp"
)

// download clicks the element selector names and returns the file the page then saves (what it
// hands URL.createObjectURL), as the browser would write it.
func (b browser) download(what, selector string) []byte {
	b.t.Helper()
	b.eval("window.saved = []; window.madeURL = window.madeURL || URL.createObjectURL.bind(URL); URL.createObjectURL = (x) => { window.saved.push(x); return window.madeURL(x) }, ''")
	b.run(chromedp.Click(selector))
	b.until(what, "window.saved.length === 1", false)
	data, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`window.saved[0].arrayBuffer().then((buf) => { const u = new Uint8Array(buf); let s = ''; for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s) })`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: read %s: %v", b.name, what, err)
	}
	file, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		b.t.Fatal(err)
	}
	return file
}
