package badge

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collections.
const (
	BadgesCollection   = "badges"
	CheckInsCollection = "checkins"
	KeysCollection     = "badge_keys"
	// DisabledCollection holds the accounts disabled since badges began (one document each):
	// when, and when their holder last showed a token issued after it.
	DisabledCollection = "badge_disabled_accounts"
)

// Indexes: one badge per participant at a fair (holder is the participant while the badge is
// valid, so that two first requests at once make one badge, and a revoked badge frees it), and
// the badges of an account (ended when it is disabled), the check-ins' reads by fair (newest
// first) and by participant. A check-in's _id is its scan
// ID: the same scan sent twice is stored once.
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: BadgesCollection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "holder", Value: 1}}, Unique: true},
		{Collection: BadgesCollection, Keys: bson.D{{Key: "account_id", Value: 1}}},
		{Collection: CheckInsCollection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "order", Value: -1}}},
		{Collection: CheckInsCollection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "participant_id", Value: 1}}},
	}
}

// Badge is one participant's badge at one fair. The names are as they were when the badge was
// last printed or shown: check-ins show them without reading the profiles.
type Badge struct {
	ID            string
	FairID        string
	ParticipantID string
	Kind          string // producer or buyer
	AccountID     string
	// OwnerRevision is the producer profile's revision the badge was made for (0 for a buyer):
	// of two accounts asking for one producer's badge, the one of the newer revision holds it.
	OwnerRevision int64
	Name          string
	Organisation  string
	Province      string
	Revoked       bool
	CreatedAt     time.Time
}

type badgeDoc struct {
	ID            string    `bson:"_id"`
	FairID        string    `bson:"fair_id"`
	Holder        string    `bson:"holder"`
	ParticipantID string    `bson:"participant_id"`
	Kind          string    `bson:"kind"`
	AccountID     string    `bson:"account_id"`
	OwnerRevision int64     `bson:"owner_revision,omitempty"`
	Name          string    `bson:"name"`
	Organisation  string    `bson:"organisation"`
	Province      string    `bson:"province"`
	Revoked       bool      `bson:"revoked"`
	CreatedAt     time.Time `bson:"created_at"`
}

func (d badgeDoc) badge() Badge {
	return Badge{ID: d.ID, FairID: d.FairID, ParticipantID: d.ParticipantID, Kind: d.Kind, AccountID: d.AccountID, OwnerRevision: d.OwnerRevision, Name: d.Name,
		Organisation: d.Organisation, Province: d.Province, Revoked: d.Revoked, CreatedAt: d.CreatedAt.In(vntext.Zone)}
}

// CheckIn is one scan of a badge by the fair's staff, at the gate or at a B2B table.
type CheckIn struct {
	ScanID        string
	FairID        string
	BadgeID       string
	ParticipantID string
	Kind          string
	Name          string
	Organisation  string
	Place         string // gate or table
	Table         int
	ScannedAt     time.Time // when the page scanned it (queued offline, it arrives later)
	ReceivedAt    time.Time
	By            string // the staff account
}

type checkInDoc struct {
	ID            string    `bson:"_id"`
	FairID        string    `bson:"fair_id"`
	Order         string    `bson:"order"` // received_at (UTC, fixed width) | scan ID: newest first, and the cursor
	BadgeID       string    `bson:"badge_id"`
	ParticipantID string    `bson:"participant_id"`
	Kind          string    `bson:"kind"`
	Name          string    `bson:"name"`
	Organisation  string    `bson:"organisation"`
	Place         string    `bson:"place"`
	Table         int       `bson:"table"`
	ScannedAt     time.Time `bson:"scanned_at"`
	ReceivedAt    time.Time `bson:"received_at"`
	By            string    `bson:"by"`
}

func orderOf(c CheckIn) string {
	return c.ReceivedAt.UTC().Format("2006-01-02T15:04:05.000Z") + "|" + c.ScanID
}

func (d checkInDoc) checkIn() CheckIn {
	return CheckIn{ScanID: d.ID, FairID: d.FairID, BadgeID: d.BadgeID, ParticipantID: d.ParticipantID, Kind: d.Kind, Name: d.Name,
		Organisation: d.Organisation, Place: d.Place, Table: d.Table, ScannedAt: d.ScannedAt.In(vntext.Zone), ReceivedAt: d.ReceivedAt.In(vntext.Zone), By: d.By}
}

// Store keeps badges, check-ins, the accounts disabled, the producers' hand-overs and the signing key.
type Store struct {
	badges, checkIns, keys, disabled, handOvers *mongo.Collection
}

// NewStore returns the store on db.
func NewStore(db *storage.DB) *Store {
	return &Store{badges: db.Collection(BadgesCollection), checkIns: db.Collection(CheckInsCollection), keys: db.Collection(KeysCollection),
		disabled: db.Collection(DisabledCollection), handOvers: db.Collection(HandOversCollection)}
}

// SharedKey returns the signing key every replica uses when none is configured: made by the
// first replica that asks and stored with an insert that only the first one wins, then read back
// by all.
func (s *Store) SharedKey(ctx context.Context) (Key, error) {
	_, err := s.keys.InsertOne(ctx, bson.M{"_id": "OB1", "key": base64.StdEncoding.EncodeToString(NewKey()), "created_at": time.Now()})
	if err != nil && !storage.IsDuplicate(err) {
		return nil, storage.MapError(err, "badge key")
	}
	var d struct {
		Key string `bson:"key"`
	}
	if err := s.keys.FindOne(ctx, bson.M{"_id": "OB1"}).Decode(&d); err != nil {
		return nil, storage.MapError(err, "badge key")
	}
	k, err := base64.StdEncoding.DecodeString(d.Key)
	if err != nil || len(k) < MinKeyLen {
		return nil, errors.New("the stored badge key is damaged")
	}
	return k, nil
}

// Issue returns the participant's valid badge at the fair, made now if it has none, with the
// names of b (updated on a badge made earlier). Two first requests at once make one badge. A badge
// made for another account of an older revision of the producer's profile (since handed over to
// the company owning its tax code) is ended and a new one made: the first account may keep a
// picture of the old one. Asked for by an account of an older revision than the badge's (a
// replica that has not heard of the hand-over yet), it refuses (errNotHolder), and so it does,
// ending the badge it made, when a hand-over processed already gave the profile to another account.
func (s *Store) Issue(ctx context.Context, b Badge) (Badge, error) {
	for range 3 {
		var d badgeDoc
		err := s.badges.FindOne(ctx, bson.M{"fair_id": b.FairID, "holder": b.ParticipantID}).Decode(&d)
		if err == nil && d.AccountID != "" && b.AccountID != "" && d.AccountID != b.AccountID {
			if b.OwnerRevision <= d.OwnerRevision {
				return Badge{}, errNotHolder
			}
			if _, err := s.revokeBadge(ctx, d.ID); err != nil {
				return Badge{}, err
			}
			continue
		}
		if err == nil {
			if d.Name != b.Name || d.Organisation != b.Organisation || d.Province != b.Province {
				d.Name, d.Organisation, d.Province = b.Name, b.Organisation, b.Province
				if _, err := s.badges.UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$set": bson.M{"name": d.Name, "organisation": d.Organisation, "province": d.Province}}); err != nil {
					return Badge{}, storage.MapError(err, "badge")
				}
			}
			return d.badge(), nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return Badge{}, storage.MapError(err, "badge")
		}
		d = badgeDoc{ID: NewID(), FairID: b.FairID, Holder: b.ParticipantID, ParticipantID: b.ParticipantID, Kind: b.Kind, AccountID: b.AccountID, OwnerRevision: b.OwnerRevision,
			Name: b.Name, Organisation: b.Organisation, Province: b.Province, CreatedAt: time.Now().In(vntext.Zone).Truncate(time.Millisecond)}
		_, err = s.badges.InsertOne(ctx, d)
		if err == nil {
			return s.endIfHandedOver(ctx, d)
		}
		if !storage.IsDuplicate(err) {
			return Badge{}, storage.MapError(err, "badge")
		}
		// Another request made it first: read that one.
	}
	return Badge{}, errors.New("issue a badge: the participant's badge kept changing")
}

// Valid returns a fair's valid badges by participant, in one read.
func (s *Store) Valid(ctx context.Context, fairID string) (map[string]Badge, error) {
	cur, err := s.badges.Find(ctx, bson.M{"fair_id": fairID, "revoked": false})
	if err != nil {
		return nil, storage.MapError(err, "badges")
	}
	var docs []badgeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "badges")
	}
	out := make(map[string]Badge, len(docs))
	for _, d := range docs {
		out[d.ParticipantID] = d.badge()
	}
	return out, nil
}

// Get returns a badge by ID, revoked or not; NotFound for an unknown one.
func (s *Store) Get(ctx context.Context, id string) (Badge, error) {
	var d badgeDoc
	if err := s.badges.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return Badge{}, storage.MapError(err, "badge")
	}
	return d.badge(), nil
}

// Revoke ends the participant's valid badge at the fair and reports true; a participant whose
// badges at the fair are all revoked already (the revocation sent again, or twice at once) is
// reported true too, as the state asked for holds. False when the participant never held a badge
// there. Its code is refused from then on, and the participant's next badge is a new one.
func (s *Store) Revoke(ctx context.Context, fairID, participantID string) (bool, error) {
	var d badgeDoc
	err := s.badges.FindOne(ctx, bson.M{"fair_id": fairID, "holder": participantID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		n, err := s.badges.CountDocuments(ctx, bson.M{"fair_id": fairID, "participant_id": participantID, "revoked": true}, options.Count().SetLimit(1))
		if err != nil {
			return false, storage.MapError(err, "badge")
		}
		return n > 0, nil
	}
	if err != nil {
		return false, storage.MapError(err, "badge")
	}
	if _, err := s.revokeBadge(ctx, d.ID); err != nil {
		return false, err
	}
	return true, nil
}

// revokeBadge ends badge id if it is valid still, and reports whether it did: its code is refused
// from then on, and its holder key is freed, so that the participant's next badge is a new one.
func (s *Store) revokeBadge(ctx context.Context, id string) (bool, error) {
	res, err := s.badges.UpdateOne(ctx, bson.M{"_id": id, "revoked": false}, bson.M{"$set": bson.M{"revoked": true, "holder": "revoked:" + id}})
	if err != nil {
		return false, storage.MapError(err, "badge")
	}
	return res.ModifiedCount > 0, nil
}

// disabledDoc is an account disabled at NotBefore. It is disabled still while EnabledAt, the
// latest time its holder showed a token issued at or after NotBefore, is earlier.
type disabledDoc struct {
	Account   string    `bson:"_id"`
	NotBefore time.Time `bson:"not_before"`
	EnabledAt time.Time `bson:"enabled_at"`
}

func (d disabledDoc) still() bool { return d.EnabledAt.Before(d.NotBefore) }

// Disable records that an account was disabled at notBefore (a later time wins over an earlier)
// and reports whether it is disabled still: false when its holder has shown a token issued
// since, as the same revocation delivered again finds.
func (s *Store) Disable(ctx context.Context, account string, notBefore time.Time) (bool, error) {
	if err := s.recordMax(ctx, account, bson.M{"not_before": notBefore}); err != nil {
		return false, err
	}
	d, err := s.record(ctx, account)
	return err == nil && d.still(), err
}

// recordMax raises the account's record's times to those given, creating the record if it has
// none (a time it lacks reads as zero): the times only grow, so deliveries in any order agree.
func (s *Store) recordMax(ctx context.Context, account string, times bson.M) error {
	update := bson.M{"$max": times}
	_, err := s.disabled.UpdateOne(ctx, bson.M{"_id": account}, update, options.UpdateOne().SetUpsert(true))
	if storage.IsDuplicate(err) { // another delivery inserted it meanwhile
		_, err = s.disabled.UpdateOne(ctx, bson.M{"_id": account}, update)
	}
	return storage.MapError(err, "disabled account")
}

// Enabled reports whether an account may hold a badge, shown a token issued at issuedAt: yes
// unless it was disabled after that token was issued. A token issued after the account was
// disabled proves it enabled again, and is recorded so.
func (s *Store) Enabled(ctx context.Context, account string, issuedAt time.Time) (bool, error) {
	d, err := s.record(ctx, account)
	if err != nil || !d.still() {
		return err == nil, err
	}
	if issuedAt.Before(d.NotBefore) {
		return false, nil
	}
	// Whatever badge the revocation did not end (its handling failed, to be tried again) ends
	// now: once enabled, that revocation ends nothing, and the holder's next badge is a new one.
	if _, err := s.RevokeAccount(ctx, account); err != nil {
		return false, err
	}
	if err := s.recordMax(ctx, account, bson.M{"enabled_at": issuedAt}); err != nil {
		return false, err
	}
	return true, nil
}

// StillDisabled reports whether an account is disabled still (see Enabled).
func (s *Store) StillDisabled(ctx context.Context, account string) (bool, error) {
	d, err := s.record(ctx, account)
	return err == nil && d.still(), err
}

// record is an account's disabledDoc; an empty one (never disabled) when it has none.
func (s *Store) record(ctx context.Context, account string) (disabledDoc, error) {
	var d disabledDoc
	err := s.disabled.FindOne(ctx, bson.M{"_id": account}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return disabledDoc{}, nil
	}
	if err != nil {
		return disabledDoc{}, storage.MapError(err, "disabled account")
	}
	return d, nil
}

// DisabledAccounts returns the accounts disabled still, in one read (they are few).
func (s *Store) DisabledAccounts(ctx context.Context) (map[string]bool, error) {
	cur, err := s.disabled.Find(ctx, bson.M{})
	if err != nil {
		return nil, storage.MapError(err, "disabled accounts")
	}
	var docs []disabledDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "disabled accounts")
	}
	out := map[string]bool{}
	for _, d := range docs {
		if d.still() {
			out[d.Account] = true
		}
	}
	return out, nil
}

// RevokeAccount ends every valid badge of an account, at every fair, and returns how many it
// ended; run again, it ends none and succeeds. Each badge is revoked as Revoke does, so that the
// participant's next badge is a new one.
func (s *Store) RevokeAccount(ctx context.Context, accountID string) (int, error) {
	return s.revokeWhere(ctx, bson.M{"account_id": accountID, "revoked": false})
}

// Reenable records that an account disabled at disabledAt was enabled at enabledAt, the
// gateway's word for it (events.AccountEnabledV1), in whichever order that and the disabling
// arrive. Unless the record already holds this enabling or a later one (its holder showed a
// token issued since, see Enabled), its badges made before enabledAt end first: those the
// disabling did not end yet, or made while it was under way. Run again, it ends none and
// succeeds. Badges are dated by this service's clock and enablings by the gateway's: the two
// must agree within the time a holder takes to sign in and open a badge.
func (s *Store) Reenable(ctx context.Context, account string, disabledAt, enabledAt time.Time) error {
	enabledAt = enabledAt.Truncate(time.Millisecond) // as stored, so that a redelivery compares equal
	d, err := s.record(ctx, account)
	if err != nil {
		return err
	}
	if d.Account != "" && !d.EnabledAt.Before(enabledAt) {
		return nil
	}
	if _, err := s.revokeWhere(ctx, bson.M{"account_id": account, "revoked": false, "created_at": bson.M{"$lt": enabledAt}}); err != nil {
		return err
	}
	return s.recordMax(ctx, account, bson.M{"not_before": disabledAt, "enabled_at": enabledAt})
}

// revokeWhere revokes the valid badges filter matches, one by one, and returns how many.
func (s *Store) revokeWhere(ctx context.Context, filter bson.M) (int, error) {
	cur, err := s.badges.Find(ctx, filter, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return 0, storage.MapError(err, "badges")
	}
	var docs []badgeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, storage.MapError(err, "badges")
	}
	n := 0
	for _, d := range docs {
		ended, err := s.revokeBadge(ctx, d.ID)
		if err != nil {
			return n, err
		}
		if ended {
			n++
		}
	}
	return n, nil
}

// Record stores a check-in under its scan ID and reports true; a scan ID stored before (the same
// scan sent again, or at once by two requests) stores nothing and returns the stored check-in
// with false.
func (s *Store) Record(ctx context.Context, c CheckIn) (CheckIn, bool, error) {
	d := checkInDoc{ID: c.ScanID, FairID: c.FairID, Order: orderOf(c), BadgeID: c.BadgeID, ParticipantID: c.ParticipantID, Kind: c.Kind, Name: c.Name,
		Organisation: c.Organisation, Place: c.Place, Table: c.Table, ScannedAt: c.ScannedAt, ReceivedAt: c.ReceivedAt, By: c.By}
	_, err := s.checkIns.InsertOne(ctx, d)
	if err == nil {
		return d.checkIn(), true, nil
	}
	if !storage.IsDuplicate(err) {
		return CheckIn{}, false, storage.MapError(err, "check-in")
	}
	stored, err := s.CheckIn(ctx, c.ScanID)
	return stored, false, err
}

// CheckIn returns the check-in of a scan ID; NotFound for one never stored.
func (s *Store) CheckIn(ctx context.Context, scanID string) (CheckIn, error) {
	var d checkInDoc
	if err := s.checkIns.FindOne(ctx, bson.M{"_id": scanID}).Decode(&d); err != nil {
		return CheckIn{}, storage.MapError(err, "check-in")
	}
	return d.checkIn(), nil
}

// AtTable returns the earliest check-in of a participant at a fair's table scanned within
// [from, to], and whether there is one.
func (s *Store) AtTable(ctx context.Context, fairID, participantID string, table int, from, to time.Time) (CheckIn, bool, error) {
	var d checkInDoc
	err := s.checkIns.FindOne(ctx, bson.M{"fair_id": fairID, "participant_id": participantID, "place": PlaceTable, "table": table,
		"scanned_at": bson.M{"$gte": from, "$lte": to}}, options.FindOne().SetSort(bson.D{{Key: "scanned_at", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return CheckIn{}, false, nil
	}
	if err != nil {
		return CheckIn{}, false, storage.MapError(err, "check-ins")
	}
	return d.checkIn(), true, nil
}

// Page returns up to limit of a fair's check-ins received before the one whose order key is
// before ("": from the newest), newest first.
func (s *Store) Page(ctx context.Context, fairID, before string, limit int) ([]CheckIn, error) {
	q := bson.M{"fair_id": fairID}
	if before != "" {
		q["order"] = bson.M{"$lt": before}
	}
	cur, err := s.checkIns.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "order", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, storage.MapError(err, "check-ins")
	}
	var docs []checkInDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "check-ins")
	}
	out := make([]CheckIn, len(docs))
	for i, d := range docs {
		out[i] = d.checkIn()
	}
	return out, nil
}

// Counts are a fair's check-ins: at the gate, at tables, and the people checked in anywhere.
type Counts struct {
	Gate   int
	Table  int
	People int
}

// Count counts a fair's check-ins.
func (s *Store) Count(ctx context.Context, fairID string) (Counts, error) {
	var c Counts
	for place, n := range map[string]*int{PlaceGate: &c.Gate, PlaceTable: &c.Table} {
		got, err := s.checkIns.CountDocuments(ctx, bson.M{"fair_id": fairID, "place": place})
		if err != nil {
			return Counts{}, storage.MapError(err, "check-ins")
		}
		*n = int(got)
	}
	res := s.checkIns.Distinct(ctx, "participant_id", bson.M{"fair_id": fairID})
	var people []string
	if err := res.Decode(&people); err != nil {
		return Counts{}, storage.MapError(err, "check-ins")
	}
	c.People = len(people)
	return c, nil
}

// Places where badges are scanned.
const (
	PlaceGate  = "gate"
	PlaceTable = "table"
)
