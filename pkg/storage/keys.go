package storage

import (
	"context"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Keys finds a document's _id by a field that is unique to it (a tax code, an account), without a
// query per lookup on the embedded database.
//
// The embedded FerretDB answers a query by any field but _id by reading the whole collection, so
// a lookup by tax code cost O(collection) on the service's one connection (an import of 10,000
// rows did it 10,000 times). On the embedded database, which one process writes, Keys holds every
// key of the collection in memory: loaded with one read at first use, and kept by the store's own
// writes (Stored). On MongoDB it asks the database, whose index answers.
//
// The store still reads the document by _id and checks the key, so a lookup never answers with a
// document that no longer has it.
type Keys struct {
	c        *mongo.Collection
	field    string
	embedded bool

	mu     sync.RWMutex
	loaded bool
	ids    map[string]string // key -> _id
	keyOf  map[string]string // _id -> key
}

// NewKeys returns the keys of collection by field on db.
func NewKeys(db *DB, collection, field string) *Keys {
	return &Keys{c: db.Collection(collection), field: field, embedded: db.Embedded, ids: map[string]string{}, keyOf: map[string]string{}}
}

// ID returns the _id of the document whose field is key, and false when there is none.
func (k *Keys) ID(ctx context.Context, key string) (string, bool, error) {
	if !k.embedded {
		var d struct {
			ID string `bson:"_id"`
		}
		err := k.c.FindOne(ctx, bson.M{k.field: key}, options.FindOne().SetProjection(bson.M{"_id": 1})).Decode(&d)
		if IsNotFound(err) {
			return "", false, nil
		}
		return d.ID, err == nil, err
	}
	if err := k.load(ctx); err != nil {
		return "", false, err
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	id, ok := k.ids[key]
	return id, ok, nil
}

// Stored records that document id now has key, after a write that stored it ("" when the document
// no longer has one).
func (k *Keys) Stored(id, key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if old, ok := k.keyOf[id]; ok && k.ids[old] == id {
		delete(k.ids, old)
	}
	delete(k.keyOf, id)
	if key != "" {
		k.ids[key], k.keyOf[id] = id, key
	}
}

// load reads every key once. It holds the lock while it reads, so that a write recorded meanwhile
// lands after the read and is not lost under it.
func (k *Keys) load(ctx context.Context) error {
	k.mu.RLock()
	loaded := k.loaded
	k.mu.RUnlock()
	if loaded {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.loaded {
		return nil
	}
	cur, err := k.c.Find(ctx, bson.M{}, options.Find().SetProjection(bson.M{"_id": 1, k.field: 1}).SetBatchSize(5000))
	if err != nil {
		return fmt.Errorf("storage: load the %s keys of %s: %w", k.field, k.c.Name(), err)
	}
	defer cur.Close(ctx)
	ids, keyOf := map[string]string{}, map[string]string{}
	for cur.Next(ctx) {
		id, _ := cur.Current.Lookup("_id").StringValueOK()
		key, ok := cur.Current.Lookup(k.field).StringValueOK()
		if id != "" && ok && key != "" {
			ids[key], keyOf[id] = id, key
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("storage: load the %s keys of %s: %w", k.field, k.c.Name(), err)
	}
	k.ids, k.keyOf, k.loaded = ids, keyOf, true
	return nil
}
