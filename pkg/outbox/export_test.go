package outbox

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// SetSweepEvery changes how often r sweeps, for tests of the sweep.
func SetSweepEvery(r *Relay, d time.Duration) { r.sweepEvery = d }

// FlushMarkAsRead runs r's handling of the marker of docID in collection as a pass that read it
// before write ran: it reads the marker, runs write, then handles the marker it read.
func FlushMarkAsRead(ctx context.Context, r *Relay, collection string, docID any, write func()) (int, error) {
	var m pendingMark
	if err := r.pending.FindOne(ctx, bson.M{"_id": markKey(collection, docID)}).Decode(&m); err != nil {
		return 0, err
	}
	write()
	p := &pass{now: time.Now().UTC(), held: map[string]bool{}, down: map[string]bool{}}
	r.flushMark(ctx, r.byName[collection], m, p)
	return p.published, nil
}

// SetBeforeWrite makes w run fn between each write's pending marker and the write.
func SetBeforeWrite(w *Writer, fn func()) { w.beforeWrite = fn }

// SetBeforeClear makes r run fn just before it clears a marker.
func SetBeforeClear(r *Relay, fn func()) { r.beforeClear = fn }
