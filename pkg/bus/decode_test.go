package bus_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Decode returns a valid payload, and refuses one that does not decode or is not valid for good:
// redelivering it cannot help.
func TestDecodeRefusesBadPayloadsForGood(t *testing.T) {
	at := time.Now().Truncate(time.Second)
	ok, err := events.New(events.AccountTokensRevoked, 1, "acc", "", events.AccountTokensRevokedV1{AccountID: "acc", NotBefore: at, Reason: events.RevokedDisabled})
	if err != nil {
		t.Fatal(err)
	}
	if pl, err := bus.Decode[events.AccountTokensRevokedV1](ok); err != nil || pl.AccountID != "acc" || !pl.NotBefore.Equal(at) {
		t.Errorf("a valid payload: %+v, %v", pl, err)
	}
	invalid, _ := events.New(events.AccountTokensRevoked, 1, "acc", "", map[string]any{"reason": "disabled"})
	garbled := ok
	garbled.Payload = json.RawMessage(`{"account_id": 7}`)
	for name, env := range map[string]events.Envelope{"without account or time": invalid, "of the wrong type": garbled} {
		if _, err := bus.Decode[events.AccountTokensRevokedV1](env); !bus.IsPermanent(err) {
			t.Errorf("a payload %s: %v, want a permanent error", name, err)
		}
	}
}
