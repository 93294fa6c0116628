package product

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// stubOwners answers one owner record for every producer.
type stubOwners struct{ o Owner }

func (s stubOwners) OwnerOf(context.Context, string) (Owner, error) { return s.o, nil }

// A product created on replica A from the profile at revision 1, while the change to revision 2
// is refreshed on replica B, whose catalogue has not seen A's product yet: B asks the database
// once its model has nothing behind, and finds it. Before, the product kept the old province.
func TestAProfileChangeReachesAProductAnotherReplicaJustCreated(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	a, b := NewStore(db), NewStore(db)
	ma, mb := NewCatalogue(a), NewCatalogue(b)
	a.OnSaved(ma.Put)
	a.OwnedFrom(ma.BehindOwner)
	b.OnSaved(mb.Put)
	b.OwnedFrom(mb.BehindOwner)
	p, err := New("prod-new", "p1", valid(), time.Now().In(vntext.Zone).Truncate(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Create(ctx, p, owner(t, "p1", "Kiên Giang", 1), ""); err != nil {
		t.Fatal(err)
	}
	if n, err := b.RefreshOwner(ctx, owner(t, "p1", "Lâm Đồng", 2), ""); err != nil || n != 1 {
		t.Errorf("B's refresh rewrote %d products (%v), want the one A created", n, err)
	}
	if got, err := a.Get(ctx, "prod-new"); err != nil || got.Owner.Revision != 2 || got.Owner.Province.Name != "Lâm Đồng" {
		t.Errorf("the product holds the profile at revision %d (%s), %v; want 2", got.Owner.Revision, got.Owner.Province.Name, err)
	}
}

// A profile change stored between a create's read of the profile and its write was refreshed
// without the new product: the create reads the profile again once it is stored, and refreshes it.
func TestANewProductFollowsAProfileChangedWhileItWasWritten(t *testing.T) {
	ctx := context.Background()
	st := NewStore(testenv.DB(t))
	p, err := New("prod-late", "p1", valid(), time.Now().In(vntext.Zone).Truncate(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	before := owner(t, "p1", "Kiên Giang", 1)
	if err := st.Create(ctx, p, before, ""); err != nil {
		t.Fatal(err)
	}
	h := &Routes{Store: st, Owners: stubOwners{owner(t, "p1", "Lâm Đồng", 2)}}
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("POST", "/api/producers/p1/products", nil)
	h.ownerSince(c, Listed{Product: p, Owner: before})
	if got, err := st.Get(ctx, "prod-late"); err != nil || got.Owner.Revision != 2 {
		t.Errorf("the new product holds the profile at revision %d, %v; want 2", got.Owner.Revision, err)
	}
}
