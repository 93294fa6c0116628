package live

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

// TicketTTL is how long a stream ticket may wait before it is used.
const TicketTTL = 30 * time.Second

// clockLeeway is how far the clocks of the replica that issues a ticket and the one that redeems
// it may differ.
const clockLeeway = 5 * time.Second

// ticketDomain is signed before every ticket, so that a ticket's signature can never pass for the
// signature of anything else the gateway's key signs (access tokens).
const ticketDomain = "ocopfair-live-ticket.v1."

// Tickets issues and redeems stream tickets. A browser's EventSource cannot send the access token
// in a header, and a token in a URL ends up in proxy and server logs, so the console trades its
// token for a ticket that opens one stream: it names the account and role only, lives TicketTTL,
// and is signed with the gateway's key, so that any replica can check it. Each replica refuses a
// ticket it has already seen; a ticket cannot be replayed on the same replica, and on another only
// within its TicketTTL.
type Tickets struct {
	key  ed25519.PrivateKey
	kid  string
	pubs map[string]ed25519.PublicKey

	mu sync.Mutex
	// used holds the nonces of the tickets redeemed here until they expire, and usedOrder the
	// same in the order they were redeemed, which is about the order they expire in, so that
	// they are forgotten from its front: a redemption costs the same however many are held.
	used      map[string]time.Time
	usedOrder []usedTicket
	// revoked refuses a ticket issued before its account's tokens were revoked (nil: none).
	revoked *auth.Revocations
}

// RefuseRevoked makes Redeem refuse a ticket issued before its account's tokens were revoked
// (signed out everywhere, password changed, account disabled), and the streams check r too.
func (t *Tickets) RefuseRevoked(r *auth.Revocations) *Tickets {
	t.revoked = r
	return t
}

// NewTickets returns tickets signed with key (named kid) and checked against pubs, the gateway's
// public keys by key ID.
func NewTickets(key ed25519.PrivateKey, kid string, pubs map[string]ed25519.PublicKey) *Tickets {
	return &Tickets{key: key, kid: kid, pubs: pubs, used: map[string]time.Time{}}
}

// usedTicket is a redeemed ticket's nonce and expiry.
type usedTicket struct {
	nonce   string
	expires time.Time
}

type ticketClaims struct {
	KID       string `json:"kid"`
	AccountID string `json:"sub"`
	Role      string `json:"role"`
	Nonce     string `json:"nonce"`
	Expires   int64  `json:"exp"`
}

// Issue returns a ticket for p that expires TicketTTL after now. The caller's token passed the
// account's revocation, so the ticket counts as issued no earlier than its time (the token may be
// stamped up to a second ahead of now: see auth.Revocations), and Redeem takes it.
func (t *Tickets) Issue(p auth.Principal, now time.Time) (string, time.Time, error) {
	if nb := t.revoked.NotBefore(p.AccountID); nb.After(now) {
		now = nb
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", time.Time{}, err
	}
	exp := now.Add(TicketTTL)
	body, err := json.Marshal(ticketClaims{KID: t.kid, AccountID: p.AccountID, Role: p.Role,
		Nonce: base64.RawURLEncoding.EncodeToString(nonce), Expires: exp.UnixMilli()})
	if err != nil {
		return "", time.Time{}, err
	}
	payload := base64.RawURLEncoding.EncodeToString(body)
	sig := ed25519.Sign(t.key, []byte(ticketDomain+payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(sig), exp, nil
}

// Redeem checks a ticket and uses it up, returning the account it was issued to. It returns an
// Unauthorized error when the ticket is malformed, forged, expired or already used here.
func (t *Tickets) Redeem(ticket string, now time.Time) (auth.Principal, error) {
	invalid := apperr.New(apperr.Unauthorized, msgTicketInvalid)
	payload, sigText, ok := strings.Cut(ticket, ".")
	if !ok || len(ticket) > 1024 {
		return auth.Principal{}, invalid
	}
	body, err1 := base64.RawURLEncoding.DecodeString(payload)
	sig, err2 := base64.RawURLEncoding.DecodeString(sigText)
	var c ticketClaims
	if err1 != nil || err2 != nil || json.Unmarshal(body, &c) != nil {
		return auth.Principal{}, invalid
	}
	pub, known := t.pubs[c.KID]
	if !known || !ed25519.Verify(pub, []byte(ticketDomain+payload), sig) {
		return auth.Principal{}, invalid
	}
	// A ticket never lives longer than TicketTTL; the leeway allows for replicas' clocks to differ.
	exp := time.UnixMilli(c.Expires)
	if !now.Before(exp) || exp.Sub(now) > TicketTTL+clockLeeway || c.AccountID == "" || c.Nonce == "" || !slices.Contains(auth.Roles, c.Role) {
		return auth.Principal{}, invalid
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forget(now)
	if _, seen := t.used[c.Nonce]; seen || t.revoked.Revoked(c.AccountID, exp.Add(-TicketTTL)) {
		return auth.Principal{}, invalid
	}
	t.used[c.Nonce] = exp
	t.usedOrder = append(t.usedOrder, usedTicket{nonce: c.Nonce, expires: exp})
	return auth.Principal{AccountID: c.AccountID, Role: c.Role}, nil
}

// forget drops the used tickets expired at now from the front of usedOrder; t.mu is held. Tickets
// from replicas whose clocks differ expire a little out of order: one behind a later one waits for
// it (at most TicketTTL and clockLeeway), and meanwhile Redeem refuses it as expired anyway.
func (t *Tickets) forget(now time.Time) {
	for len(t.usedOrder) > 0 && !now.Before(t.usedOrder[0].expires) {
		delete(t.used, t.usedOrder[0].nonce)
		t.usedOrder[0] = usedTicket{}
		t.usedOrder = t.usedOrder[1:]
	}
}
