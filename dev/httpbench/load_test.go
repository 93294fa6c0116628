package httpbench

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestOffsets(t *testing.T) {
	tests := []struct {
		name string
		load Load
		want []time.Duration
	}{
		{"four a second", Load{Rate: 4, Duration: time.Second}, []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond}},
		{"slower than one a second", Load{Rate: 0.5, Duration: 3 * time.Second}, []time.Duration{0, 2 * time.Second}},
		{"shorter than one interval", Load{Rate: 1, Duration: 100 * time.Millisecond}, []time.Duration{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.load.Offsets(); !slices.Equal(got, tt.want) {
				t.Errorf("%+v.Offsets() = %v, want %v", tt.load, got, tt.want)
			}
		})
	}
	t.Run("a full read", func(t *testing.T) {
		l := Load{Rate: 1000, Duration: 30 * time.Second}
		off := l.Offsets()
		if len(off) != 30000 || off[29999] != 29999*time.Millisecond {
			t.Errorf("%+v.Offsets() has %d offsets ending at %v, want 30000 ending at 29.999s", l, len(off), off[len(off)-1])
		}
	})
}

func TestPercentile(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"none", nil, 0.99, 0},
		{"one", []time.Duration{7}, 0.5, 7},
		{"p50 of 1..100", hundred, 0.5, 50 * time.Millisecond},
		{"p99 of 1..100", hundred, 0.99, 99 * time.Millisecond},
		{"max of 1..100", hundred, 1, 100 * time.Millisecond},
		{"tiny q is the least", hundred, 0.001, time.Millisecond},
		{"p99 of 10 is the largest", hundred[:10], 0.99, 10 * time.Millisecond},
		{"p50 of 4 is the second", hundred[:4], 0.5, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.q); got != tt.want {
				t.Errorf("Percentile(%d values, %v) = %v, want %v", len(tt.sorted), tt.q, got, tt.want)
			}
		})
	}
}

// getter builds GET requests of url?i=<i>.
func getter(url string) Build {
	return func(ctx context.Context, i int) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, url+"?i="+strconv.Itoa(i), nil)
	}
}

func client() *http.Client { return &http.Client{Transport: NewTransport(100)} }

// TestRunIsOpenLoop holds every request until all have arrived: a generator that waited for an
// answer before sending the next request would never get them all there, and each latency must
// count from when the request was due, so the first one's includes the whole schedule.
func TestRunIsOpenLoop(t *testing.T) {
	l := Load{Rate: 200, Duration: 100 * time.Millisecond, Timeout: 10 * time.Second}
	n := l.Count()
	var arrived atomic.Int32
	all := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(arrived.Add(1)) == n {
			once.Do(func() { close(all) })
		}
		<-all
	}))
	defer srv.Close()
	res := Run(context.Background(), client(), l, getter(srv.URL), nil)
	if res.OK != n || res.Failed != 0 {
		t.Fatalf("Run(%d requests, all held until all arrive) = %d ok, %d failed (%v), want all ok", n, res.OK, res.Failed, res.Examples)
	}
	last := l.Offsets()[n-1]
	if res.Max() < last {
		t.Errorf("Run() max latency = %v, want at least %v: the first request was due at 0 and answered after the last was sent", res.Max(), last)
	}
	if res.Throughput() <= 0 || res.Elapsed < last {
		t.Errorf("Run() throughput %v over %v, want positive over at least %v", res.Throughput(), res.Elapsed, last)
	}
}

// TestRunCapsInFlight holds every request past its timeout: the requests due while the cap is
// reached are failures of their own kind, and the held ones time out.
func TestRunCapsInFlight(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	l := Load{Rate: 1000, Duration: 10 * time.Millisecond, MaxInFlight: 3, Timeout: time.Second}
	res := Run(context.Background(), client(), l, getter(srv.URL), nil)
	want := map[string]int{"over in-flight cap": 7, "timeout": 3}
	if res.Sent != 3 || res.OK != 0 || len(res.Failures) != 2 || res.Failures["over in-flight cap"] != 7 || res.Failures["timeout"] != 3 {
		t.Errorf("Run(10 requests, cap 3, none answered) = sent %d, ok %d, failures %v, want sent 3, ok 0, failures %v", res.Sent, res.OK, res.Failures, want)
	}
}

func TestRunFailureKinds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("i"))
		if i%2 == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("fine"))
	}))
	defer srv.Close()
	check := func(i int, body []byte) error {
		if i == 2 {
			return errors.New("not what was asked for")
		}
		return nil
	}
	res := Run(context.Background(), client(), Load{Rate: 1000, Duration: 10 * time.Millisecond, Timeout: 5 * time.Second}, getter(srv.URL), check)
	want := map[string]int{"status 503": 5, "wrong answer": 1}
	if res.OK != 4 || res.Failed != 6 || len(res.Failures) != 2 || res.Failures["status 503"] != 5 || res.Failures["wrong answer"] != 1 {
		t.Errorf("Run(10 requests, odd ones 503, the third wrong) = ok %d, failures %v, want ok 4, failures %v", res.OK, res.Failures, want)
	}
	if got := res.FailureKinds(); !slices.Equal(got, []string{"status 503", "wrong answer"}) {
		t.Errorf("FailureKinds() = %v, want the most frequent first", got)
	}
	if res.Examples["status 503"] != "busy" {
		t.Errorf("Examples[status 503] = %q, want the body %q", res.Examples["status 503"], "busy")
	}
}

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://[::1]:8080", true},
		{"http://10.0.0.1:8080", false},
		{"http://example.com", false},
		{"https://127.0.0.1:8443", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if err := CheckLoopback(tt.url); (err == nil) != tt.ok {
				t.Errorf("CheckLoopback(%q) = %v, want ok %v", tt.url, err, tt.ok)
			}
		})
	}
}

func TestTransportRefusesOtherHosts(t *testing.T) {
	c := &http.Client{Transport: NewTransport(1), Timeout: 5 * time.Second}
	// 192.0.2.1 is TEST-NET-1: the dialer must refuse it before any packet leaves.
	_, err := c.Get("http://192.0.2.1:9/")
	if err == nil {
		t.Fatal("Get(192.0.2.1) = nil error, want the dialer to refuse a non-loopback address")
	}
}
