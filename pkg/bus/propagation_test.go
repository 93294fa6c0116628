package bus_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/natsembed"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

func freePort(tb testing.TB) int {
	tb.Helper()
	p, err := localstack.FreePort("127.0.0.1")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// servers starts n embedded NATS servers (a cluster when n > 1) and returns the client URLs.
func servers(tb testing.TB, n int) string {
	tb.Helper()
	var routes []int
	for i := 0; i < n; i++ {
		routes = append(routes, freePort(tb))
	}
	var urls string
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := 0; i < n; i++ {
		o := natsembed.Options{Port: -1, StoreDir: tb.TempDir(), ServerName: fmt.Sprintf("n%d", i)}
		if n > 1 {
			o.ClusterName, o.ClusterHost, o.ClusterPort = "bench", "127.0.0.1", routes[i]
			for j, r := range routes {
				if j != i {
					o.Routes = append(o.Routes, "nats-route://127.0.0.1:"+strconv.Itoa(r))
				}
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := natsembed.Start(o)
			if err != nil {
				tb.Error(err)
				return
			}
			tb.Cleanup(s.Shutdown)
			mu.Lock()
			if urls != "" {
				urls += ","
			}
			urls += s.ClientURL()
			mu.Unlock()
		}()
	}
	wg.Wait()
	return urls
}

// BenchmarkPropagation publishes events through JetStream with a durable consumer on the other
// side, on one node (R1 streams) and on a 3-node cluster (R3 streams), and reports events per
// second end to end and the publish-to-handler latency p50 and p99.
func BenchmarkPropagation(b *testing.B) {
	for _, nodes := range []int{1, 3} {
		b.Run(fmt.Sprintf("%d-node", nodes), func(b *testing.B) {
			ctx := context.Background()
			js, closeConn := readyCluster(b, ctx, servers(b, nodes), nodes)
			defer closeConn()
			const n = 2000
			cons, err := js.CreateOrUpdateConsumer(ctx, "EXHIBITOR", jetstream.ConsumerConfig{Durable: "bench", AckPolicy: jetstream.AckExplicitPolicy, FilterSubjects: []string{events.ProducerUpdated}})
			if err != nil {
				b.Fatal(err)
			}
			var rate float64
			var lat []time.Duration
			for b.Loop() {
				rate, lat = propagateOnce(b, ctx, js, cons, n)
			}
			b.ReportMetric(rate, "events/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// readyCluster connects to url and creates the streams, retrying while the cluster elects its
// leaders.
func readyCluster(b *testing.B, ctx context.Context, url string, nodes int) (jetstream.JetStream, func()) {
	b.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, j, err := bus.Connect(ctx, url, "bench", quiet)
		if err == nil {
			err = bus.EnsureStreams(ctx, j, nodes)
			if err == nil {
				return j, c.Close
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			b.Fatalf("cluster not ready: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// propagateOnce publishes n events from eight publishers and returns the rate and the sorted
// publish-to-delivery latencies.
func propagateOnce(b *testing.B, ctx context.Context, js jetstream.JetStream, cons jetstream.Consumer, n int) (float64, []time.Duration) {
	b.Helper()
	sent := make(map[string]time.Time, n)
	var mu sync.Mutex
	got := make(chan time.Duration, n)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		id := m.Headers().Get("Nats-Msg-Id")
		mu.Lock()
		at, ok := sent[id]
		mu.Unlock()
		_ = m.Ack()
		if ok {
			got <- time.Since(at)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	defer cc.Stop()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ { // eight publishers, as several replicas' relays would be
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				env, _ := events.New(events.ProducerUpdated, 1, "p", "", events.ProducerUpdatedV1{})
				mu.Lock()
				sent[env.ID] = time.Now()
				mu.Unlock()
				if err := bus.Publish(ctx, js, env); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	lat := make([]time.Duration, 0, n)
	for len(lat) < n {
		select {
		case d := <-got:
			lat = append(lat, d)
		case <-time.After(30 * time.Second):
			b.Fatalf("only %d of %d events arrived", len(lat), n)
		}
	}
	rate := float64(n) / time.Since(start).Seconds()
	slices.Sort(lat)
	return rate, lat
}
