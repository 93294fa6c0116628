package storage_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/storage"
)

// On the embedded database, an _id lookup must be answered from an index, not by reading the
// whole table: SQLite's own plan for the query FerretDB sends says which.
func TestEmbeddedIDLookupsUseAnIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := storage.Open(ctx, storage.Config{DataDir: dir, Database: "ids"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	// A collection created by its first insert, after start, as most are.
	if _, err := db.Collection("products").InsertOne(ctx, bson.M{"_id": "p1", "name": "Mật ong"}); err != nil {
		t.Fatal(err)
	}
	if err := db.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Collection("products").FindOne(ctx, bson.M{"_id": "p1"}).Err(); err != nil {
		t.Fatalf("lookup by _id: %v", err)
	}
	sq, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ferretdb", "ids.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer sq.Close()
	var table string
	if err := sq.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = 'products'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	rows, err := sq.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "`+table+`" WHERE _ferretdb_sjson->'$._id' = ?`, `"p1"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING INDEX") {
		t.Errorf("plan of an _id lookup = %q, want it to use an index", got)
	}
}
