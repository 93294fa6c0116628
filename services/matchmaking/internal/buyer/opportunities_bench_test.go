package buyer

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
)

// BenchmarkOpportunities5000OpenRequests is one producer's opportunities scored from a book of
// 5,000 open requests by 1,000 buyers (a busy season's), held in memory: what each poll of a
// producer's page costs.
func BenchmarkOpportunities5000OpenRequests(b *testing.B) {
	x := honeyIndex(b)
	book := NewOpenBook(nil)
	for i := range 5000 {
		title := fmt.Sprintf("Mật ong đợt %d", i)
		r := Request{ID: uuid.Must(uuid.NewV7()).String(), BuyerID: fmt.Sprintf("b%d", i%1000), Open: true, Revision: 1}
		f := RequestFields{Title: &title, CriteriaSets: &[]int{4 + i%3}, Keywords: &[]string{"mật ong", "bạc hà"}, RequiredCerts: &[]string{"haccp"}}
		if err := r.Apply(f, true); err != nil {
			b.Fatal(err)
		}
		book.Put(r)
	}
	book.loaded.Store(true)
	s := &Service{Matcher: &match.Matcher{Index: x, Markets: match.Markets()}, Index: x, Now: time.Now, Open: book,
		BuyerName: func(id string) string { return "Siêu thị " + id }}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if got, _, err := s.Opportunities(ctx, "p1", 0, 20); err != nil || len(got) != 20 {
			b.Fatalf("%d opportunities, %v", len(got), err)
		}
	}
}
