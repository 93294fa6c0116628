// Command ocopfair-nats runs one nats-server node with JetStream for local clusters and the
// cluster test: ocopfair-nats -name n1 -port 4222 -cluster-port 6222 -routes nats://127.0.0.1:6223,...
// Production runs the official nats-server with deploy/nats/cluster.conf.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ocopfair/ocopfair/dev/natsembed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ocopfair-nats:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ocopfair-nats", flag.ContinueOnError)
	name := fs.String("name", "n1", "server name, unique in the cluster")
	host := fs.String("host", "127.0.0.1", "address to listen on")
	port := fs.Int("port", 4222, "client port")
	clusterName := fs.String("cluster", "", "cluster name; empty runs a single server")
	clusterPort := fs.Int("cluster-port", 6222, "cluster (route) port")
	routes := fs.String("routes", "", "comma-separated nats-route:// URLs of the other nodes")
	store := fs.String("store", "data/nats", "JetStream directory")
	accounts := fs.String("accounts", "", "a nats-server config file whose accounts, users and permissions to use (deploy/nats/cluster.conf; its passwords from the environment); empty: no accounts, anyone connects")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := natsembed.Options{Host: *host, Port: *port, StoreDir: *store, ServerName: *name, Logs: false, Accounts: *accounts}
	if *clusterName != "" {
		o.ClusterName, o.ClusterHost, o.ClusterPort = *clusterName, *host, *clusterPort
		for _, r := range strings.Split(*routes, ",") {
			if r = strings.TrimSpace(r); r != "" {
				o.Routes = append(o.Routes, r)
			}
		}
	}
	s, err := natsembed.Start(o)
	if err != nil {
		return err
	}
	fmt.Println("nats ready", s.ClientURL())
	<-ctx.Done()
	s.Shutdown()
	s.WaitForShutdown()
	return nil
}
