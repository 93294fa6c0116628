package badge

import (
	"context"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Consumer returns the durable consumer that ends the badges of an account an admin disabled
// (see OnAccountRevoked).
func (s *Store) Consumer() bus.Consumer {
	return bus.Consumer{Durable: "matchmaking-badge-revocations", Stream: events.StreamOf(events.AccountTokensRevoked),
		Subjects: []string{events.AccountTokensRevoked}, Handler: s.OnAccountRevoked}
}

// OnAccountRevoked ends the badges of an account that was disabled, and records it so: a badge
// needs no sign-in, so a printed one or a screenshot would otherwise still check its holder in
// at the gate and at the tables, and the organisers' next print would make a new one. A
// revocation for another reason (signed out everywhere, a new password) leaves the badges: the
// person is still welcome, and the badge in their hand still names them. Once enabled again,
// the holder's next request for their own badge shows it (see Store.Enabled), and the same
// revocation delivered again then ends nothing.
func (s *Store) OnAccountRevoked(ctx context.Context, env events.Envelope) error {
	var pl events.AccountTokensRevokedV1
	if err := env.Decode(&pl); err != nil {
		return bus.Permanent(err)
	}
	if err := pl.Validate(); err != nil {
		return bus.Permanent(err)
	}
	if pl.Reason != events.RevokedDisabled {
		return nil
	}
	still, err := s.Disable(ctx, pl.AccountID, pl.NotBefore)
	if err != nil || !still {
		return err
	}
	_, err = s.RevokeAccount(ctx, pl.AccountID)
	return err
}
