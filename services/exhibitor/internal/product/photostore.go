package product

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// PhotosCollection holds product photos: one document per product, photo version and size,
// found only by _id (the one query the embedded database answers without a scan). A photo's
// documents never change; a new upload writes new ones and removes the old.
const PhotosCollection = "product_photos"

// DefaultPhotoCacheBytes is how many bytes of photos a replica keeps in memory: some 1,500
// thumbnails, or a catalogue page's thumbnails and the full sizes recently opened.
const DefaultPhotoCacheBytes = 32 << 20

// photoDocument is one size of one photo as stored.
type photoDocument struct {
	ID        string    `bson:"_id"` // product ID / version / size
	ProductID string    `bson:"product_id"`
	Version   string    `bson:"version"`
	Size      string    `bson:"size"`
	Width     int       `bson:"width"`
	Height    int       `bson:"height"`
	JPEG      []byte    `bson:"jpeg"`
	CreatedAt time.Time `bson:"created_at"`
}

func photoID(productID, version, size string) string {
	return productID + "/" + version + "/" + size
}

// PhotoStore keeps product photos, with the most recently served in memory.
type PhotoStore struct {
	c     *mongo.Collection
	cache *photoCache
}

// NewPhotoStore returns a store on db that keeps up to cacheBytes of photos in memory.
func NewPhotoStore(db *storage.DB, cacheBytes int64) *PhotoStore {
	return &PhotoStore{c: db.Collection(PhotosCollection), cache: newPhotoCache(cacheBytes)}
}

// Put stores both sizes of p for product productID. Each write replaces by _id, so a retried
// upload of the same picture writes the same documents again.
func (s *PhotoStore) Put(ctx context.Context, productID string, p Photo, now time.Time) error {
	for _, size := range []string{SizeThumb, SizeFull} {
		pic := p.Of(size)
		d := photoDocument{ID: photoID(productID, p.Version, size), ProductID: productID, Version: p.Version, Size: size,
			Width: pic.Width, Height: pic.Height, JPEG: pic.JPEG, CreatedAt: now}
		if _, err := s.c.ReplaceOne(ctx, bson.M{"_id": d.ID}, d, options.Replace().SetUpsert(true)); err != nil {
			return storage.MapError(err, "photo")
		}
		s.cache.put(d.ID, pic)
	}
	return nil
}

// Get returns one size of a product's photo version, from memory when it was served lately.
// It returns NotFound when there is no such photo.
func (s *PhotoStore) Get(ctx context.Context, productID, version, size string) (Picture, error) {
	id := photoID(productID, version, size)
	if pic, ok := s.cache.get(id); ok {
		return pic, nil
	}
	var d photoDocument
	if err := s.c.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return Picture{}, apperr.WrapMsg(apperr.NotFound, err, msgNoPhoto)
		}
		return Picture{}, storage.MapError(err, "photo")
	}
	pic := Picture{JPEG: d.JPEG, Width: d.Width, Height: d.Height}
	s.cache.put(id, pic)
	return pic, nil
}

// Remove deletes both sizes of a product's photo version (each by _id).
func (s *PhotoStore) Remove(ctx context.Context, productID, version string) error {
	for _, size := range []string{SizeThumb, SizeFull} {
		id := photoID(productID, version, size)
		s.cache.remove(id)
		if _, err := s.c.DeleteOne(ctx, bson.M{"_id": id}); err != nil {
			return storage.MapError(err, "photo")
		}
	}
	return nil
}

// photoCache keeps pictures by _id up to a total of bytes, dropping the least recently used.
// Pictures never change under an _id, so a cached one is never stale.
type photoCache struct {
	mu    sync.Mutex
	limit int64
	used  int64
	order *list.List // front: most recently used; values are *cached
	byID  map[string]*list.Element
}

type cached struct {
	id  string
	pic Picture
}

func newPhotoCache(limit int64) *photoCache {
	return &photoCache{limit: limit, order: list.New(), byID: map[string]*list.Element{}}
}

func (c *photoCache) get(id string) (Picture, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[id]
	if !ok {
		return Picture{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cached).pic, true
}

func (c *photoCache) put(id string, pic Picture) {
	size := int64(len(pic.JPEG))
	if size > c.limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[id]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byID[id] = c.order.PushFront(&cached{id: id, pic: pic})
	c.used += size
	for c.used > c.limit {
		last := c.order.Back()
		v := last.Value.(*cached)
		c.order.Remove(last)
		delete(c.byID, v.id)
		c.used -= int64(len(v.pic.JPEG))
	}
}

func (c *photoCache) remove(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[id]; ok {
		c.order.Remove(e)
		delete(c.byID, id)
		c.used -= int64(len(e.Value.(*cached).pic.JPEG))
	}
}
