package report

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// ScansCollection holds the views of products' verification pages counted during fairs, from
// the exhibitor service's exhibitor.scan.counted events: one document per event, fair and day.
const ScansCollection = "qr_scans"

// Indexes for the report's read of a fair's views.
func Indexes() []storage.Index {
	return []storage.Index{{Collection: ScansCollection, Keys: bson.D{{Key: "fair_id", Value: 1}}}}
}

type scanDoc struct {
	ID     string `bson:"_id"` // event ID | fair ID | day: a redelivered event adds nothing
	FairID string `bson:"fair_id"`
	Day    string `bson:"day"`
	Count  int    `bson:"count"`
}

// ScanStore keeps the counted views by fair and day.
type ScanStore struct{ c *mongo.Collection }

// NewScanStore returns the store on db.
func NewScanStore(db *storage.DB) *ScanStore { return &ScanStore{c: db.Collection(ScansCollection)} }

// Record stores the counts of event eventID that fall in a fair, summed by fair and day. Each
// sum is an insert under a key made of the event, so storing an event again changes nothing.
func (s *ScanStore) Record(ctx context.Context, eventID string, counts []events.ScanCountV1) error {
	sums := map[[2]string]int{}
	var order [][2]string
	for _, c := range counts {
		if c.FairID == "" || c.Count <= 0 {
			continue
		}
		k := [2]string{c.FairID, c.Day}
		if _, ok := sums[k]; !ok {
			order = append(order, k)
		}
		sums[k] += c.Count
	}
	for _, k := range order {
		_, err := s.c.InsertOne(ctx, scanDoc{ID: eventID + "|" + k[0] + "|" + k[1], FairID: k[0], Day: k[1], Count: sums[k]})
		if err != nil && !storage.IsDuplicate(err) {
			return fmt.Errorf("record scans of fair %s: %w", k[0], err)
		}
	}
	return nil
}

// ForFair returns the views counted during a fair, by day.
func (s *ScanStore) ForFair(ctx context.Context, fairID string) ([]ScanDay, error) {
	cur, err := s.c.Find(ctx, bson.M{"fair_id": fairID})
	if err != nil {
		return nil, storage.MapError(err, "scans")
	}
	var docs []scanDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "scans")
	}
	out := make([]ScanDay, 0, len(docs))
	for _, d := range docs {
		out = append(out, ScanDay{Day: d.Day, Count: d.Count})
	}
	return out, nil
}
