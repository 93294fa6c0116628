package index

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// history publishes events the index folds, and some it does not, with synthetic times.
type history struct {
	t     *testing.T
	js    jetstream.JetStream
	clock time.Time
	revs  map[string]int64
	sent  int
}

func newHistory(t *testing.T, js jetstream.JetStream) *history {
	return &history{t: t, js: js, clock: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), revs: map[string]int64{}}
}

func (h *history) publish(subject, aggregate string, payload any) {
	h.t.Helper()
	env, err := events.New(subject, 1, aggregate, "", payload)
	if err != nil {
		h.t.Fatal(err)
	}
	env.OccurredAt = h.clock
	if err := bus.Publish(context.Background(), h.js, env); err != nil {
		h.t.Fatal(err)
	}
	h.sent++
}

func (h *history) rev(id string) int64 { h.revs[id]++; return h.revs[id] }

func (h *history) producer(i int) {
	id := fmt.Sprintf("p%03d", i)
	h.publish(events.ProducerUpdated, id, events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: id, AccountID: "acc-" + id,
		LegalName: fmt.Sprintf("HTX %s rev %d", id, h.revs[id]+1), ProvinceCode: "31", Region: "red_river_delta",
		Certifications: []events.CertificationV1{{Code: "vietgap", Number: "1", ValidUntil: h.clock.AddDate(1, 0, 0)}}, Revision: h.rev(id)}})
}

func (h *history) product(i, producers int, deleted bool) {
	id := fmt.Sprintf("x%04d", i)
	subject := events.ProductUpdated
	if deleted {
		subject = events.ProductDeleted
	}
	rev := h.rev(id)
	h.publish(subject, id, events.ProductChangedV1{Product: events.ProductV1{ID: id, ProducerID: fmt.Sprintf("p%03d", i%producers),
		NameVI: fmt.Sprintf("mật ong %d lần %d", i, rev), NameEN: "honey", CriteriaSet: 1 + i%26, Sector: "food", Stars: 3 + i%3,
		Certificate: events.CertificateV1{ExpiresOn: h.clock.AddDate(2, 0, 0).Format(time.DateOnly)}, Unit: "kg",
		MonthlyCapacity: float64(1 + i%40), PriceMinVND: int64(10000 * (1 + i%7)), DescriptionVI: "đặc sản", Deleted: deleted, Revision: rev, PhotoURL: photoOf(id, i, rev)}})
}

// photoOf is the photo URL of every other product of a history, a new one at each revision.
func photoOf(id string, i int, revision int64) string {
	if i%2 == 0 {
		return ""
	}
	return fmt.Sprintf("/api/products/%s/photo?v=%016x", id, revision)
}

func (h *history) fair(i int, status string) {
	id := fmt.Sprintf("f%02d", i)
	h.publish(events.FairUpdated, id, events.FairChangedV1{Fair: events.FairV1{ID: id, NameVI: "Hội chợ " + id, Status: status,
		Organisers: []string{"org-1"}, Revision: h.rev(id)}})
}

func (h *history) booth(fair, code, producer, assignment string, released bool) {
	subject := events.BoothAssigned
	if released {
		subject = events.BoothReleased
	}
	h.publish(subject, fair+"/"+code, events.BoothAssignmentV1{AssignmentID: assignment, FairID: fair, BoothCode: code, ProducerID: producer, At: h.clock})
}

// noise is an event in the index's streams that it does not fold.
func (h *history) noise(i int) {
	id := fmt.Sprintf("a%05d", i)
	h.publish(events.ApplicationSubmitted, id, events.ApplicationChangedV1{Application: events.ApplicationV1{ID: id}})
}

// garbage publishes a message that is not an event on a subject the index folds.
func (h *history) garbage() {
	h.t.Helper()
	if _, err := h.js.Publish(context.Background(), events.ProductUpdated, []byte("{not json")); err != nil {
		h.t.Fatal(err)
	}
	h.sent++
}

// mixed publishes a varied stretch of history: producers, products updated and deleted, fairs,
// booths assigned, released and reassigned (one release arriving late), noise and a malformed
// message.
func (h *history) mixed(round int) {
	for i := range 12 {
		h.producer(i)
	}
	for i := range 80 {
		h.product(i, 12, (i+round)%9 == 0)
	}
	for i := range 3 {
		h.fair(i, []string{"draft", "published", "cancelled"}[(i+round)%3])
	}
	a1, a2 := fmt.Sprintf("0190-%02d-a", round), fmt.Sprintf("0190-%02d-b", round)
	h.booth("f00", "A1", "p001", a1, false)
	h.booth("f00", "A1", "p002", a2, false)
	h.booth("f00", "A1", "p001", a1, true) // late: must not take the booth from p002
	h.booth("f01", fmt.Sprintf("B%d", round), "p003", a1+"x", false)
	h.booth("f02", fmt.Sprintf("C%d", round), "p004", a1+"y", false)
	h.booth("f02", fmt.Sprintf("C%d", round), "p004", a1+"y", true)
	for i := range 10 {
		h.noise(round*10 + i)
	}
	h.garbage()
	h.clock = h.clock.Add(24 * time.Hour)
}
