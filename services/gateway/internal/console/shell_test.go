package console

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The offline shell keeps the page and every script and style sheet it loads, nothing else of the
// site, under a version that changes with any of them.
func TestOfflineShellKeepsWhatThePageLoads(t *testing.T) {
	files, _ := fs.Sub(static, "static")
	worker := string(offlineShell(files))
	if strings.Contains(worker, "__") {
		t.Fatalf("the worker has a blank left: %.200s", worker)
	}
	m := regexp.MustCompile(`(?m)^const SHELL = (\[.*\]);$`).FindStringSubmatch(worker)
	if m == nil {
		t.Fatal("the worker lists no files")
	}
	var shell []string
	if err := json.Unmarshal([]byte(m[1]), &shell); err != nil {
		t.Fatal(err)
	}
	index, _ := fs.ReadFile(files, "index.html")
	want := []string{"/"}
	for _, ref := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(string(index), -1) {
		want = append(want, ref[1])
	}
	for _, w := range want {
		if !slices.Contains(shell, w) {
			t.Errorf("the shell keeps %v, not %s, which the page loads", shell, w)
		}
	}
	if slices.Contains(shell, "/static/sw.js") || slices.Contains(shell, "/static/index.html") || len(shell) != len(want) {
		t.Errorf("the shell keeps %v, want only %v", shell, want)
	}
	version := regexp.MustCompile(`const VERSION = "([0-9a-f]{16})";`).FindStringSubmatch(worker)
	if version == nil {
		t.Fatal("the worker has no version")
	}
	changed := fstest.MapFS{}
	for _, name := range append([]string{"sw.js", "index.html"}, strings.TrimPrefix(want[1], "/static/")) {
		body, _ := fs.ReadFile(files, name)
		changed[name] = &fstest.MapFile{Data: body}
	}
	before := string(offlineShell(changed))
	changed[strings.TrimPrefix(want[1], "/static/")].Data = append(changed[strings.TrimPrefix(want[1], "/static/")].Data, ' ')
	if after := string(offlineShell(changed)); after == before {
		t.Error("a file changed and the shell's version did not")
	}
}
