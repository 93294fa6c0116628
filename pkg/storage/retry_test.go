package storage

import (
	"context"
	"errors"
	"testing"
)

var errStale = errors.New("stale")

func TestRetryStaleReappliesOnReloadedRecord(t *testing.T) {
	stored := 10 // another writer moved the record on before our first save
	saves, reloads := 0, 0
	got, err := RetryStale(context.Background(), 1, StaleTries, errStale,
		func(v int) (int, error) { return v + 1, nil },
		func(_ context.Context, next, prev int) error {
			saves++
			if prev != stored {
				return errStale
			}
			stored = next
			return nil
		},
		func(context.Context, int) (int, error) { reloads++; return stored, nil },
	)
	if err != nil || got != 11 || stored != 11 || saves != 2 || reloads != 1 {
		t.Fatalf("got %d, %v; stored %d after %d saves and %d reloads", got, err, stored, saves, reloads)
	}
}

func TestRetryStaleGivesUpAfterTries(t *testing.T) {
	for _, tries := range []int{1, StaleTries} {
		saves, reloads := 0, 0
		got, err := RetryStale(context.Background(), 1, tries, errStale,
			func(v int) (int, error) { return v + 1, nil },
			func(context.Context, int, int) error { saves++; return errStale },
			func(_ context.Context, v int) (int, error) { reloads++; return v, nil },
		)
		if !errors.Is(err, errStale) || got != 0 || saves != tries || reloads != tries-1 {
			t.Fatalf("tries %d: got %d, %v after %d saves and %d reloads", tries, got, err, saves, reloads)
		}
	}
}

func TestRetryStaleStopsOnOtherErrors(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	if _, err := RetryStale(context.Background(), 1, StaleTries, errStale,
		func(v int) (int, error) { calls++; return 0, boom },
		func(context.Context, int, int) error { t.Fatal("save after a failed change"); return nil },
		func(_ context.Context, v int) (int, error) { return v, nil },
	); !errors.Is(err, boom) || calls != 1 {
		t.Fatalf("change error: %v after %d calls", err, calls)
	}
	if _, err := RetryStale(context.Background(), 1, StaleTries, errStale,
		func(v int) (int, error) { return v, nil },
		func(context.Context, int, int) error { return nil },
		func(context.Context, int) (int, error) { t.Fatal("reload after a save"); return 0, nil },
	); err != nil {
		t.Fatal(err)
	}
	reloadErr := errors.New("gone")
	if _, err := RetryStale(context.Background(), 1, StaleTries, errStale,
		func(v int) (int, error) { return v, nil },
		func(context.Context, int, int) error { return errStale },
		func(context.Context, int) (int, error) { return 0, reloadErr },
	); !errors.Is(err, reloadErr) {
		t.Fatalf("reload error: %v", err)
	}
}
