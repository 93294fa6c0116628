package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/shortcode"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Password recovery without email: a person who forgot the password phones the trade-promotion
// office; an admin issues a one-time reset code for the account and reads it out; the person
// types it with a new password on the sign-in page. A code is 10 characters without look-alikes,
// lasts resetFor, is kept only as a hash, allows resetTries wrong tries, and is used once; a new
// code voids the one before. Setting the password ends every earlier session.

// ResetCollection holds the reset codes issued, one per account at most.
const ResetCollection = "password_resets"

const (
	resetFor   = 30 * time.Minute
	resetTries = 5
	resetLen   = 10 // characters of Crockford's base 32 (see shortcode): nothing to misread over the phone
)

type resetDoc struct {
	AccountID string    `bson:"_id"`
	Hash      string    `bson:"hash"`
	ExpiresAt time.Time `bson:"expires_at"`
	Tries     int       `bson:"tries"`
	IssuedBy  string    `bson:"issued_by"`
	IssuedAt  time.Time `bson:"issued_at"`
	LogID     string    `bson:"log_id,omitempty"` // its entry in the record of resets (see resetlog.go)
}

type resetIssued struct {
	Code      string    `json:"code" doc:"read it out to the account's owner: 10 characters (XXXXX-XXXXX), used once; it is never shown again"`
	ExpiresAt time.Time `json:"expires_at"`
}

type resetRequest struct {
	Email       string `json:"email" required:"true"`
	Code        string `json:"code" required:"true" doc:"the reset code an admin issued (either case; spaces and dashes ignored; O read as 0, I and L as 1)"`
	NewPassword string `json:"new_password" required:"true"`
}

// registerReset mounts the routes of password recovery on api.
func (rt *Routes) registerReset(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/accounts/:id/password-reset", Tag: "accounts", Roles: []string{auth.RoleAdmin}, Status: http.StatusCreated,
		Summary:  "Issue a one-time password reset code for an account whose owner forgot the password (read it out by phone). It lasts 30 minutes, allows 5 wrong tries and voids the code issued before; 409 account_disabled for a disabled account. Not idempotent: the code is never stored in clear, so a retry issues another.",
		Response: resetIssued{}, Errors: []int{http.StatusConflict}}, rt.issueReset)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/auth/password-reset", Tag: "auth",
		Summary: "Set a new password with a reset code an admin issued, and sign in: every earlier session ends. A wrong, used or expired code, or an email without one, is 422 on code (the same for all); too many attempts 429.",
		Request: resetRequest{}, Response: RegisterResponse{}, Errors: []int{http.StatusTooManyRequests}}, rt.resetPassword)
	rt.registerResetLog(api)
}

// resetHash is what is kept of a code: it names the account, so a code is worth nothing for another.
func resetHash(accountID, code string) string {
	sum := sha256.Sum256([]byte("ocopfair-reset:" + accountID + ":" + code))
	return hex.EncodeToString(sum[:])
}

// newResetCode is 10 random characters of Crockford's base 32, as XXXXX-XXXXX.
func newResetCode() string {
	b := make([]byte, resetLen)
	_, _ = rand.Read(b)
	return shortcode.Grouped(resetLen, func(i int) byte { return b[i] })
}

// normalCode reads a typed code as issued; "" for text that is none.
func normalCode(s string) string {
	c, _ := shortcode.Normal(s, resetLen)
	return c
}

func (rt *Routes) issueReset(c *gin.Context) {
	acc, ok := rt.target(c)
	if !ok {
		return
	}
	if acc.Disabled {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgAccountDisabled))
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	code, now := newResetCode(), rt.now().In(vntext.Zone).Truncate(time.Second)
	d := resetDoc{AccountID: acc.ID, Hash: resetHash(acc.ID, code), ExpiresAt: now.Add(resetFor), IssuedBy: p.AccountID, IssuedAt: now}
	ctx := c.Request.Context()
	var err error
	if d.LogID, err = rt.accounts.logReset(ctx, d); err == nil {
		if err = rt.accounts.putReset(ctx, d); err != nil {
			rt.accounts.unlogReset(ctx, d.LogID) // no code was stored: nothing to keep on record
		}
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, resetIssued{Code: code, ExpiresAt: d.ExpiresAt})
}

func (rt *Routes) resetPassword(c *gin.Context) {
	var req resetRequest
	if !httpx.Bind(c, &req) {
		return
	}
	email := NormalizeEmail(req.Email)
	// No account has an email longer than MaxEmailLen (see New): it is refused as an unknown one
	// is, but counts nothing (see attempt).
	known := len(email) <= MaxEmailLen
	var now time.Time
	var source string
	if known {
		var ok bool
		if now, source, ok = rt.attempt(c, email); !ok {
			return
		}
	}
	var v apperr.Validation
	checkPassword(&v, "new_password", req.NewPassword, email)
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	if !known {
		httpx.RespondError(c, apperr.InvalidField("code", msgResetCode))
		return
	}
	release, ok := rt.hashing.take(c)
	if !ok {
		return
	}
	defer release()
	ctx := c.Request.Context()
	acc, d, taken, err := rt.takeReset(ctx, email, normalCode(req.Code), now)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if !taken {
		rt.signIn.failed(email, source, now)
		httpx.RespondError(c, apperr.InvalidField("code", msgResetCode))
		return
	}
	hash, err := HashPassword(req.NewPassword, rt.hash)
	release() // the turn is for the hash, not for the writes after it
	if err != nil {
		rt.unspend(ctx, acc.ID, d, now)
		httpx.RespondError(c, err)
		return
	}
	// The account is stored only as it was read, enabled: one disabled since is read again and
	// refused (see revoke).
	set, ok := rt.revoke(c, acc, events.RevokedPassword, func(a *Account) { a.PasswordHash = hash }, enabled)
	if !ok {
		rt.unspend(ctx, acc.ID, d, now)
		return
	}
	rt.accounts.resetEnded(context.WithoutCancel(ctx), d.LogID, resetUsed, now)
	rt.answerToken(c, set, set.TokensValidAfter)
}

// unspend answers for the code d, taken but without the password set: cancelled on record when
// the account was disabled (or removed) meanwhile, otherwise put back (a failure, a client gone)
// so that the person can send it again, unless a newer code replaced it since.
func (rt *Routes) unspend(ctx context.Context, accountID string, d resetDoc, now time.Time) {
	ctx = context.WithoutCancel(ctx)
	acc, found, err := rt.accounts.ByID(ctx, accountID)
	if err == nil && (!found || acc.Disabled) {
		rt.accounts.resetEnded(ctx, d.LogID, resetDropped, now)
		return
	}
	rt.accounts.putBackReset(ctx, d)
}

// takeReset uses the reset code of the account with email, once: false (and a wrong try
// counted) unless the account has a code, still valid, matching code, and is not disabled (a
// code issued before the disabling must not let the account back in; disabling deletes it too).
// It returns the code as it was taken, to mark used once the password is set (or put back).
func (rt *Routes) takeReset(ctx context.Context, email, code string, now time.Time) (Account, resetDoc, bool, error) {
	acc, found, err := rt.accounts.ByEmail(ctx, email)
	if err != nil || !found || acc.Disabled {
		return Account{}, resetDoc{}, false, err
	}
	d, found, err := rt.accounts.reset(ctx, acc.ID)
	if err != nil || !found {
		return Account{}, resetDoc{}, false, err
	}
	// Each try is claimed before the code is compared, so that tries sent at once are not all
	// compared against it: five in all, the right one included, while the code is valid.
	claimed, err := rt.accounts.claimTry(ctx, d, now)
	if err != nil || !claimed {
		return Account{}, resetDoc{}, false, err
	}
	d.Tries++
	if code == "" || subtle.ConstantTimeCompare([]byte(resetHash(acc.ID, code)), []byte(d.Hash)) != 1 {
		rt.accounts.resetTried(context.WithoutCancel(ctx), d.LogID)
		return Account{}, resetDoc{}, false, nil
	}
	taken, err := rt.accounts.takeReset(ctx, d, now)
	return acc, d, taken, err
}

// resets is the collection of reset codes.
func (s *Store) resets() *mongo.Collection { return s.c.Database().Collection(ResetCollection) }

// putReset stores d as the account's reset code, voiding the one before.
func (s *Store) putReset(ctx context.Context, d resetDoc) error {
	_, err := s.resets().ReplaceOne(ctx, bson.M{"_id": d.AccountID}, d, options.Replace().SetUpsert(true))
	return storage.MapError(err, "password reset")
}

// putBackReset stores the code d again, taken without the password set, unless a newer code
// was issued meanwhile; a failure is logged.
func (s *Store) putBackReset(ctx context.Context, d resetDoc) {
	if _, err := s.resets().InsertOne(ctx, d); err != nil && !mongo.IsDuplicateKeyError(err) {
		slog.ErrorContext(ctx, "password reset code not put back", "account", d.AccountID, "err", err)
	}
}

// reset is the account's reset code, if it has one.
func (s *Store) reset(ctx context.Context, accountID string) (resetDoc, bool, error) {
	var d resetDoc
	err := s.resets().FindOne(ctx, bson.M{"_id": accountID}).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return resetDoc{}, false, nil
	}
	return d, err == nil, storage.MapError(err, "password reset")
}

// dropReset deletes the account's reset code, if it has one (the account was disabled).
func (s *Store) dropReset(ctx context.Context, accountID string, now time.Time) error {
	var d resetDoc
	err := s.resets().FindOneAndDelete(ctx, bson.M{"_id": accountID}).Decode(&d)
	if err == mongo.ErrNoDocuments {
		return nil
	}
	// A code already spent by wrong tries, or expired, stays on record as it ended.
	if err == nil && d.Tries < resetTries && now.Before(d.ExpiresAt) {
		s.resetEnded(ctx, d.LogID, resetDropped, now)
	}
	return storage.MapError(err, "password reset")
}

// claimTry takes one of the code d's tries while it has any left and is valid (not one of a
// newer code issued meanwhile): false when none is left.
func (s *Store) claimTry(ctx context.Context, d resetDoc, now time.Time) (bool, error) {
	res, err := s.resets().UpdateOne(ctx, bson.M{"_id": d.AccountID, "hash": d.Hash, "tries": bson.M{"$lt": resetTries}, "expires_at": bson.M{"$gt": now}},
		bson.M{"$inc": bson.M{"tries": 1}})
	if err != nil {
		return false, storage.MapError(err, "password reset")
	}
	return res.ModifiedCount == 1, nil
}

// takeReset removes the code d while it is still valid: true for the one request that did.
func (s *Store) takeReset(ctx context.Context, d resetDoc, now time.Time) (bool, error) {
	res, err := s.resets().DeleteOne(ctx, bson.M{"_id": d.AccountID, "hash": d.Hash, "expires_at": bson.M{"$gt": now}})
	if err != nil {
		return false, storage.MapError(err, "password reset")
	}
	return res.DeletedCount == 1, nil
}
