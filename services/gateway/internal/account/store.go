package account

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Collection holds accounts.
const Collection = "accounts"

// Store keeps accounts in MongoDB.
type Store struct {
	c *mongo.Collection
	w outbox.Writer
}

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	c := db.Collection(Collection)
	return &Store{c: c, w: outbox.NewWriter(c, "account", apperr.New(apperr.Conflict, msgAccountChanged))}
}

// Indexes: one account per email.
func Indexes() []storage.Index {
	return []storage.Index{{Collection: Collection, Keys: bson.D{{Key: "email", Value: 1}}, Unique: true}}
}

type document struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"`
	Name         string    `bson:"name"`
	Role         string    `bson:"role"`
	PasswordHash string    `bson:"password_hash"`
	CreatedAt    time.Time `bson:"created_at"`
	CreatedBy    string    `bson:"created_by,omitempty"`
	Disabled     bool      `bson:"disabled"`
	ValidAfter   time.Time `bson:"tokens_valid_after"`
}

func (d document) account() Account {
	return Account{ID: d.ID, Email: d.Email, Name: d.Name, Role: d.Role, PasswordHash: d.PasswordHash, CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy,
		Disabled: d.Disabled, TokensValidAfter: d.ValidAfter}
}

func documentOf(a Account) document {
	return document{ID: a.ID, Email: a.Email, Name: a.Name, Role: a.Role, PasswordHash: a.PasswordHash,
		CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy, Disabled: a.Disabled, ValidAfter: a.TokensValidAfter}
}

// Revoke stores the account as after (a new password hash, disabled or enabled, and the time its
// tokens must be issued after) together with a gateway.account.tokens_revoked event for that time
// and reason, provided it still has before's password hash, state and revocation time (Conflict
// otherwise: a revocation racing it must not be overwritten with an earlier time): every service
// then refuses its earlier tokens.
func (s *Store) Revoke(ctx context.Context, before, after Account, reason, correlationID string) error {
	filter := unchanged(before)
	if !before.Disabled {
		filter["disabled"] = bson.M{"$ne": true} // accounts stored before the field have none
	}
	return s.w.Replace(ctx, filter, documentOf(after), "", correlationID, outbox.Event{
		Subject: events.AccountTokensRevoked, AggregateID: after.ID, Payload: events.AccountTokensRevokedV1{
			AccountID: after.ID, NotBefore: after.TokensValidAfter, Reason: reason}})
}

// unchanged matches the account as before was read: its password, state and last revocation.
func unchanged(before Account) bson.M {
	filter := bson.M{"_id": before.ID, "password_hash": before.PasswordHash, "disabled": before.Disabled,
		"tokens_valid_after": before.TokensValidAfter}
	if before.TokensValidAfter.IsZero() {
		filter["tokens_valid_after"] = bson.M{"$not": bson.M{"$gt": before.TokensValidAfter}} // accounts stored before the field have none
	}
	return filter
}

// Enable stores that the account read disabled as a may sign in again from enabledAt, provided
// nothing changed since (Conflict otherwise: an enabling read before a later disabling must not
// undo it), together with a gateway.account.enabled event. Its old tokens stay revoked, and its
// new ones are valid from its last revocation's time (a second or two ahead of the clock when the
// account was disabled just now): it counts as enabled from then at the earliest.
func (s *Store) Enable(ctx context.Context, a Account, enabledAt time.Time, correlationID string) error {
	if enabledAt.Before(a.TokensValidAfter) {
		enabledAt = a.TokensValidAfter
	}
	before := a
	before.Disabled = true
	return s.w.Replace(ctx, unchanged(before), documentOf(a), "", correlationID, outbox.Event{
		Subject: events.AccountEnabled, AggregateID: a.ID, Payload: events.AccountEnabledV1{
			AccountID: a.ID, DisabledAt: a.TokensValidAfter, EnabledAt: enabledAt}})
}

// AnotherAdminEnabled reports whether an admin other than id may sign in.
func (s *Store) AnotherAdminEnabled(ctx context.Context, id string) (bool, error) {
	n, err := s.c.CountDocuments(ctx, bson.M{"role": auth.RoleAdmin, "_id": bson.M{"$ne": id}, "disabled": bson.M{"$ne": true}}, options.Count().SetLimit(1))
	if err != nil {
		return false, storage.MapError(err, "account")
	}
	return n > 0, nil
}

// Create stores a new account together with its gateway.account.registered event. It returns a
// Conflict error when the email is taken.
func (s *Store) Create(ctx context.Context, a Account, correlationID string) error {
	err := s.w.Insert(ctx, documentOf(a), "", correlationID, outbox.Event{
		Subject: events.AccountRegistered, AggregateID: a.ID, Payload: events.AccountRegisteredV1{
			AccountID: a.ID, Email: a.Email, Name: a.Name, Role: a.Role, RegisteredAt: a.CreatedAt}})
	if apperr.Is(err, apperr.Conflict) {
		// The only unique key besides the new _id is the email.
		return apperr.WrapMsg(apperr.Conflict, err, msgEmailTaken)
	}
	return err
}

// ByEmail finds the account with email (normalised); found is false when there is none.
func (s *Store) ByEmail(ctx context.Context, email string) (Account, bool, error) {
	return s.one(ctx, bson.M{"email": NormalizeEmail(email)})
}

// ByID finds an account by ID.
func (s *Store) ByID(ctx context.Context, id string) (Account, bool, error) {
	return s.one(ctx, bson.M{"_id": id})
}

// get finds an account by ID: NotFound when there is none.
func (s *Store) get(ctx context.Context, id string) (Account, error) {
	a, found, err := s.ByID(ctx, id)
	if err == nil && !found {
		err = storage.MapError(mongo.ErrNoDocuments, "account")
	}
	return a, err
}

func (s *Store) one(ctx context.Context, filter bson.M) (Account, bool, error) {
	var d document
	err := s.c.FindOne(ctx, filter, options.FindOne().SetProjection(bson.M{"outbox": 0})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Account{}, false, nil
	}
	if err != nil {
		return Account{}, false, storage.MapError(err, "account")
	}
	return d.account(), true, nil
}

// List returns up to limit accounts with IDs after the cursor ID, optionally of one role or with
// one email, in creation order (IDs are UUIDv7).
func (s *Store) List(ctx context.Context, role, email, after string, limit int) ([]Account, error) {
	filter := bson.M{}
	if role != "" {
		filter["role"] = role
	}
	if email != "" {
		filter["email"] = NormalizeEmail(email)
	}
	if after != "" {
		filter["_id"] = bson.M{"$gt": after}
	}
	cur, err := s.c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).SetProjection(bson.M{"outbox": 0}))
	if err != nil {
		return nil, storage.MapError(err, "accounts")
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "accounts")
	}
	out := make([]Account, len(docs))
	for i, d := range docs {
		out[i] = d.account()
	}
	return out, nil
}
