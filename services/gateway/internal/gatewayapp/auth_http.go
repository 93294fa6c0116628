package gatewayapp

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
)

type registerRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name" doc:"the person's or organisation's display name"`
	Role     string `json:"role" doc:"producer or buyer"`
}

type createAccountRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Role     string `json:"role" doc:"organiser, admin, producer or buyer"`
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type accountResponse struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

type registerResponse struct {
	Account accountResponse `json:"account"`
	tokenResponse
}

// registeredResponse is a replayed sign-up: the account without a token.
type registeredResponse struct {
	Account accountResponse `json:"account"`
}

func toAccountResponse(a account.Account) accountResponse {
	return accountResponse{ID: a.ID, Email: a.Email, Name: a.Name, Role: a.Role, CreatedAt: a.CreatedAt.In(vntext.Zone)}
}

func (a *App) mountAuth(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/auth/register", Tag: "auth", Status: http.StatusCreated, Idempotent: true,
		Summary: "Create a producer or buyer account and sign in. A replay (Idempotent-Replayed: true) answers the account without access_token, which is never stored: sign in with the same credentials.", Request: registerRequest{}, Response: registerResponse{}}, a.register)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/auth/login", Tag: "auth",
		Summary: "Sign in with email and password; returns a bearer token.", Request: loginRequest{}, Response: tokenResponse{}}, a.login)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/auth/me", Tag: "auth", Roles: auth.Roles,
		Summary: "The signed-in account.", Response: accountResponse{}}, a.me)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/accounts", Tag: "accounts", Roles: []string{auth.RoleAdmin}, Status: http.StatusCreated, Idempotent: true,
		Summary: "Create an account of any role (organisers and admins are created this way).", Request: createAccountRequest{}, Response: accountResponse{}}, a.createAccount)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/accounts", Tag: "accounts", Roles: []string{auth.RoleAdmin},
		Summary: "List accounts in creation order.", Response: httpx.List[accountResponse]{},
		Query: []openapi.Param{{Name: "role"}, {Name: "limit", Type: "integer"}, {Name: "cursor"}}}, a.listAccounts)
}

func (a *App) register(c *gin.Context) {
	var req registerRequest
	if !httpx.Bind(c, &req) {
		return
	}
	// Sign-up answers 409 for an email that has an account (it signs the new account in, so it
	// cannot answer the same either way); the limit per source keeps that from being harvested.
	if !a.signUp.allow(c.ClientIP(), time.Now()) {
		httpx.RespondError(c, apperr.E(apperr.TooManyRequests, "too many sign-ups from this address; try again later"))
		return
	}
	acc, err := account.New(req.Email, req.Name, req.Role, req.Password, true, "", a.cfg.Hash)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := a.accounts.Create(c.Request.Context(), acc, correlation.From(c.Request.Context())); err != nil {
		httpx.RespondError(c, err)
		return
	}
	a.host.NotifyRelays()
	tok, err := a.issue(acc)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Location", "/api/auth/me")
	c.Header("Cache-Control", "no-store")
	// The kept response for an Idempotency-Key replay leaves the token out: a bearer token must
	// not sit in the database for a day. A replay answers the account alone; the client signs in.
	httpx.ReplayWith(c, registeredResponse{Account: toAccountResponse(acc)})
	c.JSON(http.StatusCreated, registerResponse{Account: toAccountResponse(acc), tokenResponse: tok})
}

func (a *App) issue(acc account.Account) (tokenResponse, error) {
	tok, ttl, err := a.signer.Issue(acc.Principal(), time.Now(), uuid.NewString())
	if err != nil {
		return tokenResponse{}, err
	}
	return tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: ttl}, nil
}

func (a *App) login(c *gin.Context) {
	var req loginRequest
	if !httpx.Bind(c, &req) {
		return
	}
	now, source, email := time.Now(), c.ClientIP(), account.NormalizeEmail(req.Email)
	if !a.signIn.allow(email, source, now) {
		httpx.RespondError(c, apperr.E(apperr.TooManyRequests, "too many sign-in attempts; wait a minute and try again"))
		return
	}
	acc, found, err := a.accounts.ByEmail(c.Request.Context(), req.Email)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := account.Authenticate(acc, found, req.Password); err != nil {
		a.signIn.failed(email, source, now)
		httpx.RespondError(c, err)
		return
	}
	tok, err := a.issue(acc)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, tok)
}

func (a *App) me(c *gin.Context) {
	p, _ := httpx.PrincipalFrom(c)
	acc, found, err := a.accounts.ByID(c.Request.Context(), p.AccountID)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if !found {
		httpx.RespondError(c, apperr.E(apperr.Unauthorized, "this account no longer exists"))
		return
	}
	c.JSON(http.StatusOK, toAccountResponse(acc))
}

func (a *App) createAccount(c *gin.Context) {
	var req createAccountRequest
	if !httpx.Bind(c, &req) {
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	acc, err := account.New(req.Email, req.Name, req.Role, req.Password, false, p.AccountID, a.cfg.Hash)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if err := a.accounts.Create(c.Request.Context(), acc, correlation.From(c.Request.Context())); err != nil {
		httpx.RespondError(c, err)
		return
	}
	a.host.NotifyRelays()
	c.Header("Location", "/api/accounts/"+acc.ID)
	c.JSON(http.StatusCreated, toAccountResponse(acc))
}

func (a *App) listAccounts(c *gin.Context) {
	var after string
	page, err := httpx.PageAfter(c, &after)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	role := c.Query("role")
	if role != "" && !(auth.Principal{Role: role}).Is(auth.Roles...) {
		httpx.RespondError(c, &apperr.Error{Kind: apperr.Invalid, Message: "bad filter", Fields: []apperr.FieldError{{Field: "role", Message: "must be admin, organiser, producer or buyer"}}})
		return
	}
	accs, err := a.accounts.List(c.Request.Context(), role, after, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(accs, page.Limit, func(a account.Account) any { return a.ID }, toAccountResponse))
}
