package localstack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// edge is a client in front of several gateway replicas, as a load balancer would be: it tries
// them in turn on connection errors and 5xx answers, and every creating request carries an
// Idempotency-Key, so a retry never creates twice.
type edge struct {
	t     *testing.T
	urls  []string
	token string
	n     int
}

type answer struct {
	status int
	body   []byte
}

func (e *edge) with(token string) *edge { c := *e; c.token = token; return &c }

func (e *edge) do(method, path string, body any, key string) answer {
	e.t.Helper()
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	var last answer
	for attempt := 0; attempt < 12; attempt++ {
		base := e.urls[e.n%len(e.urls)]
		e.n++
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(data))
		req.Header.Set("Content-Type", "application/json")
		if e.token != "" {
			req.Header.Set("Authorization", "Bearer "+e.token)
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := client.Do(req)
		if err != nil {
			time.Sleep(250 * time.Millisecond)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		last = answer{resp.StatusCode, b}
		if resp.StatusCode < 500 {
			return last
		}
		time.Sleep(250 * time.Millisecond)
	}
	return last
}

func (e *edge) ok(method, path string, body any, key string, out any) {
	e.t.Helper()
	a := e.do(method, path, body, key)
	if a.status >= 300 {
		e.t.Fatalf("%s %s: %d %s", method, path, a.status, a.body)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, a.body)
		}
	}
}

func subjectCount(t *testing.T, js jetstream.JetStream, stream, subject string) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background(), jetstream.WithSubjectFilter(subject))
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Subjects[subject]
}

// TestClusterSurvivesKilledNodeAndReplicas runs the production shape on this machine: a 3-node
// NATS cluster with R3 streams, one FerretDB process per service shared by two replicas of each
// service, and a workload through both gateways. Mid-way one NATS node and one replica of every
// service are killed with SIGKILL, and later restarted. At the end every accepted write is there,
// no event was lost or applied twice, no booth is held twice, and both matchmaking replicas'
// indexes agree.
func TestClusterSurvivesKilledNodeAndReplicas(t *testing.T) {
	if os.Getenv("OCOPFAIR_SKIP_CLUSTER") != "" {
		t.Skip("OCOPFAIR_SKIP_CLUSTER is set")
	}
	ctx := context.Background()
	bin := testenv.Binaries(t, filepath.Join("..", ".."))
	for _, extra := range []string{"ocopfair-nats", "ocopfair-ferretdb"} {
		if _, err := os.Stat(filepath.Join(bin, extra)); err != nil {
			t.Fatalf("%s missing in %s (run make build)", extra, bin)
		}
	}
	// The nodes take the production accounts and permissions, and each service connects as its
	// own user: a permission the services need and cluster.conf lacks fails the workload here.
	logs := &permissionWatch{logWriter: logWriter{t}}
	c, err := localstack.StartCluster(ctx, localstack.ClusterOptions{BinDir: bin, DataDir: t.TempDir(), Logs: logs,
		Accounts: filepath.Join("..", "..", "deploy", "nats", "cluster.conf"),
		Env: map[string]string{"OCOPFAIR_ADMIN_EMAIL": "admin@example.vn", "OCOPFAIR_ADMIN_PASSWORD": "admin-password-1",
			"OCOPFAIR_OUTBOX_INTERVAL": "300ms", "OCOPFAIR_LOG_LEVEL": "warn"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	nc, js, err := bus.Connect(ctx, c.NATSURLAs("matchmaking"), "cluster-test", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	r := &clusterRun{t: t, ctx: ctx, c: c, js: js, gw: &edge{t: t, urls: []string{c.URL("gateway", 0), c.URL("gateway", 1)}}}

	r.setUpFairAndProducers()
	r.kill() // one NATS node and one replica of every service die without warning
	r.applyApproveAndCommit()
	r.restart() // everything comes back
	r.requestMeetings()
	r.checkEveryWriteIsThere()
	r.checkNoEventLostOrTwice()
	r.checkNoBoothTwice()
	r.checkReplicasAgree()
	if said := logs.refused(); len(said) > 0 {
		t.Errorf("NATS refused the services %d time(s) (cluster.conf lacks a permission they use), first: %s", len(said), said[0])
	}
}

// permissionWatch passes the processes' logs on and keeps the permissions violations NATS said
// to any of them: a refused acknowledgement, say, fails nothing else in the workload at once (the
// message comes again after its wait, handled already).
type permissionWatch struct {
	logWriter
	mu   sync.Mutex
	said []string
}

func (w *permissionWatch) Write(p []byte) (int, error) {
	if bytes.Contains(bytes.ToLower(p), []byte("permissions violation")) {
		w.mu.Lock()
		w.said = append(w.said, strings.TrimSpace(string(p)))
		w.mu.Unlock()
	}
	return w.logWriter.Write(p)
}

func (w *permissionWatch) refused() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.said)
}

const clusterProducers = 12

type clusterProducer struct {
	client           *edge
	id, product, app string
}

// clusterRun is the state TestClusterSurvivesKilledNodeAndReplicas carries from step to step.
type clusterRun struct {
	t                  *testing.T
	ctx                context.Context
	c                  *localstack.Cluster
	js                 jetstream.JetStream
	gw, admin, org     *edge
	buyer              *edge
	fair, buyerID, req string
	ps                 []clusterProducer
}

func (r *clusterRun) login(email, password string) *edge {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	r.gw.ok("POST", "/api/auth/login", map[string]string{"email": email, "password": password}, "", &tok)
	return r.gw.with(tok.AccessToken)
}

func (r *clusterRun) setUpFairAndProducers() {
	r.admin = r.login("admin@example.vn", "admin-password-1")
	r.admin.ok("POST", "/api/accounts", map[string]string{"email": "org@example.vn", "password": "organiser-pass-1", "name": "Ban tổ chức", "role": "organiser"}, "acc-org", nil)
	r.org = r.login("org@example.vn", "organiser-pass-1")
	now := time.Now()
	var fair struct{ ID string }
	r.org.ok("POST", "/api/fairs", map[string]any{"name_vi": "Hội chợ cụm máy", "kind": "fair", "region": "red_river_delta", "host_province": "01",
		"venue": map[string]string{"name": "Hà Nội"}, "start_date": now.AddDate(0, 1, 0).Format(time.DateOnly), "end_date": now.AddDate(0, 1, 3).Format(time.DateOnly),
		"applications_open": now.Add(-time.Hour).Format(time.RFC3339), "applications_close": now.AddDate(0, 0, 20).Format(time.RFC3339)}, "fair-1", &fair)
	r.fair = fair.ID
	r.org.ok("POST", "/api/fairs/"+r.fair+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 2, "columns": 10}}, "booths-1", nil)
	r.org.ok("POST", "/api/fairs/"+r.fair+"/publish", nil, "", nil)

	r.ps = make([]clusterProducer, clusterProducers)
	for i := range r.ps {
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		r.gw.ok("POST", "/api/auth/register", map[string]string{"email": fmt.Sprintf("p%02d@example.vn", i), "password": "producer-pass-1", "name": fmt.Sprintf("HTX số %d", i), "role": "producer"}, fmt.Sprintf("reg-p%d", i), &tok)
		r.ps[i].client = r.gw.with(tok.AccessToken)
		var p struct{ ID string }
		r.ps[i].client.ok("POST", "/api/producers", map[string]any{"kind": "cooperative", "legal_name": fmt.Sprintf("HTX số %d", i), "tax_code": fmt.Sprintf("%010d", 100+i),
			"province": "Lào Cai", "commune": "Xã Bắc Hà", "phone": "0912345678"}, fmt.Sprintf("prof-p%d", i), &p)
		r.ps[i].id = p.ID
		var pr struct{ ID string }
		r.ps[i].client.ok("POST", "/api/producers/"+p.ID+"/products", map[string]any{"name_vi": "Mật ong số " + fmt.Sprint(i), "criteria_set": 4, "stars": 4, "unit": "kg",
			"monthly_capacity": 500, "certificate": map[string]string{"decision_no": fmt.Sprintf("%d/QĐ", i), "issued_by": "UBND", "issued_on": now.AddDate(-1, 0, 0).Format(time.DateOnly)}},
			fmt.Sprintf("prod-p%d", i), &pr)
		r.ps[i].product = pr.ID
	}
}

func (r *clusterRun) kill() {
	if err := r.c.KillNATS(2); err != nil {
		r.t.Fatal(err)
	}
	for _, s := range localstack.Services {
		if err := r.c.KillReplica(s, 1); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *clusterRun) restart() {
	if err := r.c.RestartNATS(r.ctx, 2); err != nil {
		r.t.Fatal(err)
	}
	for _, s := range localstack.Services {
		if err := r.c.RestartReplica(r.ctx, s, 1); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *clusterRun) applyApproveAndCommit() {
	for i := range r.ps {
		var a struct{ ID string }
		testenv.EventuallyWithin(r.t, 90*time.Second, "the fair known to the exhibitor service", func() bool {
			res := r.ps[i].client.do("POST", "/api/fairs/"+r.fair+"/applications", map[string]any{"product_ids": []string{r.ps[i].product}}, fmt.Sprintf("app-p%d", i))
			if res.status == 201 {
				_ = json.Unmarshal(res.body, &a)
				return true
			}
			return false
		})
		r.ps[i].app = a.ID
	}
	for i, p := range r.ps {
		if i%4 == 3 {
			continue // left for review
		}
		r.org.ok("POST", "/api/applications/"+p.app+"/approve", nil, "", nil)
	}
	var proposal struct {
		Placements []any `json:"placements"`
	}
	// A message a killed replica had pulled comes back after the consumer's AckWait (30 s).
	testenv.EventuallyWithin(r.t, 90*time.Second, "approvals reaching the event service", func() bool {
		r.org.ok("POST", "/api/fairs/"+r.fair+"/allocation", nil, "", &proposal)
		return len(proposal.Placements) == 9
	})
	var commit struct {
		Committed []any `json:"committed"`
	}
	r.org.ok("POST", "/api/fairs/"+r.fair+"/allocation/commit", nil, "", &commit)
}

func (r *clusterRun) requestMeetings() {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	r.gw.ok("POST", "/api/auth/register", map[string]string{"email": "buyer@example.vn", "password": "buyer-pass-01", "name": "Siêu thị", "role": "buyer"}, "reg-b", &tok)
	r.buyer = r.gw.with(tok.AccessToken)
	var b struct{ ID string }
	r.buyer.ok("POST", "/api/buyers", map[string]any{"name": "Siêu thị Xanh", "kind": "supermarket_chain", "province": "Hà Nội"}, "buyer-1", &b)
	r.buyerID = b.ID
	var req struct{ ID string }
	r.buyer.ok("POST", "/api/buyers/"+b.ID+"/requests", map[string]any{"title": "Mật ong", "criteria_sets": []int{4}, "keywords": []string{"mat ong"}}, "req-1", &req)
	r.req = req.ID
	for i := 0; i < 3; i++ {
		testenv.EventuallyWithin(r.t, 90*time.Second, "a meeting request", func() bool {
			res := r.buyer.do("POST", "/api/fairs/"+r.fair+"/meetings", map[string]any{"buyer_id": b.ID, "producer_id": r.ps[i].id}, fmt.Sprintf("meet-%d", i))
			return res.status == 201
		})
	}
}

func (r *clusterRun) checkEveryWriteIsThere() {
	t := r.t
	var list struct{ Items []struct{ ID string } }
	r.org.ok("GET", "/api/producers?limit=100", nil, "", &list)
	if len(list.Items) != clusterProducers {
		t.Errorf("%d producer profiles, want %d", len(list.Items), clusterProducers)
	}
	var apps struct {
		Items []struct{ ID, Status string }
	}
	r.org.ok("GET", "/api/fairs/"+r.fair+"/applications?limit=100", nil, "", &apps)
	approved := 0
	for _, a := range apps.Items {
		if a.Status == "approved" {
			approved++
		}
	}
	if len(apps.Items) != clusterProducers || approved != 9 {
		t.Errorf("%d applications (%d approved), want %d (9)", len(apps.Items), approved, clusterProducers)
	}
	var meetings struct{ Items []any }
	r.buyer.ok("GET", "/api/meetings", nil, "", &meetings)
	if len(meetings.Items) != 3 {
		t.Errorf("%d meetings, want 3", len(meetings.Items))
	}
}

// checkNoEventLostOrTwice counts each subject in the streams, and how often the matchmaking
// catalog applied each producer.
func (r *clusterRun) checkNoEventLostOrTwice() {
	t, js := r.t, r.js
	testenv.EventuallyWithin(t, 90*time.Second, "every event published", func() bool {
		return subjectCount(t, js, "EXHIBITOR", events.ProducerRegistered) == clusterProducers &&
			subjectCount(t, js, "EXHIBITOR", events.ApplicationSubmitted) == clusterProducers &&
			subjectCount(t, js, "EXHIBITOR", events.ApplicationApproved) == 9 &&
			subjectCount(t, js, "EVENT", events.BoothAssigned) == 9 &&
			subjectCount(t, js, "MATCHMAKING", events.MeetingRequested) == 3
	})
	for _, p := range r.ps {
		var cp struct {
			EventsApplied int `json:"events_applied"`
		}
		testenv.EventuallyWithin(t, 90*time.Second, "catalog projection", func() bool {
			res := r.admin.do("GET", "/api/admin/matchmaking/catalog/producers/"+p.id, nil, "")
			return res.status == 200 && json.Unmarshal(res.body, &cp) == nil
		})
		if cp.EventsApplied != 1 {
			t.Errorf("producer %s applied %d times in the catalog, want 1", p.id, cp.EventsApplied)
		}
	}
}

// checkNoBoothTwice: every assigned booth has one holder, each approved application one booth.
func (r *clusterRun) checkNoBoothTwice() {
	var m struct {
		Booths []struct {
			Code, Status string
			Holder       *struct {
				ApplicationID string `json:"application_id"`
			}
		}
	}
	r.gw.ok("GET", "/api/fairs/"+r.fair+"/booths", nil, "", &m)
	holders := map[string]int{}
	for _, bo := range m.Booths {
		if bo.Status == "assigned" {
			holders[bo.Holder.ApplicationID]++
		}
	}
	if len(holders) != 9 {
		r.t.Errorf("%d applications hold booths, want 9", len(holders))
	}
	for app, n := range holders {
		if n != 1 {
			r.t.Errorf("application %s holds %d booths, asked for 1", app, n)
		}
	}
}

// checkReplicasAgree: both matchmaking replicas' in-memory indexes agree, down to the ranking.
func (r *clusterRun) checkReplicasAgree() {
	t := r.t
	type view struct {
		Producers, Products int
	}
	var v0, v1 view
	testenv.EventuallyWithin(t, 90*time.Second, "the replicas' indexes to converge", func() bool {
		a0 := r.admin.do("GET", "/api/admin/matchmaking/index", nil, "")
		_ = json.Unmarshal(a0.body, &v0)
		direct := &edge{t: t, urls: []string{r.c.URL("matchmaking", 1)}, token: r.admin.token}
		a1 := direct.do("GET", "/api/admin/matchmaking/index", nil, "")
		_ = json.Unmarshal(a1.body, &v1)
		return v0 == v1 && v0.Products == clusterProducers
	})
	rank := func(replica int) json.RawMessage {
		var out json.RawMessage
		(&edge{t: t, urls: []string{r.c.URL("matchmaking", replica)}, token: r.buyer.token}).ok("GET", "/api/requests/"+r.req+"/matches", nil, "", &out)
		return out
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		r0, r1 := rank(0), rank(1)
		var m0, m1 any
		_ = json.Unmarshal(r0, &m0)
		_ = json.Unmarshal(r1, &m1)
		if reflect.DeepEqual(m0, m1) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replicas rank differently:\n%s\n%s", r0, r1)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
