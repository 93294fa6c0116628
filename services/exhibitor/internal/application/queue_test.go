package application

import (
	"slices"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// byNamePages lists the applications of list in the producer_name order, limit a page, each
// page after the cursor the one before handed out, carried as a client carries it (encoded,
// within what a cursor may be, and decoded); it returns the applications in the order read.
func byNamePages(t *testing.T, list []*Application, limit int) []Application {
	t.Helper()
	q := Query{Sort: SortProducerName}
	var got []Application
	var after *QueueCursor
	for range len(list) {
		page := q.page(list, after, limit)
		if len(page) == 0 {
			break
		}
		got = append(got, page...)
		last := page[len(page)-1]
		cursor := httpx.EncodeCursor(q.Cursor(last))
		if len(cursor) > httpx.MaxCursor {
			t.Fatalf("the cursor after %q is %d bytes, more than a cursor may be (%d)", last.ProducerName, len(cursor), httpx.MaxCursor)
		}
		var err error
		if after, err = q.After(cursor); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// The queue sorted by producer name is in Vietnamese alphabetical order (o ô ơ, d đ), page by
// page: a cursor continues after the last one shown.
func TestTheQueueSortsProducersInVietnameseOrder(t *testing.T) {
	names := []string{"HTX Đông trùng hạ thảo", "Cơ sở Gốm Bát Tràng", "HTX Dừa sáp", "Công ty TNHH Chè Thái", "cơ sở Bánh đa"}
	var list []*Application
	for i, n := range names {
		list = append(list, &Application{ID: string(rune('a' + i)), ProducerName: n})
	}
	var got []string
	for _, a := range byNamePages(t, list, 2) {
		got = append(got, a.ProducerName)
	}
	want := []string{"Công ty TNHH Chè Thái", "cơ sở Bánh đa", "Cơ sở Gốm Bát Tràng", "HTX Dừa sáp", "HTX Đông trùng hạ thảo"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted by producer name:\n%q\nwant\n%q", got, want)
	}
}

// Long names, as cooperatives are named (up to 200 letters), page on through the cursors the
// answer gives, each within what a cursor may be; names alike to their end go by ID.
func TestTheQueueByNamePagesOnLongNames(t *testing.T) {
	long := strings.Repeat("Hợp tác xã <Đặc sản> & Ứng Hòa ", 6) // 186 letters, & and <> among them
	var list []*Application
	var want []string
	for i, tail := range []string{"Cơ sở 2", "Cơ sở 1", "Cơ sở 3", "Cơ sở 1", "Ấp Bắc"} {
		list = append(list, &Application{ID: string(rune('a' + i)), ProducerName: long + tail})
	}
	for _, i := range []int{4, 1, 3, 0, 2} { // Ấp before Cơ; the two "Cơ sở 1" by ID
		want = append(want, list[i].ID)
	}
	var got []string
	for _, a := range byNamePages(t, list, 1) {
		got = append(got, a.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages by name: %v, want %v", got, want)
	}
}

// A cursor carries on only in the order its page was in: one of another order is refused, since
// its page would start somewhere in this one.
func TestACursorOfAnotherOrderIsRefused(t *testing.T) {
	a := Application{ID: "a", ProducerName: "HTX Dừa sáp"}
	for _, made := range Sorts {
		cursor := httpx.EncodeCursor(Query{Sort: made}.Cursor(a))
		for _, read := range append(Sorts, "") {
			_, err := Query{Sort: read}.After(cursor)
			same := made == read || (read == "" && made == defaultSort)
			if same && err != nil {
				t.Errorf("a cursor of %q read in its own order: %v", made, err)
			}
			if !same && !apperr.Is(err, apperr.Invalid) {
				t.Errorf("a cursor of %q read in %q: %v, want it refused", made, read, err)
			}
		}
	}
}
