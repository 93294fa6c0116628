package httpbench

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// Targets are the figures issue 17 asks for.
type Targets struct {
	// ReadP99 bounds every read's p99 at the read rate, with no failures.
	ReadP99 time.Duration
	// WriteP99 bounds the writes' p99 while reads run.
	WriteP99 time.Duration
	// StaleP99 bounds write → visible.
	StaleP99 time.Duration
	// RSS bounds each service's memory.
	RSS int64
}

// DefaultTargets are issue 17's.
var DefaultTargets = Targets{ReadP99: 50 * time.Millisecond, WriteP99: 100 * time.Millisecond, StaleP99: 200 * time.Millisecond, RSS: 300 << 20}

// Report is everything a bench run measured.
type Report struct {
	Sizes     Sizes
	Load      Load
	WriteRate float64
	Targets   Targets
	// Demo, Seed and Visible are how long loading the demo data, generating the bench data and
	// waiting for it to show in the reads took.
	Demo, Seed, Visible time.Duration
	SeedSteps           []Step
	Reads               []ReadResult
	Mixed               Mixed
	Staleness           []Staleness
	MemorySeeded        []Memory
	MemoryLoaded        []Memory
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

func mark(ok bool) string {
	if ok {
		return "✔"
	}
	return "✘"
}

// meets reports whether a run had no failures and its p99 under limit.
func meets(r Result, limit time.Duration) bool {
	return r.Failed == 0 && r.OK > 0 && r.Percentile(0.99) < limit
}

// writeRuns prints a table of runs, each marked against limit (the last row against last, when
// it is not zero: the writes beside the reads).
func writeRuns(w io.Writer, rows []ReadResult, limit, last time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "request\trate/s\tgot/s\tok\tfailed\tp50\tp99\tmax\ttarget\t")
	for i, r := range rows {
		if i == len(rows)-1 && last != 0 {
			limit = last
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t%d\t%d\t%s\t%s\t%s\t%s\t\n", r.Read.Name, r.Load.Rate, r.Throughput(), r.OK, r.Failed,
			ms(r.Percentile(0.5)), ms(r.Percentile(0.99)), ms(r.Max()), mark(meets(r.Result, limit)))
	}
	_ = tw.Flush()
	writeFailures(w, rows)
}

func writeFailures(w io.Writer, rows []ReadResult) {
	for _, r := range rows {
		for _, k := range r.FailureKinds() {
			fmt.Fprintf(w, "  %s: %d × %s, e.g. %s\n", r.Read.Name, r.Failures[k], k, clip(r.Examples[k], 140))
		}
		if r.Lag > 100*time.Millisecond {
			fmt.Fprintf(w, "  %s: the generator sent a request up to %s late (this machine was saturated)\n", r.Read.Name, ms(r.Lag))
		}
	}
}

// WriteText prints the report as tables for a terminal.
func (rep *Report) WriteText(w io.Writer) {
	t := rep.Targets
	s := rep.Sizes
	fmt.Fprintf(w, "\nData: demo + %d producers, %d products, a fair of %d booths; a pool of %d producer accounts, %d meetings.\n",
		s.Producers, s.Producers*s.ProductsPerProducer, s.Booths(), s.Pool, s.Meetings)
	fmt.Fprintf(w, "Seeding: demo %s, generated data %s, visible in the reads after %s more.\n", rep.Demo.Round(time.Millisecond),
		rep.Seed.Round(time.Millisecond), rep.Visible.Round(time.Millisecond))
	fmt.Fprintf(w, "\nReads through the gateway, each alone: open loop at %.0f/s for %s, timeout %s (target: p99 < %s, no failures)\n",
		rep.Load.Rate, rep.Load.Duration, rep.Load.Timeout, ms(t.ReadP99))
	writeRuns(w, rep.Reads, t.ReadP99, 0)
	fmt.Fprintf(w, "\nWrites at %.0f/s (applications submitted and approved) while the catalogue and the floor plan share %.0f reads/s (target: write p99 < %s)\n",
		rep.WriteRate, rep.Load.Rate, ms(t.WriteP99))
	rows := append(append([]ReadResult{}, rep.Mixed.Reads...), ReadResult{Read{Name: "writes (submit, approve)"}, rep.Mixed.Writes})
	writeRuns(w, rows, t.ReadP99, t.WriteP99)
	fmt.Fprintf(w, "\nStaleness: a write's answer → first read through the gateway that shows it (target: p99 < %s)\n", ms(t.StaleP99))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "write → read\tn\tfailed\tp50\tp99\tmax\ttarget\t")
	for _, st := range rep.Staleness {
		p99 := Percentile(st.Delays, 0.99)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", st.Name, len(st.Delays), st.Failed, ms(Percentile(st.Delays, 0.5)), ms(p99),
			ms(Percentile(st.Delays, 1)), mark(st.Failed == 0 && len(st.Delays) > 0 && p99 < t.StaleP99))
	}
	_ = tw.Flush()
	for _, st := range rep.Staleness {
		if st.First != "" {
			fmt.Fprintf(w, "  %s: first failure: %s\n", st.Name, clip(st.First, 200))
		}
	}
	fmt.Fprintf(w, "\nMemory of each service, VmRSS (target: < %d MB)\n", t.RSS>>20)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "service\tpid\tafter seeding\tafter the load\ttarget\t")
	for i, m := range rep.MemorySeeded {
		var after Memory
		if i < len(rep.MemoryLoaded) {
			after = rep.MemoryLoaded[i]
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t\n", m.Service, m.PID, mb(m.RSS), mb(after.RSS), mark(m.RSS > 0 && m.RSS < t.RSS && after.RSS < t.RSS))
	}
	_ = tw.Flush()
}

func mb(b int64) string {
	if b == 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}

// jsonRun is a run in the JSON report, durations in milliseconds.
type jsonRun struct {
	Name       string            `json:"name"`
	Rate       float64           `json:"rate"`
	Throughput float64           `json:"throughput"`
	Scheduled  int               `json:"scheduled"`
	OK         int               `json:"ok"`
	Failed     int               `json:"failed"`
	Failures   map[string]int    `json:"failures,omitempty"`
	Examples   map[string]string `json:"examples,omitempty"`
	P50        float64           `json:"p50_ms"`
	P99        float64           `json:"p99_ms"`
	Max        float64           `json:"max_ms"`
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func toJSONRun(r ReadResult) jsonRun {
	return jsonRun{Name: r.Read.Name, Rate: r.Load.Rate, Throughput: r.Throughput(), Scheduled: r.Scheduled, OK: r.OK, Failed: r.Failed,
		Failures: r.Failures, Examples: r.Examples, P50: msf(r.Percentile(0.5)), P99: msf(r.Percentile(0.99)), Max: msf(r.Max())}
}

// WriteJSON prints the report as one JSON document.
func (rep *Report) WriteJSON(w io.Writer) error {
	runs := func(rs []ReadResult) []jsonRun {
		out := make([]jsonRun, len(rs))
		for i, r := range rs {
			out[i] = toJSONRun(r)
		}
		return out
	}
	type stale struct {
		Name   string  `json:"name"`
		N      int     `json:"n"`
		Failed int     `json:"failed"`
		P50    float64 `json:"p50_ms"`
		P99    float64 `json:"p99_ms"`
	}
	var st []stale
	for _, s := range rep.Staleness {
		st = append(st, stale{s.Name, len(s.Delays), s.Failed, msf(Percentile(s.Delays, 0.5)), msf(Percentile(s.Delays, 0.99))})
	}
	doc := map[string]any{
		"sizes": rep.Sizes, "rate": rep.Load.Rate, "duration_s": rep.Load.Duration.Seconds(), "write_rate": rep.WriteRate,
		"demo_s": rep.Demo.Seconds(), "seed_s": rep.Seed.Seconds(), "visible_s": rep.Visible.Seconds(),
		"reads": runs(rep.Reads), "mixed_reads": runs(rep.Mixed.Reads), "writes": toJSONRun(ReadResult{Read{Name: "writes"}, rep.Mixed.Writes}),
		"staleness": st, "memory_seeded": rep.MemorySeeded, "memory_loaded": rep.MemoryLoaded,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
