// Package matchmakingapp wires the matchmaking service: the read model and in-memory index of
// producers and products, buyers and sourcing requests, ranked matches and opportunities,
// meetings and B2B scheduling.
package matchmakingapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/readmodel"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/badge"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/catalog"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
)

// Port is the service's default HTTP port.
const Port = 8083

// Config is the matchmaking service's configuration.
type Config struct {
	service.Config
	// MeetingCap is the most meetings one participant may commit to at a fair (see meeting.Service.Cap).
	MeetingCap int
	// SolveLimit bounds one scheduling run per day.
	SolveLimit time.Duration
	// BoothLossGrace is how long meetings outlive the release of their producer's last booth by
	// the organisers (see meeting.Service.BoothLossGrace).
	BoothLossGrace time.Duration
	// BadgeKey signs the codes of badges (OCOPFAIR_BADGE_KEY); nil uses the key stored in the
	// database, made by the first replica that needed one, so that every replica agrees.
	BadgeKey badge.Key
}

// LoadConfig reads the configuration from getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := service.LoadConfig("matchmaking", Port, getenv)
	c := Config{Config: base, MeetingCap: 12, SolveLimit: 10 * time.Second, BoothLossGrace: meeting.DefaultBoothLossGrace}
	if s := getenv("OCOPFAIR_MEETING_CAP"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > 100 {
			return c, fmt.Errorf("OCOPFAIR_MEETING_CAP=%q: must be 1 to 100", s)
		}
		c.MeetingCap = n
	}
	if err := service.DurationEnv(getenv, "OCOPFAIR_SOLVE_LIMIT", 10*time.Millisecond, 10*time.Minute, "a duration from 10ms to 10m", &c.SolveLimit); err != nil {
		return c, err
	}
	if err := service.DurationEnv(getenv, "OCOPFAIR_BOOTH_LOSS_GRACE", 0, time.Hour, "a duration from 0s to 1h", &c.BoothLossGrace); err != nil {
		return c, err
	}
	if s := getenv("OCOPFAIR_BADGE_KEY"); s != "" {
		k, perr := badge.ParseKey(s)
		if perr != nil {
			return c, fmt.Errorf("OCOPFAIR_BADGE_KEY: %w", perr)
		}
		c.BadgeKey = k
	}
	return c, err
}

// App is a running matchmaking service.
type App struct {
	Host      *service.Host
	catalog   *catalog.Store
	Index     *index.Index
	handler   http.Handler
	consumers []bus.Consumer
	// Meetings asks for, schedules and cancels meetings; set its fields before Run.
	Meetings *meeting.Service
}

// Run is the service's main.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	return service.Serve(ctx, args, cfg.HTTPAddr, func() (func(context.Context, net.Listener) error, error) {
		a, err := New(ctx, cfg, stdout, nil)
		if err != nil {
			return nil, err
		}
		return a.Run, nil
	})
}

// New opens the service; keys verify tokens (nil fetches the gateway's JWKS).
func New(ctx context.Context, cfg Config, logOut io.Writer, keys auth.KeySource) (*App, error) {
	host, err := service.Open(ctx, cfg.Config, logOut, service.Options{Keys: keys})
	if err != nil {
		return nil, err
	}
	if err := host.DB.EnsureIndexes(ctx, append(append(buyer.Indexes(), meeting.Indexes()...), badge.Indexes()...)...); err != nil {
		host.Close()
		return nil, err
	}
	if _, err := host.Relay(ctx, buyer.BuyerCollection, buyer.RequestCollection, meeting.Collection, meeting.SchedulesCollection); err != nil {
		host.Close()
		return nil, err
	}
	a := &App{Host: host, catalog: catalog.NewStore(host.DB), Index: index.New()}
	replay, err := a.catalog.PrepareReplay(ctx, host.JS)
	if err != nil {
		host.Close()
		return nil, err
	}
	if replay {
		host.Log.Info("catalog is empty: rebuilding it from the EXHIBITOR stream")
	}
	host.Check("index", a.Index.Ready)
	host.Job(func(ctx context.Context) {
		if err := a.Index.Follow(ctx, host.JS, index.NewSnapshots(host.DB), host.Log.With("component", "index")); err != nil && ctx.Err() == nil {
			host.Log.Error("matching index stopped", "err", err)
		}
	})
	buyerStore, meetingStore := buyer.NewStore(host.DB), meeting.NewStore(host.DB)
	agendas, book, err := followAgendas(ctx, host, meetingStore, buyerStore)
	if err != nil {
		host.Close()
		return nil, err
	}
	meetings := &meeting.Service{Store: meetingStore, Buyers: buyerStore, Index: a.Index, Agendas: agendas, Notify: host.NotifyRelays, Now: time.Now,
		Cap: cfg.MeetingCap, DeclineRest: meeting.DefaultDeclineRest, BoothLossGrace: cfg.BoothLossGrace, SolveLimit: cfg.SolveLimit, Gate: make(chan struct{}, 1)}
	a.Meetings = meetings
	host.Every("booth loss sweep", meeting.BoothLossSweep, meetings.SweepBoothLosses)
	a.consumers = append([]bus.Consumer{a.catalog.Consumer()}, meetings.Consumers()...)

	r, api := host.Router("ocopfair matchmaking service", "Buyers, sourcing requests, ranked matches, meetings and B2B scheduling.")
	interests := buyer.NewInterests(host.DB)
	if err := interests.Load(ctx); err != nil {
		host.Close()
		return nil, fmt.Errorf("load the interests: %w", err)
	}
	host.Job(func(ctx context.Context) { interests.Refresh(ctx, interestRefresh) })
	buyers := &buyer.Service{Store: buyerStore, Matcher: &match.Matcher{Index: a.Index, Markets: match.Markets()}, Index: a.Index, Notify: host.NotifyRelays, Now: time.Now,
		Interests: interests, Meetings: buyerMeetings(agendas, meetings.DeclineRest), Open: book, BuyerName: agendas.BuyerName}
	(&buyer.Routes{Service: buyers}).Register(api)
	meetingRoutes := &meeting.Routes{Service: meetings}
	meetingRoutes.Register(api)
	calendar := &meeting.Calendar{Routes: meetingRoutes, Feeds: host.DB.Collection(meeting.FeedCollection), Revoked: host.Revocations}
	calendar.Register(api)
	a.consumers = append(a.consumers, calendar.Consumer(), calendar.HandOverConsumer())
	(&catalog.Routes{Store: a.catalog}).Register(api)
	badges := badge.NewStore(host.DB)
	buyers.Hidden = badges.DisabledAccounts // a disabled buyer's requests leave producers' opportunities
	key := cfg.BadgeKey
	if key == nil {
		if key, err = badges.SharedKey(ctx); err != nil {
			host.Close()
			return nil, fmt.Errorf("the badge key: %w", err)
		}
	}
	a.consumers = append(a.consumers, badges.Consumer(), badges.HandOverConsumer())
	(&badge.Routes{Service: &badge.Service{Key: key, Store: badges, Index: a.Index, Agendas: agendas, Buyers: buyerStore, Meetings: meetings,
		Now: time.Now}}).Register(api)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/admin/matchmaking/index", Tag: "operations", Roles: []string{auth.RoleAdmin},
		Summary: "What this replica's in-memory matching index holds.", Response: index.Stats{}}, func(c *gin.Context) { c.JSON(http.StatusOK, a.Index.Stats()) })
	a.handler = r
	return a, nil
}

// interestRefresh is how often a replica rereads producers' interests, which carry no events
// (no other service needs them): another replica's mark shows here after at most this long.
const interestRefresh = 30 * time.Second

// buyerMeetings hands a buyer's meetings from the agenda model to its matches, with when the
// buyer may ask again after a producer declined its request (rest after the decline).
func buyerMeetings(agendas *meeting.Agendas, rest time.Duration) func(string) []buyer.MeetingRef {
	return func(buyerID string) []buyer.MeetingRef {
		ms := agendas.BuyerMeetings(buyerID)
		out := make([]buyer.MeetingRef, len(ms))
		for i, m := range ms {
			out[i] = buyer.MeetingRef{ID: m.ID, FairID: m.FairID, ProducerID: m.ProducerID, Status: m.Status, Active: m.Active(),
				Proposed: m.Status == meeting.Requested && m.Proposal != nil, CreatedAt: m.CreatedAt}
			if rest > 0 && m.RequestedBy == meeting.SideBuyer && m.DeclinedByAsked() {
				out[i].AskAgainAt = m.UpdatedAt.Add(rest)
			}
		}
		return out
	}
}

// followAgendas loads the agenda model and the open requests' book from the database and keeps
// them current: the stores hand them this replica's writes as they succeed, and a follower of the
// MATCHMAKING stream brings in the other replicas' writes. The follower starts from before the
// loads began (less the relay's lag), so no write stored during them is missed; /readyz waits for
// it to catch up.
func followAgendas(ctx context.Context, host *service.Host, meetings *meeting.Store, buyers *buyer.Store) (*meeting.Agendas, *buyer.OpenBook, error) {
	m, book := meeting.NewAgendas(meetings, buyers), buyer.NewOpenBook(buyers)
	meetings.OnSaved(m.PutMeeting, m.PutTimetable)
	buyers.OnSaved(m.PutBuyer)
	buyers.OnRequestSaved(book.Put)
	begin := time.Now()
	if err := m.Load(ctx); err != nil {
		return nil, nil, fmt.Errorf("load the agendas: %w", err)
	}
	if err := book.Load(ctx); err != nil {
		return nil, nil, fmt.Errorf("load the open requests: %w", err)
	}
	host.Log.Info("agenda model and open requests loaded", "took", time.Since(begin).Round(time.Millisecond))
	subs := meeting.AgendaSubscriptions()
	subs["buyer.OnRequest"] = buyer.RequestSubjects()
	byType := map[string]func(events.Envelope) error{}
	var subjects []string
	for name, apply := range map[string]func(events.Envelope) error{"meeting.OnMeeting": m.OnMeeting, "meeting.OnBuyer": m.OnBuyer, "buyer.OnRequest": book.OnRequest} {
		for _, s := range subs[name] {
			byType[s] = apply
			subjects = append(subjects, s)
		}
	}
	f := readmodel.New(host.JS, readmodel.Config{Stream: "MATCHMAKING", Subjects: subjects, Start: begin.Add(-outbox.Lag),
		Apply: func(env events.Envelope) error {
			if apply, ok := byType[env.Type]; ok {
				return apply(env)
			}
			return nil
		}, Log: host.Log.With("component", "agendas")})
	host.Check("agendas", func(context.Context) error {
		if !f.Ready() {
			return errors.New("the agenda model and the open requests are still catching up with the stream")
		}
		return nil
	})
	host.Job(func(ctx context.Context) { _ = f.Run(ctx) })
	return m, book, nil
}

// Handler returns the HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Consumers returns the durable consumers the service runs: the catalog's and the meetings'.
// The matching index and the agenda model follow their streams themselves, with ordered
// consumers of their own.
func (a *App) Consumers() []bus.Consumer { return a.consumers }

// Run serves on ln and runs the consumers and the index until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	return a.Host.Run(ctx, ln, a.handler, a.Consumers()...)
}
