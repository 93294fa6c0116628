package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/testenv"
)

// axeFinding is one rule axe-core found broken on a view, with the first nodes that break it.
type axeFinding struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun runs axe-core inside the page (loading it first when the page does not have it) and
// returns the serious and critical findings.
func (b browser) axeRun(src string) []axeFinding {
	b.t.Helper()
	if b.eval("typeof axe") != "object" {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](src+"\n;true")); err != nil {
			b.t.Fatalf("%s: load axe-core: %v", b.name, err)
		}
	}
	const js = `axe.run(document, {resultTypes: ["violations"]}).then((r) => JSON.stringify(r.violations
	  .filter((v) => v.impact === "serious" || v.impact === "critical")
	  .map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}))))`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: axe.run: %v", b.name, err)
	}
	var found []axeFinding
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		b.t.Fatalf("%s: axe answer %q: %v", b.name, out, err)
	}
	return found
}

// viewsJS lists, in the signed-in person's page, the console views that person uses, filled from
// the demo: the fair with a B2B day for its tabs and agenda, the buyer's first request.
const viewsJS = `(async () => {
  const c = claims();
  const fairs = ((await api("GET", "/api/fairs?limit=100")).data || {}).items || [];
  const b2b = fairs.find((f) => (f.b2b_days || []).length) || fairs[0];
  const meetings = ((await api("GET", "/api/meetings?limit=1")).data || {}).items || [];
  const agenda = meetings.length ? ["#/agenda/" + meetings[0].fair_id, "#/badge/" + meetings[0].fair_id] : [];
  switch (c.role) {
  case "admin": return JSON.stringify(["#/admin", "#/fairs", "#/account"]);
  case "organiser": return JSON.stringify(["#/fairs", "#/fairs/all", "#/catalogue", "#/import", "#/account"].concat(["map", "apps", "alloc", "b2b", "report"].map((x) => "#/fair/" + b2b.id + "/" + x), ["#/agenda/" + b2b.id, "#/checkin/" + b2b.id]));
  case "producer": return JSON.stringify(["#/producer", "#/producer/fairs", "#/producer/apps", "#/producer/opportunities", "#/account", "#/fair/" + b2b.id + "/map"].concat(agenda));
  case "buyer": {
    const me = (await api("GET", "/api/buyers/me")).data;
    const reqs = ((await api("GET", "/api/buyers/" + me.id + "/requests?limit=1")).data || {}).items || [];
    return JSON.stringify(["#/buyer", "#/catalogue", "#/meetings", "#/account"].concat(reqs.length ? ["#/request/" + reqs[0].id] : [], agenda));
  }
  }
  return "[]";
})()`

// TestConsoleAccessibility runs axe-core in every console view, filled with the demo's data, as
// each kind of user at 360 px and on a desktop, and in the public verification page: no view
// may have a serious or critical violation.
func TestConsoleAccessibility(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole system and Chromium")
	}
	src := testenv.Axe(t)
	j := startJourney(t)
	accounts, err := localstack.LoadDemo(context.Background(), j.base, "admin@example.vn", "admin-password-1")
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]localstack.DemoAccount{}
	for _, a := range accounts {
		if _, ok := first[a.Role]; !ok {
			first[a.Role] = a
		}
	}
	var problems []string
	checked := 0
	report := func(b browser, view string) {
		checked++
		for _, f := range b.axeRun(src) {
			problems = append(problems, fmt.Sprintf("%s %s: %s (%s) %s at %s", b.name, view, f.ID, f.Impact, f.Help, strings.Join(f.Nodes, ", ")))
		}
	}
	for _, size := range []struct {
		name   string
		width  int
		height int
	}{{"phone", 360, 800}, {"desktop", 1366, 800}} {
		anon := j.person("a11y-anonymous-"+size.name, size.width, size.height)
		for _, view := range []string{"#/login", "#/register"} {
			anon.open(view)
			report(anon, view)
		}
		// The check itself must be able to fail: a button without a name is a critical finding.
		anon.eval(`document.body.append(Object.assign(document.createElement("button"), {id: "a11y-unnamed"})), ""`)
		if f := anon.axeRun(src); len(f) == 0 || f[0].ID != "button-name" {
			t.Fatalf("axe-core did not find an unnamed button: %+v", f)
		}
		anon.eval(`document.getElementById("a11y-unnamed").remove(), ""`)
		for _, role := range []string{"admin", "organiser", "producer", "buyer"} {
			a, ok := first[role]
			if !ok {
				t.Fatalf("the demo has no %s account", role)
			}
			b := j.person("a11y-"+role+"-"+size.name, size.width, size.height)
			b.login(a.Email, a.Password)
			out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](viewsJS, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s: list views: %v", b.name, err)
			}
			var views []string
			if err := json.Unmarshal([]byte(out), &views); err != nil || len(views) == 0 {
				t.Fatalf("%s: views %q: %v", b.name, out, err)
			}
			for _, view := range views {
				b.open(view)
				report(b, view)
			}
			if role == "organiser" {
				// The public page a visitor's QR scan opens, for one of the demo's products.
				code, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(async () => {
				  const p = ((await api("GET", "/api/products?limit=1")).data || {}).items || [];
				  return p.length ? ((await api("GET", "/api/products/" + p[0].id + "/scans")).data || {}).code || "" : ""; })()`, chromedp.EvalAwaitPromise))
				if err != nil || code == "" {
					t.Fatalf("a demo product's public code: %q, %v", code, err)
				}
				anon.run(chromedp.Navigate(j.base + "/v/" + code))
				anon.until("verification page", "document.getElementById('status').dataset.status", false)
				report(anon, "/v/"+code)
			}
		}
	}
	t.Logf("axe-core checked %d views", checked)
	for _, p := range problems {
		t.Error(p)
	}
}
