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
// site; the page loads them by the version of the worker that keeps them, and any file changed
// changes that version.
func TestOfflineShellKeepsWhatThePageLoads(t *testing.T) {
	files, _ := fs.Sub(static, "static")
	version, shell := shellFiles(files)
	worker := string(offlineShell(files, version, shell))
	if strings.Contains(worker, "__") || !strings.Contains(worker, `const VERSION = "`+version+`";`) {
		t.Fatalf("the worker has a blank left or another version: %.300s", worker)
	}
	m := regexp.MustCompile(`(?m)^const SHELL = (\[.*\]);$`).FindStringSubmatch(worker)
	if m == nil {
		t.Fatal("the worker lists no files")
	}
	var kept []string
	if err := json.Unmarshal([]byte(m[1]), &kept); err != nil {
		t.Fatal(err)
	}
	want := []string{"/"}
	for _, ref := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(string(versioned(files, version)), -1) {
		if !strings.HasSuffix(ref[1], "?v="+version) {
			t.Errorf("the page loads %s, not by its version %s", ref[1], version)
		}
		want = append(want, ref[1])
	}
	slices.Sort(kept)
	slices.Sort(want)
	if !slices.Equal(kept, want) {
		t.Errorf("the shell keeps %v, want what the page loads: %v", kept, want)
	}
	changed := fstest.MapFS{}
	for _, name := range []string{"sw.js", "index.html", "core.js"} {
		body, _ := fs.ReadFile(files, name)
		changed[name] = &fstest.MapFile{Data: body}
	}
	before, _ := shellFiles(changed)
	changed["core.js"].Data = append(changed["core.js"].Data, ' ')
	if after, _ := shellFiles(changed); after == before {
		t.Error("a file changed and the console's version did not")
	}
}

// A file asked for at the console's version is kept for ever (its address changes with any
// file); asked for without it, or at another version, five minutes.
func TestVersionedFilesAreKeptForEver(t *testing.T) {
	for _, c := range []struct{ v, want string }{{"abc123", "public, max-age=31536000, immutable"}, {"", "public, max-age=300"}, {"old", "public, max-age=300"}} {
		if got := staticCache(c.v, "abc123"); got != c.want {
			t.Errorf("staticCache(%q) = %q, want %q", c.v, got, c.want)
		}
	}
}
