package signing

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Collection holds signing keys.
const Collection = "signing_keys"

type document struct {
	ID        string    `bson:"_id"`
	Slot      string    `bson:"slot"`
	Seed      []byte    `bson:"seed"`
	CreatedAt time.Time `bson:"created_at"`
}

// Indexes: one key per slot, so concurrent first starts of several replicas agree on one key.
func Indexes() []storage.Index {
	return []storage.Index{{Collection: Collection, Keys: bson.D{{Key: "slot", Value: 1}}, Unique: true}}
}

// Load returns the primary key, creating it on first start.
func Load(ctx context.Context, db *storage.DB) (Keys, error) {
	c := db.Collection(Collection)
	for attempt := 0; attempt < 2; attempt++ {
		var d document
		err := c.FindOne(ctx, bson.M{"slot": "primary"}).Decode(&d)
		if err == nil {
			if len(d.Seed) != ed25519.SeedSize {
				return Keys{}, fmt.Errorf("signing: key %s is corrupt", d.ID)
			}
			priv := ed25519.NewKeyFromSeed(d.Seed)
			return Keys{KID: d.ID, Private: priv, Public: map[string]ed25519.PublicKey{d.ID: priv.Public().(ed25519.PublicKey)}}, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return Keys{}, fmt.Errorf("signing: load key: %w", err)
		}
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return Keys{}, err
		}
		_, err = c.InsertOne(ctx, document{ID: "k-" + uuid.Must(uuid.NewV7()).String(), Slot: "primary", Seed: seed, CreatedAt: time.Now().UTC()})
		if err != nil && !storage.IsDuplicate(err) {
			return Keys{}, fmt.Errorf("signing: create key: %w", err)
		}
		// Created, or another replica won the race: read what is stored.
	}
	return Keys{}, errors.New("signing: no key after creating one")
}
