package allocation

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collections of stored proposals and their commits.
const (
	// ProposalsCollection keeps the last proposal per fair (its _id is the fair's ID).
	ProposalsCollection = "allocation_proposals"
	// CommitsCollection has one insert-only record per committed proposal (its _id is the
	// proposal's ID), which is what lets a proposal be committed once.
	CommitsCollection = "allocation_commits"
)

// Stored is a proposal as kept between POST /allocation and its commit.
type Stored struct {
	// ID names this proposal; a new proposal of the same fair gets a new one.
	ID         string
	FairID     string
	ComputedAt time.Time
	Placements []Placement
}

type placementDoc struct {
	ApplicationID   string   `bson:"application_id"`
	Booths          []string `bson:"booths"`
	Zone            string   `bson:"zone"`
	InPreferredZone bool     `bson:"in_preferred_zone"`
	Together        bool     `bson:"together"`
}

type proposalDoc struct {
	FairID     string         `bson:"_id"`
	ID         string         `bson:"proposal_id"`
	ComputedAt time.Time      `bson:"computed_at"`
	Placements []placementDoc `bson:"placements"`
}

// ErrCommitted is returned by Claim when the proposal was committed (or is being committed)
// already.
var ErrCommitted = apperr.New(apperr.Conflict, msgCommitted)

// Proposals stores each fair's last proposal and the record of its commit. Neither causes an
// event (the booths a commit assigns carry theirs), so they are written directly, not through an
// outbox.Writer, which would add outbox bookkeeping to documents that never publish.
type Proposals struct {
	proposals *mongo.Collection
	commits   *mongo.Collection
}

// NewProposals returns the store on db.
func NewProposals(db *storage.DB) *Proposals {
	return &Proposals{proposals: db.Collection(ProposalsCollection), commits: db.Collection(CommitsCollection)}
}

// Save replaces the fair's last proposal with p.
func (s *Proposals) Save(ctx context.Context, p Stored) error {
	doc := proposalDoc{FairID: p.FairID, ID: p.ID, ComputedAt: p.ComputedAt, Placements: make([]placementDoc, len(p.Placements))}
	for i, pl := range p.Placements {
		doc.Placements[i] = placementDoc(pl)
	}
	_, err := s.proposals.ReplaceOne(ctx, bson.M{"_id": p.FairID}, doc, options.Replace().SetUpsert(true))
	return storage.MapError(err, "allocation proposal")
}

// Last returns the fair's last proposal; NotFound when there is none. A proposal stored before
// proposals had IDs comes back without one, and Claim refuses it.
func (s *Proposals) Last(ctx context.Context, fairID string) (Stored, error) {
	var doc proposalDoc
	if err := s.proposals.FindOne(ctx, bson.M{"_id": fairID}).Decode(&doc); err != nil {
		return Stored{}, storage.MapError(err, "allocation proposal")
	}
	p := Stored{ID: doc.ID, FairID: doc.FairID, ComputedAt: doc.ComputedAt.In(vntext.Zone), Placements: make([]Placement, len(doc.Placements))}
	for i, pl := range doc.Placements {
		p.Placements[i] = Placement(pl)
	}
	return p, nil
}

// Claim records that p is being committed, by an insert whose _id is the proposal's ID: of two
// commits of the same proposal, on any replica, exactly one gets nil; the other gets
// ErrCommitted. The record stays, so a committed proposal is never committed again.
func (s *Proposals) Claim(ctx context.Context, p Stored, by string, now time.Time) error {
	if p.ID == "" {
		return apperr.New(apperr.Conflict, msgProposalStale)
	}
	_, err := s.commits.InsertOne(ctx, bson.M{"_id": p.ID, "fair_id": p.FairID, "by": by, "started_at": now})
	if storage.IsDuplicate(err) {
		return ErrCommitted
	}
	return storage.MapError(err, "allocation commit")
}

// Outcome is what a commit did, kept on its record for the organisers' later reference.
type Outcome struct {
	Committed int
	Failed    int
	// StillAssigned counts booths whose roll-back failed: they stay assigned.
	StillAssigned int
}

// Finish records how the commit of p ended and removes p from the fair's last proposal, unless a
// newer proposal has replaced it meanwhile.
func (s *Proposals) Finish(ctx context.Context, p Stored, o Outcome, now time.Time) error {
	_, err := s.commits.UpdateOne(ctx, bson.M{"_id": p.ID}, bson.M{"$set": bson.M{
		"finished_at": now, "committed": o.Committed, "failed": o.Failed, "still_assigned": o.StillAssigned}})
	if err != nil {
		return storage.MapError(err, "allocation commit")
	}
	_, err = s.proposals.DeleteOne(ctx, bson.M{"_id": p.FairID, "proposal_id": p.ID})
	return storage.MapError(err, "allocation proposal")
}
