package storage

import (
	"context"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// embedded holds the per-document locks of an embedded database's conditional updates.
type embedded struct {
	stripes [256]sync.Mutex
}

// embeddedClients are the clients of embedded databases opened by this process.
var embeddedClients sync.Map // *mongo.Client -> *embedded

func (e *embedded) lock(collection string, id any) *sync.Mutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(collection))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(fmtID(id)))
	return &e.stripes[h.Sum32()%uint32(len(e.stripes))]
}

func fmtID(id any) string {
	if s, ok := id.(string); ok {
		return s
	}
	b, _ := bson.MarshalExtJSON(bson.M{"id": id}, true, false)
	return string(b)
}

// UpdateOne updates the document matching filter, as the driver's UpdateOne does, and answers as
// fast as an update by _id on the embedded database.
//
// The embedded FerretDB reads and decodes the whole collection for any filter but a lone _id, so
// a conditional update ({_id, revision}) costs O(collection). Here, a filter that names one _id
// and plain conditions on top-level fields is checked in the process instead: the document is read
// by _id, the conditions evaluated, and the update sent with the lone _id, under a lock on that
// document. The embedded database serves one process over one connection, so the lock makes the
// check and the write one step among the writers that use UpdateOne, as the database's own
// conditional update is. Any other filter that names one plain _id ({_id, $or: …}, or a lone
// _id) goes to the database as written but under the same lock, so that it never falls between
// another writer's check and its write: writes to a document go through here, or none of them
// do. Every other filter, and every update on MongoDB, goes to the database unchanged.
func UpdateOne(ctx context.Context, c *mongo.Collection, filter bson.M, update any) (*mongo.UpdateResult, error) {
	e, id, ok := checkedHere(c, filter)
	if !ok {
		defer lockID(c, filter)()
		return c.UpdateOne(ctx, filter, update)
	}
	if len(filter) < 2 {
		defer e.hold(c.Name(), id)()
		return c.UpdateOne(ctx, filter, update)
	}
	found, match, known, unlock, err := check(ctx, e, c, id, filter)
	defer unlock()
	switch {
	case err != nil:
		return nil, err
	case !known:
		return c.UpdateOne(ctx, filter, update)
	case !found || !match:
		return &mongo.UpdateResult{}, nil
	}
	return c.UpdateOne(ctx, bson.M{"_id": id}, update)
}

// lockID takes the lock of the document filter names when c is on an embedded database and
// filter names one plain _id, and returns its release (which does nothing otherwise).
func lockID(c *mongo.Collection, filter bson.M) func() {
	e, ok := embeddedClients.Load(c.Database().Client())
	if id := filter["_id"]; ok && plainID(id) {
		return e.(*embedded).hold(c.Name(), id)
	}
	return func() {}
}

// hold locks document id of collection and returns the unlock.
func (e *embedded) hold(collection string, id any) func() {
	mu := e.lock(collection, id)
	mu.Lock()
	return mu.Unlock
}

// checkedHere returns the locks of c's embedded database and filter's _id when filter can be
// checked in the process there: c is on an embedded database, filter names one plain _id and its
// conditions are ones Matches evaluates.
func checkedHere(c *mongo.Collection, filter bson.M) (*embedded, any, bool) {
	e, ok := embeddedClients.Load(c.Database().Client())
	id := filter["_id"]
	if !ok || !plainID(id) || !checkable(filter) {
		return nil, nil, false
	}
	return e.(*embedded), id, true
}

// check reads document id of c and evaluates filter on it, under the document's lock, which it
// returns held: unlock releases it. known is false when Matches cannot tell.
func check(ctx context.Context, e *embedded, c *mongo.Collection, id any, filter bson.M) (found, match, known bool, unlock func(), err error) {
	mu := e.lock(c.Name(), id)
	mu.Lock()
	var doc bson.M
	err = c.FindOne(ctx, bson.M{"_id": id}).Decode(&doc)
	if IsNotFound(err) {
		return false, false, true, mu.Unlock, nil
	}
	if err != nil {
		return false, false, false, mu.Unlock, err
	}
	match, known = Matches(doc, filter)
	return true, match, known, mu.Unlock, nil
}

// Upsert is UpdateOne with upsert, as fast on the embedded database for a filter that names one
// _id and otherwise only operator conditions ({_id, revision: {$lt: n}}, the "apply only if
// newer" of projections). As on MongoDB, no document with the _id inserts one, a document that
// matches is updated, and one that exists but does not match makes the upsert's insert collide:
// a duplicate-key error (IsDuplicate), which such callers read as "already newer".
//
// An insert that collides because another writer (another replica) inserted the document between
// this one's look and its insert is not "already newer": the update is sent again, without
// upsert, and applies if the document matches (collided). MongoDB retries such an upsert itself
// only when its filter is equality on the _id alone.
func Upsert(ctx context.Context, c *mongo.Collection, filter bson.M, update any) (*mongo.UpdateResult, error) {
	e, id, ok := checkedHere(c, filter)
	if !ok || !onlyOperators(filter) {
		defer lockID(c, filter)()
		res, err := c.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
		return collided(ctx, c, filter, update, res, err)
	}
	found, match, known, unlock, err := check(ctx, e, c, id, filter)
	defer unlock()
	switch {
	case err != nil:
		return nil, err
	case !found:
		res, err := c.UpdateOne(ctx, bson.M{"_id": id}, update, options.UpdateOne().SetUpsert(true))
		return collided(ctx, c, filter, update, res, err)
	case !known:
		res, err := c.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
		return collided(ctx, c, filter, update, res, err)
	case !match:
		return nil, mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000,
			Message: "E11000 duplicate key error: a document with this _id exists and does not match the filter"}}}
	}
	return c.UpdateOne(ctx, bson.M{"_id": id}, update)
}

// collided is an upsert's outcome (res, err): a duplicate key from its insert sends the update
// once more without upsert, which applies when the document another writer inserted matches
// filter; otherwise the duplicate stands. The caller holds the document's lock where it takes one.
func collided(ctx context.Context, c *mongo.Collection, filter bson.M, update any, res *mongo.UpdateResult, err error) (*mongo.UpdateResult, error) {
	if !IsDuplicate(err) {
		return res, err
	}
	again, uerr := c.UpdateOne(ctx, filter, update)
	if uerr != nil {
		return nil, uerr
	}
	if again.MatchedCount > 0 {
		return again, nil
	}
	return res, err
}

// ReplaceOne replaces the document matching filter, as the driver's ReplaceOne does; on the
// embedded database a filter that names one plain _id is sent under that document's lock, so that
// the replacement never lands between a checked writer's read and its write (see UpdateOne).
func ReplaceOne(ctx context.Context, c *mongo.Collection, filter bson.M, doc any, opts ...options.Lister[options.ReplaceOptions]) (*mongo.UpdateResult, error) {
	defer lockID(c, filter)()
	return c.ReplaceOne(ctx, filter, doc, opts...)
}

// onlyOperators reports whether every condition of filter but _id is an operator document, so
// that an upsert's insert takes no field from the filter but _id.
func onlyOperators(filter bson.M) bool {
	for k, cond := range filter {
		if _, ok := operators(cond); !ok && k != "_id" {
			return false
		}
	}
	return true
}

// plainID reports whether id is a value FerretDB looks up by index (a string or an ObjectID).
func plainID(id any) bool {
	switch id.(type) {
	case string, bson.ObjectID:
		return true
	}
	return false
}

// checkable reports whether every condition of filter is one Matches evaluates: top-level fields
// (no dots, no $and/$or), values or documents of the operators it knows.
func checkable(filter bson.M) bool {
	for k, cond := range filter {
		if k == "" || strings.HasPrefix(k, "$") || strings.Contains(k, ".") {
			return false
		}
		if ops, ok := operators(cond); ok {
			for op, arg := range ops {
				if !knownOperator(op, arg) {
					return false
				}
			}
		}
	}
	return true
}

func knownOperator(op string, arg any) bool {
	switch op {
	case "$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$exists", "$in":
		return true
	case "$not":
		inner, ok := operators(arg)
		if !ok {
			return false
		}
		for o, a := range inner {
			if !knownOperator(o, a) {
				return false
			}
		}
		return true
	}
	return false
}

// operators returns cond as an operator document ({$lt: 3}) when it is one.
func operators(cond any) (bson.M, bool) {
	var m bson.M
	switch c := cond.(type) {
	case bson.M:
		m = c
	case map[string]any:
		m = bson.M(c)
	case bson.D:
		m = bson.M{}
		for _, e := range c {
			m[e.Key] = e.Value
		}
	default:
		return nil, false
	}
	if len(m) == 0 {
		return nil, false
	}
	for k := range m {
		if !strings.HasPrefix(k, "$") {
			return nil, false
		}
	}
	return m, true
}

// Matches evaluates filter on doc as MongoDB does, for the filters checkable accepts. known is
// false when doc holds something whose comparison it does not model (an array or a document
// where a condition looks), and the database must decide.
func Matches(doc, filter bson.M) (match, known bool) {
	for k, cond := range filter {
		v, present := doc[k]
		switch v.(type) {
		case bson.A, bson.M, bson.D, []any, map[string]any:
			return false, false
		}
		ops, isOps := operators(cond)
		if !isOps {
			ops = bson.M{"$eq": cond}
		}
		for op, arg := range ops {
			ok, known := test(op, arg, v, present)
			if !known {
				return false, false
			}
			if !ok {
				return false, true
			}
		}
	}
	return true, true
}

func test(op string, arg, v any, present bool) (ok, known bool) {
	switch op {
	case "$exists":
		want, isBool := arg.(bool)
		return present == want, isBool
	case "$not":
		ops, _ := operators(arg)
		for o, a := range ops {
			ok, known := test(o, a, v, present)
			if !known {
				return false, false
			}
			if !ok {
				return true, true
			}
		}
		return false, true
	case "$in":
		list, isList := arg.(bson.A)
		if !isList {
			return false, false
		}
		for _, a := range list {
			if ok, known := test("$eq", a, v, present); !known || ok {
				return ok, known
			}
		}
		return false, true
	case "$ne":
		ok, known := test("$eq", arg, v, present)
		return !ok, known
	}
	if arg == nil { // {f: null} matches a missing field too
		return op == "$eq" && (!present || v == nil), op == "$eq"
	}
	if !present || v == nil {
		return false, true
	}
	cmp, comparable, known := compare(v, arg)
	if !known {
		return false, false
	}
	if !comparable { // different types never match (MongoDB's type bracketing)
		return false, true
	}
	switch op {
	case "$eq":
		return cmp == 0, true
	case "$lt":
		return cmp < 0, true
	case "$lte":
		return cmp <= 0, true
	case "$gt":
		return cmp > 0, true
	case "$gte":
		return cmp >= 0, true
	}
	return false, false
}

// compare orders stored value v against a filter's value a: numbers with numbers, strings with
// strings, times with times, booleans with booleans. comparable is false across types; known is
// false for a value it does not model.
func compare(v, a any) (cmp int, comparable, known bool) {
	if x, ok := number(v); ok {
		y, ok := number(a)
		if !ok {
			return 0, false, scalar(a)
		}
		return order(x < y, x > y), true, true
	}
	switch x := v.(type) {
	case string:
		y, ok := a.(string)
		if !ok {
			return 0, false, scalar(a)
		}
		return strings.Compare(x, y), true, true
	case bool:
		y, ok := a.(bool)
		if !ok {
			return 0, false, scalar(a)
		}
		return order(!x && y, x && !y), true, true
	case bson.DateTime, time.Time:
		xt, _ := instant(x)
		yt, ok := instant(a)
		if !ok {
			return 0, false, scalar(a)
		}
		return xt.Compare(yt), true, true
	}
	return 0, false, false
}

func order(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func instant(v any) (time.Time, bool) {
	switch t := v.(type) {
	case bson.DateTime:
		return t.Time(), true
	case time.Time:
		// Stored times have millisecond precision.
		return t.Truncate(time.Millisecond), true
	}
	return time.Time{}, false
}

// scalar reports whether a is a filter value compare models.
func scalar(a any) bool {
	switch a.(type) {
	case int, int32, int64, float64, string, bool, bson.DateTime, time.Time:
		return true
	}
	return false
}

// FindOne decodes into out the document matching filter, as the driver's FindOne does, reading it
// by _id on the embedded database when filter names one _id and conditions UpdateOne can check
// (see UpdateOne). It returns mongo.ErrNoDocuments when nothing matches.
func FindOne(ctx context.Context, c *mongo.Collection, filter bson.M, out any) error {
	_, id, ok := checkedHere(c, filter)
	if !ok || len(filter) < 2 {
		return c.FindOne(ctx, filter).Decode(out)
	}
	raw, err := c.FindOne(ctx, bson.M{"_id": id}).Raw()
	if err != nil {
		return err
	}
	var doc bson.M
	if err := bson.Unmarshal(raw, &doc); err != nil {
		return err
	}
	match, known := Matches(doc, filter)
	if !known {
		return c.FindOne(ctx, filter).Decode(out)
	}
	if !match {
		return mongo.ErrNoDocuments
	}
	return bson.Unmarshal(raw, out)
}
