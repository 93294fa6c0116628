package outbox_test

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// The retention figures depend on each other; lowering one alone would let an event be applied
// twice or a key run twice.
func TestRetentionsKeepTheGuarantees(t *testing.T) {
	keep := map[string]time.Duration{}
	var rules []storage.Retention
	rules = append(rules, outbox.BookkeepingRetention()...)
	rules = append(rules, bus.BookkeepingRetention()...)
	rules = append(rules, httpx.IdempotencyRetention())
	for _, r := range rules {
		keep[r.Collection] = r.Keep
	}
	tests := []struct {
		name      string
		got, over time.Duration
	}{
		// The relay asks for a marker only of an event within its horizon.
		{"sent markers outlive the relay's horizon", keep[outbox.SentCollection], outbox.Horizon},
		{"sent markers outlive the stream's duplicate window", keep[outbox.SentCollection], bus.DuplicateWindow},
		// A copy republished at the horizon is delivered until it ages out of the stream.
		{"processed events outlive the horizon and the stream's age", keep[bus.ProcessedCollection], outbox.Horizon + bus.StreamMaxAge},
		{"dead letters outlive the stream's age, to be replayed", keep[bus.DeadLetterCollection], bus.StreamMaxAge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got <= tt.over {
				t.Errorf("kept %v, want more than %v", tt.got, tt.over)
			}
		})
	}
	if got := keep[httpx.IdempotencyCollection]; got != httpx.IdempotencyTTL {
		t.Errorf("idempotency keys kept %v, want their TTL %v", got, httpx.IdempotencyTTL)
	}
}
