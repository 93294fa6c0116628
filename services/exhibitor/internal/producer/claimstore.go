package producer

import (
	"context"
	"crypto/subtle"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Claim collections.
const (
	// ClaimCodesCollection holds the current claim code of each imported profile (its _id is the
	// producer ID): issuing a new code replaces the old one.
	ClaimCodesCollection = "claim_codes"
	// ClaimTriesCollection is insert-only. Each try of a code is the account's record,
	// "<code>/<account>/1" to "<code>/<account>/5"; a wrong one is counted for the code too,
	// "<code>/wrong/<account>/<n>", without an account (as the code's tries "<code>/1" to
	// "<code>/50" were stored when a code had a limit from all accounts together); and
	// "<code>/used" once it is redeemed. Unique _ids make the account's limit and the single use
	// hold across replicas and concurrent requests (FerretDB's conditional updates are atomic
	// only on one connection).
	ClaimTriesCollection = "claim_tries"
	// ClaimAuditCollection is the insert-only log of claim attempts in which a code was compared,
	// and of codes issued.
	ClaimAuditCollection = "claim_audit"
)

// ClaimIndexes are the indexes of the claim collections.
func ClaimIndexes() []storage.Index {
	return []storage.Index{
		{Collection: ClaimTriesCollection, Keys: bson.D{{Key: "code_id", Value: 1}}},
		{Collection: ClaimAuditCollection, Keys: bson.D{{Key: "producer_id", Value: 1}, {Key: "at", Value: -1}}},
		{Collection: ClaimAuditCollection, Keys: bson.D{{Key: "previous_account_id", Value: 1}}},
	}
}

type claimCodeDoc struct {
	ProducerID string    `bson:"_id"`
	CodeID     string    `bson:"code_id"`
	Hash       string    `bson:"hash"`
	IssuedBy   string    `bson:"issued_by"`
	IssuedAt   time.Time `bson:"issued_at"`
	ExpiresAt  time.Time `bson:"expires_at"`
}

type claimTryDoc struct {
	ID     string `bson:"_id"`
	CodeID string `bson:"code_id"`
	// AccountID is set on an account's own tries only; the code's tries have none.
	AccountID string    `bson:"account_id,omitempty"`
	At        time.Time `bson:"at"`
}

type claimAuditDoc struct {
	ID         string    `bson:"_id"`
	ProducerID string    `bson:"producer_id"`
	AccountID  string    `bson:"account_id"`
	CodeID     string    `bson:"code_id,omitempty"`
	Result     string    `bson:"result"`
	ClientIP   string    `bson:"client_ip"`
	At         time.Time `bson:"at"`
	Reason     string    `bson:"reason,omitempty"`
	// PreviousAccountID: see ClaimAttempt.
	PreviousAccountID string `bson:"previous_account_id,omitempty"`
}

// ClaimStore keeps claim codes, their tries and the audit log.
type ClaimStore struct {
	codes, tries, audit *mongo.Collection
}

// NewClaimStore returns a claim store on db.
func NewClaimStore(db *storage.DB) *ClaimStore {
	return &ClaimStore{codes: db.Collection(ClaimCodesCollection), tries: db.Collection(ClaimTriesCollection), audit: db.Collection(ClaimAuditCollection)}
}

// IssuedCode is a claim code just issued: the only time its plain text is seen.
type IssuedCode struct {
	// ID identifies the code in the tries and the audit log.
	ID        string
	Code      string
	ExpiresAt time.Time
}

// Issue makes a new claim code for a producer, valid for ClaimCodeTTL from now, and returns it
// in plain text (the only time it is seen). The producer's previous code stops working. It
// returns Conflict when another issue for the same producer raced it.
func (s *ClaimStore) Issue(ctx context.Context, producerID, issuedBy string, now time.Time) (IssuedCode, error) {
	code := NewClaimCode()
	codeID := uuid.Must(uuid.NewV7()).String()
	d := claimCodeDoc{ProducerID: producerID, CodeID: codeID, Hash: HashClaimCode(codeID, code), IssuedBy: issuedBy,
		IssuedAt: now, ExpiresAt: now.Add(ClaimCodeTTL)}
	if _, err := s.codes.ReplaceOne(ctx, bson.M{"_id": producerID}, d, options.Replace().SetUpsert(true)); err != nil {
		if storage.IsDuplicate(err) {
			// Two issues raced on the upsert; the other one's code stands.
			return IssuedCode{}, apperr.WrapMsg(apperr.Conflict, err, msgClaimRace)
		}
		return IssuedCode{}, storage.MapError(err, "claim code")
	}
	return IssuedCode{ID: codeID, Code: code, ExpiresAt: d.ExpiresAt.In(vntext.Zone)}, nil
}

func (s *ClaimStore) current(ctx context.Context, producerID string) (claimCodeDoc, bool, error) {
	var d claimCodeDoc
	err := s.codes.FindOne(ctx, bson.M{"_id": producerID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	if err != nil {
		return d, false, storage.MapError(err, "claim code")
	}
	return d, true, nil
}

// Status says whether a producer has a usable claim code and until when.
func (s *ClaimStore) Status(ctx context.Context, producerID string, now time.Time) (ClaimStatus, error) {
	st, err := s.Statuses(ctx, []string{producerID}, now)
	return st[producerID], err
}

// Statuses returns the claim status of each of producerIDs in two reads, whatever their number,
// so a page of imported profiles costs no more than one of them. A producer without a code maps
// to the zero ClaimStatus.
func (s *ClaimStore) Statuses(ctx context.Context, producerIDs []string, now time.Time) (map[string]ClaimStatus, error) {
	out := make(map[string]ClaimStatus, len(producerIDs))
	if len(producerIDs) == 0 {
		return out, nil
	}
	cur, err := s.codes.Find(ctx, bson.M{"_id": bson.M{"$in": producerIDs}})
	if err != nil {
		return nil, storage.MapError(err, "claim code")
	}
	var codes []claimCodeDoc
	if err := cur.All(ctx, &codes); err != nil {
		return nil, storage.MapError(err, "claim code")
	}
	if len(codes) == 0 {
		return out, nil
	}
	codeIDs := make([]string, len(codes))
	for i, d := range codes {
		codeIDs[i] = d.CodeID
	}
	// Only the code's records, which count its wrong tries (and those stored when the code had a
	// limit from all accounts: each of them but the one that used it was wrong).
	cur, err = s.tries.Find(ctx, bson.M{"code_id": bson.M{"$in": codeIDs}, "account_id": bson.M{"$exists": false}},
		options.Find().SetProjection(bson.M{"_id": 1, "code_id": 1}))
	if err != nil {
		return nil, storage.MapError(err, "claim code")
	}
	var tries []claimTryDoc
	if err := cur.All(ctx, &tries); err != nil {
		return nil, storage.MapError(err, "claim code")
	}
	wrong, used := map[string]int{}, map[string]bool{}
	for _, t := range tries {
		if t.ID == usedKey(t.CodeID) {
			used[t.CodeID] = true
		} else {
			wrong[t.CodeID]++
		}
	}
	for _, d := range codes {
		out[d.ProducerID] = ClaimStatus{Issued: true, IssuedAt: d.IssuedAt.In(vntext.Zone), ExpiresAt: d.ExpiresAt.In(vntext.Zone),
			Used: used[d.CodeID], WrongTries: wrong[d.CodeID], Outstanding: !used[d.CodeID] && now.Before(d.ExpiresAt)}
	}
	return out, nil
}

func usedKey(codeID string) string { return codeID + "/used" }

func claimError(result ClaimResult, m apperr.Msg, args ...any) (string, ClaimResult, error) {
	e := apperr.New(apperr.Invalid, msgClaimRefused)
	e.Fields = []apperr.FieldError{apperr.Field("claim_code", m, args...)}
	return "", result, e
}

// Redeem checks code against the producer's current claim code and, when it matches, uses it up.
// Every call that reaches the comparison first spends one of the account's ClaimAttempts tries
// of the code, so concurrent wrong guesses from one account get past its limit no more than
// sequential ones. One account's guesses stop only that account, and no number of accounts locks
// the code (see ClaimAttempts); a wrong code is counted for the organisers to see. It returns the
// code's ID (to Release it if the profile then cannot be stored), the outcome for the audit log,
// and an Invalid error with a message on the claim_code field when the code is refused.
func (s *ClaimStore) Redeem(ctx context.Context, producerID, accountID, code string, now time.Time) (string, ClaimResult, error) {
	d, ok, err := s.current(ctx, producerID)
	switch {
	case err != nil:
		return "", ClaimFailed, err
	case !ok:
		return claimError(ClaimNotIssued, msgClaimNotIssued)
	case !now.Before(d.ExpiresAt):
		return claimError(ClaimExpired, msgClaimExpired, vntext.FormatDate(d.ExpiresAt))
	}
	tried, err := s.countTries(ctx, bson.M{"code_id": d.CodeID, "account_id": accountID})
	if err != nil {
		return "", ClaimFailed, err
	}
	// The account's try before the comparison: a try the code then refuses is lost only to this
	// account.
	mine, err := s.takeTry(ctx, claimTryDoc{ID: d.CodeID + "/" + accountID + "/", CodeID: d.CodeID, AccountID: accountID, At: now},
		tried, ClaimAttempts)
	if err != nil {
		return "", ClaimFailed, err
	}
	if mine == 0 {
		return claimError(ClaimLocked, msgClaimLockedForAccount, ClaimAttempts)
	}
	if subtle.ConstantTimeCompare([]byte(HashClaimCode(d.CodeID, code)), []byte(d.Hash)) != 1 {
		if err := s.countWrong(ctx, d.CodeID, accountID, mine, now); err != nil {
			return "", ClaimFailed, err
		}
		if mine == ClaimAttempts {
			return claimError(ClaimWrongCode, msgClaimWrongLast)
		}
		return claimError(ClaimWrongCode, msgClaimWrong, ClaimAttempts-mine)
	}
	return s.useUp(ctx, d.CodeID, now, msgClaimUsed)
}

// countWrong records the account's try number n of a code as wrong, for the code's WrongTries.
func (s *ClaimStore) countWrong(ctx context.Context, codeID, accountID string, n int, now time.Time) error {
	_, err := s.tries.InsertOne(ctx, claimTryDoc{ID: codeID + "/wrong/" + accountID + "/" + strconv.Itoa(n), CodeID: codeID, At: now})
	if storage.IsDuplicate(err) {
		return nil // counted already (the numbered try is the account's alone)
	}
	return storage.MapError(err, "claim code")
}

// useUp marks a code that matched as used, once: a second use (another claim that matched it at
// the same time) is refused with used. It returns the code's ID and the outcome, as Redeem.
func (s *ClaimStore) useUp(ctx context.Context, codeID string, now time.Time, used apperr.Msg, args ...any) (string, ClaimResult, error) {
	_, err := s.tries.InsertOne(ctx, claimTryDoc{ID: usedKey(codeID), CodeID: codeID, At: now})
	if storage.IsDuplicate(err) {
		return claimError(ClaimUsed, used, args...)
	}
	if err != nil {
		return "", ClaimFailed, storage.MapError(err, "claim code")
	}
	return codeID, ClaimSucceeded, nil
}

// RedeemHandOver is Redeem for a profile another account registered first, which the organisers
// hand over to the company owning its tax code. Every refusal reads alike, whether a code is
// issued, expired or wrong, and each account has ClaimAttempts tries for the profile whatever
// codes come and go, so the account holding the profile cannot tell from its own tries that a
// code was issued. Nor can it lock the code with throwaway accounts: no code has a limit of
// tries from all accounts together (see ClaimAttempts). A wrong try of a code in force is counted
// for the organisers, as Redeem's.
func (s *ClaimStore) RedeemHandOver(ctx context.Context, producerID, accountID, code string, now time.Time) (string, ClaimResult, error) {
	d, ok, err := s.current(ctx, producerID)
	if err != nil {
		return "", ClaimFailed, err
	}
	key := "handover:" + producerID
	tried, err := s.countTries(ctx, bson.M{"code_id": key, "account_id": accountID})
	if err != nil {
		return "", ClaimFailed, err
	}
	mine, err := s.takeTry(ctx, claimTryDoc{ID: key + "/" + accountID + "/", CodeID: key, AccountID: accountID, At: now}, tried, ClaimAttempts)
	switch {
	case err != nil:
		return "", ClaimFailed, err
	case mine == 0:
		return claimError(ClaimLocked, msgClaimHandOverLocked, ClaimAttempts)
	case !ok:
		return claimError(ClaimNotIssued, msgClaimHandOverRefused, ClaimAttempts)
	case !now.Before(d.ExpiresAt):
		return claimError(ClaimExpired, msgClaimHandOverRefused, ClaimAttempts)
	case subtle.ConstantTimeCompare([]byte(HashClaimCode(d.CodeID, code)), []byte(d.Hash)) != 1:
		if err := s.countWrong(ctx, d.CodeID, accountID, mine, now); err != nil {
			return "", ClaimFailed, err
		}
		return claimError(ClaimWrongCode, msgClaimHandOverRefused, ClaimAttempts)
	}
	return s.useUp(ctx, d.CodeID, now, msgClaimHandOverRefused, ClaimAttempts)
}

func (s *ClaimStore) countTries(ctx context.Context, q bson.M) (int, error) {
	n, err := s.tries.CountDocuments(ctx, q)
	return int(n), storage.MapError(err, "claim code")
}

// takeTry records one try numbered under the prefix try.ID (an account's tries of a code, or of
// a profile to hand over), of which tried were counted, and returns its number, 1 to limit,
// or 0 when every try is spent. Each try is an insert with a unique _id, so two concurrent
// callers never get the same number, and a count that is already stale only costs a duplicate.
func (s *ClaimStore) takeTry(ctx context.Context, try claimTryDoc, tried, limit int) (int, error) {
	prefix := try.ID
	for n := tried + 1; n <= limit; n++ {
		try.ID = prefix + strconv.Itoa(n)
		_, err := s.tries.InsertOne(ctx, try)
		if err == nil {
			return n, nil
		}
		if !storage.IsDuplicate(err) {
			return 0, storage.MapError(err, "claim code")
		}
	}
	return 0, nil
}

// Release makes a redeemed code usable again when the profile could not be handed over after
// all (its tries stay spent).
func (s *ClaimStore) Release(ctx context.Context, codeID string) error {
	_, err := s.tries.DeleteOne(ctx, bson.M{"_id": usedKey(codeID)})
	return storage.MapError(err, "claim code")
}

// Audit records one claim attempt or issued code; records are never changed or removed.
func (s *ClaimStore) Audit(ctx context.Context, a ClaimAttempt) error {
	id := a.ID
	if id == "" {
		id = uuid.Must(uuid.NewV7()).String()
	}
	_, err := s.audit.InsertOne(ctx, claimAuditDoc{ID: id, ProducerID: a.ProducerID, AccountID: a.AccountID,
		CodeID: a.CodeID, Result: string(a.Result), ClientIP: a.ClientIP, At: a.At, Reason: a.Reason, PreviousAccountID: a.PreviousAccountID})
	return storage.MapError(err, "claim audit")
}

// HandedOverFrom returns the newest hand-over of a registered profile that account held, and
// whether there is one.
func (s *ClaimStore) HandedOverFrom(ctx context.Context, account string) (ClaimAttempt, bool, error) {
	var d claimAuditDoc
	err := s.audit.FindOne(ctx, bson.M{"previous_account_id": account, "result": string(ClaimSucceeded)},
		options.FindOne().SetSort(bson.D{{Key: "_id", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return ClaimAttempt{}, false, nil
	}
	if err != nil {
		return ClaimAttempt{}, false, storage.MapError(err, "claim audit")
	}
	return ClaimAttempt{ID: d.ID, ProducerID: d.ProducerID, AccountID: d.AccountID, Result: ClaimResult(d.Result), At: d.At.In(vntext.Zone),
		PreviousAccountID: d.PreviousAccountID}, true, nil
}

// Attempts returns up to limit of a producer's audited claim attempts, newest first, older than
// the one with ID before ("": from the newest).
func (s *ClaimStore) Attempts(ctx context.Context, producerID, before string, limit int) ([]ClaimAttempt, error) {
	q := bson.M{"producer_id": producerID}
	if before != "" {
		q["_id"] = bson.M{"$lt": before}
	}
	cur, err := s.audit.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, storage.MapError(err, "claim audit")
	}
	var docs []claimAuditDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "claim audit")
	}
	out := make([]ClaimAttempt, len(docs))
	for i, d := range docs {
		out[i] = ClaimAttempt{ID: d.ID, ProducerID: d.ProducerID, AccountID: d.AccountID, CodeID: d.CodeID, Result: ClaimResult(d.Result),
			ClientIP: d.ClientIP, At: d.At.In(vntext.Zone), Reason: d.Reason}
	}
	return out, nil
}
