package allocation

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
)

// An application asking for more booths than the fair's most per producer is proposed the most,
// side by side; without a most it gets what it asked for. The province's quota counts the booths
// it gets, not those it asked for.
func TestAllocateGivesAtMostTheFairsMost(t *testing.T) {
	for _, tt := range []struct {
		name          string
		most, asked   int
		quota, booths int
	}{
		{name: "over the most", most: 2, asked: 4, booths: 2},
		{name: "at the most", most: 2, asked: 2, booths: 2},
		{name: "under the most", most: 3, asked: 1, booths: 1},
		{name: "no most", most: 0, asked: 4, booths: 4},
		{name: "quota fits the most", most: 2, asked: 4, quota: 2, booths: 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Problem{Booths: row("A", "A", 5, 0), MostBooths: tt.most, Applications: []Application{app("greedy", 3, "01", nil, tt.asked, "", 0)}}
			if tt.quota > 0 {
				p.Quotas = map[string]int{"01": tt.quota}
			}
			prop := Allocate(p)
			pl, ok := placementOf(prop, "greedy")
			if !ok || len(pl.Booths) != tt.booths || !pl.Together {
				t.Errorf("Allocate(asking %d, most %d) placed %+v, unplaced %+v; want %d booths side by side", tt.asked, tt.most, pl, prop.Unplaced, tt.booths)
			}
			if v := Check(p, prop); len(v) > 0 {
				t.Errorf("Check = %v, want no violations", v)
			}
		})
	}
}

// Check reports an application given more booths than the fair's most, which a commit would
// release again, and one given fewer than it is due.
func TestCheckFlagsMoreThanTheMost(t *testing.T) {
	p := Problem{Booths: row("A", "A", 4, 0), MostBooths: 2, Applications: []Application{app("greedy", 3, "01", nil, 3, "", 0)}}
	for _, tt := range []struct {
		booths []string
		want   []string
	}{
		{[]string{"A01", "A02", "A03"}, []string{"allocation.check_most"}},
		{[]string{"A01", "A02"}, nil},
		{[]string{"A01"}, []string{"allocation.check_count"}},
	} {
		var codes []string
		for _, v := range Check(p, Proposal{Placements: []Placement{{ApplicationID: "greedy", Booths: tt.booths, Zone: "A"}}}) {
			codes = append(codes, v.Msg.Code)
			if v.Msg.Code == "allocation.check_most" && v.In(apperr.English) != "Application greedy is given 3 booths, more than the fair's most of 2 per producer." {
				t.Errorf("over the most said %q", v.In(apperr.English))
			}
		}
		if !slices.Equal(codes, tt.want) {
			t.Errorf("Check(%d booths of 3 asked, most 2) = %v, want %v", len(tt.booths), codes, tt.want)
		}
	}
}

// An application asking for more booths than the fair's most is proposed the most, and the
// commit keeps them: it releases only booths beyond the most.
func TestCommitKeepsTheMostProposedForAnOverAskingApplication(t *testing.T) {
	fx := newCommitFixture(t)
	ctx := context.Background()
	fx.fair.Eligibility.MaxBoothsPerProducer = 2
	if _, err := fx.db.Collection(applicants.Collection).UpdateOne(ctx, bson.M{"_id": "app1"}, bson.M{"$set": bson.M{"booth_count": 3}}); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.db.Collection(applicants.Collection).DeleteOne(ctx, bson.M{"_id": "app2"}); err != nil {
		t.Fatal(err)
	}
	prop, err := fx.s.proposal(ctx, fx.fair, apperr.English)
	if err != nil {
		t.Fatal(err)
	}
	if len(prop.Placements) != 1 || len(prop.Placements[0].Booths) != 2 || len(prop.Violations) != 0 {
		t.Fatalf("proposal = %+v, want app1 given 2 booths and no violations", prop)
	}
	resp, err := fx.s.commitLast(ctx, fx.log, fx.fair, "org1", prop.ProposalID)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Committed) != 1 || len(resp.Failed) != 0 {
		t.Fatalf("commit = %+v, want app1 committed", resp)
	}
	if held := fx.active(t); len(held) != 2 || held[0] != prop.Placements[0].Booths[0]+"=app1" || held[1] != prop.Placements[0].Booths[1]+"=app1" {
		t.Errorf("active assignments %v, want app1 holding its proposed %v", held, prop.Placements[0].Booths)
	}
}
