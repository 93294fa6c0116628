// Package natsembed runs a real nats-server with JetStream inside the current process, for the
// local stack and for tests. Production runs a NATS cluster instead (deploy/nats).
package natsembed

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options configure an embedded server.
type Options struct {
	// Host and Port to listen on; Port -1 picks a free port.
	Host string
	Port int
	// StoreDir holds JetStream's files.
	StoreDir string
	// ServerName names the server (needed in a cluster).
	ServerName string
	// Cluster settings; empty ClusterName runs a single server.
	ClusterName string
	ClusterHost string
	ClusterPort int
	Routes      []string
	// Logs enables the server's own logging to stderr.
	Logs bool
	// Accounts, when set, is a nats-server configuration file (deploy/nats/cluster.conf) whose
	// accounts, users and their permissions the server takes, and nothing else: the rest of
	// the file (listeners, routes, storage) is for production. Its environment variables must be
	// set; those of the node (SERVER_NAME, ROUTE_0..2) default to local values.
	Accounts string
}

// Start starts the server and waits until it accepts connections.
func Start(o Options) (*server.Server, error) {
	if o.StoreDir == "" {
		return nil, errors.New("natsembed: StoreDir is required")
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	opts := &server.Options{
		ServerName: o.ServerName,
		Host:       o.Host,
		Port:       o.Port,
		JetStream:  true,
		StoreDir:   o.StoreDir,
		NoSigs:     true,
		NoLog:      !o.Logs,
		// A generous payload cap; events are small, but a full product list can be large.
		MaxPayload: 4 << 20,
	}
	if o.Accounts != "" {
		if err := takeAccounts(opts, o.Accounts); err != nil {
			return nil, err
		}
	}
	if o.ClusterName != "" {
		opts.Cluster = server.ClusterOpts{Name: o.ClusterName, Host: o.ClusterHost, Port: o.ClusterPort}
		for _, r := range o.Routes {
			u, err := url.Parse(r)
			if err != nil {
				return nil, fmt.Errorf("natsembed: route %q: %w", r, err)
			}
			opts.Routes = append(opts.Routes, u)
		}
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natsembed: %w", err)
	}
	if o.Logs {
		s.ConfigureLogger()
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, errors.New("natsembed: server not ready after 10s")
	}
	return s, nil
}

// takeAccounts gives opts the accounts, users and system account of the configuration file path.
func takeAccounts(opts *server.Options, path string) error {
	for _, k := range []string{"SERVER_NAME", "ROUTE_0", "ROUTE_1", "ROUTE_2"} {
		if _, ok := os.LookupEnv(k); !ok {
			if err := os.Setenv(k, "127.0.0.1"); err != nil {
				return err
			}
		}
	}
	conf, err := server.ProcessConfigFile(path)
	if err != nil {
		return fmt.Errorf("natsembed: accounts from %s: %w", path, err)
	}
	if len(conf.Accounts) == 0 || len(conf.Users) == 0 {
		return fmt.Errorf("natsembed: %s names no accounts or users", path)
	}
	opts.Accounts, opts.Users, opts.Nkeys, opts.SystemAccount = conf.Accounts, conf.Users, conf.Nkeys, conf.SystemAccount
	return nil
}
