package matchmakingapp

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
)

func TestTheBoothLossGraceIsConfigured(t *testing.T) {
	grace := func(v string) (time.Duration, error) {
		c, err := LoadConfig(func(name string) string {
			if name == "OCOPFAIR_BOOTH_LOSS_GRACE" {
				return v
			}
			return ""
		})
		return c.BoothLossGrace, err
	}
	for v, want := range map[string]time.Duration{"": meeting.DefaultBoothLossGrace, "0s": 0, "90s": 90 * time.Second} {
		if got, err := grace(v); err != nil || got != want {
			t.Errorf("OCOPFAIR_BOOTH_LOSS_GRACE=%q: %v, %v; want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"-1s", "2h", "soon"} {
		if _, err := grace(v); err == nil {
			t.Errorf("OCOPFAIR_BOOTH_LOSS_GRACE=%q taken", v)
		}
	}
}
