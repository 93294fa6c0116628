package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Chromium returns the path of the Chromium the browser tests drive: OCOPFAIR_CHROMIUM, or
// Debian's package. It fails the test when there is none (`make test` installs it).
func Chromium(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{os.Getenv("OCOPFAIR_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	tb.Fatal("Chromium is not installed: `make test` installs Debian's chromium package (apt-get install chromium)")
	return ""
}
