package localstack_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// gatewayClient is a client of the stack's gateway whose exchanges are checked against the
// gateway's document and, for an operation it does not have, against the owning service's.
func gatewayClient(stack *localstack.Stack) testenv.Client {
	return testenv.Client{Base: stack.URL("gateway"),
		Contracts: []string{stack.URL("event"), stack.URL("exhibitor"), stack.URL("matchmaking")}}
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func streamMsgs(t *testing.T, js jetstream.JetStream, stream string) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// TestEventSurvivesCrashBeforePublish drives the real system: a producer profile is stored by the
// exhibitor service while its relay is off, the process is killed, and after the restart the
// event reaches the stream exactly once and the matchmaking service applies it exactly once, even
// when it is delivered again.
func TestEventSurvivesCrashBeforePublish(t *testing.T) {
	ctx := context.Background()
	stack, err := localstack.Start(ctx, localstack.Options{
		BinDir: testenv.Binaries(t, filepath.Join("..", "..")), DataDir: t.TempDir(), Logs: logWriter{t},
		Env: map[string]string{"OCOPFAIR_ADMIN_EMAIL": "admin@example.vn", "OCOPFAIR_ADMIN_PASSWORD": "admin-password-1",
			"OCOPFAIR_OUTBOX_INTERVAL": "300ms", "OCOPFAIR_LOG_LEVEL": "warn"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	nc, js, err := bus.Connect(ctx, stack.NATSURL(), "e2e", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	admin, producer := signInAdminAndProducer(t, gatewayClient(stack))
	created := createProfileWhileRelayIsOffThenCrash(t, ctx, stack, js, producer)
	raw := checkCatalogAppliesTheEventOnce(t, ctx, js, admin, created)

	// A graceful restart publishes nothing again.
	if err := stack.Terminate("exhibitor"); err != nil {
		t.Fatal(err)
	}
	if err := stack.Restart(ctx, "exhibitor", nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	if n := streamMsgs(t, js, "EXHIBITOR"); n != 2 {
		t.Errorf("EXHIBITOR has %d messages after a restart, want 2 (the event and the forced redelivery)", n)
	}
	var env events.Envelope
	if err := json.Unmarshal(raw.Data, &env); err != nil || env.Type != events.ProducerRegistered || env.AggregateID != created {
		t.Errorf("stored event %s %s: %v", env.Type, env.AggregateID, err)
	}
}

// TestDemoDataset loads the demo on a fresh system, as `make run` does, and checks that the
// console has what it promises: two fairs, 60 producers with products, buyers whose requests
// find producers.
func TestDemoDataset(t *testing.T) {
	ctx := context.Background()
	stack, err := localstack.Start(ctx, localstack.Options{
		BinDir: testenv.Binaries(t, filepath.Join("..", "..")), DataDir: t.TempDir(), Logs: logWriter{t},
		Env: map[string]string{"OCOPFAIR_ADMIN_EMAIL": "admin@example.vn", "OCOPFAIR_ADMIN_PASSWORD": "admin-password-1",
			"OCOPFAIR_OUTBOX_INTERVAL": "300ms", "OCOPFAIR_LOG_LEVEL": "warn"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stack.Stop() }()
	accounts, err := localstack.LoadDemo(ctx, stack.URL("gateway"), "admin@example.vn", "admin-password-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 4 {
		t.Fatalf("demo accounts %+v", accounts)
	}
	gw := gatewayClient(stack)
	hanoi := checkDemoFairs(t, gw, accounts[1])
	var booths struct{ Booths []struct{ Status string } }
	gw.Do(t, "GET", "/api/fairs/"+hanoi+"/booths", nil).Decode(t, &booths)
	assigned := 0
	for _, b := range booths.Booths {
		if b.Status == "assigned" {
			assigned++
		}
	}
	if len(booths.Booths) != 150 || assigned == 0 {
		t.Errorf("Hà Nội fair has %d booths, %d assigned; want 150 and some assigned", len(booths.Booths), assigned)
	}
	var products struct {
		Items []struct{ ID string }
	}
	gw.Do(t, "GET", "/api/products?limit=100&certificate_status=valid,expiring", nil).Decode(t, &products)
	if len(products.Items) < 55 {
		t.Errorf("%d products in the catalogue, want about 60", len(products.Items))
	}
	buyer := signInAs(t, gw, accounts[3].Email, accounts[3].Password)
	var me struct{ ID string }
	buyer.Do(t, "GET", "/api/buyers/me", nil).Decode(t, &me)
	var reqs struct{ Items []struct{ ID string } }
	buyer.Do(t, "GET", "/api/buyers/"+me.ID+"/requests", nil).Decode(t, &reqs)
	if len(reqs.Items) != 1 {
		t.Fatalf("buyer requests %+v", reqs)
	}
	var cards struct {
		Matches []struct {
			Meeting *struct{ Status string }
		}
	}
	testenv.Eventually(t, "a match card of the demo buyer shows its meeting request", func() bool {
		buyer.Do(t, "GET", "/api/requests/"+reqs.Items[0].ID+"/matches", nil).Decode(t, &cards)
		for _, m := range cards.Matches {
			if m.Meeting != nil && m.Meeting.Status == "requested" {
				return true
			}
		}
		return false
	})
	var req struct{ Interests *struct{ Count int } }
	buyer.Do(t, "GET", "/api/requests/"+reqs.Items[0].ID, nil).Decode(t, &req)
	if req.Interests == nil || req.Interests.Count == 0 {
		t.Errorf("the demo buyer's request has interests %+v, want producers interested", req.Interests)
	}
	testenv.Eventually(t, "matches for the demo buyer", func() bool {
		var m struct{ Matches []any }
		r := buyer.Do(t, "GET", "/api/requests/"+reqs.Items[0].ID+"/matches", nil)
		r.Decode(t, &m)
		return r.Status == 200 && len(m.Matches) > 0
	})
	checkSessionsEnd(t, gw, accounts[3], accounts[1], hanoi)
}

// signInAdminAndProducer signs the administrator in and registers a producer account.
func signInAdminAndProducer(t *testing.T, gw testenv.Client) (admin, producer testenv.Client) {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	admin = signInAs(t, gw, "admin@example.vn", "admin-password-1")
	reg := gw.Do(t, "POST", "/api/auth/register", map[string]string{"email": "htx@example.vn", "password": "mat-ong-bac-ha", "name": "HTX Mật ong Bắc Hà", "role": "producer"})
	if reg.Status != 201 {
		t.Fatalf("register: %d %s", reg.Status, reg.Body)
	}
	reg.Decode(t, &tok)
	producer = gw.With(tok.AccessToken)

	return admin, producer
}

// createProfileWhileRelayIsOffThenCrash stores a profile while the exhibitor service's relay is
// off, checks nothing was published, kills the service and restarts it normally: the pending
// event must then be published. It returns the profile's ID.
func createProfileWhileRelayIsOffThenCrash(t *testing.T, ctx context.Context, stack *localstack.Stack, js jetstream.JetStream, producer testenv.Client) string {
	t.Helper()
	// The exhibitor service runs without its relay: changes are stored, events stay pending.
	if err := stack.Terminate("exhibitor"); err != nil {
		t.Fatal(err)
	}
	if err := stack.Restart(ctx, "exhibitor", map[string]string{"OCOPFAIR_OUTBOX_RELAY": "off"}); err != nil {
		t.Fatal(err)
	}
	r := producer.Do(t, "POST", "/api/producers", map[string]any{
		"kind": "cooperative", "legal_name": "HTX Mật ong Bắc Hà", "tax_code": "5300123456", "province": "Lào Cai",
		"commune": "Xã Bắc Hà", "phone": "0912 345 678"}, "Idempotency-Key", "create-1")
	if r.Status != 201 {
		t.Fatalf("create producer: %d %s", r.Status, r.Body)
	}
	var created struct{ ID string }
	r.Decode(t, &created)
	if got := producer.Do(t, "GET", "/api/producers/me", nil); got.Status != 200 {
		t.Fatalf("stored profile: %d", got.Status)
	}
	time.Sleep(500 * time.Millisecond) // longer than the relay interval: nothing may be published
	if n := streamMsgs(t, js, "EXHIBITOR"); n != 0 {
		t.Fatalf("EXHIBITOR has %d messages while the relay is off, want 0", n)
	}

	// Crash: no graceful shutdown, no final relay pass. Then start normally.
	if err := stack.Kill("exhibitor"); err != nil {
		t.Fatal(err)
	}
	if err := stack.Restart(ctx, "exhibitor", nil); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the pending event to be published", func() bool { return streamMsgs(t, js, "EXHIBITOR") == 1 })

	return created.ID
}

// checkCatalogAppliesTheEventOnce checks that matchmaking projects the producer once, also after
// the same event is delivered again; it returns the stored event.
func checkCatalogAppliesTheEventOnce(t *testing.T, ctx context.Context, js jetstream.JetStream, admin testenv.Client, producerID string) *jetstream.RawStreamMsg {
	t.Helper()
	type catalogProducer struct {
		ID            string `json:"id"`
		EventsApplied int64  `json:"events_applied"`
		ProvinceCode  string `json:"province_code"`
	}
	var cp catalogProducer
	testenv.Eventually(t, "matchmaking to project the producer", func() bool {
		r := admin.Do(t, "GET", "/api/admin/matchmaking/catalog/producers/"+producerID, nil)
		if r.Status != 200 {
			return false
		}
		r.Decode(t, &cp)
		return true
	})
	if cp.EventsApplied != 1 || cp.ProvinceCode != "15" {
		t.Fatalf("catalog producer %+v, want one applied event in Lào Cai (15)", cp)
	}

	// The same event delivered again (as after a lost ack beyond the dedup window) has no effect.
	stream, _ := js.Stream(ctx, "EXHIBITOR")
	raw, err := stream.GetMsg(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.PublishRaw(ctx, js, raw.Subject, "redelivery-"+producerID, "", 1, raw.Data); err != nil {
		t.Fatal(err)
	}
	cons, err := js.Consumer(ctx, "EXHIBITOR", "matchmaking-catalog")
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the redelivery to be acknowledged", func() bool {
		info, err := cons.Info(ctx)
		return err == nil && info.Delivered.Stream == 2 && info.NumAckPending == 0 && info.NumPending == 0
	})
	admin.Do(t, "GET", "/api/admin/matchmaking/catalog/producers/"+producerID, nil).Decode(t, &cp)
	if cp.EventsApplied != 1 {
		t.Errorf("after a redelivery the producer was applied %d times, want 1", cp.EventsApplied)
	}

	return raw
}
