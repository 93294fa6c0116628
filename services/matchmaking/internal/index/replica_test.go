package index

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// streamsWith starts an embedded NATS server with the services' streams under retention r.
func streamsWith(t *testing.T, r bus.Retention) jetstream.JetStream {
	t.Helper()
	_, url := testenv.NATS(t)
	nc, js, err := bus.Connect(context.Background(), url, "test", quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if err := bus.EnsureStreamsWith(context.Background(), js, 1, r); err != nil {
		t.Fatal(err)
	}
	return js
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// replica is one running index, as a matchmaking replica runs it.
type replica struct {
	x    *Index
	stop func()
}

func follow(t *testing.T, js jetstream.JetStream, snaps *Snapshots) *replica {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	x := New()
	done := make(chan error, 1)
	go func() { done <- x.Follow(ctx, js, snaps, quiet) }()
	var once sync.Once
	r := &replica{x: x, stop: func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Follow: %v", err)
			}
		})
	}}
	t.Cleanup(r.stop)
	return r
}

func (r *replica) waitReady(t *testing.T) {
	t.Helper()
	waitUntil(t, "the index to be ready", func() bool { return r.x.Ready(context.Background()) == nil })
}

// waitCaughtUp waits until the index has read every message the streams hold now.
func (r *replica) waitCaughtUp(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	want := lastSeqs(t, js)
	waitUntil(t, "the index to catch up", func() bool {
		_, seqs := r.x.capture()
		for name, seq := range want {
			if seqs[name] < seq {
				return false
			}
		}
		return true
	})
}

func lastSeqs(t *testing.T, js jetstream.JetStream) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	for _, name := range streams() {
		out[name] = streamState(t, js, name).LastSeq
	}
	return out
}

func streamState(t *testing.T, js jetstream.JetStream, name string) jetstream.StreamState {
	t.Helper()
	st, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State
}

// equalIndexes fails the test when two indexes differ in content, or when a live product does not
// point at its producer.
func equalIndexes(t *testing.T, what string, got, want *Index) {
	t.Helper()
	g, gs := got.capture()
	w, ws := want.capture()
	if line, gl, wl := firstDifference(t, g, w); line > 0 {
		t.Errorf("%s: index differs from line %d of its encoding on:\ngot  %s\nwant %s", what, line, gl, wl)
	}
	if !maps.Equal(gs, ws) {
		t.Errorf("%s: stream sequences %v, want %v", what, gs, ws)
	}
	for _, x := range []*Index{got, want} {
		x.Read(func(v View) {
			v.Products(nil, func(p *Product) {
				if pr, ok := v.Producer(p.ProducerID); ok && p.Producer != pr {
					t.Errorf("%s: product %s does not point at its producer", what, p.ID)
				}
			})
		})
	}
}

// firstDifference compares two states by their snapshot encoding (sorted, so equal content encodes
// equally) and returns the first line that differs, 0 when none does.
func firstDifference(t *testing.T, got, want state) (int, string, string) {
	t.Helper()
	g, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := range max(len(gl), len(wl)) {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(wl) {
			b = wl[i]
		}
		if a != b {
			return i + 1, a, b
		}
	}
	return 0, "", ""
}

func countDocs(t *testing.T, db *storage.DB, coll string) int64 {
	t.Helper()
	n, err := db.Collection(coll).CountDocuments(context.Background(), bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
