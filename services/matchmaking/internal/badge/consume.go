package badge

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Consumer returns the durable consumer that ends the badges of an account an admin disabled
// and gives them back once enabled (see OnAccount).
func (s *Store) Consumer() bus.Consumer {
	return bus.Consumer{Durable: "matchmaking-badge-revocations", Stream: events.StreamOf(events.AccountTokensRevoked),
		Subjects: []string{events.AccountTokensRevoked, events.AccountEnabled}, Handler: s.OnAccount}
}

// OnAccount handles the gateway's word on an account: disabled (see accountRevoked) or enabled
// again (see accountEnabled).
func (s *Store) OnAccount(ctx context.Context, env events.Envelope) error {
	if env.Type == events.AccountEnabled {
		return s.accountEnabled(ctx, env)
	}
	return s.accountRevoked(ctx, env)
}

// accountEnabled records that an admin enabled the account again: the organisers' next print
// has its holder again, with a new badge, before they sign in (see Store.Reenable).
func (s *Store) accountEnabled(ctx context.Context, env events.Envelope) error {
	pl, err := bus.Decode[events.AccountEnabledV1](env)
	if err != nil {
		return err
	}
	return s.Reenable(ctx, pl.AccountID, pl.DisabledAt, pl.EnabledAt)
}

// accountRevoked ends the badges of an account that was disabled, and records it so: a badge
// needs no sign-in, so a printed one or a screenshot would otherwise still check its holder in
// at the gate and at the tables, and the organisers' next print would make a new one. A
// revocation for another reason (signed out everywhere, a new password) leaves the badges: the
// person is still welcome, and the badge in their hand still names them. Once enabled again
// (the gateway's gateway.account.enabled, or the holder's own badge request with a newer token,
// see Store.Enabled), the same revocation delivered again ends nothing.
func (s *Store) accountRevoked(ctx context.Context, env events.Envelope) error {
	pl, err := bus.Decode[events.AccountTokensRevokedV1](env)
	if err != nil {
		return err
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

// HandOverConsumer returns the durable consumer that ends the badges a producer profile's
// previous account holds once the profile is handed to another (see OnProducerClaimed).
func (s *Store) HandOverConsumer() bus.Consumer {
	return bus.Consumer{Durable: "matchmaking-badge-handovers", Stream: events.StreamOf(events.ProducerClaimed),
		Subjects: []string{events.ProducerClaimed}, Handler: s.OnProducerClaimed}
}

// OnProducerClaimed ends the producer's badges made for any account but the one it was claimed
// by (exhibitor.producer.claimed): an organiser's imported profile has none, but a profile another
// account registered first, and the organisers handed over to the company owning its tax code,
// may have a badge that account printed or pictured. The new owner's next badge is a new one.
// A badge made for a later revision of the profile than the claim's is a later owner's: kept.
// The claim is recorded before the badges are read, so that a badge a replica behind it makes
// meanwhile for the previous account ends by its own making (see Store.Issue).
func (s *Store) OnProducerClaimed(ctx context.Context, env events.Envelope) error {
	pl, err := bus.Decode[events.ProducerClaimedV1](env)
	if err != nil {
		return err
	}
	q := bson.M{"participant_id": pl.ProducerID, "account_id": bson.M{"$ne": pl.AccountID}, "revoked": false}
	if pl.Revision > 0 {
		if err := s.recordHandOver(ctx, pl.ProducerID, pl.AccountID, pl.Revision); err != nil {
			return err
		}
		// Made for an earlier revision of the profile than the claim's (or before badges kept
		// it): a claim delivered late, after a later hand-over, leaves the later owner's badge.
		q["$or"] = bson.A{bson.M{"owner_revision": bson.M{"$lt": pl.Revision}}, bson.M{"owner_revision": bson.M{"$exists": false}}}
	}
	_, err = s.revokeWhere(ctx, q)
	return err
}
