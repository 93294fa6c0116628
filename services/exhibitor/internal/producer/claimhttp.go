package producer

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// claimBody tells organisers whether an imported profile can be claimed; it never holds the code.
type claimBody struct {
	CodeOutstanding bool       `json:"code_outstanding" doc:"a claim code is issued, unexpired and unused; wrong tries never lock it (each account may try a code 5 times, and however many accounts try, the producer holding the code can still use it)"`
	CodeIssuedAt    *time.Time `json:"code_issued_at,omitempty"`
	CodeExpiresAt   *time.Time `json:"code_expires_at,omitempty"`
	CodeLocked      bool       `json:"code_locked" doc:"always false: a code is no longer locked by tries from all accounts together (kept for older clients)"`
	WrongTries      int        `json:"wrong_tries" doc:"how many times accounts together sent a wrong code for this one; many, from many accounts (see the claim audit log), mean someone is guessing the code of a public tax code: it stays usable by its producer, and a new code voids it"`
}

// claimAttemptBody is one audited claim attempt.
type claimAttemptBody struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Result    string    `json:"result" doc:"issued (account_id is the organiser who issued a new code), claimed, wrong_code, already_used, or failed (the code matched but the profile could not be handed over; the code stays usable); only tries in which a code was compared are recorded, each of them one of the account's 5. Records from before may also say no_code_given, no_code_issued, expired or locked"`
	ClientIP  string    `json:"client_ip"`
	At        time.Time `json:"at"`
	Reason    string    `json:"reason,omitempty" doc:"for a code issued to hand a registered profile over: what the organiser checked"`
}

// issueRequest is the optional body of POST /api/producers/{id}/claim-code.
type issueRequest struct {
	Reason *string `json:"reason" doc:"required to hand over a registered profile (not for an imported one): what was checked of the company owning the tax code, e.g. its business registration; 10 to 500 characters; kept in the claim audit log"`
}

// minHandOverReason and maxHandOverReason bound the reason for a hand-over code, in characters:
// a word or two ("ok", "x") says nothing of what was checked.
const (
	minHandOverReason = 10
	maxHandOverReason = 500
)

// claimCodeResponse is the one place a claim code is shown in plain text.
type claimCodeResponse struct {
	ProducerID string    `json:"producer_id"`
	ClaimCode  string    `json:"claim_code" doc:"hand it to the producer; it is not stored and cannot be shown again"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// claim hands an imported profile to the signed-in producer when it shows the profile's claim
// code. The tax code alone proves nothing (tax codes are public), so without a valid code the
// profile and its products stay the organiser's and nothing of them is shown. Every try in which
// the code was compared is audited.
func (h *Routes) claim(c *gin.Context, p auth.Principal, existing Producer, f Fields, code *string) {
	ctx := c.Request.Context()
	// A re-run of this claim (the same Idempotency-Key, its first response lost): the account
	// already holds the profile whose code it sends. It is answered with the profile, as the first
	// run was, and not audited again.
	if _, keyed := httpx.IdempotentID(c); keyed && existing.AccountID == p.AccountID && code != nil && strings.TrimSpace(*code) != "" {
		h.created(c, existing)
		return
	}
	attempt := ClaimAttempt{ProducerID: existing.ID, AccountID: p.AccountID, ClientIP: c.ClientIP(), At: h.now()}
	if code == nil || strings.TrimSpace(*code) == "" {
		e := apperr.New(apperr.Invalid, msgTaxCodeImported)
		e.Fields = []apperr.FieldError{apperr.Field("claim_code", msgClaimCodeNeeded)}
		httpx.RespondError(c, e)
		return
	}
	if _, err := h.Store.ByAccount(ctx, p.AccountID); err == nil {
		httpx.RespondError(c, apperr.New(apperr.Conflict, msgHaveProfile))
		return
	}
	// Validate what the producer entered before spending one of the account's tries on it.
	if _, err := existing.Claim(p.AccountID, f, attempt.At); err != nil {
		httpx.RespondError(c, err)
		return
	}
	redeem := h.Claims.Redeem
	if !existing.Claimable() {
		redeem = h.Claims.RedeemHandOver // a registered profile handed over (see RedeemHandOver)
	}
	codeID, result, err := redeem(ctx, existing.ID, p.AccountID, *code, attempt.At)
	attempt.CodeID, attempt.Result = codeID, result
	// Only a try in which the code was compared is audited: it is what organisers look for (a
	// guess, or the producer's claim), and each one spent one of the account's few tries, so no
	// account writes more than those. A request refused before (no code, a profile already held,
	// a field to correct, a code not issued or expired, the account's tries spent) compared no
	// code, tells organisers nothing of guessing, and could be sent without end.
	if result.compared() {
		defer func() { h.audit(c, attempt) }()
	}
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	held := "" // the account that held the profile when it was written
	claimed, err := storage.RetryStale(ctx, existing, storage.StaleTries, ErrStale,
		func(cur Producer) (Producer, error) { return cur.Claim(p.AccountID, f, attempt.At) },
		func(ctx context.Context, next, prev Producer) error {
			held = prev.AccountID
			return h.Store.Claim(ctx, next, prev.Revision, prev.AccountID, correlation.From(ctx))
		},
		func(ctx context.Context, prev Producer) (Producer, error) { return h.Store.Get(ctx, prev.ID) })
	if err != nil {
		attempt.Result = ClaimFailed
		// The profile was not handed over: the code stays usable. This must happen even when the
		// client has gone away.
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if rerr := h.Claims.Release(bg, codeID); rerr != nil {
			httpx.Logger(c).Error("releasing a claim code failed", "producer", existing.ID, "err", rerr)
		}
		cancel()
		httpx.RespondError(c, err)
		return
	}
	if !existing.Claimable() {
		attempt.PreviousAccountID = held
	}
	h.created(c, claimed)
}

func (h *Routes) claimAttempts(c *gin.Context) {
	var before string
	page, err := httpx.PageAfter(c, &before)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	ctx := c.Request.Context()
	prod, err := h.Store.Get(ctx, c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	attempts, err := h.Claims.Attempts(ctx, prod.ID, before, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, httpx.ListOf(attempts, page.Limit, func(a ClaimAttempt) any { return a.ID }, func(a ClaimAttempt) claimAttemptBody {
		return claimAttemptBody{ID: a.ID, AccountID: a.AccountID, Result: string(a.Result), ClientIP: a.ClientIP, At: a.At, Reason: a.Reason}
	}))
}

// audit records a claim attempt; it runs after the response and outlives the request.
func (h *Routes) audit(c *gin.Context, a ClaimAttempt) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 10*time.Second)
	defer cancel()
	if err := h.Claims.Audit(ctx, a); err != nil {
		httpx.Logger(c).Error("recording a claim attempt failed", "producer", a.ProducerID, "account", a.AccountID, "result", a.Result, "err", err)
	}
}

func (h *Routes) issueClaimCode(c *gin.Context) {
	var req issueRequest
	if !httpx.BindOptional(c, &req) {
		return
	}
	ctx := c.Request.Context()
	prod, err := h.Store.Get(ctx, c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// A registered profile gets a code too: the organisers hand it to the company that owns the
	// tax code when another account registered it first. Whoever registers with it takes the
	// profile, its products and applications; the other account keeps none of them. So the
	// organiser says what was checked, and the audit log keeps it.
	reason := ""
	if req.Reason != nil {
		reason = vntext.Clean(*req.Reason)
	}
	var v apperr.Validation
	v.Expect(prod.Claimable() || len([]rune(reason)) >= minHandOverReason, "reason", msgHandOverReason, minHandOverReason)
	v.Expect(len([]rune(reason)) <= maxHandOverReason, "reason", apperr.TooLong, maxHandOverReason)
	if err := v.Err(); err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	now := h.now()
	issued, err := h.Claims.Issue(ctx, prod.ID, p.AccountID, now)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	// A new code voids the one the producer may hold, so who issued it must be on record.
	h.audit(c, ClaimAttempt{ProducerID: prod.ID, AccountID: p.AccountID, CodeID: issued.ID, Result: ClaimIssued, ClientIP: c.ClientIP(), At: now, Reason: reason})
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, claimCodeResponse{ProducerID: prod.ID, ClaimCode: issued.Code, ExpiresAt: issued.ExpiresAt})
}

func (h *Routes) unclaimed(c *gin.Context) {
	var before string
	page, err := httpx.PageAfter(c, &before)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	ctx := c.Request.Context()
	prods, err := h.Store.Unclaimed(ctx, before, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	ids := make([]string, 0, len(prods))
	for _, p := range prods[:min(len(prods), page.Limit)] {
		ids = append(ids, p.ID)
	}
	statuses, err := h.Claims.Statuses(ctx, ids, h.now())
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, httpx.ListOf(prods, page.Limit, func(p Producer) any { return p.ID }, func(p Producer) response {
		r := toResponse(p, true)
		r.Claim = toClaimBody(statuses[p.ID])
		return r
	}))
}

func toClaimBody(st ClaimStatus) *claimBody {
	b := &claimBody{CodeOutstanding: st.Outstanding, WrongTries: st.WrongTries}
	if st.Issued {
		b.CodeIssuedAt, b.CodeExpiresAt = &st.IssuedAt, &st.ExpiresAt
	}
	return b
}
