package gatewayapp

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
	"github.com/ocopfair/ocopfair/services/gateway/internal/console"
)

// maxFairPages bounds how many pages of 100 of its own fairs an organiser's stream reads: one
// page covers nearly every organiser, and an account beyond the bound gets an error rather than a
// scope silently short of its newest fairs.
const maxFairPages = 20

// liveScope finds what p's live stream may hear about from the services that own it: a producer's
// or buyer's own profile, an organiser's fairs; admins hear everything. It asks with a short-lived
// token of p's own, so each service applies its usual access rules.
func (a *App) liveScope(ctx context.Context, p auth.Principal) (console.Scope, error) {
	scope := console.Scope{Producers: map[string]bool{}, Buyers: map[string]bool{}, Fairs: map[string]bool{}}
	if p.Is(auth.RoleAdmin) {
		scope.All = true
		return scope, nil
	}
	tok, _, err := a.onBehalf.Issue(p, time.Now(), uuid.NewString())
	if err != nil {
		return scope, err
	}
	var profile struct {
		ID string `json:"id"`
	}
	switch p.Role {
	case auth.RoleProducer:
		found, err := a.upstreamGet(ctx, tok, Exhibitor, "/api/producers/me", &profile)
		if found && profile.ID != "" {
			scope.Producers[profile.ID] = true
		}
		return scope, err
	case auth.RoleBuyer:
		found, err := a.upstreamGet(ctx, tok, Matchmaking, "/api/buyers/me", &profile)
		if found && profile.ID != "" {
			scope.Buyers[profile.ID] = true
		}
		return scope, err
	case auth.RoleOrganiser:
		// organiser=me asks the event service for this account's own fairs only, in any status,
		// rather than paging through every fair it can see.
		cursor := ""
		for range maxFairPages {
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
				NextCursor string `json:"next_cursor"`
			}
			if _, err := a.upstreamGet(ctx, tok, Event, "/api/fairs?organiser=me&limit=100&cursor="+url.QueryEscape(cursor), &page); err != nil {
				return scope, err
			}
			for _, f := range page.Items {
				scope.Fairs[f.ID] = true
			}
			if cursor = page.NextCursor; cursor == "" {
				return scope, nil
			}
		}
		return scope, fmt.Errorf("account %s organises more than %d fairs", p.AccountID, maxFairPages*100)
	}
	return scope, nil
}

// upstreamGet asks service for path with token and decodes a 200 answer into v. It reports
// found = false on 404, and an error on any other answer.
func (a *App) upstreamGet(ctx context.Context, token, service, path string, v any) (bool, error) {
	base, ok := a.cfg.Upstreams[service]
	if !ok {
		return false, fmt.Errorf("no upstream %s", service)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base.String(), "/")+path, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(correlation.Header, correlation.From(ctx))
	resp, err := a.upstreamHTTP.Do(req)
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
