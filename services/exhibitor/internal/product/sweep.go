package product

import (
	"context"
	"time"
)

// Sweep announces every certificate that expired by now and was not announced yet, in batches,
// waking the outbox relay (notify) after each batch, and returns how many it announced. The
// candidates come from the catalogue read model, not from a query: on the embedded FerretDB a
// query on the expiry dates reads every product and holds the database for seconds. Safe to run
// on several replicas at once: each announcement is an insert with a unique key.
func Sweep(ctx context.Context, st *Store, m *Catalogue, now time.Time, notify func()) (int, error) {
	announced := 0
	for range 1000 { // a bound for the loop: 200,000 certificates expiring at once
		batch := m.Expired(now, 200)
		if len(batch) == 0 {
			return announced, nil
		}
		for _, l := range batch {
			ok, err := st.AnnounceExpiry(ctx, l, now)
			if err != nil {
				return announced, err
			}
			m.Announced(l.ID, l.Certificate.DecisionNo)
			if ok {
				announced++
			}
		}
		notify()
	}
	return announced, nil
}
