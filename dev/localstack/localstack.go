// Package localstack runs the whole of ocopfair on one machine: an embedded nats-server with
// JetStream and each service as its own process (each with its own embedded FerretDB). It backs
// `make run` and the end-to-end tests, which kill and restart services mid-way.
package localstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/ocopfair/ocopfair/dev/natsembed"
)

// Services in start order: the gateway first, since the others fetch its keys.
var Services = []string{"gateway", "event", "exhibitor", "matchmaking"}

// Options configure a stack.
type Options struct {
	// BinDir holds the service binaries, named after the services.
	BinDir string
	// DataDir holds data/nats and data/<service>.
	DataDir string
	// Host to bind (127.0.0.1).
	Host string
	// Ports of NATS and the services; 0 picks a free port.
	NATSPort int
	Ports    map[string]int
	// MetricsPorts are the services' metrics listeners on Host (OCOPFAIR_METRICS_ADDR); a service
	// without one serves no metrics.
	MetricsPorts map[string]int
	// Env is added to every service's environment.
	Env map[string]string
	// Logs receives the services' output, each line prefixed with the service name.
	Logs io.Writer
	// ReadyTimeout bounds the wait for each service's /readyz.
	ReadyTimeout time.Duration
}

// Stack is a running local system.
type Stack struct {
	o     Options
	NATS  *server.Server
	mu    sync.Mutex
	procs map[string]*Proc
}

// Start starts NATS and every service, and returns once all are ready.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 90 * time.Second
	}
	if o.Logs == nil {
		o.Logs = io.Discard
	}
	ports := map[string]int{}
	for k, v := range o.Ports {
		ports[k] = v
	}
	o.Ports = ports
	picked := map[string]bool{}
	for _, name := range Services {
		if o.Ports[name] == 0 {
			p, err := FreePort(o.Host)
			if err != nil {
				return nil, err
			}
			o.Ports[name], picked[name] = p, true
		}
	}
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return nil, err
	}
	natsPort := o.NATSPort
	if natsPort == 0 {
		natsPort = -1
	}
	ns, err := natsembed.Start(natsembed.Options{Host: o.Host, Port: natsPort, StoreDir: filepath.Join(o.DataDir, "nats")})
	if err != nil {
		return nil, err
	}
	s := &Stack{o: o, NATS: ns, procs: map[string]*Proc{}}
	for _, name := range Services {
		err := s.Restart(ctx, name, nil)
		// A picked port is free when picked, but another process may bind it before the service
		// does: a service that exits at start-up gets another port (at most twice).
		for try := 0; err != nil && picked[name] && s.procs[name].Exited() && try < 2; try++ {
			p, perr := FreePort(o.Host)
			if perr != nil {
				break
			}
			s.o.Ports[name] = p
			err = s.Restart(ctx, name, nil)
		}
		if err != nil {
			s.Stop()
			return nil, err
		}
	}
	return s, nil
}

// handedOut holds the ports FreePort has returned, so that a stack's processes never get the
// same port twice: the kernel may offer a port again once its probe listener is closed.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// FreePort asks the kernel for a free TCP port on host that FreePort has not returned before in
// this process.
func FreePort(host string) (int, error) {
	for range 100 {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return 0, err
		}
		port := ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
		handedOut.Lock()
		fresh := !handedOut.ports[port]
		handedOut.ports[port] = true
		handedOut.Unlock()
		if fresh {
			return port, nil
		}
	}
	return 0, errors.New("localstack: the kernel keeps offering ports already handed out")
}

// URL returns the base URL of a service.
func (s *Stack) URL(name string) string {
	return "http://" + net.JoinHostPort(s.o.Host, strconv.Itoa(s.o.Ports[name]))
}

// NATSURL returns the client URL of the NATS server.
func (s *Stack) NATSURL() string { return s.NATS.ClientURL() }

func (s *Stack) env(name string, extra map[string]string) []string {
	set := map[string]string{
		"OCOPFAIR_HTTP_ADDR":        net.JoinHostPort(s.o.Host, strconv.Itoa(s.o.Ports[name])),
		"OCOPFAIR_NATS_URL":         s.NATS.ClientURL(),
		"OCOPFAIR_DATA_DIR":         filepath.Join(s.o.DataDir, name),
		"OCOPFAIR_JWKS_URL":         s.URL("gateway") + "/.well-known/jwks.json",
		"OCOPFAIR_EVENT_URL":        s.URL("event"),
		"OCOPFAIR_EXHIBITOR_URL":    s.URL("exhibitor"),
		"OCOPFAIR_MATCHMAKING_URL":  s.URL("matchmaking"),
		"OCOPFAIR_SHUTDOWN_TIMEOUT": "10s",
	}
	if name != "gateway" {
		// The services take requests from the gateway, which forwards the client's address.
		set["OCOPFAIR_TRUSTED_PROXIES"] = s.o.Host
	}
	if p := s.o.MetricsPorts[name]; p != 0 {
		set["OCOPFAIR_METRICS_ADDR"] = net.JoinHostPort(s.o.Host, strconv.Itoa(p))
	}
	return environ(set, s.o.Env, extra)
}

// environ returns the process environment with each layer of settings added, later layers winning.
func environ(layers ...map[string]string) []string {
	set := map[string]string{}
	for _, l := range layers {
		maps.Copy(set, l)
	}
	env := os.Environ()
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// Restart starts service name (after it was killed or stopped) with extra environment, and waits
// until it is ready.
func (s *Stack) Restart(ctx context.Context, name string, extra map[string]string) error {
	s.mu.Lock()
	if p := s.procs[name]; p != nil && !p.Exited() {
		s.mu.Unlock()
		return fmt.Errorf("localstack: %s is still running", name)
	}
	instance := newInstance()
	env := append(s.env(name, extra), "OCOPFAIR_INSTANCE="+instance)
	p, err := StartProc(name, filepath.Join(s.o.BinDir, name), nil, env, s.o.Logs)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.procs[name] = p
	s.mu.Unlock()
	return p.waitReady(ctx, s.URL(name)+"/readyz", instance, s.o.ReadyTimeout)
}

// Kill sends SIGKILL to a service and waits for it to die: no graceful shutdown, no final relay
// pass, exactly like a crash.
func (s *Stack) Kill(name string) error { return s.signal(name, syscall.SIGKILL, 10*time.Second) }

// Terminate sends SIGTERM and waits up to 30 s for a graceful exit.
func (s *Stack) Terminate(name string) error { return s.signal(name, syscall.SIGTERM, 30*time.Second) }

func (s *Stack) signal(name string, sig syscall.Signal, wait time.Duration) error {
	s.mu.Lock()
	p := s.procs[name]
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("localstack: %s was never started", name)
	}
	return p.Signal(sig, wait)
}

// Stop terminates the services in reverse start order, then NATS.
func (s *Stack) Stop() error {
	var errs []error
	for i := len(Services) - 1; i >= 0; i-- {
		name := Services[i]
		s.mu.Lock()
		_, started := s.procs[name]
		s.mu.Unlock()
		if started {
			errs = append(errs, s.Terminate(name))
		}
	}
	s.NATS.Shutdown()
	s.NATS.WaitForShutdown()
	return errors.Join(errs...)
}
