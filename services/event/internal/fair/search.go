package fair

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Rank is how well a fair's names answer query (vntext.Score: more whole-word hits, an earlier
// hit, shorter names); 0 when they do not match or query has no words (no search). A search
// lists fairs best first.
func Rank(query string, f Fair) int {
	q := vntext.NewWords(query)
	if q.Len() == 0 {
		return 0
	}
	return int(vntext.Score(q, vntext.NewWords(f.NameVI+" "+f.NameEN)))
}

// ranked pages the matches of a search: fairs (in start-date order, each with its rank) sorted
// best first, keeping start-date order among equals, then those after the cursor, at most limit
// (0: all). The cursor of a search carries the rank of its last fair.
func ranked(fairs []Fair, ranks []int, after *Cursor, limit int) []Fair {
	idx := make([]int, len(fairs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(ranks[b], ranks[a]) })
	out := []Fair{}
	for _, i := range idx {
		if after != nil && !rankedAfter(fairs[i], ranks[i], after) {
			continue
		}
		out = append(out, fairs[i])
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

// rankedAfter reports whether a fair of rank comes after the cursor in a search's order.
func rankedAfter(f Fair, rank int, c *Cursor) bool {
	if rank != c.Rank {
		return rank < c.Rank
	}
	if d := f.StartDate.Compare(c.Start); d != 0 {
		return d > 0
	}
	return strings.Compare(f.ID, c.ID) > 0
}
