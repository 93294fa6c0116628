package index

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

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

// The year of TestYearOfEventsKeepsStartupAndStreamBounded, in compressed time.
const (
	yearDay       = 40 * time.Millisecond
	yearKeptDays  = 30
	yearPerDay    = 10 // product updates, plus one event the index ignores
	yearProducts  = 50
	yearProducers = 10
	yearEvery     = 10 // days between snapshots
)

// TestYearOfEventsKeepsStartupAndStreamBounded publishes a year of daily product updates on a
// bounded catalogue, in compressed time: a day lasts 40 ms and the streams keep 30 such days, as
// production streams keep 30 days. Snapshots are written every ten (synthetic) days. The stream
// must hold about the last 30 days, not the year, and a restart must read only the days since the
// last snapshot.
func TestYearOfEventsKeepsStartupAndStreamBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("publishes a year of events over about 15 s")
	}
	y := startYear(t)
	stepLiveAYear(t, y)
	stepStreamKeepsTheLastDays(t, y)
	stepRestartReadsSinceLastSnapshot(t, y)
}

// year is what the steps of TestYearOfEventsKeepsStartupAndStreamBounded share.
type year struct {
	js      jetstream.JetStream
	db      *storage.DB
	h       *history
	clock   atomic.Int64 // the snapshots' clock, h.clock as Unix nanoseconds
	snaps   *Snapshots
	running *replica
	// sinceSnapshot counts the messages published since the last snapshot.
	sinceSnapshot int
	// perMsg is the stored bytes per message, measured while nothing has aged out yet.
	perMsg uint64
}

// startYear registers the producers and starts a replica on streams that keep 30 days.
func startYear(t *testing.T) *year {
	js := streamsWith(t, bus.Retention{MaxAge: yearKeptDays * yearDay})
	y := &year{js: js, db: testenv.DB(t), h: newHistory(t, js)}
	y.clock.Store(y.h.clock.UnixNano())
	y.snaps = NewSnapshots(y.db)
	y.snaps.Now = func() time.Time { return time.Unix(0, y.clock.Load()) }
	for i := range yearProducers {
		y.h.producer(i)
	}
	y.running = follow(t, js, y.snaps)
	y.running.waitReady(t)
	return y
}

// day publishes day d's product updates and one event the index ignores, then moves the clock on
// by a day.
func (y *year) day(d int) {
	for k := range yearPerDay {
		y.h.product((d*yearPerDay+k*7)%yearProducts, yearProducers, false)
	}
	y.h.noise(d)
	y.sinceSnapshot += yearPerDay + 1
	y.h.clock = y.h.clock.Add(24 * time.Hour)
	y.clock.Store(y.h.clock.UnixNano())
}

// stepLiveAYear publishes 360 days, writing a snapshot every ten of them.
func stepLiveAYear(t *testing.T, y *year) {
	started := time.Now()
	for d := 1; d <= 360; d++ {
		y.day(d)
		if d%yearEvery == 0 {
			y.running.waitCaughtUp(t, y.js)
			if saved, err := y.snaps.Save(context.Background(), y.running.x); err != nil || !saved {
				t.Fatalf("day %d: Save = %v, %v; want a snapshot written", d, saved, err)
			}
			y.sinceSnapshot = 0
			if d == yearEvery {
				st := streamState(t, y.js, "EXHIBITOR")
				y.perMsg = st.Bytes / st.Msgs
			}
		}
		// Pace the days: a day may take longer (a slow machine keeps fewer days), never less.
		time.Sleep(time.Until(started.Add(time.Duration(d) * yearDay)))
	}
}

// stepStreamKeepsTheLastDays expects the EXHIBITOR stream to hold about the last 30 days.
func stepStreamKeepsTheLastDays(t *testing.T, y *year) {
	published := 360 * (yearPerDay + 1)
	// The server drops aged messages on a timer; allow it half the retention again.
	bound := uint64(yearKeptDays*3/2) * (yearPerDay + 1)
	var state jetstream.StreamState
	waitUntil(t, "the EXHIBITOR stream to drop aged events", func() bool {
		state = streamState(t, y.js, "EXHIBITOR")
		return state.Msgs <= bound
	})
	if state.FirstSeq <= uint64(published/2) {
		t.Errorf("EXHIBITOR stream starts at sequence %d of %d: it keeps history, not the last %d days", state.FirstSeq, state.LastSeq, yearKeptDays)
	}
	if state.Bytes > bound*y.perMsg*3/2 {
		t.Errorf("EXHIBITOR stream holds %d bytes in %d messages, want at most about %d (%d messages of %d bytes)", state.Bytes, state.Msgs, bound*y.perMsg, bound, y.perMsg)
	}
}

// stepRestartReadsSinceLastSnapshot publishes the last days after the last snapshot and restarts
// the index: it must read only these days and end up equal to the replica that ran all year.
func stepRestartReadsSinceLastSnapshot(t *testing.T, y *year) {
	// Compressed days are short enough for a slow, loaded machine to let them age out before the
	// restart reads them, so the streams now keep events for longer: the restart must still read
	// only these days, not the year.
	if err := bus.EnsureStreamsWith(context.Background(), y.js, 1, bus.Retention{MaxAge: time.Hour}); err != nil {
		t.Fatal(err)
	}
	for d := 361; d <= 365; d++ {
		y.day(d)
	}
	y.running.waitCaughtUp(t, y.js)
	y.running.stop()
	restarted := follow(t, y.js, y.snaps)
	restarted.waitReady(t)
	if st := restarted.x.Stats(); st.Read != int64(y.sinceSnapshot) {
		t.Errorf("restart read %d messages of %d published in the year; want the %d since the last snapshot", st.Read, 365*(yearPerDay+1), y.sinceSnapshot)
	}
	equalIndexes(t, "restart after a year", restarted.x, y.running.x)
	if st := restarted.x.Stats(); st.Products != yearProducts || st.Producers != yearProducers {
		t.Errorf("restarted index holds %d products of %d producers, want %d of %d", st.Products, st.Producers, yearProducts, yearProducers)
	}
	// A ready replica writes its first snapshot at once and prunes after it: count once it has
	// stopped, not between the two.
	restarted.stop()
	if n := countDocs(t, y.db, SnapshotCollection); n > int64(y.snaps.Keep) {
		t.Errorf("%d snapshots stored, want at most %d", n, y.snaps.Keep)
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
