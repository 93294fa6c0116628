package account

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

type registerRequest struct {
	Email    string `json:"email" required:"true" format:"email"`
	Password string `json:"password" required:"true"`
	Name     string `json:"name" required:"true" doc:"the person's or organisation's display name"`
	Role     string `json:"role" required:"true" enum:"producer,buyer"`
}

type createAccountRequest struct {
	Email    string `json:"email" required:"true" format:"email"`
	Password string `json:"password" required:"true"`
	Name     string `json:"name" required:"true"`
	Role     string `json:"role" required:"true" enum:"organiser,admin,producer,buyer"`
}

type loginRequest struct {
	Email    string `json:"email" required:"true"`
	Password string `json:"password" required:"true"`
}

// Response is an account as the API shows it: never its password hash.
type Response struct {
	ID        string    `json:"id" format:"uuid"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role" enum:"organiser,admin,producer,buyer"`
	CreatedAt time.Time `json:"created_at"`
	Disabled  bool      `json:"disabled" doc:"a disabled account cannot sign in (POST /api/accounts/{id}/disable, /enable)"`
}

// TokenResponse is a bearer token from sign-in or sign-up.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// RegisterResponse is the answer of a sign-up (the new account) and of a sign-in: the account
// beside its token, so that a client needs no second request for who signed in.
type RegisterResponse struct {
	Account Response `json:"account"`
	TokenResponse
}

// signUpAnswer documents a sign-up's answer: RegisterResponse, or on a replay
// (Idempotent-Replayed: true) registeredResponse, which has no token.
type signUpAnswer struct {
	Account     Response `json:"account"`
	AccessToken string   `json:"access_token,omitempty" doc:"absent on a replay"`
	TokenType   string   `json:"token_type,omitempty" doc:"absent on a replay"`
	ExpiresIn   int      `json:"expires_in,omitempty" doc:"absent on a replay"`
}

// registeredResponse is a replayed sign-up: the account without a token.
type registeredResponse struct {
	Account Response `json:"account"`
}

func toResponse(a Account) Response {
	return Response{ID: a.ID, Email: a.Email, Name: a.Name, Role: a.Role, CreatedAt: a.CreatedAt.In(vntext.Zone), Disabled: a.Disabled}
}

// Routes serves sign-up, sign-in, the signed-in account, and the admins' account management.
type Routes struct {
	accounts *Store
	signer   *auth.Signer
	hash     HashParams
	signIn   *signInGuard
	signUp   *limiter
	// written wakes the outbox relay after an account is stored with its event.
	written func()
	// now is the time the limits and tokens see.
	now func() time.Time
	// revoked are the revocations this replica's verifier follows (nil: none).
	revoked *auth.Revocations
	// hashing bounds the password hashes running at once.
	hashing hashTurns
}

// RefuseAtOnce has the routes tell revoked of each revocation they store, so that this replica
// refuses the tokens at once rather than when the event comes back.
func (rt *Routes) RefuseAtOnce(revoked *auth.Revocations) *Routes {
	rt.revoked = revoked
	return rt
}

// NewRoutes returns the account routes on accounts. Tokens are signed by signer, passwords hashed
// with hash; loginPerMinute sets the sign-in guard (see signInGuard) and allows a source ten times
// that many sign-ups an hour. written is called after each account is stored. now is the clock
// (nil: time.Now).
func NewRoutes(accounts *Store, signer *auth.Signer, hash HashParams, loginPerMinute int, written func(), now func() time.Time) *Routes {
	if now == nil {
		now = time.Now
	}
	dummyHash(hash) // made now, so that the first unknown email's refusal takes no longer than others
	return &Routes{accounts: accounts, signer: signer, hash: hash, written: written, now: now,
		signIn: newSignInGuard(loginPerMinute), hashing: newHashTurns(),
		signUp: newLimiter(perHour(10*loginPerMinute), 10*loginPerMinute)}
}

// Register mounts the routes on api.
func (rt *Routes) Register(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/auth/register", Tag: "auth", Status: http.StatusCreated, Idempotent: true,
		Summary: "Create a producer or buyer account and sign in. A replay (Idempotent-Replayed: true) answers the account without access_token, which is never stored: sign in with the same credentials.", Request: registerRequest{}, Response: signUpAnswer{},
		Errors: []int{http.StatusTooManyRequests}}, rt.register)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/auth/login", Tag: "auth",
		Summary: "Sign in with email and password; returns the account (as /api/auth/me does) and a bearer token. Wrong credentials are 401; a disabled account 403 (only with the right password); too many attempts 429 with Retry-After.", Request: loginRequest{}, Response: RegisterResponse{},
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests}}, rt.login)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/auth/me", Tag: "auth", Roles: auth.Roles,
		Summary: "The signed-in account.", Response: Response{}}, rt.me)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/accounts", Tag: "accounts", Roles: []string{auth.RoleAdmin}, Status: http.StatusCreated, Idempotent: true,
		Summary: "Create an account of any role (organisers and admins are created this way).", Request: createAccountRequest{}, Response: Response{}}, rt.createAccount)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/accounts", Tag: "accounts", Roles: []string{auth.RoleAdmin},
		Summary: "List accounts in creation order.", Response: httpx.List[Response]{},
		Query: []openapi.Param{{Name: "role"}, {Name: "email", Description: "only the account with this email (as sign-in reads it: case and spaces aside)"},
			{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, rt.listAccounts)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/accounts/:id", Tag: "accounts", Roles: []string{auth.RoleAdmin},
		Summary: "One account (where POST /api/accounts's Location points).", Response: Response{}}, rt.getAccount)
	rt.registerSessions(api)
	rt.registerReset(api)
}

func (rt *Routes) getAccount(c *gin.Context) {
	if acc, ok := rt.target(c); ok {
		c.JSON(http.StatusOK, toResponse(acc))
	}
}

func (rt *Routes) register(c *gin.Context) {
	var req registerRequest
	if !httpx.Bind(c, &req) {
		return
	}
	// Sign-up answers 409 for an email that has an account (it signs the new account in, so it
	// cannot answer the same either way); the limit per source keeps that from being harvested.
	if !rt.signUp.allow(sourceOf(c.ClientIP()), rt.now()) {
		httpx.RespondError(c, apperr.New(apperr.TooManyRequests, msgSignUpLimited))
		return
	}
	acc, again, ok := rt.create(c, req.Email, req.Name, req.Role, req.Password, true, "")
	if !ok {
		return
	}
	c.Header("Location", "/api/auth/me")
	c.Header("Cache-Control", "no-store")
	if again {
		// The first run's answer was lost: answer as its replay would, without a token (the
		// client signs in, as after any replay).
		c.Header(httpx.IdempotentReplay, "true")
		c.JSON(http.StatusCreated, registeredResponse{Account: toResponse(acc)})
		return
	}
	tok, err := rt.issue(acc, rt.now())
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// The kept response for an Idempotency-Key replay leaves the token out: a bearer token must
	// not sit in the database for a day. A replay answers the account alone; the client signs in.
	httpx.ReplayWith(c, registeredResponse{Account: toResponse(acc)})
	c.JSON(http.StatusCreated, RegisterResponse{Account: toResponse(acc), TokenResponse: tok})
}

// create makes and stores an account (see New) under the request's NewID, or answers the error
// and reports false. again reports a re-run of a request whose first run stored the account
// (its answer was lost): acc is then the account as stored.
func (rt *Routes) create(c *gin.Context, email, name, role, password string, selfService bool, createdBy string) (acc Account, again, ok bool) {
	release, ok := rt.hashing.take(c)
	if !ok {
		return Account{}, false, false
	}
	acc, err := New(email, name, role, password, selfService, createdBy, rt.hash)
	release()
	if err != nil {
		httpx.RespondError(c, err)
		return Account{}, false, false
	}
	acc.ID = httpx.NewID(c)
	if err := rt.accounts.Create(c.Request.Context(), acc, correlation.From(c.Request.Context())); err != nil {
		stored, ok := httpx.StoredBefore(c, acc.ID, err, rt.accounts.get, func(s Account) bool {
			return s.Email == acc.Email && s.CreatedBy == acc.CreatedBy
		})
		if !ok {
			httpx.RespondError(c, err)
			return Account{}, false, false
		}
		return stored, true, true
	}
	rt.written()
	return acc, false, true
}

// issue signs a token for acc read at at, issued no earlier than the time its tokens must be
// issued after. at is taken before the account is read: a revocation stored after that read (a
// password changed meanwhile) is later than at, so it refuses the token.
func (rt *Routes) issue(acc Account, at time.Time) (TokenResponse, error) {
	if at.Before(acc.TokensValidAfter) {
		at = acc.TokensValidAfter
	}
	tok, ttl, err := rt.signer.Issue(acc.Principal(), at, uuid.NewString())
	if err != nil {
		return TokenResponse{}, err
	}
	return TokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: ttl}, nil
}

func (rt *Routes) login(c *gin.Context) {
	var req loginRequest
	if !httpx.Bind(c, &req) {
		return
	}
	email := NormalizeEmail(req.Email)
	if len(email) > MaxEmailLen { // no account has one (see New): refused as an unknown one is
		httpx.RespondError(c, apperr.New(apperr.Unauthorized, msgLoginFailed))
		return
	}
	now, source, ok := rt.attempt(c, email)
	if !ok {
		return
	}
	// The turn covers the account's lookup too: a burst of sign-ins must wait here, bounded and
	// told to come back, not in the queue for the database, where every signed-in page waits too.
	release, ok := rt.hashing.take(c)
	if !ok {
		return
	}
	acc, found, err := rt.accounts.ByEmail(c.Request.Context(), req.Email)
	if err != nil {
		release()
		httpx.RespondError(c, err)
		return
	}
	err = Authenticate(acc, found, req.Password, rt.hash)
	release()
	if err != nil {
		rt.signIn.failed(email, source, now)
		httpx.RespondError(c, err)
		return
	}
	if acc.Disabled { // said only to whoever knows the password
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgAccountDisabled))
		return
	}
	rt.answerToken(c, acc, now)
}

// attempt counts a sign-in attempt (a password or a reset code tried) on the account of email
// from the caller's address, and returns when and from where; false, answered 429, once the
// limits are spent (see signInGuard). An email longer than MaxEmailLen, which no account has, is
// refused before it: counted, it would be kept in the limits for up to an hour.
func (rt *Routes) attempt(c *gin.Context, email string) (time.Time, string, bool) {
	now, source := rt.now(), sourceOf(c.ClientIP())
	if !rt.signIn.allow(email, source, now) {
		httpx.RespondError(c, apperr.New(apperr.TooManyRequests, msgSignInLimited))
		return now, source, false
	}
	return now, source, true
}

// answerToken answers acc, read at at, with a new token for it.
func (rt *Routes) answerToken(c *gin.Context, acc Account, at time.Time) {
	tok, err := rt.issue(acc, at)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, RegisterResponse{Account: toResponse(acc), TokenResponse: tok})
}

func (rt *Routes) me(c *gin.Context) {
	if acc, ok := rt.signedIn(c); ok {
		c.JSON(http.StatusOK, toResponse(acc))
	}
}

func (rt *Routes) createAccount(c *gin.Context) {
	if _, ok := rt.signedIn(c); !ok { // a disabled admin, before its revocation arrives
		return
	}
	var req createAccountRequest
	if !httpx.Bind(c, &req) {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	acc, _, ok := rt.create(c, req.Email, req.Name, req.Role, req.Password, false, p.AccountID)
	if !ok {
		return
	}
	c.Header("Location", "/api/accounts/"+acc.ID)
	c.JSON(http.StatusCreated, toResponse(acc))
}

func (rt *Routes) listAccounts(c *gin.Context) {
	if _, ok := rt.signedIn(c); !ok { // a disabled admin, before its revocation arrives
		return
	}
	var after string
	page, err := httpx.PageAfter(c, &after)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	role := c.Query("role")
	if role != "" && !(auth.Principal{Role: role}).Is(auth.Roles...) {
		httpx.RespondError(c, apperr.InvalidField("role", apperr.OneOf, apperr.OrOf(auth.Roles...)))
		return
	}
	// An email asked for must be one: an empty one would list every account instead.
	if email, given := c.GetQuery("email"); given && strings.TrimSpace(email) == "" {
		httpx.RespondError(c, apperr.InvalidField("email", apperr.Required))
		return
	}
	accs, err := rt.accounts.List(c.Request.Context(), role, c.Query("email"), after, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(accs, page.Limit, func(a Account) any { return a.ID }, toResponse))
}
