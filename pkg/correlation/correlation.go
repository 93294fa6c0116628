// Package correlation carries the correlation ID of a piece of work in a context: it comes in on
// an HTTP header (or is made), goes out in NATS headers and event envelopes, and comes back in
// when an event is consumed, so one user action can be followed through every service's logs.
package correlation

import (
	"context"

	"github.com/google/uuid"
)

// Header is the HTTP header that carries the correlation ID.
const Header = "X-Correlation-ID"

type key struct{}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context { return context.WithValue(ctx, key{}, id) }

// From returns the correlation ID in ctx, or "".
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// NewID makes a correlation ID.
func NewID() string { return uuid.NewString() }
