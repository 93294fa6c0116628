// Package service is the common host of an ocopfair service: one typed configuration read from
// the environment, the logger, the database (embedded FerretDB unless MONGO_URI is set), the NATS
// connection and streams, token verification, outbox relays, consumers, the HTTP server with its
// operational endpoints, and an orderly shutdown that drains requests and messages.
package service

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is a service's configuration. Every field comes from one environment variable (see
// LoadConfig); README.md lists them.
type Config struct {
	Service        string
	HTTPAddr       string
	NATSURL        string
	MongoURI       string
	MongoDatabase  string
	DataDir        string
	JWKSURL        string
	JWTIssuer      string
	JWTAudience    string
	LogFormat      string
	LogLevel       slog.Level
	StreamReplicas int
	RelayInterval  time.Duration
	// RelayOff stops this process from publishing its outbox (for maintenance and tests); events
	// stay stored and are published by another replica or at the next start.
	RelayOff        bool
	ShutdownTimeout time.Duration
	// MetricsAddr is where GET /metrics (Prometheus) is served, on a listener of its own so that
	// the public port does not show it; empty serves no metrics.
	MetricsAddr string
	// TrustedProxies are the addresses (IPs or CIDR ranges) whose X-Forwarded-For the HTTP edge
	// believes; empty trusts none, so the client IP is the socket's peer and cannot be spoofed
	// with a header.
	TrustedProxies []string
	// SlowCommands is how long a database command may take before it is logged as slow (with
	// its collection and filter fields); 0 logs none.
	SlowCommands time.Duration
	// Instance names this process for the supervisor that started it (OCOPFAIR_INSTANCE): /readyz
	// says it back, so a local stack never takes another process on the same port for its own.
	Instance string
}

// LoadConfig reads the configuration of service from getenv, with defaults for a local run, and
// validates it. defaultPort is the service's HTTP port.
func LoadConfig(service string, defaultPort int, getenv func(string) string) (Config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var errs []error
	intEnv := func(name string, def int) int {
		s := env(name, strconv.Itoa(def))
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: must be a whole number", name, s))
		}
		return n
	}
	durEnv := func(name string, def time.Duration) time.Duration {
		s := env(name, def.String())
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q: must be a positive duration such as 2s", name, s))
		}
		return d
	}
	c := Config{
		Service:         service,
		HTTPAddr:        env("OCOPFAIR_HTTP_ADDR", fmt.Sprintf(":%d", defaultPort)),
		NATSURL:         env("OCOPFAIR_NATS_URL", "nats://127.0.0.1:4222"),
		MongoURI:        env("MONGO_URI", ""),
		MongoDatabase:   env("OCOPFAIR_MONGO_DB", "ocopfair_"+service),
		DataDir:         env("OCOPFAIR_DATA_DIR", filepath.Join("data", service)),
		JWKSURL:         env("OCOPFAIR_JWKS_URL", "http://127.0.0.1:8080/.well-known/jwks.json"),
		JWTIssuer:       env("OCOPFAIR_JWT_ISSUER", "ocopfair-gateway"),
		JWTAudience:     env("OCOPFAIR_JWT_AUDIENCE", "ocopfair"),
		LogFormat:       env("OCOPFAIR_LOG_FORMAT", "text"),
		StreamReplicas:  intEnv("OCOPFAIR_STREAM_REPLICAS", 1),
		RelayInterval:   durEnv("OCOPFAIR_OUTBOX_INTERVAL", 2*time.Second),
		RelayOff:        env("OCOPFAIR_OUTBOX_RELAY", "on") == "off",
		ShutdownTimeout: durEnv("OCOPFAIR_SHUTDOWN_TIMEOUT", 15*time.Second),
		MetricsAddr:     env("OCOPFAIR_METRICS_ADDR", ""),
		SlowCommands:    durEnv("OCOPFAIR_DB_SLOW", 250*time.Millisecond),
		Instance:        env("OCOPFAIR_INSTANCE", ""),
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("OCOPFAIR_METRICS_ADDR=%q: must be host:port such as 127.0.0.1:9080 or :9090", c.MetricsAddr))
		}
	}
	c.TrustedProxies, errs = parseProxies(env("OCOPFAIR_TRUSTED_PROXIES", ""), errs)
	if err := c.LogLevel.UnmarshalText([]byte(env("OCOPFAIR_LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, fmt.Errorf("OCOPFAIR_LOG_LEVEL: must be debug, info, warn or error"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("OCOPFAIR_LOG_FORMAT=%q: must be text or json", c.LogFormat))
	}
	if c.StreamReplicas != 1 && c.StreamReplicas != 3 && c.StreamReplicas != 5 {
		errs = append(errs, fmt.Errorf("OCOPFAIR_STREAM_REPLICAS=%d: must be 1, 3 or 5", c.StreamReplicas))
	}
	if v := env("OCOPFAIR_OUTBOX_RELAY", "on"); v != "on" && v != "off" {
		errs = append(errs, fmt.Errorf("OCOPFAIR_OUTBOX_RELAY=%q: must be on or off", v))
	}
	for name, u := range map[string]string{"OCOPFAIR_NATS_URL": c.NATSURL, "OCOPFAIR_JWKS_URL": c.JWKSURL} {
		if _, err := url.Parse(u); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return c, errors.Join(errs...)
}

// DurationEnv reads the optional duration setting name from getenv into *into, which keeps its
// default when the setting is unset. One that does not parse, or lies outside min to max (max 0:
// no upper bound), is an error naming it and saying what it must be (words: "a duration from 1m
// to 168h").
func DurationEnv(getenv func(string) string, name string, min, max time.Duration, words string, into *time.Duration) error {
	s := getenv(name)
	if s == "" {
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < min || (max > 0 && d > max) {
		return fmt.Errorf("%s=%q: must be %s", name, s, words)
	}
	*into = d
	return nil
}

// parseProxies splits a comma-separated list of IP addresses and CIDR ranges, appending an error
// to errs for each entry that is neither.
func parseProxies(list string, errs []error) ([]string, []error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		_, _, cidrErr := net.ParseCIDR(p)
		if net.ParseIP(p) == nil && cidrErr != nil {
			errs = append(errs, fmt.Errorf("OCOPFAIR_TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range such as 10.0.0.0/8", p))
			continue
		}
		out = append(out, p)
	}
	return out, errs
}

// LogValue prints the configuration with the database credentials masked.
func (c Config) LogValue() slog.Value {
	db := "embedded FerretDB in " + c.DataDir
	if c.MongoURI != "" {
		db = MaskURI(c.MongoURI)
	}
	return slog.GroupValue(
		slog.String("service", c.Service), slog.String("http", c.HTTPAddr), slog.String("nats", MaskURI(c.NATSURL)),
		slog.String("db", db), slog.String("database", c.MongoDatabase), slog.String("jwks", c.JWKSURL),
		slog.Int("stream_replicas", c.StreamReplicas), slog.Bool("relay_off", c.RelayOff),
		slog.String("metrics", c.MetricsAddr), slog.String("trusted_proxies", strings.Join(c.TrustedProxies, ",")),
	)
}

// MaskURI hides the password of a URI's user info.
func MaskURI(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URI)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	return u.String()
}
