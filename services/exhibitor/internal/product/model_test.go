package product

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

func owner(t *testing.T, id, province string, rev int64, certs ...string) Owner {
	t.Helper()
	p, ok := ocop.LookupProvince(province)
	if !ok {
		t.Fatalf("province %q", province)
	}
	return Owner{ProducerID: id, AccountID: "acct-" + id, Name: "HTX " + id, Province: p, Certifications: certs, Revision: rev}
}

// catalogueWrites stores a catalogue through the store (so a model given OnSaved sees each write)
// and changes it the ways products change: created, patched (names, stars, certificate), deleted,
// and their producer's details refreshed. It returns the time it wrote at.
func catalogueWrites(t *testing.T, st *Store) time.Time {
	t.Helper()
	ctx := context.Background()
	now := time.Now().In(vntext.Zone).Truncate(time.Millisecond)
	owners := []Owner{owner(t, "p1", "Kiên Giang", 1, "haccp"), owner(t, "p2", "Hà Nội", 1), owner(t, "p3", "Lâm Đồng", 1, "vietgap", "haccp")}
	names := []string{"Mật ong hoa bạc hà JR12", "Nước mắm Phú Quốc", "Mắt biếc", "Ong mật rừng U Minh", "Chè Tân Cương", "Matcha Đà Lạt", "Mật ongtre"}
	// Expiries around now: expired, expiring within 90 days, valid, valid for long.
	expiries := []int{-10, 30, 200, 500}
	var made []Listed
	for i := range 28 {
		o := owners[i%len(owners)]
		f := valid()
		f.NameVI, f.NameEN = ptr(fmt.Sprintf("%s %d", names[i%len(names)], i)), ptr([]string{"", "honey", "fish sauce"}[i%3])
		f.CriteriaSet, f.Stars = ptr([]int{1, 9, 14, 20}[i%4]), ptr(3+i%3)
		f.IssuedOn, f.ExpiresOn = ptr(now.AddDate(-1, 0, 0)), ptr(now.AddDate(0, 0, expiries[i%len(expiries)]).Truncate(24*time.Hour))
		p, err := New(fmt.Sprintf("prod-%02d", i), o.ProducerID, f, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Create(ctx, p, o, ""); err != nil {
			t.Fatal(err)
		}
		made = append(made, Listed{Product: p, Owner: o})
	}
	for i, l := range made {
		var next Product
		var err error
		subject := events.ProductUpdated
		switch i % 5 {
		case 1:
			next, err = l.Patch(Fields{Stars: ptr(5), NameVI: ptr("Mật ong rừng " + l.ID)}, now.Add(time.Second))
		case 3:
			next, err = l.Patch(Fields{ExpiresOn: ptr(now.AddDate(0, 0, 60))}, now.Add(time.Second))
		case 4:
			next, subject = l.Product, events.ProductDeleted
			next.Deleted, next.Revision = true, l.Revision+1
		default:
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Save(ctx, next, l.Owner, l.Revision, subject, ""); err != nil {
			t.Fatal(err)
		}
	}
	moved := owner(t, "p2", "Lâm Đồng", 2, "haccp")
	if _, err := st.RefreshOwner(ctx, moved, ""); err != nil {
		t.Fatal(err)
	}
	return now
}

// catalogueQueries are filters of every kind, alone and together.
func catalogueQueries(now time.Time) []Query {
	hn, _ := ocop.LookupProvince("Hà Nội")
	ld, _ := ocop.LookupProvince("Lâm Đồng")
	var out []Query
	for _, at := range []time.Time{now, now.AddDate(0, 0, 100), now.AddDate(0, 0, 400)} {
		for _, q := range []Query{
			{}, {Sector: ocop.SectorFood}, {CriteriaSet: 9}, {MinStars: 4}, {MinStars: 5}, {Province: ld.Code}, {Province: hn.Code},
			{Region: ld.Region}, {Region: ld.Promotion}, {Region: hn.Promotion}, {Certification: "haccp"}, {Certification: "vietgap", MinStars: 4},
			{Statuses: []ocop.CertificateStatus{ocop.CertificateExpired}},
			{Statuses: []ocop.CertificateStatus{ocop.CertificateValid, ocop.CertificateExpired}, Sector: ocop.SectorBeverage},
			{Statuses: []ocop.CertificateStatus{ocop.CertificateExpiring}},
		} {
			q.Now = at
			out = append(out, q)
		}
	}
	return out
}

// allPages reads every page of q at limit, following the cursors, and renders what it read.
func allPages(t *testing.T, q Query, limit int, page func(Query) ([]Listed, CatalogueCursor, bool)) ([]response, []CatalogueCursor) {
	t.Helper()
	var items []response
	var cursors []CatalogueCursor
	q.Limit = limit
	for range 100 {
		got, next, done := page(q)
		for _, l := range got {
			items = append(items, ToResponse(l, q.Now))
		}
		if done {
			return items, cursors
		}
		cursors = append(cursors, next)
		q.Cursor = next
	}
	t.Fatalf("query %+v: more than 100 pages", q)
	return nil, nil
}

// After creates, patches, deletions, a producer's move and certificates expiring as time passes,
// the in-memory catalogue answers every filter with the same pages and cursors as the database,
// and a model loaded afresh from the database answers searches as the one that followed the writes.
func TestCatalogueAnswersAsTheDatabase(t *testing.T) {
	st := NewStore(testenv.DB(t))
	m := NewCatalogue(st)
	st.OnSaved(m.Put)
	now := catalogueWrites(t, st)
	fromDB := func(q Query) ([]Listed, CatalogueCursor, bool) {
		items, next, done, err := st.Catalogue(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		return items, next, done
	}
	for _, q := range catalogueQueries(now) {
		for _, limit := range []int{6} {
			wantItems, wantCursors := allPages(t, q, limit, fromDB)
			gotItems, gotCursors := allPages(t, q, limit, m.Query)
			if diff := cmp.Diff(wantItems, gotItems); diff != "" {
				t.Errorf("query %+v limit %d: memory differs from the database (-db +memory):\n%s", q, limit, diff)
			}
			if diff := cmp.Diff(wantCursors, gotCursors); diff != "" {
				t.Errorf("query %+v limit %d: cursors differ (-db +memory):\n%s", q, limit, diff)
			}
		}
	}
	for _, producer := range []string{"p1", "p2", "p3"} {
		want, err := st.ByProducer(context.Background(), producer, NameCursor{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		got := m.ByProducer(producer, NameCursor{}, 100)
		if diff := cmp.Diff(render(want, now), render(got, now)); diff != "" {
			t.Errorf("products of %s differ (-db +memory):\n%s", producer, diff)
		}
		if len(want) > 2 {
			after := CursorAfter(want[1])
			wantRest, _ := st.ByProducer(context.Background(), producer, after, 100)
			if diff := cmp.Diff(render(wantRest, now), render(m.ByProducer(producer, after, 100), now)); diff != "" {
				t.Errorf("products of %s after %v differ (-db +memory):\n%s", producer, after, diff)
			}
		}
	}

	fresh := NewCatalogue(st)
	if _, err := fresh.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"mat ong", "ma", "mat ong jr12", "honey", "Mật", "--"} {
		for _, q := range catalogueQueries(now)[:3] {
			q.Text = text
			want, _ := allPages(t, q, 4, fresh.Query)
			got, _ := allPages(t, q, 4, m.Query)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("search %q %+v: followed model differs from a fresh load (-fresh +followed):\n%s", text, q, diff)
			}
		}
	}
}

func render(ls []Listed, now time.Time) []response {
	out := make([]response, len(ls))
	for i, l := range ls {
		out[i] = ToResponse(l, now)
	}
	return out
}

func listed(id, name string, rev int64, deleted bool) Listed {
	exp := time.Now().AddDate(1, 0, 0)
	return Listed{Product: Product{ID: id, ProducerID: "p1", NameVI: name, CriteriaSet: 9, Revision: rev, Deleted: deleted,
		Certificate: Certificate{ExpiresOn: exp}}}
}

func ids(ls []Listed) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.ID
	}
	return out
}

// Events and this replica's own writes arrive late and twice: the model keeps the newest
// revision of each product, and a deleted product's tombstone keeps an older copy out.
func TestCataloguePutKeepsTheNewest(t *testing.T) {
	m := NewCatalogue(nil)
	now := time.Now()
	steps := []struct {
		name string
		put  Listed
		want []string // names shown, by ID
	}{
		{"created", listed("a", "Mật ong", 1, false), []string{"Mật ong"}},
		{"another", listed("b", "Chè", 1, false), []string{"Mật ong", "Chè"}},
		{"renamed", listed("a", "Mật ong rừng", 2, false), []string{"Mật ong rừng", "Chè"}},
		{"a late copy of the first revision", listed("a", "Mật ong", 1, false), []string{"Mật ong rừng", "Chè"}},
		{"the same revision twice", listed("a", "Mật ong khác", 2, false), []string{"Mật ong rừng", "Chè"}},
		{"deleted", listed("a", "Mật ong rừng", 3, true), []string{"Chè"}},
		{"a late copy after the delete", listed("a", "Mật ong rừng", 2, false), []string{"Chè"}},
		{"one created before the others by ID", listed("0", "Gạo", 1, false), []string{"Gạo", "Chè"}},
	}
	for _, s := range steps {
		m.Put(s.put)
		items, _, _ := m.Query(Query{Now: now, Limit: 10})
		var got []string
		for _, l := range items {
			got = append(got, l.NameVI)
		}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("after %s: catalogue mismatch (-want +got):\n%s", s.name, diff)
		}
	}
	if m.Len() != 2 {
		t.Errorf("Len = %d, want 2", m.Len())
	}
}

// A search ranks whole-word hits above prefix hits, then earlier and shorter names, then names
// with the query's diacritics, then IDs; its cursor is an offset into that order.
func TestCatalogueSearchRanks(t *testing.T) {
	m := NewCatalogue(nil)
	for _, l := range []Listed{
		listed("1", "Mật ongtre", 1, false),              // prefix hit on "ong"
		listed("2", "Mật ong hoa bạc hà JR12", 1, false), // whole, second word
		listed("3", "Ong mật rừng", 1, false),            // whole, first word
		listed("4", "Nước mắm", 1, false),                // no hit
		listed("5", "Mật ong", 1, false),                 // whole, second word, shorter
		listed("6", "Mat ong", 1, false),                 // as 5 but without the diacritics
	} {
		m.Put(l)
	}
	now := time.Now()
	tests := []struct {
		q    string
		want []string
	}{
		{"ong", []string{"3", "5", "6", "2", "1"}},
		// Both words whole from the first word on: the shorter names first, and of the two
		// shortest, the one written as the query is.
		{"mật ong", []string{"5", "6", "3", "2", "1"}},
		{"mat ong", []string{"6", "5", "3", "2", "1"}},
		{"Mật ong", []string{"5", "6", "3", "2", "1"}},
		{"mat ong jr12", []string{"2"}},
		{"jr", []string{"2"}},
		{"ongt", []string{"1"}},
		{"ca phe", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			var got []string
			q := Query{Text: tt.q, Now: now, Limit: 2}
			for range 10 {
				items, next, done := m.Query(q)
				got = append(got, ids(items)...)
				if done {
					break
				}
				q.Cursor = next
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Query(%q) page by page mismatch (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

// The expiry sweep takes its candidates from the model: live products whose certificate expired,
// oldest expiry first, without those announced (stored as announced, or announced since), and a
// renewed certificate that expires again is a candidate again.
func TestCatalogueExpired(t *testing.T) {
	m := NewCatalogue(nil)
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	withExpiry := func(id string, rev int64, decision string, expires time.Time) Listed {
		l := listed(id, "Sản phẩm "+id, rev, false)
		l.Certificate.DecisionNo, l.Certificate.ExpiresOn = decision, expires
		return l
	}
	m.Put(withExpiry("late", 1, "QĐ-1", now.AddDate(0, 0, -1)))
	m.Put(withExpiry("early", 1, "QĐ-2", now.AddDate(0, 0, -30)))
	m.Put(withExpiry("today", 1, "QĐ-3", now))
	m.Put(withExpiry("valid", 1, "QĐ-4", now.AddDate(1, 0, 0)))
	stored := withExpiry("stored", 1, "QĐ-5", now.AddDate(0, 0, -2))
	stored.ExpiryAnnounced = true
	m.Put(stored)
	gone := withExpiry("gone", 2, "QĐ-6", now.AddDate(0, 0, -3))
	gone.Deleted = true
	m.Put(gone)

	if got, want := ids(m.Expired(now, 10)), []string{"early", "late", "today"}; !slices.Equal(got, want) {
		t.Errorf("Expired = %v, want %v", got, want)
	}
	if got := ids(m.Expired(now, 2)); len(got) != 2 {
		t.Errorf("Expired with limit 2 = %v", got)
	}
	m.Announced("early", "QĐ-2")
	if got, want := ids(m.Expired(now, 10)), []string{"late", "today"}; !slices.Equal(got, want) {
		t.Errorf("after announcing early: Expired = %v, want %v", got, want)
	}
	m.Put(withExpiry("early", 2, "QĐ-7", now.AddDate(0, 0, -1)))
	if got, want := ids(m.Expired(now, 10)), []string{"early", "late", "today"}; !slices.Equal(got, want) {
		t.Errorf("after a renewed certificate expired too: Expired = %v, want %v", got, want)
	}
}

// RefreshOwner takes its candidates from the model when given one, and still rewrites a product
// the model holds at an older revision than the database (another replica's write not yet
// followed), without undoing that write.
func TestRefreshOwnerFromTheModel(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	st, other := NewStore(db), NewStore(db)
	m := NewCatalogue(st)
	st.OnSaved(m.Put)
	st.OwnedFrom(m.BehindOwner)
	now := time.Now().In(vntext.Zone).Truncate(time.Millisecond)
	p1, p2 := owner(t, "p1", "Kiên Giang", 1), owner(t, "p2", "Hà Nội", 1)
	for i, o := range []Owner{p1, p1, p1, p2} {
		p, err := New(fmt.Sprintf("prod-%d", i), o.ProducerID, valid(), now)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Create(ctx, p, o, ""); err != nil {
			t.Fatal(err)
		}
	}
	// Another replica renames prod-1; this model does not know yet.
	l, err := other.Get(ctx, "prod-1")
	if err != nil {
		t.Fatal(err)
	}
	renamed, err := l.Patch(Fields{NameVI: ptr("Mật ong rừng đổi tên")}, now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Save(ctx, renamed, l.Owner, l.Revision, events.ProductUpdated, ""); err != nil {
		t.Fatal(err)
	}
	moved := owner(t, "p1", "Lâm Đồng", 2)
	n, err := st.RefreshOwner(ctx, moved, "")
	if err != nil || n != 3 {
		t.Fatalf("RefreshOwner = %d, %v; want 3 products rewritten", n, err)
	}
	for i, want := range []string{"Lâm Đồng", "Lâm Đồng", "Lâm Đồng", "Hà Nội"} {
		got, err := st.Get(ctx, fmt.Sprintf("prod-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if got.Owner.Province.Name != want {
			t.Errorf("prod-%d: producer's province %q, want %q", i, got.Owner.Province.Name, want)
		}
		if i == 1 && got.NameVI != "Mật ong rừng đổi tên" {
			t.Errorf("prod-1: the other replica's rename was undone: %q", got.NameVI)
		}
	}
	if left := m.BehindOwner("p1", 2); len(left) != 0 {
		t.Errorf("the model still holds %d products behind the producer's revision", len(left))
	}
}
