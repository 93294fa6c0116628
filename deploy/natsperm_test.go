package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
)

// streamsOf are the services' streams, as the services create them (pkg/bus).
var streamsOf = map[string]string{"EVENT": "event.>", "EXHIBITOR": "exhibitor.>", "MATCHMAKING": "matchmaking.>", "GATEWAY": "gateway.>"}

// Each service's NATS user in cluster.conf, on one node of it, does what a service does with the
// streams at start (pkg/bus.EnsureStreamsAs: creates or updates its own stream, creates the
// others when missing, whichever service starts first, and reads their state) and cannot delete
// or purge a stream or a message, update another service's stream (a new age limit would wipe
// its events) or create a stream of another name: a service's password leaked would otherwise
// wipe the fair's history.
func TestNATSUsersKeepTheStreams(t *testing.T) {
	ns := startNATSNode(t)
	// The gateway publishes a revocation first: every service reads them from its start.
	users := []string{"gateway", "event", "exhibitor", "matchmaking"}
	for i, user := range users {
		js, violations := connectAs(t, ns, user)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		for name, subject := range streamsOf {
			cfg := jetstream.StreamConfig{Name: name, Subjects: []string{subject}, MaxAge: 24 * time.Hour}
			if name == strings.ToUpper(user) {
				if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
					t.Errorf("%s creates or updates its stream %s: %v", user, name, err)
				}
			} else if _, err := js.CreateStream(ctx, cfg); err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				t.Errorf("%s creates stream %s: %v", user, name, err)
			}
			st, err := js.Stream(ctx, name)
			if err == nil {
				_, err = st.Info(ctx)
			}
			if err != nil {
				t.Errorf("%s reads stream %s: %v", user, name, err)
			}
		}
		if i == 0 {
			if _, err := js.Publish(ctx, "gateway.account.tokens_revoked", []byte(`{}`)); err != nil {
				t.Fatalf("the gateway publishes a revocation: %v", err)
			}
		}
		// What every service does at its start (pkg/service/revocations.go).
		if cons, err := js.OrderedConsumer(ctx, "GATEWAY", jetstream.OrderedConsumerConfig{FilterSubjects: []string{"gateway.account.tokens_revoked"}}); err != nil {
			t.Errorf("%s follows the revocations: %v", user, err)
		} else if batch, err := cons.Fetch(1, jetstream.FetchMaxWait(3*time.Second)); err != nil {
			t.Errorf("%s reads the revocations: %v", user, err)
		} else if n := len(collect(batch.Messages())); n != 1 {
			t.Errorf("%s read %d revocations, want 1", user, n)
		}
		// A refused request gets no answer; the server says why on the connection.
		refused := func(what string, do func(context.Context) error) {
			short, cancel := context.WithTimeout(ctx, 400*time.Millisecond)
			defer cancel()
			if err := do(short); err == nil {
				t.Errorf("%s may %s", user, what)
				return
			}
			select {
			case err := <-violations:
				if !strings.Contains(err.Error(), "ermissions") {
					t.Errorf("%s %s: %v, want a permissions violation", user, what, err)
				}
			case <-time.After(2 * time.Second):
				t.Errorf("%s %s: no permissions violation said (an allowed request that failed?)", user, what)
			}
		}
		for other, subject := range streamsOf {
			if other != strings.ToUpper(user) {
				refused("update stream "+other, func(ctx context.Context) error {
					_, err := js.UpdateStream(ctx, jetstream.StreamConfig{Name: other, Subjects: []string{subject}, MaxAge: time.Second})
					return err
				})
			}
		}
		refused("create stream JUNK", func(ctx context.Context) error {
			_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "JUNK", Subjects: []string{"junk.>"}})
			return err
		})
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
	}
}

// startNATSNode runs one node of cluster.conf on loopback: the cluster's accounts and
// permissions, not its routes.
func startNATSNode(t *testing.T) *server.Server {
	t.Helper()
	opts := natsConfig(t)
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
	return ns
}

// collect drains a fetched batch.
func collect(msgs <-chan jetstream.Msg) []jetstream.Msg {
	var out []jetstream.Msg
	for m := range msgs {
		out = append(out, m)
	}
	return out
}
