package console_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// serviceLogs keeps the last lines the system's services print (warnings and worse in these
// tests) and, when the test fails, logs them after the system stopped: a service that crashed or
// refused something says so there.
func serviceLogs(t *testing.T) *logTail {
	l := &logTail{max: 60}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the services' last %d lines:\n%s", len(l.lines), strings.Join(l.lines, "\n"))
		}
	})
	return l
}

// logTail is an io.Writer that keeps the last max lines written to it; the services' output is
// copied to it from one goroutine per service.
type logTail struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range bytes.Split(bytes.TrimRight(p, "\n"), []byte("\n")) {
		l.lines = append(l.lines, string(line))
	}
	if over := len(l.lines) - l.max; over > 0 {
		l.lines = append(l.lines[:0], l.lines[over:]...)
	}
	return len(p), nil
}
