package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Services are the service binaries a whole-system test runs.
var Services = []string{"gateway", "event", "exhibitor", "matchmaking"}

// Binaries returns a directory with the service binaries: OCOPFAIR_BIN_DIR (make test builds
// them first) or, without it, a fresh build from the repository root at root (a path relative to
// the test's package). Each binary is stat'ed so that go test reruns the test after a rebuild.
func Binaries(tb testing.TB, root string) string {
	tb.Helper()
	if dir := os.Getenv("OCOPFAIR_BIN_DIR"); dir != "" {
		for _, s := range Services {
			if _, err := os.Stat(filepath.Join(dir, s)); err != nil {
				tb.Fatalf("service binary missing (run make build): %v", err)
			}
		}
		return dir
	}
	dir := tb.TempDir()
	for _, s := range Services {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, s), ".")
		cmd.Dir = filepath.Join(root, "services", s)
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("build %s: %v\n%s", s, err, out)
		}
	}
	return dir
}
