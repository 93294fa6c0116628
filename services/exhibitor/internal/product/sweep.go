package product

import (
	"context"
	"time"
)

// Sweep announces every certificate that expired by now and was not announced yet, in batches,
// waking the outbox relay (notify) after each batch, and returns how many it announced. Safe to
// run on several replicas at once: each announcement is an insert with a unique key.
func Sweep(ctx context.Context, st *Store, now time.Time, notify func()) (int, error) {
	announced := 0
	for round := 0; round < 100; round++ {
		batch, err := st.ExpiredUnannounced(ctx, now, 200)
		if err != nil || len(batch) == 0 {
			return announced, err
		}
		for _, l := range batch {
			ok, err := st.AnnounceExpiry(ctx, l, now)
			if err != nil {
				return announced, err
			}
			if ok {
				announced++
			}
		}
		notify()
	}
	return announced, nil
}
