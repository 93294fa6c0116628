package meeting

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// An account's revocation deletes for good the feeds it made before: those that record it and
// were made earlier, and those from before feeds recorded their account, known by their key. Its
// feeds made after the revocation, and other accounts' feeds, stay.
func TestARevocationDeletesTheAccountsFeeds(t *testing.T) {
	ctx := context.Background()
	feeds := testenv.DB(t).Collection(FeedCollection)
	cal := &Calendar{Feeds: feeds}
	revoked := time.Now().UTC().Truncate(time.Second)
	docs := []feedDoc{
		{ID: feedKey("acc-a", "f1"), FairID: "f1", Account: "acc-a", CreatedAt: revoked.Add(-time.Hour)},
		{ID: feedKey("acc-a", "f2"), FairID: "f2", CreatedAt: revoked.Add(-48 * time.Hour)}, // made before feeds recorded their account
		{ID: feedKey("acc-a", "f3"), FairID: "f3", Account: "acc-a", CreatedAt: revoked.Add(time.Second)},
		{ID: feedKey("acc-b", "f1"), FairID: "f1", Account: "acc-b", CreatedAt: revoked.Add(-time.Hour)},
		{ID: feedKey("acc-b", "f2"), FairID: "f2", CreatedAt: revoked.Add(-48 * time.Hour)},
	}
	for _, d := range docs {
		d.Token, d.Participant, d.Lang = "t", "p", "vi"
		m := bson.M{"_id": d.ID, "token": d.Token, "fair_id": d.FairID, "participant": d.Participant, "lang": d.Lang, "created_at": d.CreatedAt}
		if d.Account != "" {
			m["account"] = d.Account
		}
		if _, err := feeds.InsertOne(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	env, err := events.New(events.AccountTokensRevoked, 1, "acc-a", "", events.AccountTokensRevokedV1{AccountID: "acc-a", NotBefore: revoked, Reason: events.RevokedSignOut})
	if err != nil {
		t.Fatal(err)
	}
	if err := cal.OnAccountRevoked(ctx, env); err != nil {
		t.Fatal(err)
	}
	cur, err := feeds.Find(ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	var left []feedDoc
	if err := cur.All(ctx, &left); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range left {
		got = append(got, d.ID)
	}
	want := []string{docs[2].ID, docs[3].ID, docs[4].ID}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("feeds left %v, want %v (acc-a's after the revocation, acc-b's)", got, want)
	}
}

// A feed made with a token that a revocation ends, on a replica that hears of the revocation only
// afterwards (after the consumer that deletes feeds ran), counts as made when the token was
// issued: it answers 404 once the replica knows, and is deleted for good then.
func TestAFeedMadeWithARevokedTokenEnds(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	x.revoked = auth.NewRevocations(time.Hour)
	tokens := testenv.NewTokens(t)
	c := x.serve(t, tokens)
	acc := x.buyers[0].AccountID
	issued := time.Now().Add(-10 * time.Second)
	tok, _ := tokens.TokenAt(t, auth.RoleBuyer, acc, issued)
	r := c.With(tok).Do(t, "POST", "/api/fairs/"+x.fair.ID+"/agenda/feed", nil)
	var f feedResponse
	if r.Decode(t, &f); r.Status != 200 {
		t.Fatalf("feed: %d %s", r.Status, r.Body)
	}
	if r := c.Do(t, "GET", f.Path, nil); r.Status != 200 {
		t.Fatalf("the feed: %d %s", r.Status, r.Body)
	}
	x.revoked.Revoke(acc, issued.Add(5*time.Second)) // signed out everywhere after the token, before the feed
	if r := c.Do(t, "GET", f.Path, nil); r.Status != 404 {
		t.Errorf("the feed made with a revoked token: %d, want 404", r.Status)
	}
	if n, err := x.sdb.Collection(FeedCollection).CountDocuments(context.Background(), bson.M{}); err != nil || n != 0 {
		t.Errorf("feeds stored after the revoked one was asked for: %d, %v", n, err)
	}
}
