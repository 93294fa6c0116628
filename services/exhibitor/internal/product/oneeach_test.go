package product

import (
	"context"
	"testing"
	"time"
)

// An account's second upload waits for its first; another account's does not.
func TestOneDecodeAtATimePerAccount(t *testing.T) {
	var o oneEach
	ctx := context.Background()
	done, err := o.take(ctx, "acc-a")
	if err != nil {
		t.Fatal(err)
	}
	other, err := o.take(ctx, "acc-b")
	if err != nil {
		t.Fatalf("another account waits: %v", err)
	}
	other()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := o.take(short, "acc-a"); err == nil {
		t.Fatal("the same account's second upload went on while its first was decoded")
	}
	second := make(chan error, 1)
	go func() {
		d, err := o.take(ctx, "acc-a")
		if err == nil {
			d()
		}
		second <- err
	}()
	done()
	select {
	case err := <-second:
		if err != nil {
			t.Errorf("the second upload after the first: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second upload still waits after the first was done")
	}
}
