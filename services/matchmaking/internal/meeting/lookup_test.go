package meeting

import (
	"context"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

func TestAFailedBuyerLookupIsAnErrorNotAnEmptyName(t *testing.T) {
	db := testenv.DB(t)
	h := &Routes{Service: &Service{Buyers: buyer.NewStore(db), Index: index.New()}}
	m := Meeting{ID: "m1", FairID: "f1", BuyerID: "b1", ProducerID: "p1", Status: Accepted}
	if r, err := h.toResponse(context.Background(), m, map[string]string{}, apperr.Vietnamese); err != nil || r.BuyerName != "" {
		t.Fatalf("a buyer that does not exist: %+v, %v; want an empty name", r, err)
	}
	// The database goes away: the list must fail rather than show meetings without names.
	if err := db.Client.Disconnect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.toResponse(context.Background(), m, map[string]string{}, apperr.Vietnamese); err == nil {
		t.Error("toResponse with the database gone: no error")
	}
}
