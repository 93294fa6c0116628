package exhibitorapp

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/service"
)

// Port is the service's default HTTP port.
const Port = 8082

// Defaults of the verification page's settings.
const (
	DefaultPublicURL         = "http://127.0.0.1:8080"
	DefaultScanFlushInterval = 10 * time.Second
)

// Config is the exhibitor service's configuration.
type Config struct {
	service.Config
	// SweepInterval is how often expired certificates are looked for.
	SweepInterval time.Duration
	// PublicURL is where visitors reach the gateway: products' QR codes carry
	// PublicURL/v/<code> (OCOPFAIR_PUBLIC_URL).
	PublicURL string
	// ScanFlushInterval is how often counted views of verification pages are stored and
	// published (OCOPFAIR_SCAN_FLUSH_INTERVAL).
	ScanFlushInterval time.Duration
}

// LoadConfig reads the configuration from getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := service.LoadConfig("exhibitor", Port, getenv)
	c := Config{Config: base, SweepInterval: time.Hour, PublicURL: DefaultPublicURL, ScanFlushInterval: DefaultScanFlushInterval}
	var errs []error
	if s := getenv("OCOPFAIR_PUBLIC_URL"); s != "" {
		u, perr := url.Parse(s)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("OCOPFAIR_PUBLIC_URL=%q: must be an http(s) URL without a path, such as https://ocopfair.vn", s))
		}
		c.PublicURL = strings.TrimRight(s, "/")
	}
	if err := service.DurationEnv(getenv, "OCOPFAIR_SCAN_FLUSH_INTERVAL", 100*time.Millisecond, 10*time.Minute, "a duration from 100ms to 10m", &c.ScanFlushInterval); err != nil {
		errs = append(errs, err)
	}
	if err := service.DurationEnv(getenv, "OCOPFAIR_EXPIRY_SWEEP_INTERVAL", time.Second, 0, "a duration of at least 1s", &c.SweepInterval); err != nil {
		return c, err
	}
	return c, errors.Join(append(errs, err)...)
}
