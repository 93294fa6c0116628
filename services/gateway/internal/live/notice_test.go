package live

import (
	"encoding/json"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// Everyone hears of a fair's change once it has been published, not of a draft's, nor of a
// draft cancelled before it was published (discarded): those reach its organisers only.
func TestWhoHearsOfAFairsChange(t *testing.T) {
	for _, c := range []struct {
		fair   events.FairV1
		public bool
	}{
		{events.FairV1{ID: "f1", Status: "draft"}, false},
		{events.FairV1{ID: "f1", Status: "cancelled", Discarded: true}, false},
		{events.FairV1{ID: "f1", Status: "cancelled"}, true},
		{events.FairV1{ID: "f1", Status: "published"}, true},
	} {
		b, err := json.Marshal(events.FairChangedV1{Fair: c.fair})
		if err != nil {
			t.Fatal(err)
		}
		var p probe
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		n := p.notice(events.FairCancelled)
		if n.public != c.public {
			t.Errorf("%s (discarded %v): public %v, want %v", c.fair.Status, c.fair.Discarded, n.public, c.public)
		}
		if (Scope{}).wants(n) != c.public || !(Scope{Fairs: map[string]bool{"f1": true}}).wants(n) {
			t.Errorf("%s (discarded %v): a stranger hears it %v, its organiser %v", c.fair.Status, c.fair.Discarded,
				(Scope{}).wants(n), (Scope{Fairs: map[string]bool{"f1": true}}).wants(n))
		}
	}
}
