package buyer

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
)

// honeyIndex is an index holding one producer, p1, with one certified honey product.
func honeyIndex(t testing.TB) *index.Index {
	t.Helper()
	now := time.Now().In(vntext.Zone)
	x := index.New()
	for _, c := range []struct {
		subject string
		payload any
	}{
		{events.ProducerRegistered, events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "p1", AccountID: "acc-p1", LegalName: "HTX Mật ong", ProvinceCode: "15", Revision: 1}}},
		{events.ProductCreated, events.ProductChangedV1{Product: events.ProductV1{ID: "x1", ProducerID: "p1", NameVI: "Mật ong bạc hà", CriteriaSet: 4, Sector: "food", Stars: 4,
			Unit: "kg", MonthlyCapacity: 500, Revision: 1, Certificate: events.CertificateV1{ExpiresOn: now.AddDate(1, 0, 0).Format(time.DateOnly)}}}},
	} {
		env, err := events.New(c.subject, 1, "x", "", c.payload)
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Apply(env); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func TestOpportunitiesComeFromTheMostRecentRequests(t *testing.T) {
	store := NewStore(testenv.DB(t))
	x := honeyIndex(t)
	h := &Service{Store: store, Matcher: &match.Matcher{Index: x, Markets: match.Markets()}, Index: x, Now: time.Now, Window: 2}
	ctx := context.Background()
	var ids []string
	for i := range 3 {
		r := Request{ID: uuid.Must(uuid.NewV7()).String(), BuyerID: "b1", AccountID: "acc-b1", Open: true, Revision: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		title := fmt.Sprintf("Mật ong đợt %d", i)
		if err := r.Apply(RequestFields{Title: &title, CriteriaSets: &[]int{4}}, true); err != nil {
			t.Fatal(err)
		}
		if err := store.CreateRequest(ctx, r, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	got, _, err := h.Opportunities(ctx, "p1", 0, 20)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, o := range got {
		seen[o.Request.ID] = true
	}
	if len(got) != 2 || !seen[ids[1]] || !seen[ids[2]] {
		t.Errorf("opportunities from a window of 2 = %v, want the newest two of %v", seen, ids)
	}
}
