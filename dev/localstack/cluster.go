package localstack

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ocopfair/ocopfair/pkg/bus"
)

// ClusterOptions configure a production-shaped local system: a NATS cluster with replicated
// streams, one database process per service, and several replicas of every service.
type ClusterOptions struct {
	BinDir    string
	DataDir   string
	NATSNodes int // default 3
	Replicas  int // default 2
	Env       map[string]string
	Logs      io.Writer
	// Accounts, when set, is deploy/nats/cluster.conf: the nodes take its accounts, users and
	// permissions, and each service connects as its own user, as in production.
	Accounts string
}

// Cluster is a running production-shaped system.
type Cluster struct {
	o         ClusterOptions
	mu        sync.Mutex
	natsPorts []int
	routes    []int
	nats      []*Proc
	dbPorts   map[string]int
	dbs       map[string]*Proc
	ports     map[string][]int
	replicas  map[string][]*Proc
}

// StartCluster starts NATS nodes, databases and service replicas, and waits until all are ready.
func StartCluster(ctx context.Context, o ClusterOptions) (*Cluster, error) {
	if o.NATSNodes == 0 {
		o.NATSNodes = 3
	}
	if o.Replicas == 0 {
		o.Replicas = 2
	}
	if o.Logs == nil {
		o.Logs = io.Discard
	}
	if o.Accounts != "" {
		abs, err := filepath.Abs(o.Accounts) // the nodes run elsewhere
		if err != nil {
			return nil, err
		}
		o.Accounts = abs
	}
	c := &Cluster{o: o, dbPorts: map[string]int{}, dbs: map[string]*Proc{}, ports: map[string][]int{}, replicas: map[string][]*Proc{}}
	free := func() int {
		p, err := FreePort("127.0.0.1")
		if err != nil {
			panic(err)
		}
		return p
	}
	for i := 0; i < o.NATSNodes; i++ {
		c.natsPorts = append(c.natsPorts, free())
		c.routes = append(c.routes, free())
	}
	for _, s := range Services {
		c.dbPorts[s] = free()
		for r := 0; r < o.Replicas; r++ {
			c.ports[s] = append(c.ports[s], free())
		}
		c.replicas[s] = make([]*Proc, o.Replicas)
	}
	c.nats = make([]*Proc, o.NATSNodes)
	for i := range c.nats {
		if err := c.startNATS(i); err != nil {
			c.Stop()
			return nil, err
		}
	}
	if err := c.waitJetStream(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	for _, s := range Services {
		p, err := StartProc("db-"+s, filepath.Join(o.BinDir, "ocopfair-ferretdb"),
			[]string{"-listen", "127.0.0.1:" + strconv.Itoa(c.dbPorts[s]), "-dir", filepath.Join(o.DataDir, "db-"+s)}, os.Environ(), o.Logs)
		if err != nil {
			c.Stop()
			return nil, err
		}
		c.dbs[s] = p
		if err := p.WaitListening(ctx, "127.0.0.1:"+strconv.Itoa(c.dbPorts[s]), 30*time.Second); err != nil {
			c.Stop()
			return nil, err
		}
	}
	for _, s := range Services {
		for r := 0; r < o.Replicas; r++ {
			if err := c.RestartReplica(ctx, s, r); err != nil {
				c.Stop()
				return nil, err
			}
		}
	}
	return c, nil
}

func (c *Cluster) startNATS(i int) error {
	var routes []string
	for j, p := range c.routes {
		if j != i {
			routes = append(routes, "nats-route://127.0.0.1:"+strconv.Itoa(p))
		}
	}
	args := []string{
		"-name", fmt.Sprintf("n%d", i), "-port", strconv.Itoa(c.natsPorts[i]), "-cluster", "ocopfair",
		"-cluster-port", strconv.Itoa(c.routes[i]), "-routes", strings.Join(routes, ","), "-store", filepath.Join(c.o.DataDir, fmt.Sprintf("nats-%d", i)),
	}
	env := os.Environ()
	if c.o.Accounts != "" {
		args = append(args, "-accounts", c.o.Accounts)
		for _, user := range append([]string{"sys"}, Services...) {
			env = append(env, strings.ToUpper(user)+"_PASSWORD="+natsPassword(user))
		}
	}
	p, err := StartProc(fmt.Sprintf("nats-%d", i), filepath.Join(c.o.BinDir, "ocopfair-nats"), args, env, c.o.Logs)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.nats[i] = p
	c.mu.Unlock()
	return p.WaitListening(context.Background(), "127.0.0.1:"+strconv.Itoa(c.natsPorts[i]), 30*time.Second)
}

// waitJetStream waits until the cluster has a JetStream leader and R3 streams can be created.
func (c *Cluster) waitJetStream(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		nc, js, err := bus.Connect(cctx, c.NATSURLAs("gateway"), "cluster-check", slog.New(slog.DiscardHandler))
		if err == nil {
			err = bus.EnsureStreamsAs(cctx, js, "gateway", min(3, c.o.NATSNodes))
			nc.Close()
		}
		cancel()
		if err == nil {
			return nil
		}
		last = err
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("localstack: JetStream cluster not ready: %w", last)
}

// NATSURL lists every node's client URL, comma-separated.
func (c *Cluster) NATSURL() string { return c.NATSURLAs("") }

// NATSURLAs is NATSURL for a service's user when the cluster has accounts (ClusterOptions.Accounts).
func (c *Cluster) NATSURLAs(service string) string {
	user := ""
	if c.o.Accounts != "" && service != "" {
		user = service + ":" + natsPassword(service) + "@"
	}
	var urls []string
	for _, p := range c.natsPorts {
		urls = append(urls, "nats://"+user+"127.0.0.1:"+strconv.Itoa(p))
	}
	return strings.Join(urls, ",")
}

// natsPassword is a user's password in a local cluster with accounts.
func natsPassword(user string) string { return "local-" + user }

// URL returns the base URL of replica r of a service.
func (c *Cluster) URL(service string, r int) string {
	return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(c.ports[service][r]))
}

func (c *Cluster) env(service string, r int) []string {
	set := map[string]string{
		"OCOPFAIR_HTTP_ADDR":        net.JoinHostPort("127.0.0.1", strconv.Itoa(c.ports[service][r])),
		"OCOPFAIR_NATS_URL":         c.NATSURLAs(service),
		"MONGO_URI":                 "mongodb://127.0.0.1:" + strconv.Itoa(c.dbPorts[service]) + "/",
		"OCOPFAIR_MONGO_DB":         "ocopfair_" + service,
		"OCOPFAIR_DATA_DIR":         filepath.Join(c.o.DataDir, fmt.Sprintf("%s-%d", service, r)),
		"OCOPFAIR_STREAM_REPLICAS":  strconv.Itoa(min(3, c.o.NATSNodes)),
		"OCOPFAIR_JWKS_URL":         c.URL("gateway", 0) + "/.well-known/jwks.json",
		"OCOPFAIR_EVENT_URL":        c.URL("event", r),
		"OCOPFAIR_EXHIBITOR_URL":    c.URL("exhibitor", r),
		"OCOPFAIR_MATCHMAKING_URL":  c.URL("matchmaking", r),
		"OCOPFAIR_SHUTDOWN_TIMEOUT": "10s",
	}
	return environ(set, c.o.Env)
}

// RestartReplica starts replica r of a service (again) and waits until it is ready.
func (c *Cluster) RestartReplica(ctx context.Context, service string, r int) error {
	c.mu.Lock()
	if p := c.replicas[service][r]; p != nil && !p.Exited() {
		c.mu.Unlock()
		return fmt.Errorf("localstack: %s-%d is still running", service, r)
	}
	instance := newInstance()
	p, err := StartProc(fmt.Sprintf("%s-%d", service, r), filepath.Join(c.o.BinDir, service), nil, append(c.env(service, r), "OCOPFAIR_INSTANCE="+instance), c.o.Logs)
	if err != nil {
		c.mu.Unlock()
		return err
	}
	c.replicas[service][r] = p
	c.mu.Unlock()
	return p.waitReady(ctx, c.URL(service, r)+"/readyz", instance, 120*time.Second)
}

// KillReplica sends SIGKILL to replica r of a service: a crash, no draining.
func (c *Cluster) KillReplica(service string, r int) error {
	c.mu.Lock()
	p := c.replicas[service][r]
	c.mu.Unlock()
	return p.Signal(syscall.SIGKILL, 10*time.Second)
}

// KillNATS sends SIGKILL to NATS node i.
func (c *Cluster) KillNATS(i int) error {
	c.mu.Lock()
	p := c.nats[i]
	c.mu.Unlock()
	return p.Signal(syscall.SIGKILL, 10*time.Second)
}

// RestartNATS starts NATS node i again with its data and waits until JetStream answers.
func (c *Cluster) RestartNATS(ctx context.Context, i int) error {
	if err := c.startNATS(i); err != nil {
		return err
	}
	return c.waitJetStream(ctx)
}

// Stop terminates everything: services, databases, NATS.
func (c *Cluster) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(Services) - 1; i >= 0; i-- {
		for _, p := range c.replicas[Services[i]] {
			if p != nil {
				_ = p.Signal(syscall.SIGTERM, 30*time.Second)
			}
		}
	}
	for _, p := range c.dbs {
		_ = p.Signal(syscall.SIGTERM, 10*time.Second)
	}
	for _, p := range c.nats {
		if p != nil {
			_ = p.Signal(syscall.SIGTERM, 10*time.Second)
		}
	}
}
