// Package console serves the web console: a single page in plain JavaScript (no build step, no
// CDN: every file is embedded in the gateway) that organisers, producers and buyers use in
// Vietnamese or English, plus the live-update stream and the reference data its forms need.
package console

import (
	"embed"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats.go"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

//go:embed static
var static embed.FS

// Mount serves the console at / and /static/, and GET /api/reference.
func Mount(r *gin.Engine, api httpx.API) {
	files, _ := fs.Sub(static, "static")
	index, _ := fs.ReadFile(files, "index.html")
	serveIndex := func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; "+httpx.FrameAncestorsNone)
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	}
	r.GET("/", serveIndex)
	r.GET("/static/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.FileFromFS(strings.TrimPrefix(c.Param("file"), "/"), http.FS(files))
	})
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/reference", Tag: "reference",
		Summary: "Reference data for forms: provinces, regions, sectors, criteria sets, certifications, units, booth kinds.", Response: Reference{}}, reference)
}

// Reference is the data the console's forms offer.
type Reference struct {
	Provinces      []ocop.Province      `json:"provinces"`
	Regions        []ocop.Region        `json:"regions"`
	Sectors        []ocop.Sector        `json:"sectors"`
	CriteriaSets   []ocop.CriteriaSet   `json:"criteria_sets"`
	Certifications []ocop.Certification `json:"certifications"`
	Units          []ocop.Unit          `json:"units"`
	BoothKinds     []string             `json:"booth_kinds"`
}

func reference(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, Reference{Provinces: ocop.Provinces(), Regions: ocop.Regions(), Sectors: ocop.Sectors(), CriteriaSets: ocop.CriteriaSets(),
		Certifications: ocop.Certifications(), Units: ocop.Units(), BoothKinds: []string{"standard", "corner", "double", "premium"}})
}

// Notice is what the live stream tells a page: something about these IDs changed; the page
// reloads what it shows. It carries IDs only, no personal data.
type Notice struct {
	Type          string `json:"type"`
	FairID        string `json:"fair_id,omitempty"`
	ApplicationID string `json:"application_id,omitempty"`
	ProducerID    string `json:"producer_id,omitempty"`
	MeetingID     string `json:"meeting_id,omitempty"`
	BuyerID       string `json:"buyer_id,omitempty"`
}

// Live fans NATS events out to the browsers connected to this gateway replica.
type Live struct {
	verifier *auth.Verifier
	log      *slog.Logger
	mu       sync.Mutex
	clients  map[chan Notice]struct{}
	sub      []*nats.Subscription
	done     chan struct{}
	stopOnce sync.Once
}

// NewLive subscribes to the subjects pages care about.
func NewLive(nc *nats.Conn, v *auth.Verifier, log *slog.Logger) (*Live, error) {
	l := &Live{verifier: v, log: log, clients: map[chan Notice]struct{}{}, done: make(chan struct{})}
	for _, subj := range []string{"exhibitor.application.>", "event.booth.>", "event.fair.>", "matchmaking.meeting.>"} {
		s, err := nc.Subscribe(subj, l.onMessage)
		if err != nil {
			return nil, err
		}
		l.sub = append(l.sub, s)
	}
	return l, nil
}

// Close stops the subscriptions and ends every open stream, so a shutdown need not wait for
// browsers to hang up.
func (l *Live) Close() {
	l.stopOnce.Do(func() {
		close(l.done)
		for _, s := range l.sub {
			_ = s.Unsubscribe()
		}
	})
}

func (l *Live) onMessage(m *nats.Msg) {
	var env events.Envelope
	if json.Unmarshal(m.Data, &env) != nil || env.Validate() != nil {
		return
	}
	n := Notice{Type: env.Type}
	var probe struct {
		Application struct {
			ID         string `json:"id"`
			FairID     string `json:"fair_id"`
			ProducerID string `json:"producer_id"`
		} `json:"application"`
		Meeting struct {
			ID         string `json:"id"`
			FairID     string `json:"fair_id"`
			BuyerID    string `json:"buyer_id"`
			ProducerID string `json:"producer_id"`
		} `json:"meeting"`
		Fair struct {
			ID string `json:"id"`
		} `json:"fair"`
		FairID        string `json:"fair_id"`
		ApplicationID string `json:"application_id"`
		ProducerID    string `json:"producer_id"`
		MeetingID     string `json:"meeting_id"`
	}
	_ = json.Unmarshal(env.Payload, &probe)
	n.FairID = first(probe.FairID, probe.Application.FairID, probe.Meeting.FairID, probe.Fair.ID)
	n.ApplicationID = first(probe.ApplicationID, probe.Application.ID)
	n.ProducerID = first(probe.ProducerID, probe.Application.ProducerID, probe.Meeting.ProducerID)
	n.MeetingID = first(probe.MeetingID, probe.Meeting.ID)
	n.BuyerID = probe.Meeting.BuyerID
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.clients {
		select {
		case ch <- n:
		default: // a slow page misses a notice; its next reload catches up
		}
	}
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Stream serves GET /api/live as server-sent events. EventSource cannot send headers, so the
// token comes in the query string (the stream carries IDs only).
func (l *Live) Stream(c *gin.Context) {
	if _, err := l.verifier.Verify(c.Request.Context(), c.Query("token")); err != nil {
		httpx.RespondError(c, apperr.E(apperr.Unauthorized, "sign in to follow live updates"))
		return
	}
	ch := make(chan Notice, 32)
	l.mu.Lock()
	l.clients[ch] = struct{}{}
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.clients, ch)
		l.mu.Unlock()
	}()
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	_, _ = c.Writer.WriteString(": connected\n\n")
	c.Writer.Flush()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	ctx := c.Request.Context()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.done:
			return
		case <-tick.C:
			_, _ = c.Writer.WriteString(": keep-alive\n\n")
		case n := <-ch:
			b, _ := json.Marshal(n)
			_, _ = c.Writer.WriteString("data: " + string(b) + "\n\n")
		}
		c.Writer.Flush()
	}
}
