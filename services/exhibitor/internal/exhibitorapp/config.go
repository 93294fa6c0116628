package exhibitorapp

import (
	"fmt"
	"time"

	"github.com/ocopfair/ocopfair/pkg/service"
)

// Port is the service's default HTTP port.
const Port = 8082

// Config is the exhibitor service's configuration.
type Config struct {
	service.Config
	// SweepInterval is how often expired certificates are looked for.
	SweepInterval time.Duration
}

// LoadConfig reads the configuration from getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := service.LoadConfig("exhibitor", Port, getenv)
	c := Config{Config: base, SweepInterval: time.Hour}
	if s := getenv("OCOPFAIR_EXPIRY_SWEEP_INTERVAL"); s != "" {
		d, perr := time.ParseDuration(s)
		if perr != nil || d < time.Second {
			return c, fmt.Errorf("OCOPFAIR_EXPIRY_SWEEP_INTERVAL=%q: must be a duration of at least 1s", s)
		}
		c.SweepInterval = d
	}
	return c, err
}
