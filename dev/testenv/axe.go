package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Axe returns the source of axe-core, the accessibility engine the browser tests run inside a
// page: the file OCOPFAIR_AXE names (`make test` sets it after `make axe` fetched it), or the
// copy `make axe` leaves in .cache at the repository's root.
func Axe(tb testing.TB) string {
	tb.Helper()
	paths := []string{os.Getenv("OCOPFAIR_AXE")}
	if dir, err := os.Getwd(); err == nil {
		for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			found, _ := filepath.Glob(filepath.Join(dir, ".cache", "axe-core-*", "package", "axe.min.js"))
			paths = append(paths, found...)
		}
	}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if src, err := os.ReadFile(p); err == nil {
			return string(src)
		}
	}
	tb.Fatal("axe-core is not fetched: run `make axe` (or set OCOPFAIR_AXE to axe.min.js)")
	return ""
}
