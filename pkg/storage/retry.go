package storage

import (
	"context"
	"errors"
)

// StaleTries is how many times RetryStale applies a change before it reports the conflict.
const StaleTries = 4

// RetryStale applies change to current and saves the result. When save reports stale (another
// writer got in between), it reloads the record and applies the change again, up to tries times in
// all; then the stale error is returned. Any other error, from change, save or reload, ends it.
func RetryStale[T any](ctx context.Context, current T, tries int, stale error,
	change func(T) (T, error),
	save func(ctx context.Context, next, prev T) error,
	reload func(ctx context.Context, prev T) (T, error),
) (T, error) {
	var zero T
	for attempt := 1; ; attempt++ {
		next, err := change(current)
		if err != nil {
			return zero, err
		}
		err = save(ctx, next, current)
		if err == nil {
			return next, nil
		}
		if !errors.Is(err, stale) || attempt >= tries {
			return zero, err
		}
		if current, err = reload(ctx, current); err != nil {
			return zero, err
		}
	}
}
