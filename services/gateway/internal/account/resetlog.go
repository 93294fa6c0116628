package account

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// The record of password resets: for each code issued, the account, the admin who issued it and
// when, its wrong tries, and how it ended. A reset code lets whoever holds it into the account,
// so the office must be able to say afterwards who issued one, and see a code spent by guesses.
// The codes themselves are never in it. An entry is written before its code is stored, so no
// code exists without one (and is deleted again when the code could not be stored); how a code
// ended is written after it did (used: once the password is set), and a failure there is
// logged, not answered: the person's password is set either way. The end and the wrong tries
// are conditional updates: on FerretDB across replicas (its conditional updates are atomic only
// on one connection), a code used as its account is disabled may be said either way, and a try
// counted at the same moment on two replicas may be counted once.

// ResetLogCollection holds the record of password resets, one entry per code issued.
const ResetLogCollection = "password_reset_log"

// How a reset code ended (resetEntry.Ended).
const (
	resetUsed    = "used"
	resetDropped = "cancelled" // the account was disabled
)

type resetEntry struct {
	ID        string     `bson:"_id"` // UUIDv7: the newest sort last
	AccountID string     `bson:"account_id"`
	IssuedBy  string     `bson:"issued_by"`
	IssuedAt  time.Time  `bson:"issued_at"`
	ExpiresAt time.Time  `bson:"expires_at"`
	Tries     int        `bson:"tries"`
	Ended     string     `bson:"ended,omitempty"`
	EndedAt   *time.Time `bson:"ended_at,omitempty"`
}

// resetRecord is an entry as an admin reads it.
type resetRecord struct {
	IssuedAt  string     `json:"issued_at" format:"date-time"`
	IssuedBy  accountRef `json:"issued_by"`
	ExpiresAt string     `json:"expires_at" format:"date-time"`
	Tries     int        `json:"wrong_tries" doc:"wrong codes typed for this account while the code was pending"`
	Status    string     `json:"status" enum:"pending,used,replaced,cancelled,locked,expired" doc:"locked: 5 wrong tries spent it; replaced: a newer code was issued; cancelled: the account was disabled"`
	EndedAt   string     `json:"ended_at,omitempty" format:"date-time" doc:"when it was used, replaced or cancelled"`
}

type accountRef struct {
	ID   string `json:"id"`
	Name string `json:"name" doc:"empty when the account no longer exists"`
}

// ResetLogIndexes: an account's entries, newest first.
func ResetLogIndexes() []storage.Index {
	return []storage.Index{{Collection: ResetLogCollection, Keys: bson.D{{Key: "account_id", Value: 1}, {Key: "_id", Value: -1}}}}
}

func (rt *Routes) registerResetLog(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/accounts/:id/password-resets", Tag: "accounts", Roles: []string{auth.RoleAdmin},
		Summary:  "The password reset codes issued for an account, newest first: who issued each and when, its wrong tries, and how it ended (the codes themselves are never kept).",
		Response: httpx.List[resetRecord]{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, rt.listResets)
}

func (rt *Routes) listResets(c *gin.Context) {
	acc, ok := rt.target(c)
	if !ok {
		return
	}
	var before string
	page, err := httpx.PageAfter(c, &before)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	ctx := c.Request.Context()
	entries, err := rt.accounts.resetEntries(ctx, acc.ID, before, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	names, err := rt.issuers(ctx, entries)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// Each entry is told with the one issued after it (a newer code replaces it), which for the
	// first of a later page is the last of the page before, read again for that and left out.
	now, newer := rt.now(), (*resetEntry)(nil)
	if before != "" {
		// A cursor is an entry of this account's record: any other would tell the first entry
		// shown without the one that replaced it.
		if len(entries) == 0 || entries[0].ID != before {
			httpx.RespondError(c, apperr.InvalidField("cursor", msgResetCursor))
			return
		}
		newer, entries = &entries[0], entries[1:]
	}
	c.JSON(http.StatusOK, httpx.ListOf(entries, page.Limit, func(e resetEntry) any { return e.ID }, func(e resetEntry) resetRecord {
		r := e.record(names[e.IssuedBy], newer, now)
		newer = &e
		return r
	}))
}

// issuers names the admins who issued entries (empty for an account gone since).
func (rt *Routes) issuers(ctx context.Context, entries []resetEntry) (map[string]string, error) {
	names := map[string]string{}
	for _, e := range entries {
		if _, seen := names[e.IssuedBy]; seen {
			continue
		}
		by, _, err := rt.accounts.ByID(ctx, e.IssuedBy)
		if err != nil {
			return nil, err
		}
		names[e.IssuedBy] = by.Name
	}
	return names, nil
}

// record is e as read at now; newer is the entry issued next for the account, if any: issued
// while e was still valid, it replaced e.
func (e resetEntry) record(issuer string, newer *resetEntry, now time.Time) resetRecord {
	r := resetRecord{IssuedAt: vnTime(e.IssuedAt), IssuedBy: accountRef{ID: e.IssuedBy, Name: issuer}, ExpiresAt: vnTime(e.ExpiresAt), Tries: e.Tries, Status: e.Ended}
	if e.EndedAt != nil {
		r.EndedAt = vnTime(*e.EndedAt)
	}
	switch {
	case e.Ended != "":
	case e.Tries >= resetTries:
		r.Status = "locked"
	case newer != nil && newer.IssuedAt.Before(e.ExpiresAt):
		r.Status, r.EndedAt = "replaced", vnTime(newer.IssuedAt)
	case !now.Before(e.ExpiresAt):
		r.Status = "expired"
	default:
		r.Status = "pending"
	}
	return r
}

func vnTime(t time.Time) string { return t.In(vntext.Zone).Format(time.RFC3339) }

func (s *Store) resetLog() *mongo.Collection { return s.c.Database().Collection(ResetLogCollection) }

// logReset records a code issued for d's account and returns the entry's ID.
func (s *Store) logReset(ctx context.Context, d resetDoc) (string, error) {
	e := resetEntry{ID: uuid.Must(uuid.NewV7()).String(), AccountID: d.AccountID, IssuedBy: d.IssuedBy, IssuedAt: d.IssuedAt, ExpiresAt: d.ExpiresAt}
	_, err := s.resetLog().InsertOne(ctx, e)
	return e.ID, storage.MapError(err, "password reset")
}

// unlogReset deletes the entry id of a code that could not be stored; a failure is logged.
func (s *Store) unlogReset(ctx context.Context, id string) {
	if _, err := s.resetLog().DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		slog.ErrorContext(ctx, "password reset record", "entry", id, "err", err)
	}
}

// resetEnded records how the code of entry id ended, unless it already had; a failure is logged.
func (s *Store) resetEnded(ctx context.Context, id, how string, at time.Time) {
	if id == "" {
		return // a code issued before the record was kept
	}
	_, err := s.resetLog().UpdateOne(ctx, bson.M{"_id": id, "ended": bson.M{"$exists": false}}, bson.M{"$set": bson.M{"ended": how, "ended_at": at}})
	if err != nil {
		slog.ErrorContext(ctx, "password reset record", "entry", id, "ended", how, "err", err)
	}
}

// resetTried counts a wrong try against the code of entry id; a failure is logged.
func (s *Store) resetTried(ctx context.Context, id string) {
	if id == "" {
		return
	}
	if _, err := s.resetLog().UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"tries": 1}}); err != nil {
		slog.ErrorContext(ctx, "password reset record", "entry", id, "err", err)
	}
}

// resetEntries lists the account's entries, newest first, from the entry ID before (if any:
// limit more after it).
func (s *Store) resetEntries(ctx context.Context, accountID, before string, limit int) ([]resetEntry, error) {
	filter := bson.M{"account_id": accountID}
	if before != "" {
		filter["_id"] = bson.M{"$lte": before}
		limit++
	}
	cur, err := s.resetLog().Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, storage.MapError(err, "password resets")
	}
	var out []resetEntry
	if err := cur.All(ctx, &out); err != nil {
		return nil, storage.MapError(err, "password resets")
	}
	return out, nil
}
