package application

import (
	"slices"
	"testing"
)

// The queue sorted by producer name is in Vietnamese alphabetical order (o ô ơ, d đ), page by
// page: a cursor continues after the last one shown.
func TestTheQueueSortsProducersInVietnameseOrder(t *testing.T) {
	names := []string{"HTX Đông trùng hạ thảo", "Cơ sở Gốm Bát Tràng", "HTX Dừa sáp", "Công ty TNHH Chè Thái", "cơ sở Bánh đa"}
	var list []*Application
	for i, n := range names {
		list = append(list, &Application{ID: string(rune('a' + i)), ProducerName: n})
	}
	q := Query{Sort: SortProducerName}
	var got []string
	var after *QueueCursor
	for range len(names) {
		page := q.page(list, after, 2)
		if len(page) == 0 {
			break
		}
		for _, a := range page {
			got = append(got, a.ProducerName)
		}
		c := q.Cursor(page[len(page)-1])
		after = &c
	}
	want := []string{"Công ty TNHH Chè Thái", "cơ sở Bánh đa", "Cơ sở Gốm Bát Tràng", "HTX Dừa sáp", "HTX Đông trùng hạ thảo"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted by producer name:\n%q\nwant\n%q", got, want)
	}
}
