package product

import (
	"context"
	"sync"
)

// oneEach lets one holder at a time of each key go on: a key's next waits until the one before is
// done. The zero value is ready to use.
type oneEach struct {
	mu   sync.Mutex
	busy map[string]chan struct{}
}

// take waits until no one else holds key, or until ctx ends, and returns the release.
func (o *oneEach) take(ctx context.Context, key string) (done func(), err error) {
	for {
		o.mu.Lock()
		if o.busy == nil {
			o.busy = map[string]chan struct{}{}
		}
		held, ok := o.busy[key]
		if !ok {
			mine := make(chan struct{})
			o.busy[key] = mine
			o.mu.Unlock()
			return func() {
				o.mu.Lock()
				delete(o.busy, key)
				o.mu.Unlock()
				close(mine)
			}, nil
		}
		o.mu.Unlock()
		select {
		case <-held:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
