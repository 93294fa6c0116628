package matchmakingapp

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
)

// A producer profile handed over to the company that owns its tax code (exhibitor.producer.claimed
// with the profile under its new account) takes its meetings along: the account that registered
// it first can no longer read or answer them, its badge no longer checks anyone in, and its
// private calendar address shows nothing; the company's badge is a new one.
func TestAHandedOverProfileTakesItsMeetingsAndBadge(t *testing.T) {
	x := startFairDay(t)
	var old badgeBody
	r := x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil)
	if r.Decode(t, &old); r.Status != http.StatusOK {
		t.Fatalf("the first account's badge: %d %s", r.Status, r.Body)
	}
	var feed struct{ Path string }
	r = x.producer.Do(t, "POST", "/api/fairs/f1/agenda/feed", nil)
	if r.Decode(t, &feed); r.Status != http.StatusOK {
		t.Fatalf("the first account's calendar address: %d %s", r.Status, r.Body)
	}
	if r := x.api1.Do(t, "GET", feed.Path, nil); r.Status != http.StatusOK {
		t.Fatalf("the calendar address before the hand-over: %d", r.Status)
	}

	ownerTok, owner := x.tokens.Token(t, "producer", "")
	company := x.api1.With(ownerTok)
	publish(t, x.first, events.ProducerUpdated, "p1", events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: "p1", AccountID: owner,
		LegalName: "Công ty Chè Shan tuyết Suối Giàng", ProvinceCode: "15", Revision: 2}})
	publish(t, x.first, events.ProducerClaimed, "p1", events.ProducerClaimedV1{ProducerID: "p1", AccountID: owner,
		PreviousAccountID: x.producerAcc, Revision: 2, ClaimedAt: time.Now()})
	testenv.Eventually(t, "the first account's badge refused", func() bool {
		status, _, body := checkIn(t, x.org, uuid.NewString(), old.Code, "gate", 0, time.Time{})
		return status == http.StatusUnprocessableEntity && strings.Contains(string(body), `"code":"badge_invalid"`)
	})
	if r := company.Do(t, "GET", "/api/meetings/"+x.meetingID, nil); r.Status != http.StatusOK {
		t.Errorf("the company reads the profile's meeting: %d %s", r.Status, r.Body)
	}
	if r := x.producer.Do(t, "GET", "/api/meetings/"+x.meetingID, nil); r.Status != http.StatusForbidden {
		t.Errorf("the first account reads the meeting: %d %s", r.Status, r.Body)
	}
	for _, path := range []string{"/api/meetings", "/api/fairs/f1/meetings"} {
		if r := company.Do(t, "GET", path, nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), x.meetingID) {
			t.Errorf("the company lists %s: %d %s, want the profile's meeting", path, r.Status, r.Body)
		}
		if r := x.producer.Do(t, "GET", path, nil); strings.Contains(string(r.Body), x.meetingID) {
			t.Errorf("the first account lists %s: %s", path, r.Body)
		}
	}
	if r := x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil); r.Status != http.StatusNotFound {
		t.Errorf("the first account's badge request: %d %s", r.Status, r.Body)
	}
	if r := x.api1.Do(t, "GET", feed.Path, nil); r.Status != http.StatusNotFound {
		t.Errorf("the first account's calendar address after the hand-over: %d", r.Status)
	}
	testenv.Eventually(t, "the first account's calendar address deleted", func() bool {
		n, err := x.first.Host.DB.Collection(meeting.FeedCollection).CountDocuments(t.Context(), bson.M{"participant": "p1"})
		return err == nil && n == 0
	})
	var next badgeBody
	r = company.Do(t, "GET", "/api/fairs/f1/badge", nil)
	if r.Decode(t, &next); r.Status != http.StatusOK || next.Code == old.Code || next.Code == "" {
		t.Fatalf("the company's badge: %d %s, want a new one", r.Status, r.Body)
	}
	if status, _, body := checkIn(t, x.org, uuid.NewString(), next.Code, "gate", 0, time.Time{}); status != http.StatusCreated {
		t.Errorf("the company's badge at the gate: %d %s", status, body)
	}
	// The same hand-over delivered again ends the company's badge no more.
	publish(t, x.first, events.ProducerClaimed, "p1", events.ProducerClaimedV1{ProducerID: "p1", AccountID: owner,
		PreviousAccountID: x.producerAcc, Revision: 2, ClaimedAt: time.Now()})
	time.Sleep(300 * time.Millisecond)
	if status, _, body := checkIn(t, x.org, uuid.NewString(), next.Code, "gate", 0, time.Time{}); status != http.StatusCreated {
		t.Errorf("the company's badge after the hand-over came again: %d %s", status, body)
	}
}
