package gatewayapp

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

// Config is the gateway's configuration.
type Config struct {
	service.Config
	Upstreams     map[string]*url.URL
	AdminEmail    string
	AdminPassword string
	TokenTTL      time.Duration
	Hash          account.HashParams
	// LoginPerMinute limits sign-in attempts per account and source; a source gets three times
	// that over all accounts, an account ten times that many failures an hour from everywhere
	// (see account.NewRoutes), and a source ten times that many sign-ups an hour.
	LoginPerMinute int
	// Clock is the time the sign-in and sign-up limits and issued tokens see; nil is time.Now.
	// Tests hold it still so that a slow machine does not refill a limit mid-test.
	Clock func() time.Time
}

// LoadConfig reads the gateway's configuration from getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := service.LoadConfig("gateway", 8080, getenv)
	c := Config{Config: base, Upstreams: map[string]*url.URL{}, Hash: account.DefaultHashParams,
		AdminEmail: getenv("OCOPFAIR_ADMIN_EMAIL"), AdminPassword: getenv("OCOPFAIR_ADMIN_PASSWORD"), TokenTTL: 12 * time.Hour, LoginPerMinute: 10}
	errs := []error{err}
	for name, def := range map[string]string{proxy.Event: "http://127.0.0.1:8081", proxy.Exhibitor: "http://127.0.0.1:8082", proxy.Matchmaking: "http://127.0.0.1:8083"} {
		env := "OCOPFAIR_" + strings.ToUpper(name) + "_URL"
		raw := getenv(env)
		if raw == "" {
			raw = def
		}
		u, perr := url.Parse(raw)
		if perr != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s=%q: must be an http URL", env, raw))
			continue
		}
		c.Upstreams[name] = u
	}
	if err := service.DurationEnv(getenv, "OCOPFAIR_TOKEN_TTL", time.Minute, 7*24*time.Hour, "a duration from 1m to 168h", &c.TokenTTL); err != nil {
		errs = append(errs, err)
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, errors.New("OCOPFAIR_ADMIN_EMAIL and OCOPFAIR_ADMIN_PASSWORD must be set together"))
	}
	return c, errors.Join(errs...)
}
