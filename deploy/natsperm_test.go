package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// streamsOf are the services' streams, as the services create them (pkg/bus).
var streamsOf = map[string]string{"EVENT": "event.>", "EXHIBITOR": "exhibitor.>", "MATCHMAKING": "matchmaking.>", "GATEWAY": "gateway.>"}

// Each service's NATS user in cluster.conf, on one node of it, does what a service does with the
// streams at start (creates or updates every service's stream, whichever starts first, and reads
// their state) and cannot delete or purge a stream or a message: a service's password leaked
// would otherwise wipe the fair's history.
func TestNATSUsersKeepTheStreams(t *testing.T) {
	passwords := map[string]string{"event": "e", "exhibitor": "x", "matchmaking": "m", "gateway": "g"}
	opts := natsConfig(t)
	// One node on loopback: the cluster's accounts and permissions, not its routes.
	opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", -1, 0
	opts.Cluster = server.ClusterOpts{}
	opts.Routes = nil
	opts.StoreDir = t.TempDir()
	opts.NoLog, opts.NoSigs = true, true
	ns, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	t.Cleanup(ns.Shutdown)
	for user, password := range passwords {
		nc, err := nats.Connect(ns.ClientURL(), nats.UserInfo(user, password))
		if err != nil {
			t.Fatalf("%s connects: %v", user, err)
		}
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		for name, subject := range streamsOf {
			if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{subject}, MaxAge: 24 * time.Hour}); err != nil {
				t.Errorf("%s creates or updates stream %s: %v", user, name, err)
			}
			st, err := js.Stream(ctx, name)
			if err == nil {
				_, err = st.Info(ctx)
			}
			if err != nil {
				t.Errorf("%s reads stream %s: %v", user, name, err)
			}
		}
		refused := func(what string, do func(context.Context) error) {
			short, cancel := context.WithTimeout(ctx, 400*time.Millisecond) // a refusal is no answer
			defer cancel()
			if err := do(short); err == nil {
				t.Errorf("%s may %s", user, what)
			} else if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "ermission") && !errors.Is(err, nats.ErrTimeout) {
				t.Errorf("%s %s: %v, want it refused", user, what, err)
			}
		}
		for _, name := range []string{"EVENT", strings.ToUpper(user)} {
			refused("purge stream "+name, func(ctx context.Context) error {
				st, err := js.Stream(ctx, name)
				if err == nil {
					err = st.Purge(ctx)
				}
				return err
			})
			refused("delete message 1 of "+name, func(ctx context.Context) error {
				st, err := js.Stream(ctx, name)
				if err == nil {
					err = st.DeleteMsg(ctx, 1)
				}
				return err
			})
			refused("delete stream "+name, func(ctx context.Context) error { return js.DeleteStream(ctx, name) })
		}
		cancel()
		nc.Close()
	}
}
