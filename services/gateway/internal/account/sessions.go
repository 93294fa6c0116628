package account

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Ending sessions: a person signs out everywhere or changes the password (a lost phone, a shared
// password), and an admin disables an account (a departing organiser). Each revokes the account's
// tokens issued so far at every service (see auth.Revocations); a disabled account cannot sign in
// until an admin enables it again.

type passwordRequest struct {
	CurrentPassword string `json:"current_password" required:"true"`
	NewPassword     string `json:"new_password" required:"true"`
}

// registerSessions mounts the routes that end sessions on api.
func (rt *Routes) registerSessions(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/auth/sign-out-everywhere", Tag: "auth", Roles: auth.Roles, Status: http.StatusNoContent,
		Summary: "End every session of the signed-in account: each token issued so far, this one included, is refused by every service within seconds. Sign in again to go on."}, rt.signOutEverywhere)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/auth/password", Tag: "auth", Roles: auth.Roles,
		Summary: "Change the signed-in account's password. Every earlier token is revoked; the answer carries a new one. A wrong current password is 422 on current_password and counts as a failed sign-in: 429 once the sign-in limit of the account and source is spent. Not idempotent: a retry after a lost answer meets the new password (422), so sign in with it.", Request: passwordRequest{}, Response: RegisterResponse{},
		Errors: []int{http.StatusTooManyRequests}}, rt.changePassword)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/accounts/:id/disable", Tag: "accounts", Roles: []string{auth.RoleAdmin},
		Summary: "Disable an account: it cannot sign in, and its tokens are refused by every service within seconds. Disabling a disabled account changes nothing; an admin cannot disable itself (409).", Response: Response{}}, rt.disable)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/accounts/:id/enable", Tag: "accounts", Roles: []string{auth.RoleAdmin},
		Summary: "Let a disabled account sign in again (the tokens it had stay revoked).", Response: Response{}}, rt.enable)
}

// revoke stores acc changed by change, with its tokens issued before now revoked for reason, and
// returns it; it answers the error itself and reports false. The replica refuses the tokens at
// once; the others when the event reaches them. Another change stored meanwhile (another device
// signing out everywhere, a password changed while an admin disables the account) is read again
// and revoked after, when fits says the change still applies to it (else its error is answered);
// when it already revoked as much and changed nothing else, nothing more is written.
func (rt *Routes) revoke(c *gin.Context, acc Account, reason string, change func(*Account), fits func(Account) error) (Account, bool) {
	ctx := c.Request.Context()
	stored, err := rt.store(ctx, acc, NotBefore(rt.now()), reason, change, fits)
	if err != nil {
		httpx.RespondError(c, err)
		return Account{}, false
	}
	// A sign-in that read the account before the write, begun in a later second than the one
	// revoked from, stamps its token with that second: revoke from now too (the change is made;
	// what comes now only moves the time, over whatever else was stored meanwhile).
	for range 2 {
		now := NotBefore(rt.now())
		if !now.After(stored.TokensValidAfter) {
			break
		}
		again, err := rt.store(ctx, stored, now, reason, func(*Account) {}, func(Account) error { return nil })
		if err != nil {
			break // the change itself is stored and refused here; the second is a rare margin
		}
		stored = again
	}
	return stored, true
}

// store writes acc changed by change with its tokens valid after wanted (or a second after its
// last revocation), reading it again after a conflicting write when fits allows (see revoke).
func (rt *Routes) store(ctx context.Context, acc Account, wanted time.Time, reason string, change func(*Account), fits func(Account) error) (Account, error) {
	for try := 0; ; try++ {
		after := acc
		change(&after)
		after.TokensValidAfter = wanted
		if !wanted.After(acc.TokensValidAfter) {
			if try > 0 && after.PasswordHash == acc.PasswordHash && after.Disabled == acc.Disabled {
				rt.refuse(acc)
				return acc, nil // a revocation stored meanwhile did it all
			}
			// A token stamped at the last revocation's time (a sign-in in its second) must go too.
			after.TokensValidAfter = acc.TokensValidAfter.Add(time.Second)
		}
		err := rt.accounts.Revoke(ctx, acc, after, reason, correlation.From(ctx))
		if err == nil {
			rt.written()
			rt.refuse(after)
			return after, nil
		}
		if !apperr.Is(err, apperr.Conflict) {
			return Account{}, err
		}
		if try == 20 {
			return Account{}, apperr.New(apperr.Conflict, msgAccountChanged)
		}
		fresh, found, err := rt.accounts.ByID(ctx, acc.ID)
		switch {
		case err != nil:
			return Account{}, err
		case !found:
			return Account{}, apperr.New(apperr.NotFound, msgAccountNotFound)
		}
		if err := fits(fresh); err != nil {
			return Account{}, err
		}
		acc = fresh
	}
}

// refuse makes this replica refuse acc's tokens issued before its revocation at once.
func (rt *Routes) refuse(acc Account) {
	if rt.revoked != nil {
		rt.revoked.Revoke(acc.ID, acc.TokensValidAfter)
	}
}

// enabled is fits for a change that applies to any enabled account.
func enabled(a Account) error {
	if a.Disabled {
		return apperr.New(apperr.Forbidden, msgAccountDisabled)
	}
	return nil
}

// signedIn is the caller's account; it answers 401 itself when the account is gone or its token
// is from before the account's last revocation, and 403 when it is disabled (its token may pass
// until the revocation reaches this replica: a password change then must not hand out a token
// stamped after the disabling, nor an admin whose sessions ended manage accounts).
func (rt *Routes) signedIn(c *gin.Context) (Account, bool) {
	p, _ := httpx.PrincipalFrom(c)
	acc, ok := rt.account(c, p.AccountID, apperr.New(apperr.Unauthorized, msgAccountGone))
	switch {
	case !ok:
	case acc.Disabled:
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgAccountDisabled))
		return Account{}, false
	case !p.IssuedAt.IsZero() && p.IssuedAt.Before(acc.TokensValidAfter):
		// Its sessions ended on another replica, whose revocation has not reached this one.
		httpx.RespondError(c, auth.ErrTokenRevoked)
		return Account{}, false
	}
	return acc, ok
}

// account is the account id; it answers missing when there is none, and errors, itself.
func (rt *Routes) account(c *gin.Context, id string, missing error) (Account, bool) {
	acc, found, err := rt.accounts.ByID(c.Request.Context(), id)
	switch {
	case err != nil:
		httpx.RespondError(c, err)
	case !found:
		httpx.RespondError(c, missing)
	default:
		return acc, true
	}
	return Account{}, false
}

func (rt *Routes) signOutEverywhere(c *gin.Context) {
	acc, ok := rt.signedIn(c)
	if !ok {
		return
	}
	if _, ok := rt.revoke(c, acc, events.RevokedSignOut, func(*Account) {}, enabled); ok {
		c.Status(http.StatusNoContent)
	}
}

func (rt *Routes) changePassword(c *gin.Context) {
	var req passwordRequest
	if !httpx.Bind(c, &req) {
		return
	}
	acc, ok := rt.signedIn(c)
	if !ok {
		return
	}
	// Guessing the current password from a stolen token is guessing a sign-in: the same guard.
	now, source, ok := rt.attempt(c, acc.Email)
	if !ok {
		return
	}
	release, ok := rt.hashing.take(c)
	if !ok {
		return
	}
	defer release()
	var v apperr.Validation
	if !CheckPassword(acc.PasswordHash, req.CurrentPassword) {
		rt.signIn.failed(acc.Email, source, now)
		v.Fail("current_password", msgCurrentPassword)
	}
	checkPassword(&v, "new_password", req.NewPassword, acc.Email)
	v.Expect(req.NewPassword != req.CurrentPassword, "new_password", msgSamePassword)
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	hash, err := HashPassword(req.NewPassword, rt.hash)
	release()
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if acc, ok = rt.revoke(c, acc, events.RevokedPassword, func(a *Account) { a.PasswordHash = hash }, func(now Account) error {
		if now.PasswordHash != acc.PasswordHash { // checked against the password it had
			return apperr.New(apperr.Conflict, msgAccountChanged)
		}
		return enabled(now)
	}); ok {
		rt.answerToken(c, acc, acc.TokensValidAfter)
	}
}

// target is the account an admin's route names; it answers itself when there is none, and when
// the admin is disabled (before its revocation arrives).
func (rt *Routes) target(c *gin.Context) (Account, bool) {
	if _, ok := rt.signedIn(c); !ok {
		return Account{}, false
	}
	return rt.account(c, c.Param("id"), apperr.New(apperr.NotFound, msgAccountNotFound))
}

func (rt *Routes) disable(c *gin.Context) {
	acc, ok := rt.target(c)
	if !ok {
		return
	}
	if p, _ := httpx.PrincipalFrom(c); p.AccountID == acc.ID {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgDisableSelf))
		return
	}
	if !acc.Disabled {
		if acc, ok = rt.revoke(c, acc, events.RevokedDisabled, func(a *Account) { a.Disabled = true }, func(Account) error { return nil }); !ok {
			return
		}
	}
	// A password reset code issued before goes with the account's sessions.
	if err := rt.accounts.dropReset(c.Request.Context(), acc.ID, rt.now().In(vntext.Zone).Truncate(time.Second)); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(acc))
}

func (rt *Routes) enable(c *gin.Context) {
	acc, ok := rt.target(c)
	if !ok {
		return
	}
	if acc.Disabled {
		acc.Disabled = false
		if err := rt.accounts.Enable(c.Request.Context(), acc, rt.now(), correlation.From(c.Request.Context())); err != nil {
			httpx.RespondError(c, err)
			return
		}
		rt.written()
	}
	c.JSON(http.StatusOK, toResponse(acc))
}
