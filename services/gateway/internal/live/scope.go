package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

// maxFairPages bounds how many pages of 100 of its own fairs an organiser's stream reads: one
// page covers nearly every organiser, and an account beyond the bound gets an error rather than a
// scope silently short of its newest fairs.
const maxFairPages = 20

// Lookup finds what a stream may hear about from the services that own it: a producer's or
// buyer's own profile, an organiser's fairs; admins hear everything. It asks with a short-lived
// token of the stream's own account, so each service applies its usual access rules.
type Lookup struct {
	upstreams map[string]*url.URL
	// onBehalf issues the one-minute tokens the lookup asks the services with.
	onBehalf *auth.Signer
	client   *http.Client
	revoked  *auth.Revocations
}

// After makes the lookup's tokens issued no earlier than the account's revocation (the stream's
// own token passed it, and may be stamped up to a second ahead of this clock).
func (l *Lookup) After(r *auth.Revocations) *Lookup {
	l.revoked = r
	return l
}

// NewLookup returns a lookup that asks upstreams (the services' base URLs by proxy service name)
// with tokens from onBehalf.
func NewLookup(upstreams map[string]*url.URL, onBehalf *auth.Signer) *Lookup {
	return &Lookup{upstreams: upstreams, onBehalf: onBehalf, client: &http.Client{Timeout: 5 * time.Second}}
}

// Scope is a Resolver: it returns p's scope, or an error when a service cannot say.
func (l *Lookup) Scope(ctx context.Context, p auth.Principal) (Scope, error) {
	scope := Scope{Producers: map[string]bool{}, Buyers: map[string]bool{}, Fairs: map[string]bool{}}
	if p.Is(auth.RoleAdmin) {
		scope.All = true
		return scope, nil
	}
	at := time.Now()
	if nb := l.revoked.NotBefore(p.AccountID); nb.After(at) {
		at = nb
	}
	tok, _, err := l.onBehalf.Issue(p, at, uuid.NewString())
	if err != nil {
		return scope, err
	}
	var profile struct {
		ID string `json:"id"`
	}
	switch p.Role {
	case auth.RoleProducer:
		found, err := l.get(ctx, tok, proxy.Exhibitor, "/api/producers/me", &profile)
		if found && profile.ID != "" {
			scope.Producers[profile.ID] = true
		}
		return scope, err
	case auth.RoleBuyer:
		found, err := l.get(ctx, tok, proxy.Matchmaking, "/api/buyers/me", &profile)
		if found && profile.ID != "" {
			scope.Buyers[profile.ID] = true
		}
		return scope, err
	case auth.RoleOrganiser:
		return scope, l.organisedFairs(ctx, tok, p, scope.Fairs)
	}
	return scope, nil
}

// organisedFairs adds the fairs p organises to fairs. organiser=me asks the event service for
// this account's own fairs only, in any status, rather than paging through every fair it can see.
func (l *Lookup) organisedFairs(ctx context.Context, tok string, p auth.Principal, fairs map[string]bool) error {
	cursor := ""
	for range maxFairPages {
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if _, err := l.get(ctx, tok, proxy.Event, "/api/fairs?organiser=me&limit=100&cursor="+url.QueryEscape(cursor), &page); err != nil {
			return err
		}
		for _, f := range page.Items {
			fairs[f.ID] = true
		}
		if cursor = page.NextCursor; cursor == "" {
			return nil
		}
	}
	return fmt.Errorf("account %s organises more than %d fairs", p.AccountID, maxFairPages*100)
}

// get asks service for path with token and decodes a 200 answer into v. It reports found = false
// on 404, and an error on any other answer.
func (l *Lookup) get(ctx context.Context, token, service, path string, v any) (bool, error) {
	base, ok := l.upstreams[service]
	if !ok {
		return false, fmt.Errorf("no upstream %s", service)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base.String(), "/")+path, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(correlation.Header, correlation.From(ctx))
	resp, err := l.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 4<<20)).Decode(v)
	case http.StatusNotFound:
		return false, nil
	}
	return false, fmt.Errorf("GET %s %s: %s", service, path, resp.Status)
}
