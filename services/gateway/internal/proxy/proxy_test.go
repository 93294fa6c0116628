package proxy

import (
	"slices"
	"strings"
	"testing"
)

func TestServiceFor(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/api/fairs", Event},
		{"/api/fairs/123", Event},
		{"/api/fairs/123/booths/A01/assignment", Event},
		{"/api/fairs/123/applications", Exhibitor},
		{"/api/fairs/123/posters/p1.pdf", Exhibitor},
		{"/api/fairs/123/posters.zip", Exhibitor},
		{"/api/fairs/123/meetings", Matchmaking},
		{"/api/fairs/123/schedule", Matchmaking},
		{"/api/fairs/123/agenda", Matchmaking},
		{"/api/fairs/123/badge", Matchmaking},
		{"/api/fairs/123/badge.svg", Matchmaking},
		{"/api/fairs/123/badges/p1/revoke", Matchmaking},
		{"/api/fairs/123/checkins", Matchmaking},
		{"/api/producers", Exhibitor},
		{"/api/producers/import", Exhibitor},
		{"/api/producers/9/opportunities", Matchmaking},
		{"/api/products/1", Exhibitor},
		{"/api/applications/1/approve", Exhibitor},
		{"/api/buyers/1/requests", Matchmaking},
		{"/api/requests/1/matches", Matchmaking},
		{"/api/meetings/1/accept", Matchmaking},
		{"/api/scheduling/solve", Matchmaking},
		{"/api/admin/exhibitor/dead-letters", Exhibitor},
		{"/api/verify/k7m2x9p4q8r", Exhibitor},
		{"/api/unknown", ""},
		{"/api/fairsx", ""},
	}
	for _, tt := range tests {
		if got := ServiceFor(tt.path); got != tt.want {
			t.Errorf("ServiceFor(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// TestCheckFindsDriftBothWays: a path a service documents must reach that service, and an entry
// of the table must serve at least one documented path; both drifts are named.
func TestCheckFindsDriftBothWays(t *testing.T) {
	docs := map[string][]string{}
	for _, r := range routes {
		// One documented path per entry: the pattern itself, with "{id}" for each wildcard.
		p := "/" + strings.ReplaceAll(strings.Join(r.pattern, "/"), "*", "{id}")
		docs[r.service] = append(docs[r.service], p)
	}
	if unrouted, dead := Check([]string{"/api/auth/me"}, docs); len(unrouted) != 0 || len(dead) != 0 {
		t.Fatalf("Check(the table's own paths) = %q, %q, want none", unrouted, dead)
	}
	docs[Event] = append(docs[Event], "/api/booths/{id}", "/api/auth/me", "/api/meetings/{id}/notes")
	docs[Matchmaking] = slices.DeleteFunc(docs[Matchmaking], func(p string) bool { return p == "/api/scheduling" })
	unrouted, dead := Check([]string{"/api/auth/me"}, docs)
	wantUnrouted := []string{
		"/api/auth/me (event): served by the gateway itself",
		"/api/booths/{id} (event): not routed",
		"/api/meetings/{id}/notes (event): routed to matchmaking",
	}
	if !slices.Equal(unrouted, wantUnrouted) || !slices.Equal(dead, []string{"/api/scheduling → matchmaking"}) {
		t.Errorf("Check = %q, %q, want %q, [/api/scheduling → matchmaking]", unrouted, dead, wantUnrouted)
	}
	delete(docs, Exhibitor)
	if _, dead := Check(nil, docs); len(dead) != 0 {
		t.Errorf("Check without the exhibitor's document calls %q dead, want none (unknown)", dead)
	}
}
