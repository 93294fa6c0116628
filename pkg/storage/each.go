package storage

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// eachBatch is how many documents each round trip of Each brings.
const eachBatch = 1000

// Each calls fn with every document of c that matches filter, decoded as T, from one cursor read
// in batches. A read model's load uses it rather than pages by _id: the embedded FerretDB reads the
// whole collection for every such page, so n pages cost n full scans where one cursor costs one. An
// error from fn stops the read and is returned; what is the collection called in errors.
func Each[T any](ctx context.Context, c *mongo.Collection, filter any, opts *options.FindOptionsBuilder, what string, fn func(T) error) error {
	if opts == nil {
		opts = options.Find()
	}
	cur, err := c.Find(ctx, filter, opts.SetBatchSize(eachBatch))
	if err != nil {
		return MapError(err, what)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		var doc T
		if err := cur.Decode(&doc); err != nil {
			return MapError(err, what)
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	return MapError(cur.Err(), what)
}
