// Package proxy routes every /api path the gateway does not serve itself to the service that owns
// it: the routing table, and the reverse proxy that forwards with the caller's correlation ID and
// address.
package proxy

import "strings"

// Upstream service names.
const (
	Event       = "event"
	Exhibitor   = "exhibitor"
	Matchmaking = "matchmaking"
)

// route sends paths matching pattern to a service. A pattern is a list of path segments where "*"
// matches any one segment; a path matches when it starts with the pattern's segments.
type route struct {
	pattern []string
	service string
}

// routes are checked in order: the more specific nested resources first.
var routes = func() []route {
	table := []struct{ pattern, service string }{
		{"/api/fairs/*/applications", Exhibitor},
		{"/api/fairs/*/meetings", Matchmaking},
		{"/api/fairs/*/schedule", Matchmaking},
		{"/api/fairs/*/agenda", Matchmaking},
		{"/api/fairs/*/unavailability", Matchmaking},
		{"/api/producers/*/opportunities", Matchmaking},
		{"/api/fairs", Event},
		{"/api/booths", Event},
		{"/api/reports", Event},
		{"/api/producers", Exhibitor},
		{"/api/products", Exhibitor},
		{"/api/applications", Exhibitor},
		{"/api/buyers", Matchmaking},
		{"/api/requests", Matchmaking},
		{"/api/meetings", Matchmaking},
		{"/api/scheduling", Matchmaking},
		{"/api/admin/event", Event},
		{"/api/admin/exhibitor", Exhibitor},
		{"/api/admin/matchmaking", Matchmaking},
	}
	out := make([]route, len(table))
	for i, r := range table {
		out[i] = route{pattern: strings.Split(strings.Trim(r.pattern, "/"), "/"), service: r.service}
	}
	return out
}()

// serviceFor returns the service that serves path, or "".
func serviceFor(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
outer:
	for _, r := range routes {
		if len(segs) < len(r.pattern) {
			continue
		}
		for i, p := range r.pattern {
			if p != "*" && p != segs[i] {
				continue outer
			}
		}
		return r.service
	}
	return ""
}
