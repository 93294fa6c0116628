// Package proxy routes every /api path the gateway does not serve itself to the service that owns
// it: the routing table, and the reverse proxy that forwards with the caller's correlation ID and
// address.
package proxy

import (
	"fmt"
	"slices"
	"strings"
)

// Upstream service names.
const (
	Event       = "event"
	Exhibitor   = "exhibitor"
	Matchmaking = "matchmaking"
)

// Upstreams are the services the gateway routes to, in the order their documents are merged.
var Upstreams = []string{Event, Exhibitor, Matchmaking}

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
		{"/api/fairs/*/posters", Exhibitor},
		{"/api/fairs/*/posters.zip", Exhibitor},
		{"/api/fairs/*/meetings", Matchmaking},
		{"/api/fairs/*/badge", Matchmaking},
		{"/api/fairs/*/badge.pdf", Matchmaking},
		{"/api/fairs/*/badge.svg", Matchmaking},
		{"/api/fairs/*/badges", Matchmaking},
		{"/api/fairs/*/badges.pdf", Matchmaking},
		{"/api/fairs/*/checkins", Matchmaking},
		{"/api/fairs/*/schedule", Matchmaking},
		{"/api/fairs/*/agenda", Matchmaking},
		{"/api/fairs/*/agenda.pdf", Matchmaking},
		{"/api/fairs/*/unavailability", Matchmaking},
		{"/api/producers/*/opportunities", Matchmaking},
		{"/api/fairs", Event},
		{"/api/producers", Exhibitor},
		{"/api/products", Exhibitor},
		{"/api/applications", Exhibitor},
		{"/api/verify", Exhibitor},
		{"/api/buyers", Matchmaking},
		{"/api/requests", Matchmaking},
		{"/api/meetings", Matchmaking},
		{"/api/scheduling", Matchmaking},
		{"/api/calendar", Matchmaking},
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

// ServiceFor returns the service the gateway routes path to, or "" for none.
func ServiceFor(path string) string {
	if i := routeFor(path); i >= 0 {
		return routes[i].service
	}
	return ""
}

// routeFor returns the index of the first route whose pattern path matches, or -1.
func routeFor(path string) int {
	segs := strings.Split(strings.Trim(path, "/"), "/")
outer:
	for i, r := range routes {
		if len(segs) < len(r.pattern) {
			continue
		}
		for j, p := range r.pattern {
			if p != "*" && p != segs[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// Check compares the routing table with what the services document, so that neither can drift
// from the other unnoticed. own holds the /api paths the gateway serves itself, documented the
// /api paths each service documents (OpenAPI form, "/api/fairs/{id}"), by service name. It
// returns, sorted, every documented path that does not reach the service documenting it (the
// gateway serves it itself, routes it elsewhere or nowhere), and every routing entry that no
// documented path uses. Entries are called dead only when every upstream's document is in
// documented, since a missing document proves nothing.
func Check(own []string, documented map[string][]string) (unrouted, dead []string) {
	used := make([]bool, len(routes))
	for service, paths := range documented {
		for _, p := range paths {
			switch i := routeFor(p); {
			case slices.Contains(own, p):
				unrouted = append(unrouted, fmt.Sprintf("%s (%s): served by the gateway itself", p, service))
			case i < 0:
				unrouted = append(unrouted, fmt.Sprintf("%s (%s): not routed", p, service))
			case routes[i].service != service:
				unrouted = append(unrouted, fmt.Sprintf("%s (%s): routed to %s", p, service, routes[i].service))
			default:
				used[i] = true
			}
		}
	}
	for _, s := range Upstreams {
		if _, ok := documented[s]; !ok {
			used = nil // a document is missing: some entries may look dead that are not
			break
		}
	}
	for i, u := range used {
		if !u {
			dead = append(dead, "/"+strings.Join(routes[i].pattern, "/")+" → "+routes[i].service)
		}
	}
	slices.Sort(unrouted)
	return unrouted, dead
}
