package index

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collections of the index's snapshots in the matchmaking database.
const (
	// SnapshotCollection holds one small document per snapshot: its slot as _id, the stream
	// sequences it includes, and how to find and check its chunks. It is inserted after the
	// chunks, so a snapshot exists only once it is complete, and its unique _id makes one replica
	// the writer of each slot.
	SnapshotCollection = "index_snapshots"
	// SnapshotChunkCollection holds the snapshots' compressed contents in pieces well below the
	// 16 MiB document limit, each found by its exact _id.
	SnapshotChunkCollection = "index_snapshot_chunks"
)

// snapshotFormat versions the encoded state; a snapshot in another format is ignored.
const snapshotFormat = 2 // 2: fairs keep whether they were discarded

// chunkSize is the most compressed bytes one chunk document holds.
const chunkSize = 1 << 20

// Snapshots keeps snapshots of the index in the service's database. Snapshots are insert-only
// (no replica ever updates one), so replicas sharing the database cannot mix their writes, and
// FerretDB's per-connection atomicity does not matter.
type Snapshots struct {
	db *storage.DB
	// Interval is how often a replica writes a snapshot; one per interval is kept across
	// replicas (the first to write it wins). The streams keep events far longer (30 days), so a
	// restart replays at most about two intervals of events.
	Interval time.Duration
	// Keep is how many snapshots are kept; older ones are deleted after a newer one is written.
	// More than one, so that a replica loading a snapshot while another replica prunes it can
	// fall back to the next.
	Keep int
	// Now is the clock.
	Now func() time.Time
}

// NewSnapshots returns the snapshot store on db, writing a snapshot hourly and keeping two.
func NewSnapshots(db *storage.DB) *Snapshots {
	return &Snapshots{db: db, Interval: time.Hour, Keep: 2, Now: time.Now}
}

type snapshotDoc struct {
	ID     string           `bson:"_id"`
	Set    string           `bson:"set"`
	Format int              `bson:"format"`
	Seqs   map[string]int64 `bson:"seqs"`
	Chunks int              `bson:"chunks"`
	Size   int64            `bson:"size"`
	SHA256 string           `bson:"sha256"`
	At     time.Time        `bson:"at"`
}

type chunkDoc struct {
	ID   string `bson:"_id"`
	Data []byte `bson:"data"`
}

func chunkID(set string, n int) string { return fmt.Sprintf("%s/%05d", set, n) }

// slotID names the interval t falls in; the names sort as the times do.
func (s *Snapshots) slotID(t time.Time) string {
	return t.UTC().Truncate(s.Interval).Format("2006-01-02T15:04:05.000000000Z")
}

// snapshot is a loaded snapshot.
type snapshot struct {
	id    string
	seqs  map[string]uint64
	state state
}

// state is the index's content as a snapshot encodes it, every list sorted by ID so that equal
// indexes encode equally.
type state struct {
	Producers []producerRecord `json:"producers"`
	Products  []productRecord  `json:"products"`
	Booths    []boothRecord    `json:"booths"`
	Fairs     []fairRecord     `json:"fairs"`
}

type producerRecord struct {
	ID            string               `json:"id"`
	AccountID     string               `json:"account_id"`
	Name          string               `json:"name"`
	Province      string               `json:"province"`
	Region        string               `json:"region"`
	Certs         map[string]time.Time `json:"certs"`
	Trademark     bool                 `json:"trademark"`
	ExportMarkets []string             `json:"export_markets"`
	Revision      int64                `json:"revision"`
}

type productRecord struct {
	ID            string    `json:"id"`
	ProducerID    string    `json:"producer_id"`
	NameVI        string    `json:"name_vi"`
	NameLower     string    `json:"name_lower"`
	Fold          string    `json:"fold"`
	Description   string    `json:"description"`
	CriteriaSet   int       `json:"criteria_set"`
	Sector        string    `json:"sector"`
	Stars         int       `json:"stars"`
	PotentialFive bool      `json:"potential_five"`
	ExpiresOn     time.Time `json:"expires_on"`
	Unit          string    `json:"unit"`
	Capacity      float64   `json:"capacity"`
	PriceMin      int64     `json:"price_min"`
	PriceMax      int64     `json:"price_max"`
	PhotoURL      string    `json:"photo_url,omitempty"`
	Revision      int64     `json:"revision"`
	Deleted       bool      `json:"deleted"`
}

type boothRecord struct {
	Fair       string `json:"fair"`
	Code       string `json:"code"`
	Producer   string `json:"producer"`
	Assignment string `json:"assignment"`
	Released   bool   `json:"released"`
	Zone       string `json:"zone,omitempty"` // absent in snapshots from before zones were kept
}

type fairRecord struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Status     string            `json:"status"`
	Organisers []string          `json:"organisers"`
	B2BDays    []events.B2BDayV1 `json:"b2b_days"`
	Revision   int64             `json:"revision"`
	Discarded  bool              `json:"discarded,omitempty"`
}

// capture copies the index's content and the stream sequences it includes, under the read lock,
// so the two agree.
func (x *Index) capture() (state, map[string]uint64) {
	x.mu.RLock()
	var st state
	for _, p := range x.producers {
		st.Producers = append(st.Producers, producerRecord{ID: p.ID, AccountID: p.AccountID, Name: p.Name, Province: p.Province, Region: p.Region,
			Certs: maps.Clone(p.Certs), Trademark: p.Trademark, ExportMarkets: slices.Clone(p.ExportMarkets), Revision: p.Revision})
	}
	for _, p := range x.products {
		st.Products = append(st.Products, productRecord{ID: p.ID, ProducerID: p.ProducerID, NameVI: p.NameVI, NameLower: p.NameLower, Fold: p.Fold,
			Description: p.Description, CriteriaSet: p.CriteriaSet, Sector: p.Sector, Stars: p.Stars, PotentialFive: p.PotentialFive,
			ExpiresOn: p.ExpiresOn, Unit: p.Unit, Capacity: p.Capacity, PriceMin: p.PriceMin, PriceMax: p.PriceMax, PhotoURL: p.PhotoURL, Revision: p.Revision, Deleted: p.Deleted})
	}
	for fair, m := range x.booths {
		for code, b := range m {
			st.Booths = append(st.Booths, boothRecord{Fair: fair, Code: code, Producer: b.producer, Assignment: b.assignment, Released: b.released, Zone: b.zone})
		}
	}
	for _, f := range x.fairs {
		st.Fairs = append(st.Fairs, fairRecord{ID: f.ID, Name: f.Name, Status: f.Status, Organisers: slices.Clone(f.Organisers),
			B2BDays: slices.Clone(f.B2BDays), Revision: f.Revision, Discarded: f.Discarded})
	}
	seqs := maps.Clone(x.seqs)
	x.mu.RUnlock()
	slices.SortFunc(st.Producers, func(a, b producerRecord) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(st.Products, func(a, b productRecord) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(st.Booths, func(a, b boothRecord) int { return cmp.Or(cmp.Compare(a.Fair, b.Fair), cmp.Compare(a.Code, b.Code)) })
	slices.SortFunc(st.Fairs, func(a, b fairRecord) int { return cmp.Compare(a.ID, b.ID) })
	return st, seqs
}

// restore replaces the index's content with st, which includes the streams up to seqs.
func (x *Index) restore(st state, seqs map[string]uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.producers = make(map[string]*Producer, len(st.Producers))
	x.products = make(map[string]*Product, len(st.Products))
	x.live, x.livePos, x.bySet = nil, map[string]int{}, map[int]map[string]*Product{}
	x.booths, x.fairs, x.seqs = map[string]map[string]booth{}, map[string]*Fair{}, maps.Clone(seqs)
	for _, p := range st.Producers {
		if p.Certs == nil {
			p.Certs = map[string]time.Time{}
		}
		x.producers[p.ID] = &Producer{ID: p.ID, AccountID: p.AccountID, Name: p.Name, Province: p.Province, Region: p.Region,
			Certs: p.Certs, Trademark: p.Trademark, ExportMarkets: p.ExportMarkets, Revision: p.Revision}
	}
	for _, p := range st.Products {
		expires := p.ExpiresOn
		if !expires.IsZero() {
			expires = expires.In(vntext.Zone)
		}
		np := &Product{ID: p.ID, ProducerID: p.ProducerID, NameVI: p.NameVI, NameLower: p.NameLower, Fold: p.Fold, Description: p.Description,
			CriteriaSet: p.CriteriaSet, Sector: p.Sector, Stars: p.Stars, PotentialFive: p.PotentialFive, ExpiresOn: expires, Unit: p.Unit,
			Capacity: p.Capacity, PriceMin: p.PriceMin, PriceMax: p.PriceMax, PhotoURL: p.PhotoURL, Revision: p.Revision, Deleted: p.Deleted, Producer: x.producers[p.ProducerID]}
		x.place(np)
	}
	for _, b := range st.Booths {
		if x.booths[b.Fair] == nil {
			x.booths[b.Fair] = map[string]booth{}
		}
		x.booths[b.Fair][b.Code] = booth{producer: b.Producer, assignment: b.Assignment, released: b.Released, zone: b.Zone}
	}
	for _, f := range st.Fairs {
		x.fairs[f.ID] = &Fair{ID: f.ID, Name: f.Name, Status: f.Status, Organisers: f.Organisers, B2BDays: f.B2BDays, Revision: f.Revision,
			Discarded: f.Discarded}
	}
}

// Save writes a snapshot of x for the current interval, unless one exists for it already or the
// newest snapshot includes the same stream sequences (nothing happened since). It reports whether
// it wrote one, and returns the database's errors; losing the race for the interval to another
// replica is not an error. Older snapshots beyond Keep are deleted afterwards.
func (s *Snapshots) Save(ctx context.Context, x *Index) (bool, error) {
	slot := s.slotID(s.Now())
	newest, err := s.headers(ctx, 1)
	if err != nil {
		return false, err
	}
	st, seqs := x.capture()
	if len(newest) > 0 && (newest[0].ID >= slot || maps.Equal(fromDoc(newest[0].Seqs), seqs)) {
		return false, nil
	}
	data, sum, err := encode(st)
	if err != nil {
		return false, err
	}
	doc := snapshotDoc{ID: slot, Set: uuid.NewString(), Format: snapshotFormat, Seqs: toDoc(seqs), Size: int64(len(data)), SHA256: sum, At: s.Now()}
	for off := 0; off < len(data); off += chunkSize {
		doc.Chunks++
	}
	chunks := s.db.Collection(SnapshotChunkCollection)
	for n := range doc.Chunks {
		part := data[n*chunkSize : min((n+1)*chunkSize, len(data))]
		if _, err := chunks.InsertOne(ctx, chunkDoc{ID: chunkID(doc.Set, n), Data: part}); err != nil {
			s.dropChunks(ctx, doc)
			return false, fmt.Errorf("index: write snapshot chunk: %w", err)
		}
	}
	// The header is written on a context that outlives a shutdown: a header the database stored
	// while the caller gave up would otherwise have its chunks dropped below it.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := s.db.Collection(SnapshotCollection).InsertOne(dctx, doc); err != nil {
		if storage.IsDuplicate(err) {
			s.dropChunks(ctx, doc)
			return false, nil
		}
		// Not known whether it was stored: read it back before dropping anything.
		n, cerr := s.db.Collection(SnapshotCollection).CountDocuments(dctx, bson.M{"_id": doc.ID, "set": doc.Set})
		switch {
		case cerr == nil && n == 1:
			return true, s.prune(ctx)
		case cerr == nil:
			s.dropChunks(ctx, doc)
		}
		return false, fmt.Errorf("index: write snapshot: %w", err)
	}
	return true, s.prune(ctx)
}

// dropChunks deletes the chunks of a snapshot that was not stored, on a context that outlives a
// shutdown, so they are not left behind.
func (s *Snapshots) dropChunks(ctx context.Context, doc snapshotDoc) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for n := range doc.Chunks {
		_, _ = s.db.Collection(SnapshotChunkCollection).DeleteOne(ctx, bson.M{"_id": chunkID(doc.Set, n)})
	}
}

// prune deletes the snapshots older than the newest Keep: the document first, so that no stored
// snapshot ever names missing chunks except while a loader races the delete (it then falls back).
// It runs on a context that outlives a shutdown: a snapshot stored just before it must not leave
// one too many behind.
func (s *Snapshots) prune(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	cur, err := s.db.Collection(SnapshotCollection).Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetSkip(int64(max(s.Keep, 1))))
	if err != nil {
		return fmt.Errorf("index: list old snapshots: %w", err)
	}
	var old []snapshotDoc
	if err := cur.All(ctx, &old); err != nil {
		return fmt.Errorf("index: list old snapshots: %w", err)
	}
	for _, doc := range old {
		if _, err := s.db.Collection(SnapshotCollection).DeleteOne(ctx, bson.M{"_id": doc.ID}); err != nil {
			return fmt.Errorf("index: delete snapshot: %w", err)
		}
		for n := range doc.Chunks {
			if _, err := s.db.Collection(SnapshotChunkCollection).DeleteOne(ctx, bson.M{"_id": chunkID(doc.Set, n)}); err != nil {
				return fmt.Errorf("index: delete snapshot chunk: %w", err)
			}
		}
	}
	return nil
}

// headers returns the newest n snapshot documents, newest first.
func (s *Snapshots) headers(ctx context.Context, n int64) ([]snapshotDoc, error) {
	cur, err := s.db.Collection(SnapshotCollection).Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(n))
	if err != nil {
		return nil, fmt.Errorf("index: list snapshots: %w", err)
	}
	var docs []snapshotDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("index: list snapshots: %w", err)
	}
	return docs, nil
}

// errUnusable marks a snapshot that cannot be used (pruned meanwhile, corrupt, another format).
var errUnusable = errors.New("unusable snapshot")

// load returns the newest usable snapshot, nil when there is none. It skips (and logs) snapshots
// it cannot use and returns the database's errors, for the caller to retry.
func (s *Snapshots) load(ctx context.Context, log *slog.Logger) (*snapshot, error) {
	docs, err := s.headers(ctx, int64(max(s.Keep, 1))+1)
	if err != nil {
		return nil, err
	}
	for _, doc := range docs {
		snap, err := s.read(ctx, doc)
		if errors.Is(err, errUnusable) {
			log.Warn("index: skipping snapshot", "snapshot", doc.ID, "err", err)
			continue
		}
		if err != nil {
			return nil, err
		}
		log.Info("index: starting from snapshot", "snapshot", doc.ID, "seqs", describe(snap.seqs), "size", doc.Size)
		return snap, nil
	}
	return nil, nil
}

func (s *Snapshots) read(ctx context.Context, doc snapshotDoc) (*snapshot, error) {
	if doc.Format != snapshotFormat {
		return nil, fmt.Errorf("%w: format %d", errUnusable, doc.Format)
	}
	var data []byte
	for n := range doc.Chunks {
		var c chunkDoc
		err := s.db.Collection(SnapshotChunkCollection).FindOne(ctx, bson.M{"_id": chunkID(doc.Set, n)}).Decode(&c)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, fmt.Errorf("%w: chunk %d is missing", errUnusable, n)
		}
		if err != nil {
			return nil, fmt.Errorf("index: read snapshot chunk: %w", err)
		}
		data = append(data, c.Data...)
	}
	if int64(len(data)) != doc.Size {
		return nil, fmt.Errorf("%w: %d bytes, want %d", errUnusable, len(data), doc.Size)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != doc.SHA256 {
		return nil, fmt.Errorf("%w: checksum mismatch", errUnusable)
	}
	st, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errUnusable, err)
	}
	return &snapshot{id: doc.ID, seqs: fromDoc(doc.Seqs), state: st}, nil
}

// run writes a snapshot now and then every Interval until ctx ends.
func (s *Snapshots) run(ctx context.Context, x *Index, log *slog.Logger) {
	for {
		saved, err := s.Save(ctx, x)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("index: writing a snapshot failed", "err", err)
		case saved:
			log.Info("index: snapshot written", "snapshot", s.slotID(s.Now()))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.Interval):
		}
	}
}

func encode(st state) (data []byte, sum string, err error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // a valid level: no error
	if err := json.NewEncoder(zw).Encode(st); err != nil {
		return nil, "", fmt.Errorf("index: encode snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, "", fmt.Errorf("index: encode snapshot: %w", err)
	}
	h := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), hex.EncodeToString(h[:]), nil
}

func decode(data []byte) (state, error) {
	var st state
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return st, err
	}
	if err := json.NewDecoder(zr).Decode(&st); err != nil {
		return st, err
	}
	_, err = io.Copy(io.Discard, zr) // reads to the end, so a truncated stream is an error
	return st, err
}

// BSON has no unsigned integers; stream sequences fit in int64.
func toDoc(seqs map[string]uint64) map[string]int64 {
	out := make(map[string]int64, len(seqs))
	for k, v := range seqs {
		out[k] = int64(v)
	}
	return out
}

func fromDoc(seqs map[string]int64) map[string]uint64 {
	out := make(map[string]uint64, len(seqs))
	for k, v := range seqs {
		out[k] = uint64(v)
	}
	return out
}
