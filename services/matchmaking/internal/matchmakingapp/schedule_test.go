package matchmakingapp

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// startReplica starts a matchmaking replica on the database at uri; prepare runs before it serves.
func startReplica(t *testing.T, natsURL, uri string, tokens testenv.Tokens, prepare func(*App)) (*App, testenv.Client) {
	t.Helper()
	cfg := testenv.ServiceConfig(t, "matchmaking", natsURL)
	cfg.MongoURI = uri
	app, err := New(t.Context(), Config{Config: cfg, MeetingCap: 3, SolveLimit: 2 * time.Second}, testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	withClock(app)
	prepare(app)
	return app, testenv.Client{Base: testenv.Serve(t, app.Run)}
}

type agendaBody struct {
	Version  int64 `json:"schedule_version"`
	Meetings []struct {
		ID         string
		BuyerID    string `json:"buyer_id"`
		ProducerID string `json:"producer_id"`
		Day        string
		Slot       int
		Table      int
	}
}

// checkAgenda fails unless the agenda places every one of want meetings once, no table holds two
// meetings in one slot, and nobody is in two meetings at once.
func checkAgenda(t *testing.T, a agendaBody, want int) {
	t.Helper()
	if len(a.Meetings) != want {
		t.Errorf("agenda version %d holds %d meetings, want %d", a.Version, len(a.Meetings), want)
	}
	tables, people, ids := map[string]string{}, map[string]string{}, map[string]bool{}
	for _, m := range a.Meetings {
		if ids[m.ID] {
			t.Errorf("meeting %s twice in the agenda", m.ID)
		}
		ids[m.ID] = true
		at := fmt.Sprintf("%s/%d/%d", m.Day, m.Slot, m.Table)
		if other, ok := tables[at]; ok {
			t.Errorf("table %s double-booked: %s and %s", at, other, m.ID)
		}
		tables[at] = m.ID
		for _, who := range []string{m.BuyerID, m.ProducerID} {
			slot := fmt.Sprintf("%s/%d/%s", m.Day, m.Slot, who)
			if other, ok := people[slot]; ok {
				t.Errorf("%s in two meetings at once: %s and %s", who, other, m.ID)
			}
			people[slot] = m.ID
		}
	}
}

// replicaRuns is what the steps of TestSchedulingRunsOneAtATimeAcrossReplicasAndFinishesWhole
// share: two replicas on one database, the organiser on each, the meetings accepted, and the
// channels through which every day's solve announces itself (entered), waits for a go from the
// test (proceed) or reports that its context ended first (aborted).
type replicaRuns struct {
	first, second             *App
	api1, api2, org1, org2    testenv.Client
	orgTok                    string
	accepted                  int
	entered, proceed, aborted chan struct{}
}

// waitEntered waits for a solve to announce itself, failing the test after 15 seconds.
func (x *replicaRuns) waitEntered(t *testing.T, what string) bool {
	t.Helper()
	select {
	case <-x.entered:
		return true
	case <-time.After(15 * time.Second):
		t.Errorf("timed out waiting for %s", what)
		return false
	}
}

// schedulePath runs the scheduling of the test fair.
const schedulePath = "/api/fairs/f1/schedule?time_limit_ms=300"

func TestSchedulingRunsOneAtATimeAcrossReplicasAndFinishesWhole(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	uri := testenv.SharedURI(t)

	// Every day's solve announces itself and waits for a go from the test, so that the test
	// knows a run is under way and can make another meet it.
	entered, proceed, aborted := make(chan struct{}, 16), make(chan struct{}, 16), make(chan struct{}, 16)
	gated := func(app *App) {
		app.Meetings.Solve = func(ctx context.Context, p schedule.Problem) (schedule.Solution, error) {
			entered <- struct{}{}
			select {
			case <-proceed:
			case <-ctx.Done():
				aborted <- struct{}{}
				return schedule.Solution{}, ctx.Err()
			}
			return schedule.Solve(ctx, p)
		}
	}
	x := &replicaRuns{entered: entered, proceed: proceed, aborted: aborted}
	x.first, x.api1 = startReplica(t, natsURL, uri, tokens, gated)
	x.second, x.api2 = startReplica(t, natsURL, uri, tokens, gated)
	stepAFairWithAcceptedMeetings(t, x, tokens)
	version := stepOneRunOfTheFairAtATime(t, x)
	stepAClientThatGoesAwayLeavesTheScheduleWhole(t, x, version)
	stepConcurrentRunsAreDoneOrRefused(t, x)
}

// stepAFairWithAcceptedMeetings publishes a fair with three exhibitors, has two buyers' meetings
// with them accepted, and waits until both replicas' indexes hold them.
func stepAFairWithAcceptedMeetings(t *testing.T, x *replicaRuns, tokens testenv.Tokens) {
	first, second, api1 := x.first, x.second, x.api1
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	day := time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	fairWithDays(t, first, "f1", orgAcc, events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 4, MorningSlots: 2, Tables: 2})
	producers := map[string]testenv.Client{}
	for _, id := range []string{"p1", "p2", "p3"} {
		tok, acc := tokens.Token(t, "producer", "")
		producerOf(t, first, id, acc)
		assignBooth(t, first, uuid.Must(uuid.NewV7()).String(), "f1", "B-"+id, id)
		producers[id] = api1.With(tok)
	}
	for _, app := range []*App{first, second} {
		testenv.Eventually(t, "both replicas' indexes", func() bool { return app.Index.Stats().Producers == 3 && app.Index.Stats().Fairs == 1 })
	}
	for _, id := range []string{"p1", "p2", "p3"} {
		waitBooths(t, first, "f1", id, 1)
	}
	accepted := 0
	for i, with := range [][]string{{"p1", "p2", "p3"}, {"p1", "p2"}} {
		tok, _ := tokens.Token(t, "buyer", "")
		c := api1.With(tok)
		b := newBuyer(t, c, fmt.Sprintf("Siêu thị %d", i))
		for _, p := range with {
			acceptedMeeting(t, c, producers[p], "f1", b, p)
			accepted++
		}
	}
	x.orgTok, x.accepted = orgTok, accepted
	x.org1, x.org2 = api1.With(orgTok), x.api2.With(orgTok)
}

// stepOneRunOfTheFairAtATime holds a run on the first replica while the second is asked for one,
// which is refused, and returns the schedule version the first run saved, which both show.
func stepOneRunOfTheFairAtATime(t *testing.T, x *replicaRuns) int64 {
	org1, org2, entered, proceed, path, accepted := x.org1, x.org2, x.entered, x.proceed, schedulePath, x.accepted
	// A run on the first replica holds the fair; a run asked of the second meanwhile is refused.
	resA := make(chan testenv.Response, 1)
	go func() { resA <- org1.Do(t, "POST", path, nil) }()
	if !x.waitEntered(t, "the first run") {
		t.FailNow()
	}
	resB := make(chan testenv.Response, 1)
	go func() { resB <- org2.Do(t, "POST", path, nil) }()
	select {
	case r := <-resB:
		if r.Status != http.StatusConflict {
			t.Errorf("a run on the second replica while the first runs: %d %s, want 409", r.Status, r.Body)
		}
	case <-entered:
		t.Error("a second run of the fair started while the first was under way")
		proceed <- struct{}{}
		proceed <- struct{}{}
		<-resB
	case <-time.After(15 * time.Second):
		t.Fatal("the second run neither ended nor started")
	}
	proceed <- struct{}{}
	r := <-resA
	var run struct {
		Version int64 `json:"version"`
	}
	if r.Status != 200 {
		t.Fatalf("the first run: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &run)
	// The second replica reads its agenda model, which the first replica's run reaches through
	// the stream.
	var a agendaBody
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the second replica's agenda last read: %+v", a)
		}
	})
	testenv.Eventually(t, "the second replica to show the first one's run", func() bool {
		org2.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a)
		return a.Version == run.Version && len(a.Meetings) == accepted
	})
	checkAgenda(t, a, accepted)
	return run.Version
}

// stepAClientThatGoesAwayLeavesTheScheduleWhole cancels a run's request while it solves: the run
// finishes and saves the next version whole.
func stepAClientThatGoesAwayLeavesTheScheduleWhole(t *testing.T, x *replicaRuns, version int64) {
	org1, api2, orgTok, aborted, proceed, path, accepted := x.org1, x.api2, x.orgTok, x.aborted, x.proceed, schedulePath, x.accepted
	run := struct{ Version int64 }{version}
	var a agendaBody
	// A client that goes away mid-run leaves the new schedule, whole.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api2.Base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+orgTok)
	gone := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		gone <- err
	}()
	if !x.waitEntered(t, "the run of the client that goes away") {
		t.FailNow()
	}
	cancel()
	if err := <-gone; err == nil {
		t.Fatal("the cancelled request got an answer")
	}
	// The server learns of the closed connection a moment later; a run tied to the request
	// would end then. Nothing announces that it did not, so this waits a bounded while.
	select {
	case <-aborted:
		t.Error("the run ended with its client")
	case <-time.After(time.Second):
	}
	proceed <- struct{}{}
	testenv.Eventually(t, "the cancelled client's run saved", func() bool {
		var a agendaBody
		org1.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a)
		return a.Version == run.Version+1
	})
	org1.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a)
	checkAgenda(t, a, accepted)
}

// stepConcurrentRunsAreDoneOrRefused asks both replicas for runs at once: each is done or
// refused, and the replicas show one whole schedule.
func stepConcurrentRunsAreDoneOrRefused(t *testing.T, x *replicaRuns) {
	org1, org2, proceed, path, accepted := x.org1, x.org2, x.proceed, schedulePath, x.accepted
	// Runs asked of both replicas at once: each is done or refused, never mixed.
	for range 4 {
		proceed <- struct{}{}
	}
	var wg sync.WaitGroup
	statuses := make(chan int, 4)
	for _, c := range []testenv.Client{org1, org2, org1, org2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- c.Do(t, "POST", path, nil).Status
		}()
	}
	wg.Wait()
	close(statuses)
	done := 0
	for s := range statuses {
		switch s {
		case 200:
			done++
		case http.StatusConflict, http.StatusServiceUnavailable:
		default:
			t.Errorf("a concurrent run answered %d", s)
		}
	}
	if done == 0 {
		t.Error("no concurrent run was done")
	}
	// Each replica's agenda model learns of the other's run through the stream, or, for a run
	// that moved no meeting, from the database within a second: wait for them to agree.
	newest, err := x.first.Meetings.Store.Timetable(context.Background(), "f1")
	if err != nil {
		t.Fatal(err)
	}
	var a1, a2 agendaBody
	testenv.Eventually(t, "both replicas to show the newest schedule", func() bool {
		org1.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a1)
		org2.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a2)
		return a1.Version == newest.Version && a2.Version == newest.Version
	})
	if fmt.Sprint(a1) != fmt.Sprint(a2) {
		t.Errorf("the replicas show different schedules:\n%+v\n%+v", a1, a2)
	}
	checkAgenda(t, a1, accepted)
}
