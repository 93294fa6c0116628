package bus_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/natsembed"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// maxAges reads each stream's age limit, "-" for a stream that does not exist.
func maxAges(t *testing.T, js jetstream.JetStream) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, s := range events.Streams {
		out[s.Name] = "-"
		if st, err := js.Stream(context.Background(), s.Name); err == nil {
			out[s.Name] = st.CachedInfo().Config.MaxAge.String()
		}
	}
	return out
}

// A service gives its own stream the wanted shape and creates the others that are missing, but
// leaves another service's stream as it is: that one's owner updates it when it starts.
func TestEnsureStreamsAsUpdatesOnlyTheServicesOwnStream(t *testing.T) {
	ctx := context.Background()
	js := connectJS(t)
	for _, name := range []string{"EVENT", "GATEWAY"} { // as an earlier version left them: no age limit
		s := events.Streams[indexOf(name)]
		if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: s.Name, Subjects: s.Subjects, Duplicates: bus.DuplicateWindow}); err != nil {
			t.Fatal(err)
		}
	}
	month := bus.StreamMaxAge.String()
	if err := bus.EnsureStreamsAs(ctx, js, "gateway", 1); err != nil {
		t.Fatal(err)
	}
	if got, want := maxAges(t, js), map[string]string{"EVENT": "0s", "EXHIBITOR": month, "MATCHMAKING": month, "GATEWAY": month}; !equal(got, want) {
		t.Errorf("after the gateway started, the streams' age limits are %v, want %v", got, want)
	}
	if err := bus.EnsureStreamsAs(ctx, js, "event", 1); err != nil {
		t.Fatal(err)
	}
	if got := maxAges(t, js)["EVENT"]; got != month {
		t.Errorf("after the event service started, EVENT keeps events for %s, want %s", got, month)
	}
}

// Each service starts as its NATS user of deploy/nats/cluster.conf, in any order: what it does
// with the streams at start is what that user may do.
func TestEnsureStreamsAsIsAllowedToEachServicesUser(t *testing.T) {
	for k, v := range map[string]string{"EVENT_PASSWORD": "e", "EXHIBITOR_PASSWORD": "x", "MATCHMAKING_PASSWORD": "m", "GATEWAY_PASSWORD": "g", "SYS_PASSWORD": "s"} {
		t.Setenv(k, v)
	}
	// One node on loopback: the cluster's accounts and permissions, not its routes.
	ns, err := natsembed.Start(natsembed.Options{Port: -1, StoreDir: t.TempDir(), Accounts: filepath.Join("..", "..", "deploy", "nats", "cluster.conf")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	passwords := map[string]string{"event": "e", "exhibitor": "x", "matchmaking": "m", "gateway": "g"}
	// The streams as an earlier release left them (no age limit; any service may create them):
	// each service then updates its own.
	nc, err := nats.Connect(ns.ClientURL(), nats.UserInfo("gateway", passwords["gateway"]))
	if err != nil {
		t.Fatal(err)
	}
	old, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range events.Streams {
		if _, err := old.CreateStream(context.Background(), jetstream.StreamConfig{Name: s.Name, Subjects: s.Subjects, Duplicates: bus.DuplicateWindow}); err != nil {
			t.Fatalf("the gateway creates %s: %v", s.Name, err)
		}
	}
	nc.Close()
	for _, user := range []string{"matchmaking", "gateway", "event", "exhibitor"} {
		nc, err := nats.Connect(ns.ClientURL(), nats.UserInfo(user, passwords[user]))
		if err != nil {
			t.Fatalf("%s connects: %v", user, err)
		}
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		// A refused request gets no answer: the retries end with the context.
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
		if err := bus.EnsureStreamsAs(ctx, js, user, 1); err != nil {
			t.Errorf("%s ensures the streams as its user: %v", user, err)
		}
		if got := maxAges(t, js)[strings.ToUpper(user)]; got != bus.StreamMaxAge.String() {
			t.Errorf("%s's stream keeps events for %s", user, got)
		}
		cancel()
		nc.Close()
	}
}

func indexOf(name string) int {
	for i, s := range events.Streams {
		if s.Name == name {
			return i
		}
	}
	return -1
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
