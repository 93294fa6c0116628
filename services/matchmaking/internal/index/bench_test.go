package index

import (
	"context"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// BenchmarkStartFromSnapshot measures what a replica's start costs before it replays the streams:
// reading the newest snapshot of a national-scale index (5,000 producers, 20,000 products) from
// the embedded database and rebuilding the index from it. It reports the snapshot's stored size.
func BenchmarkStartFromSnapshot(b *testing.B) {
	src := New()
	if err := src.Synthetic(5000, 20000, time.Now()); err != nil {
		b.Fatal(err)
	}
	snaps := NewSnapshots(testenv.DB(b))
	ctx := context.Background()
	if saved, err := snaps.Save(ctx, src); err != nil || !saved {
		b.Fatalf("Save = %v, %v", saved, err)
	}
	var size int64
	for b.Loop() {
		snap, err := snaps.load(ctx, quiet)
		if err != nil || snap == nil {
			b.Fatalf("load = %v, %v", snap, err)
		}
		x := New()
		x.restore(snap.state, snap.seqs)
		if st := x.Stats(); st.Products != src.Stats().Products {
			b.Fatalf("restored %d products, want %d", st.Products, src.Stats().Products)
		}
		docs, _ := snaps.headers(ctx, 1)
		size = docs[0].Size
	}
	b.ReportMetric(float64(size)/1024, "snapshot-KiB")
}
