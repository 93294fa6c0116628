package deploy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// durable is one durable consumer a service runs (a pkg/bus.Consumer), as its source declares it.
type durable struct{ service, stream, name string }

var (
	// A bus.Consumer literal: its name (a string or a constant of the file) and its stream (a
	// string or events.StreamOf of a subject constant).
	durableField = regexp.MustCompile(`Durable:\s*(?:"([^"]+)"|(\w+)),\s*Stream:\s*(?:"([A-Z]+)"|events\.StreamOf\(events\.(\w+)\))`)
	stringConst  = regexp.MustCompile(`(?m)^\s*(?:const\s+)?(\w+)\s*=\s*"([^"]*)"`)
)

// durablesInSource reads every durable consumer the services declare. Each must be found whole
// (a declaration of another shape fails the test rather than escaping the deny lists) and be
// named after its service.
func durablesInSource(t *testing.T) []durable {
	t.Helper()
	subjects := constsIn(t, filepath.Join("..", "pkg", "events", "subjects.go"))
	var out []durable
	for _, svc := range services {
		err := filepath.WalkDir(filepath.Join("..", "services", svc), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			found := durableField.FindAllStringSubmatch(string(src), -1)
			if n := strings.Count(string(src), "Durable:"); n != len(found) {
				return fmt.Errorf("%s: %d durables declared, %d read (a new shape of bus.Consumer literal?)", path, n, len(found))
			}
			consts := constsIn(t, path)
			for _, m := range found {
				d := durable{service: svc, name: m[1], stream: m[3]}
				if m[2] != "" {
					d.name = consts[m[2]]
				}
				if m[4] != "" {
					d.stream = strings.ToUpper(strings.SplitN(subjects[m[4]], ".", 2)[0])
				}
				if !strings.HasPrefix(d.name, svc+"-") || d.stream == "" {
					return fmt.Errorf("%s: durable %q on stream %q: want a name starting %q and a known stream", path, d.name, d.stream, svc+"-")
				}
				out = append(out, d)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) < 10 {
		t.Fatalf("read %d durables from the services' source, want the dozen and more they run", len(out))
	}
	slices.SortFunc(out, func(a, b durable) int { return strings.Compare(a.name, b.name) })
	return out
}

func constsIn(t *testing.T, path string) map[string]string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range stringConst.FindAllStringSubmatch(string(src), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// denyFor is what user may not publish: any JetStream API request naming another service's
// durable (create, update, info, delete, pause, next message, leader step-down, on any stream)
// and its acknowledgements. The allow lists grant consumers by stream, and a subject cannot
// match a prefix of a name: without these, a leaked password could delete another service's
// consumer, change its filter or acknowledge its messages unread, and that service would skip
// those events for good.
//
// The first line refuses the old form of a create, $JS.API.CONSUMER.CREATE.<stream>, which names
// the consumer in its body, where no subject can see it: the clients name it in the subject.
func denyFor(user string, durables []durable) []string {
	out := []string{"$JS.API.CONSUMER.CREATE.*"}
	for _, d := range durables {
		if d.service != user {
			out = append(out, "$JS.API.CONSUMER.*.*."+d.name, "$JS.API.CONSUMER.*.*."+d.name+".>",
				"$JS.API.CONSUMER.*.*.*."+d.name, "$JS.ACK.*."+d.name+".>")
		}
	}
	return out
}

// cluster.conf denies each service's user the other services' durables, exactly those the
// source declares: a durable added without its deny lines fails here, with the lines to write.
func TestNATSDenyListsNameEveryOtherServicesDurable(t *testing.T) {
	durables := durablesInSource(t)
	for _, u := range natsConfig(t).Users {
		if !slices.Contains(services, u.Username) {
			continue
		}
		want := denyFor(u.Username, durables)
		var have []string
		if u.Permissions != nil && u.Permissions.Publish != nil {
			have = u.Permissions.Publish.Deny
		}
		if !slices.Equal(have, want) {
			t.Errorf("cluster.conf: user %s should deny publish:\n%s", u.Username, denyLines(want))
		}
	}
}

// denyLines is a deny list as cluster.conf and the Helm values write it, one subject a line.
func denyLines(subjects []string) string {
	var b strings.Builder
	b.WriteString("deny: [\n")
	for _, s := range subjects {
		fmt.Fprintf(&b, "  %q\n", s)
	}
	b.WriteString("]")
	return b.String()
}

// Each service's user runs its own durables as pkg/bus does (creates them, reads their state,
// pulls, acknowledges, deletes the catalog's for a rebuild) and may do none of that to another
// service's: every such request is refused with a permissions violation.
func TestNATSUsersRunOnlyTheirOwnDurables(t *testing.T) {
	durables := durablesInSource(t)
	ns := startNATSNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conns := map[string]jetstream.JetStream{}
	violations := map[string]chan error{}
	for _, user := range services {
		conns[user], violations[user] = connectAs(t, ns, user)
	}
	for name, subject := range streamsOf {
		owner := strings.ToLower(name)
		if _, err := conns[owner].CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{subject}}); err != nil {
			t.Fatalf("%s creates its stream: %v", owner, err)
		}
		if _, err := conns[owner].Publish(ctx, strings.ToLower(name)+".test.event", []byte(`{}`)); err != nil {
			t.Fatalf("%s publishes: %v", owner, err)
		}
	}
	for _, d := range durables {
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		runOwnDurable(dctx, t, conns[d.service], d)
		cancel()
	}
	for _, user := range services {
		var foreign []durable
		for _, d := range durables {
			if d.service != user {
				foreign = append(foreign, d)
			}
		}
		refuseForeignDurables(ctx, t, conns[user], violations[user], user, foreign)
	}
}

func runOwnDurable(ctx context.Context, t *testing.T, js jetstream.JetStream, d durable) {
	t.Helper()
	cfg := jetstream.ConsumerConfig{Durable: d.name, FilterSubjects: []string{strings.ToLower(d.stream) + ".>"}, AckPolicy: jetstream.AckExplicitPolicy}
	if _, err := js.CreateOrUpdateConsumer(ctx, d.stream, cfg); err != nil {
		t.Errorf("%s creates its durable %s on %s: %v", d.service, d.name, d.stream, err)
		return
	}
	cons, err := js.Consumer(ctx, d.stream, d.name)
	if err != nil {
		t.Errorf("%s reads its durable %s: %v", d.service, d.name, err)
		return
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(3*time.Second))
	if err != nil {
		t.Errorf("%s pulls from %s: %v", d.service, d.name, err)
		return
	}
	msgs := collect(batch.Messages())
	if len(msgs) != 1 {
		t.Errorf("%s pulled %d messages from %s, want 1", d.service, len(msgs), d.name)
		return
	}
	if err := msgs[0].DoubleAck(ctx); err != nil {
		t.Errorf("%s acknowledges a message of %s on %s: %v", d.service, d.name, d.stream, err)
	}
	if err := js.DeleteConsumer(ctx, d.stream, d.name); err != nil {
		t.Errorf("%s deletes its durable %s: %v", d.service, d.name, err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, d.stream, cfg); err != nil {
		t.Errorf("%s creates its durable %s again: %v", d.service, d.name, err)
	}
}

// refuseForeignDurables sends, all at once, every request user may not make on the others'
// durables, and counts the permissions violations the server says: one each.
func refuseForeignDurables(ctx context.Context, t *testing.T, js jetstream.JetStream, violations chan error, user string, foreign []durable) {
	t.Helper()
	nc := js.Conn()
	for drained := false; !drained; { // what was said before counts for nothing here
		select {
		case <-violations:
		default:
			drained = true
		}
	}
	var wg sync.WaitGroup
	allowed := make(chan string, 8*len(foreign))
	try := func(what string, do func(context.Context) error) {
		wg.Go(func() {
			short, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			if do(short) == nil {
				allowed <- what
			}
		})
	}
	sent := 0
	for _, d := range foreign {
		try("read "+d.name, func(ctx context.Context) error { _, err := js.Consumer(ctx, d.stream, d.name); return err })
		try("update "+d.name, func(ctx context.Context) error {
			_, err := js.UpdateConsumer(ctx, d.stream, jetstream.ConsumerConfig{Durable: d.name, FilterSubjects: []string{"none.>"}, AckPolicy: jetstream.AckExplicitPolicy})
			return err
		})
		try("delete "+d.name, func(ctx context.Context) error { return js.DeleteConsumer(ctx, d.stream, d.name) })
		try("update "+d.name+" named in the body", func(ctx context.Context) error {
			_, err := nc.RequestWithContext(ctx, "$JS.API.CONSUMER.CREATE."+d.stream,
				fmt.Appendf(nil, `{"stream_name":%q,"config":{"name":%q,"durable_name":%q,"filter_subject":"none.>","ack_policy":"explicit"}}`, d.stream, d.name, d.name))
			return err
		})
		try("pull from "+d.name, func(ctx context.Context) error {
			_, err := nc.RequestWithContext(ctx, "$JS.API.CONSUMER.MSG.NEXT."+d.stream+"."+d.name, []byte(`{"batch":1,"no_wait":true}`))
			return err
		})
		sent += 5
	}
	wg.Wait()
	close(allowed)
	for what := range allowed {
		t.Errorf("%s may %s", user, what)
	}
	// Acknowledgements get no answer: the violation alone says the server refused them.
	for _, d := range foreign {
		if err := nc.Publish(fmt.Sprintf("$JS.ACK.%s.%s.1.1.1.0.0", d.stream, d.name), nil); err != nil {
			t.Fatal(err)
		}
		sent++
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	said := 0
	for deadline := time.After(5 * time.Second); said < sent; said++ {
		select {
		case err := <-violations:
			if !strings.Contains(err.Error(), "ermissions") {
				t.Errorf("%s: %v, want a permissions violation", user, err)
			}
		case <-deadline:
			t.Errorf("%s: %d of %d requests on other services' durables refused", user, said, sent)
			return
		}
	}
}

// connectAs connects as a service's user of cluster.conf; the channel gets the errors the server
// says on the connection (permissions violations).
func connectAs(t *testing.T, ns interface{ ClientURL() string }, user string) (jetstream.JetStream, chan error) {
	t.Helper()
	passwords := map[string]string{"event": "e", "exhibitor": "x", "matchmaking": "m", "gateway": "g"}
	violations := make(chan error, 256)
	nc, err := nats.Connect(ns.ClientURL(), nats.UserInfo(user, passwords[user]),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { violations <- err }))
	if err != nil {
		t.Fatalf("%s connects: %v", user, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js, violations
}
