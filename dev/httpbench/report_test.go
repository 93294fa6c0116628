package httpbench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sampleReport() *Report {
	ok := Result{Load: Load{Rate: 1000, Duration: 30 * time.Second}, Scheduled: 3, Sent: 3, OK: 3, Elapsed: 3 * time.Second,
		Latencies: []time.Duration{time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}, Failures: map[string]int{}}
	slow := Result{Load: ok.Load, Scheduled: 3, Sent: 3, OK: 1, Failed: 2, Elapsed: 8 * time.Second, Latencies: []time.Duration{4 * time.Second},
		Failures: map[string]int{"timeout": 2}, Examples: map[string]string{"timeout": "context deadline exceeded"}}
	return &Report{Sizes: Sizes{Producers: 2000, ProductsPerProducer: 5, BoothZones: 5, BoothRows: 5, BoothColumns: 20}, Load: ok.Load,
		WriteRate: 20, Targets: DefaultTargets,
		Reads:        []ReadResult{{Read{Name: "healthz"}, ok}, {Read{Name: "catalogue"}, slow}},
		Mixed:        Mixed{Reads: []ReadResult{{Read{Name: "catalogue"}, slow}}, Writes: ok},
		Staleness:    []Staleness{{Name: "rename", Delays: []time.Duration{time.Millisecond}}},
		MemorySeeded: []Memory{{"gateway", 1, 50 << 20}}, MemoryLoaded: []Memory{{"gateway", 1, 400 << 20}}}
}

// TestWriteText checks that each figure is marked against its target.
func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	sampleReport().WriteText(&b)
	out := b.String()
	marks := map[string]string{"healthz": "✔", "catalogue": "✘", "writes (submit, approve)": "✔", "rename": "✔", "gateway": "✘"}
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) > 1 && marks[f[0]] != "" && f[len(f)-1] != marks[f[0]] && !strings.HasSuffix(f[0], ":") {
			t.Errorf("WriteText() marks %s %s, want %s:\n%s", f[0], f[len(f)-1], marks[f[0]], out)
		}
	}
	for _, want := range []string{"catalogue: 2 × timeout, e.g. context deadline exceeded", "a fair of 500 booths"} {
		if !strings.Contains(out, want) {
			t.Errorf("WriteText() lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatalf("WriteJSON() = %v", err)
	}
	var doc struct {
		Reads []jsonRun `json:"reads"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("WriteJSON() wrote %v: %s", err, b.String())
	}
	if len(doc.Reads) != 2 || doc.Reads[1].Failures["timeout"] != 2 || doc.Reads[0].P99 != 3 {
		t.Errorf("WriteJSON() reads = %+v, want healthz p99 3 ms and catalogue with 2 timeouts", doc.Reads)
	}
}
