package index

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
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

// history publishes events the index folds, and some it does not, with synthetic times.
type history struct {
	t     *testing.T
	js    jetstream.JetStream
	clock time.Time
	revs  map[string]int64
	sent  int
}

func newHistory(t *testing.T, js jetstream.JetStream) *history {
	return &history{t: t, js: js, clock: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), revs: map[string]int64{}}
}

func (h *history) publish(subject, aggregate string, payload any) {
	h.t.Helper()
	env, err := events.New(subject, 1, aggregate, "", payload)
	if err != nil {
		h.t.Fatal(err)
	}
	env.OccurredAt = h.clock
	if err := bus.Publish(context.Background(), h.js, env); err != nil {
		h.t.Fatal(err)
	}
	h.sent++
}

func (h *history) rev(id string) int64 { h.revs[id]++; return h.revs[id] }

func (h *history) producer(i int) {
	id := fmt.Sprintf("p%03d", i)
	h.publish(events.ProducerUpdated, id, events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: id, AccountID: "acc-" + id,
		LegalName: fmt.Sprintf("HTX %s rev %d", id, h.revs[id]+1), ProvinceCode: "31", Region: "red_river_delta",
		Certifications: []events.CertificationV1{{Code: "vietgap", Number: "1", ValidUntil: h.clock.AddDate(1, 0, 0)}}, Revision: h.rev(id)}})
}

func (h *history) product(i, producers int, deleted bool) {
	id := fmt.Sprintf("x%04d", i)
	subject := events.ProductUpdated
	if deleted {
		subject = events.ProductDeleted
	}
	h.publish(subject, id, events.ProductChangedV1{Product: events.ProductV1{ID: id, ProducerID: fmt.Sprintf("p%03d", i%producers),
		NameVI: fmt.Sprintf("mật ong %d lần %d", i, h.revs[id]+1), NameEN: "honey", CriteriaSet: 1 + i%26, Sector: "food", Stars: 3 + i%3,
		Certificate: events.CertificateV1{ExpiresOn: h.clock.AddDate(2, 0, 0).Format(time.DateOnly)}, Unit: "kg",
		MonthlyCapacity: float64(1 + i%40), PriceMinVND: int64(10000 * (1 + i%7)), DescriptionVI: "đặc sản", Deleted: deleted, Revision: h.rev(id)}})
}

func (h *history) fair(i int, status string) {
	id := fmt.Sprintf("f%02d", i)
	h.publish(events.FairUpdated, id, events.FairChangedV1{Fair: events.FairV1{ID: id, NameVI: "Hội chợ " + id, Status: status,
		Organisers: []string{"org-1"}, Revision: h.rev(id)}})
}

func (h *history) booth(fair, code, producer, assignment string, released bool) {
	subject := events.BoothAssigned
	if released {
		subject = events.BoothReleased
	}
	h.publish(subject, fair+"/"+code, events.BoothAssignmentV1{AssignmentID: assignment, FairID: fair, BoothCode: code, ProducerID: producer, At: h.clock})
}

// noise is an event in the index's streams that it does not fold.
func (h *history) noise(i int) {
	id := fmt.Sprintf("a%05d", i)
	h.publish(events.ApplicationSubmitted, id, events.ApplicationChangedV1{Application: events.ApplicationV1{ID: id}})
}

// garbage publishes a message that is not an event on a subject the index folds.
func (h *history) garbage() {
	h.t.Helper()
	if _, err := h.js.Publish(context.Background(), events.ProductUpdated, []byte("{not json")); err != nil {
		h.t.Fatal(err)
	}
	h.sent++
}

// mixed publishes a varied stretch of history: producers, products updated and deleted, fairs,
// booths assigned, released and reassigned (one release arriving late), noise and a malformed
// message.
func (h *history) mixed(round int) {
	for i := range 12 {
		h.producer(i)
	}
	for i := range 80 {
		h.product(i, 12, (i+round)%9 == 0)
	}
	for i := range 3 {
		h.fair(i, []string{"draft", "published", "cancelled"}[(i+round)%3])
	}
	a1, a2 := fmt.Sprintf("0190-%02d-a", round), fmt.Sprintf("0190-%02d-b", round)
	h.booth("f00", "A1", "p001", a1, false)
	h.booth("f00", "A1", "p002", a2, false)
	h.booth("f00", "A1", "p001", a1, true) // late: must not take the booth from p002
	h.booth("f01", fmt.Sprintf("B%d", round), "p003", a1+"x", false)
	h.booth("f02", fmt.Sprintf("C%d", round), "p004", a1+"y", false)
	h.booth("f02", fmt.Sprintf("C%d", round), "p004", a1+"y", true)
	for i := range 10 {
		h.noise(round*10 + i)
	}
	h.garbage()
	h.clock = h.clock.Add(24 * time.Hour)
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

// TestRestartFromSnapshotEqualsFullReplay restarts the index from its snapshot and expects it to
// read only the events since the snapshot and to hold exactly what a replay of the whole history
// builds.
func TestRestartFromSnapshotEqualsFullReplay(t *testing.T) {
	js := streamsWith(t, bus.Retention{MaxAge: bus.StreamMaxAge})
	db := testenv.DB(t)
	h := newHistory(t, js)
	for round := range 3 {
		h.mixed(round)
	}
	snaps := NewSnapshots(db)
	first := follow(t, js, snaps)
	first.waitReady(t)
	waitUntil(t, "the first snapshot", func() bool { return countDocs(t, db, SnapshotCollection) == 1 })
	before := h.sent
	for round := 3; round < 5; round++ {
		h.mixed(round)
	}
	first.waitCaughtUp(t, js)
	first.stop()

	restarted := follow(t, js, snaps)
	restarted.waitReady(t)
	full := follow(t, js, nil)
	full.waitReady(t)

	st := restarted.x.Stats()
	if st.Snapshot == "" || st.Read != int64(h.sent-before) {
		t.Errorf("restarted from snapshot %q reading %d messages, want a snapshot and the %d published since", st.Snapshot, st.Read, h.sent-before)
	}
	if st := full.x.Stats(); st.Read != int64(h.sent) {
		t.Errorf("full replay read %d messages, want %d", st.Read, h.sent)
	}
	equalIndexes(t, "restart from snapshot against full replay", restarted.x, full.x)
	equalIndexes(t, "restart from snapshot against the replica that ran throughout", restarted.x, first.x)
	if !restarted.x.Exhibiting("f00", "p002") || restarted.x.Exhibiting("f00", "p001") {
		t.Error("booth A1 of f00: want p002 exhibiting and p001 not, after a late release of p001's earlier assignment")
	}
}

// TestYearOfEventsKeepsStartupAndStreamBounded publishes a year of daily product updates on a
// bounded catalogue, in compressed time: a day lasts 40 ms and the streams keep 30 such days, as
// production streams keep 30 days. Snapshots are written every ten (synthetic) days. The stream
// must hold about the last 30 days, not the year, and a restart must read only the days since the
// last snapshot.
func TestYearOfEventsKeepsStartupAndStreamBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes a year of events over about 15 s")
	}
	const (
		day       = 40 * time.Millisecond
		keptDays  = 30
		perDay    = 10 // product updates, plus one event the index ignores
		products  = 50
		producers = 10
		every     = 10 // days between snapshots
	)
	js := streamsWith(t, bus.Retention{MaxAge: keptDays * day})
	db := testenv.DB(t)
	h := newHistory(t, js)
	var clock atomic.Int64
	clock.Store(h.clock.UnixNano())
	snaps := NewSnapshots(db)
	snaps.Now = func() time.Time { return time.Unix(0, clock.Load()) }

	for i := range producers {
		h.producer(i)
	}
	running := follow(t, js, snaps)
	running.waitReady(t)
	started := time.Now()
	var sinceSnapshot int
	var perMsg uint64 // stored bytes per message, measured while nothing has aged out yet
	day1 := func(d int) {
		for k := range perDay {
			h.product((d*perDay+k*7)%products, producers, false)
		}
		h.noise(d)
		sinceSnapshot += perDay + 1
		h.clock = h.clock.Add(24 * time.Hour)
		clock.Store(h.clock.UnixNano())
	}
	for d := 1; d <= 360; d++ {
		day1(d)
		if d%every == 0 {
			running.waitCaughtUp(t, js)
			if saved, err := snaps.Save(context.Background(), running.x); err != nil || !saved {
				t.Fatalf("day %d: Save = %v, %v; want a snapshot written", d, saved, err)
			}
			sinceSnapshot = 0
			if d == every {
				st := streamState(t, js, "EXHIBITOR")
				perMsg = st.Bytes / st.Msgs
			}
		}
		// Pace the days: a day may take longer (a slow machine keeps fewer days), never less.
		time.Sleep(time.Until(started.Add(time.Duration(d) * day)))
	}

	published := 360 * (perDay + 1)
	// The server drops aged messages on a timer; allow it half the retention again.
	bound := uint64(keptDays*3/2) * (perDay + 1)
	var state jetstream.StreamState
	waitUntil(t, "the EXHIBITOR stream to drop aged events", func() bool {
		state = streamState(t, js, "EXHIBITOR")
		return state.Msgs <= bound
	})
	if state.FirstSeq <= uint64(published/2) {
		t.Errorf("EXHIBITOR stream starts at sequence %d of %d: it keeps history, not the last %d days", state.FirstSeq, state.LastSeq, keptDays)
	}
	if state.Bytes > bound*perMsg*3/2 {
		t.Errorf("EXHIBITOR stream holds %d bytes in %d messages, want at most about %d (%d messages of %d bytes)", state.Bytes, state.Msgs, bound*perMsg, bound, perMsg)
	}

	// The last days come after the last snapshot. Compressed days are short enough for a slow,
	// loaded machine to let them age out before the restart reads them, so the streams now keep
	// events for longer: the restart must still read only these days, not the year.
	if err := bus.EnsureStreamsWith(context.Background(), js, 1, bus.Retention{MaxAge: time.Hour}); err != nil {
		t.Fatal(err)
	}
	for d := 361; d <= 365; d++ {
		day1(d)
	}
	running.waitCaughtUp(t, js)
	running.stop()
	restarted := follow(t, js, snaps)
	restarted.waitReady(t)
	if st := restarted.x.Stats(); st.Read != int64(sinceSnapshot) {
		t.Errorf("restart read %d messages of %d published in the year; want the %d since the last snapshot", st.Read, 365*(perDay+1), sinceSnapshot)
	}
	equalIndexes(t, "restart after a year", restarted.x, running.x)
	if st := restarted.x.Stats(); st.Products != products || st.Producers != producers {
		t.Errorf("restarted index holds %d products of %d producers, want %d of %d", st.Products, st.Producers, products, producers)
	}
	if n := countDocs(t, db, SnapshotCollection); n > int64(snaps.Keep) {
		t.Errorf("%d snapshots stored, want at most %d", n, snaps.Keep)
	}
}

// TestAgedOutEventsAfterSnapshotKeepIndexNotReady stops the index for longer than the streams
// keep events: the restart must refuse readiness rather than rank without them, until the
// snapshots are dropped.
func TestAgedOutEventsAfterSnapshotKeepIndexNotReady(t *testing.T) {
	js := streamsWith(t, bus.Retention{MaxAge: 300 * time.Millisecond})
	db := testenv.DB(t)
	h := newHistory(t, js)
	h.mixed(0)
	snaps := NewSnapshots(db)
	first := follow(t, js, snaps)
	first.waitReady(t)
	waitUntil(t, "a snapshot", func() bool { return countDocs(t, db, SnapshotCollection) == 1 })
	first.stop()
	h.mixed(1)
	waitUntil(t, "the events after the snapshot to age out", func() bool {
		return streamState(t, js, "EXHIBITOR").Msgs == 0 && streamState(t, js, "EVENT").Msgs == 0
	})

	stale := follow(t, js, snaps)
	waitUntil(t, "the gap to be found", func() bool { return len(stale.x.Stats().Gaps) > 0 })
	if got, want := stale.x.Stats().Gaps, []string{"EXHIBITOR", "EVENT"}; !slices.Equal(got, want) {
		t.Errorf("gaps = %v, want %v", got, want)
	}
	if err := stale.x.Ready(context.Background()); err == nil {
		t.Error("Ready() = nil with events missing after the snapshot, want an error")
	}
	stale.stop()
	if n := countDocs(t, db, SnapshotCollection); n != 1 {
		t.Errorf("%d snapshots after a start with a gap, want the 1 there was (none written)", n)
	}

	if err := db.Collection(SnapshotCollection).Drop(context.Background()); err != nil {
		t.Fatal(err)
	}
	accepted := follow(t, js, snaps)
	accepted.waitReady(t)
}

// TestReplicasShareSnapshots runs two replicas writing snapshots often into one database: each
// interval is stored once, old ones are pruned, and no chunk is left without its snapshot.
func TestReplicasShareSnapshots(t *testing.T) {
	js := streamsWith(t, bus.Retention{MaxAge: bus.StreamMaxAge})
	db := testenv.DB(t)
	h := newHistory(t, js)
	snaps := NewSnapshots(db)
	snaps.Interval, snaps.Keep = 50*time.Millisecond, 2
	a, b := follow(t, js, snaps), follow(t, js, snaps)
	var written atomic.Int64
	counting := *snaps
	for round := range 8 {
		h.mixed(round)
		a.waitCaughtUp(t, js)
		if saved, err := counting.Save(context.Background(), a.x); err == nil && saved {
			written.Add(1)
		}
	}
	b.waitCaughtUp(t, js)
	a.stop()
	b.stop()
	if written.Load() == 0 {
		t.Fatal("no snapshot written")
	}
	docs, err := snaps.headers(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) > snaps.Keep {
		t.Errorf("%d snapshots kept, want at most %d", len(docs), snaps.Keep)
	}
	var chunks int64
	for _, d := range docs {
		chunks += int64(d.Chunks)
	}
	if n := countDocs(t, db, SnapshotChunkCollection); n != chunks {
		t.Errorf("%d chunks stored, want the %d of the kept snapshots", n, chunks)
	}
	equalIndexes(t, "two replicas", a.x, b.x)
}

// TestFollowReturnsWhenStoppedDuringReplay stops the index while its replay is held up: Follow must
// return (a shutdown must not wait for a replay that will never finish).
func TestFollowReturnsWhenStoppedDuringReplay(t *testing.T) {
	js := streamsWith(t, bus.Retention{MaxAge: bus.StreamMaxAge})
	// On the stream the index reads last, so that both its consumers run once reading starts; on
	// a subject it does not fold.
	last := streams()[len(streams())-1]
	if last != "EVENT" {
		t.Fatalf("the index reads %s last, want EVENT", last)
	}
	for i := range 2000 {
		if _, err := js.PublishAsync("event.test.noise", []byte(fmt.Sprintf(`{"n":%d}`, i))); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(30 * time.Second):
		t.Fatal("publishing timed out")
	}
	x := New()
	db := testenv.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- x.Follow(ctx, js, NewSnapshots(db), quiet) }()
	deadline := time.Now().Add(30 * time.Second)
	for x.read.Load() == 0 && time.Now().Before(deadline) {
		// spin: the replay is caught at its first messages
	}
	x.mu.RLock() // folding waits for the write lock: the replay stops here until Follow returns
	cancel()
	select {
	case err := <-done:
		x.mu.RUnlock()
		if err != nil {
			t.Errorf("Follow = %v, want nil after its context ended", err)
		}
	case <-time.After(10 * time.Second):
		x.mu.RUnlock()
		t.Fatal("Follow did not return within 10 s of its context ending during the replay")
	}
	if x.Ready(context.Background()) == nil {
		t.Error("Ready() = nil after a replay cut short")
	}
}
