package exhibitorapp

import (
	"context"
	"net/url"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

type listedProduct struct {
	ID           string `json:"id"`
	ProducerName string `json:"producer_name"`
	ProvinceCode string `json:"province_code"`
	Revision     int64  `json:"revision"`
}

// catalogue returns the products of the public catalogue that match query.
func (f fixture) catalogue(t *testing.T, query url.Values) map[string]listedProduct {
	t.Helper()
	var page struct{ Items []listedProduct }
	f.api.Do(t, "GET", "/api/products?"+query.Encode(), nil).Decode(t, &page)
	out := map[string]listedProduct{}
	for _, p := range page.Items {
		out[p.ID] = p
	}
	return out
}

func TestProducerChangesReachItsProductsThroughItsEvent(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, a1 := f.producerWithProduct(t, "1700000041", "Nước mắm Phú Quốc", 4, issued)
	if r := a.Do(t, "POST", "/api/producers/"+aID+"/products", map[string]any{"name_vi": "Mắm ruốc", "criteria_set": 9, "stars": 3, "unit": "jar",
		"certificate": map[string]string{"decision_no": "78/QĐ-UBND", "issued_by": "UBND tỉnh Kiên Giang", "issued_on": issued}}); r.Status != 201 {
		t.Fatalf("second product: %d %s", r.Status, r.Body)
	}
	b, bID, b1 := f.producerWithProduct(t, "1700000042", "Nước mắm Phú Quốc", 4, issued)

	// A moves and renames itself: the catalogue finds its products under the new name and place.
	if r := a.Do(t, "PATCH", "/api/producers/"+aID, map[string]any{"legal_name": "HTX Hải sản Rạch Giá", "province": "Hà Nội"}); r.Status != 200 {
		t.Fatalf("patch A: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "A's products under its new name in Hà Nội", func() bool {
		got := f.catalogue(t, url.Values{"province": {"Hà Nội"}})
		return len(got) == 2 && got[a1].ProducerName == "HTX Hải sản Rạch Giá" && got[a1].ProvinceCode == "01"
	})
	testenv.Eventually(t, "product events with the new name", func() bool {
		n := 0
		for _, env := range f.messages(t, events.ProductUpdated) {
			var pl events.ProductChangedV1
			if env.Decode(&pl) == nil && pl.Product.ProducerID == aID && pl.Product.ProducerName == "HTX Hải sản Rạch Giá" && pl.Product.ProvinceCode == "01" {
				n++
			}
		}
		return n == 2
	})

	// A late event of an older revision of A changes nothing.
	f.publishLateProducer(t, aID)
	f.settled(t, "EXHIBITOR", "exhibitor-product-owners")
	if got := f.catalogue(t, url.Values{"province": {"Hà Nội"}}); len(got) != 2 || got[a1].ProducerName != "HTX Hải sản Rạch Giá" {
		t.Errorf("after an older producer event: %+v", got)
	}

	// The refresh of B fails at first (a unique index it cannot satisfy yet): the producer's
	// change is stored, the bus redelivers the event, and once the obstacle is gone the copies
	// follow. The HTTP request had long returned by then.
	products := f.app.Host.DB.Collection(product.Collection)
	index, err := products.Indexes().CreateOne(context.Background(), mongoIndex(bson.D{{Key: "producer_name", Value: 1}, {Key: "name_key", Value: 1}}))
	if err != nil {
		t.Fatal(err)
	}
	if r := b.Do(t, "PATCH", "/api/producers/"+bID, map[string]any{"legal_name": "HTX Hải sản Rạch Giá"}); r.Status != 200 {
		t.Fatalf("patch B: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the refresh of B failed and is being retried", func() bool {
		c, err := f.js.Consumer(context.Background(), "EXHIBITOR", "exhibitor-product-owners")
		if err != nil {
			return false
		}
		info, err := c.Info(context.Background())
		return err == nil && info.NumRedelivered > 0
	})
	if got := f.catalogue(t, url.Values{"q": {"Nước mắm"}}); got[b1].ProducerName == "HTX Hải sản Rạch Giá" {
		t.Fatalf("B's product refreshed despite the failure: %+v", got[b1])
	}
	if err := products.Indexes().DropOne(context.Background(), index); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "B's product under its new name after the retry", func() bool {
		return f.catalogue(t, url.Values{"q": {"Nước mắm"}})[b1].ProducerName == "HTX Hải sản Rạch Giá"
	})
	n, err := f.app.Host.DB.Collection(bus.DeadLetterCollection).CountDocuments(context.Background(), bson.M{})
	if err != nil || n != 0 {
		t.Errorf("%d dead letters, %v", n, err)
	}
}

func mongoIndex(keys bson.D) mongo.IndexModel {
	return mongo.IndexModel{Keys: keys, Options: options.Index().SetUnique(true).SetName("test_unique_copy")}
}
