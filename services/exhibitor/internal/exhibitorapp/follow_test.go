package exhibitorapp

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
)

type shownApplication struct {
	ID           string
	ProducerName string `json:"producer_name"`
	ProvinceCode string `json:"province_code"`
	Status       string
	Revision     int64
}

// handled waits until durable has acknowledged the stream's last message of subject.
func (f fixture) handled(t *testing.T, stream, durable, subject string) {
	t.Helper()
	f.consumerReached(t, durable+" has handled the last "+subject, stream, durable, func(s jetstream.Stream, ci *jetstream.ConsumerInfo) bool {
		last, err := s.GetLastMsgForSubject(context.Background(), subject)
		return err == nil && ci.AckFloor.Stream >= last.Sequence && ci.NumAckPending == 0
	})
}

// publishLateProducer publishes exhibitor.producer.updated of producer id at its first revision,
// under another name and province, as a late event would come.
func (f fixture) publishLateProducer(t *testing.T, id string) {
	t.Helper()
	old, err := events.New(events.ProducerUpdated, 1, id, "", events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: id, LegalName: "Tên cũ",
		ProvinceCode: "91", Revision: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), f.js, old); err != nil {
		t.Fatal(err)
	}
}

// applied starts fair fairID and a producer (its tax code, a product) that applied to it; it
// returns the fair's organiser, the producer, its ID and the application.
func (f fixture) applied(t *testing.T, fairID, taxCode, product string) (org, producer testenv.Client, producerID string, app shownApplication) {
	t.Helper()
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org = f.api.With(orgTok)
	f.publishFair(t, openFair(fairID, orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	producer, producerID, productID := f.producerWithProduct(t, taxCode, product, 4, issued)
	testenv.Eventually(t, "the application", func() bool {
		r := producer.Do(t, "POST", "/api/fairs/"+fairID+"/applications", map[string]any{"product_ids": []string{productID}})
		r.Decode(t, &app)
		return r.Status == http.StatusCreated
	})
	return org, producer, producerID, app
}

// updates counts the exhibitor.application.updated events of application id.
func (f fixture) updates(t *testing.T, id string) (n int, last events.ApplicationV1) {
	t.Helper()
	for _, env := range f.messages(t, events.ApplicationUpdated) {
		var pl events.ApplicationChangedV1
		if env.Decode(&pl) == nil && pl.Application.ID == id {
			n, last = n+1, pl.Application
		}
	}
	return n, last
}

// shown is application id as an organiser reads it, alone and in its fair's queue.
func shown(t *testing.T, org testenv.Client, fairID, id string) (one shownApplication, queued shownApplication) {
	t.Helper()
	org.Do(t, "GET", "/api/applications/"+id, nil).Decode(t, &one)
	var page struct{ Items []shownApplication }
	org.Do(t, "GET", "/api/fairs/"+fairID+"/applications", nil).Decode(t, &page)
	for _, it := range page.Items {
		if it.ID == id {
			queued = it
		}
	}
	return one, queued
}

// An application shows its producer as the profile is now: a producer that renames itself and
// moves is shown so in the organisers' queue and in the application, its status unchanged, and
// the other services hear it (exhibitor.application.updated). A change of the profile that shows
// nowhere on the application (a description) sends nothing, and a late event of an older
// profile changes nothing.
func TestApplicationsShowTheirProducerAsItIsNow(t *testing.T) {
	f := start(t)
	org, a, aID, app := f.applied(t, "fair-rename", "1700000088", "Mật ong bạc hà")
	const name = "HTX Mật ong Mèo Vạc"
	if r := a.Do(t, "PATCH", "/api/producers/"+aID, map[string]any{"legal_name": name, "province": "Hà Nội"}); r.Status != http.StatusOK {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the application under the producer's new name and province", func() bool {
		one, queued := shown(t, org, "fair-rename", app.ID)
		return one.ProducerName == name && one.ProvinceCode == "01" && queued.ProducerName == name && queued.ProvinceCode == "01"
	})
	if one, _ := shown(t, org, "fair-rename", app.ID); one.Status != "submitted" || one.Revision != 2 {
		t.Errorf("after the rename the application is %s at revision %d, want submitted at 2", one.Status, one.Revision)
	}
	testenv.Eventually(t, "the updated event with the new name", func() bool {
		n, last := f.updates(t, app.ID)
		return n == 1 && last.ProducerName == name && last.Status == "submitted"
	})

	if r := a.Do(t, "PATCH", "/api/producers/"+aID, map[string]any{"description_vi": "Mật ong hoa bạc hà cao nguyên đá Đồng Văn"}); r.Status != http.StatusOK {
		t.Fatalf("description: %d %s", r.Status, r.Body)
	}
	f.publishLateProducer(t, aID)
	f.handled(t, "EXHIBITOR", "exhibitor-application-producers", events.ProducerUpdated)
	if one, _ := shown(t, org, "fair-rename", app.ID); one.ProducerName != name || one.Revision != 2 {
		t.Errorf("after a new description and an older producer event the application shows %q at revision %d, want %q at 2", one.ProducerName, one.Revision, name)
	}
	if n, _ := f.updates(t, app.ID); n != 1 {
		t.Errorf("%d updated events, want 1: a new description shows nowhere on the application", n)
	}
}

// Applications stored before they followed their producers, or whose producer changed longer ago
// than the stream keeps events, are brought up to the profile when a replica starts.
func TestAStartingReplicaBringsOldApplicationsUpToTheirProducers(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	uri := testenv.SharedURI(t)
	tokens := testenv.NewTokens(t)
	one := replica(t, natsURL, uri, tokens)
	org, _, _, app := one.applied(t, "fair-old", "1700000089", "Chè Shan tuyết")
	// As stored before: the name it was sent with, and no revision of the profile.
	if _, err := one.app.Host.DB.Collection(application.Collection).UpdateByID(t.Context(), app.ID,
		bson.M{"$set": bson.M{"producer_name": "Tên đăng ký năm ngoái"}, "$unset": bson.M{"producer_revision": ""}}); err != nil {
		t.Fatal(err)
	}
	replica(t, natsURL, uri, tokens)
	testenv.Eventually(t, "the old application under its producer's name", func() bool {
		got, _ := shown(t, org, "fair-old", app.ID)
		n, last := one.updates(t, app.ID)
		return got.ProducerName == "HTX Nước mắm Phú Quốc 1700000089" && got.Revision == 2 && n == 1 && last.ProducerName == got.ProducerName
	})
}
