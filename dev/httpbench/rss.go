package httpbench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Memory is a service process's resident set.
type Memory struct {
	Service string `json:"service"`
	PID     int    `json:"pid"`
	// RSS in bytes (VmRSS), 0 when the process was not found.
	RSS int64 `json:"rss_bytes"`
}

// FindPID returns the process running binary bin (an absolute path) whose environment has
// OCOPFAIR_DATA_DIR=dataDir: localstack does not hand out its children's process IDs, and the
// binary and the data directory together name one service of one stack on this machine.
func FindPID(bin, dataDir string) (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	want := []byte("OCOPFAIR_DATA_DIR=" + dataDir + "\x00")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		// A binary rebuilt while its process runs shows as deleted.
		if err != nil || strings.TrimSuffix(exe, " (deleted)") != bin {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && bytes.Contains(env, want) {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("httpbench: no process of %s with data in %s", bin, dataDir)
}

// RSS returns the VmRSS of a process in bytes.
func RSS(pid int) (int64, error) {
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, fmt.Errorf("httpbench: no VmRSS in /proc/%d/status", pid)
}

// Memories reads the RSS of each service, started from binDir/<service> with data in
// dataDir/<service>; both must be absolute.
func Memories(services []string, binDir, dataDir string) []Memory {
	out := make([]Memory, 0, len(services))
	for _, s := range services {
		m := Memory{Service: s}
		if pid, err := FindPID(filepath.Join(binDir, s), filepath.Join(dataDir, s)); err == nil {
			m.PID = pid
			m.RSS, _ = RSS(pid)
		}
		out = append(out, m)
	}
	return out
}
