// Package storage connects a service to its MongoDB-wire database with the v2 driver. When no URI
// is configured it starts an embedded FerretDB on SQLite under the service's data directory, on a
// loopback port, and connects with a single-connection pool: FerretDB v1 makes conditional updates
// atomic only when one connection issues them.
//
// It also maps driver errors to apperr kinds (duplicate key -> Conflict, no document -> NotFound)
// and creates indexes at start-up.
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Config says where the database is.
type Config struct {
	// URI of a MongoDB deployment; empty starts an embedded FerretDB.
	URI string
	// Database name.
	Database string
	// DataDir holds the embedded FerretDB's SQLite files (used only when URI is empty).
	DataDir string
	// Logger for the embedded FerretDB; nil discards its logs.
	Logger *slog.Logger
	// SlowCommands is how long a database command may take before SlowLog logs it; 0 logs none.
	SlowCommands time.Duration
	// SlowLog receives the slow commands.
	SlowLog *slog.Logger
}

// DB is an open database.
type DB struct {
	Client *mongo.Client
	*mongo.Database
	// Embedded is true when the database is an embedded FerretDB.
	Embedded bool
	stop     func()
	// ids indexes the embedded database's _id lookups; nil on MongoDB.
	ids *idIndexes
}

// Open connects to cfg.URI, or starts an embedded FerretDB when it is empty. It returns once the
// database answers a ping, or with an error after ctx ends.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Database == "" {
		return nil, errors.New("storage: database name is required")
	}
	opts := options.Client().
		SetAppName("ocopfair").
		SetServerSelectionTimeout(10 * time.Second).
		SetBSONOptions(&options.BSONOptions{DefaultDocumentM: true})
	if cfg.SlowCommands > 0 && cfg.SlowLog != nil {
		opts.SetMonitor(newSlowLog(cfg.SlowCommands, cfg.SlowLog))
	}
	db := &DB{stop: func() {}}
	var dir string
	if cfg.URI == "" {
		uri, ferretDir, stop, err := startFerret(ctx, cfg)
		if err != nil {
			return nil, err
		}
		db.Embedded, db.stop, dir = true, stop, ferretDir
		opts.ApplyURI(uri).SetMaxPoolSize(1).SetMinPoolSize(1)
	} else {
		opts.ApplyURI(cfg.URI)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		db.stop()
		return nil, fmt.Errorf("storage: connect: %w", err)
	}
	if err := client.Ping(ctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		db.stop()
		return nil, fmt.Errorf("storage: ping: %w", err)
	}
	db.Client = client
	db.Database = client.Database(cfg.Database)
	if db.Embedded {
		embeddedClients.Store(client, &embedded{})
		if err := db.indexIDs(ctx, dir, cfg); err != nil {
			_ = db.Close(context.Background())
			return nil, err
		}
	}
	return db, nil
}

// indexIDs gives the embedded database's tables the index its _id lookups need (see idIndexes),
// now and every half minute for collections created later.
func (db *DB) indexIDs(ctx context.Context, dir string, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ids, err := openIDIndexes(dir, cfg.Database, log)
	if err != nil {
		return err
	}
	if err := ids.ensure(ctx); err != nil {
		ids.db.Close()
		return err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		ids.run(runCtx, 30*time.Second)
	}()
	stopFerret := db.stop
	db.ids = ids
	db.stop = func() {
		cancel()
		<-done
		ids.db.Close()
		stopFerret()
	}
	return nil
}

func startFerret(ctx context.Context, cfg Config) (uri, dir string, stop func(), err error) {
	if cfg.DataDir == "" {
		return "", "", nil, errors.New("storage: a data directory is required for the embedded database")
	}
	dir, err = filepath.Abs(filepath.Join(cfg.DataDir, "ferretdb"))
	if err != nil {
		return "", "", nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", "", nil, fmt.Errorf("storage: %w", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    logger,
	})
	if err != nil {
		return "", "", nil, fmt.Errorf("storage: start embedded FerretDB: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	return f.MongoDBURI(), dir, stop, nil
}

// Close disconnects and stops the embedded database, if any.
func (db *DB) Close(ctx context.Context) error {
	embeddedClients.Delete(db.Client)
	err := db.Client.Disconnect(ctx)
	db.stop()
	return err
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.Client.Ping(ctx, readpref.Primary())
}

// Index is an index to create at start-up.
type Index struct {
	Collection string
	Keys       bson.D
	Unique     bool
	Sparse     bool
	Name       string
}

// EnsureIndexes creates the indexes; creating an existing identical index is a no-op.
func (db *DB) EnsureIndexes(ctx context.Context, indexes ...Index) error {
	for _, ix := range indexes {
		opt := options.Index().SetUnique(ix.Unique)
		if ix.Sparse {
			opt.SetSparse(true)
		}
		if ix.Name != "" {
			opt.SetName(ix.Name)
		}
		_, err := db.Collection(ix.Collection).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.Keys, Options: opt})
		if err != nil {
			return fmt.Errorf("storage: create index on %s %v: %w", ix.Collection, ix.Keys, err)
		}
	}
	if db.ids != nil {
		return db.ids.ensure(ctx)
	}
	return nil
}

// IsNotFound reports whether err is the driver's "no document".
func IsNotFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// IsDuplicate reports whether err is a unique-index violation.
func IsDuplicate(err error) bool {
	if err == nil {
		return false
	}
	// FerretDB v1 reports an update onto a taken unique key as an InternalError carrying SQLite's
	// message, not as code 11000 (inserts get 11000).
	var ce mongo.CommandError
	var we mongo.WriteException
	return mongo.IsDuplicateKeyError(err) ||
		((errors.As(err, &ce) || errors.As(err, &we)) && strings.Contains(err.Error(), "UNIQUE constraint failed"))
}

// OlderThan matches a document whose field holds a revision older than rev, or none: for copies
// that may only move forward ("$or": OlderThan("owner_revision", 7)).
func OlderThan(field string, rev int64) bson.A {
	return bson.A{bson.M{field: bson.M{"$lt": rev}}, bson.M{field: bson.M{"$exists": false}}}
}

// MapError maps driver errors to apperr kinds: no document -> NotFound, duplicate key -> Conflict,
// timeouts and network errors -> Unavailable. what names the thing in English, as the code calls
// it ("fair", "booth A-12"); the message names it in the user's language from EntityName. Other
// errors are returned wrapped and unmapped (Internal).
func MapError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return apperr.WrapMsg(apperr.NotFound, err, msgNotFound, EntityName(what))
	case IsDuplicate(err):
		return apperr.WrapMsg(apperr.Conflict, err, msgExists, EntityName(what))
	case mongo.IsTimeout(err) || mongo.IsNetworkError(err):
		return apperr.WrapMsg(apperr.Unavailable, err, msgUnreachable)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Fields converts doc (a struct with bson tags) to a map that an insert or a $set can extend.
func Fields(doc any) (bson.M, error) {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("storage: encode document: %w", err)
	}
	var m bson.M
	if err := bson.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("storage: encode document: %w", err)
	}
	return m, nil
}
