package fair

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// storedFairs writes fairs of every status, kind, region, province and date the list filters by,
// some of them changed after creation, and returns the store.
func storedFairs(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s := NewStore(testenv.DB(t))
	names := []string{"Hội chợ Mật ong Hà Nội", "Tuần hàng OCOP Đà Nẵng", "Mật Ong rừng U Minh", "Hội nghị kết nối cung cầu",
		"Xúc tiến vùng miền Tây Bắc", "Hội chợ Nông sản", "ong mật miền núi", "Hội chợ Đặc sản Huế", "Hội chợ Gốm sứ bỏ dở"}
	kinds := []string{KindFair, KindTradeWeek, KindFair, KindB2BConference, KindRegionalPromotion, KindFair, KindTradeWeek, KindFair, KindFair}
	provinces := []string{"Hà Nội", "Đà Nẵng", "Cà Mau", "Hà Nội", "Lào Cai", "Huế", "Lào Cai", "Huế", "Hà Nội"}
	moves := [][]Action{{}, {Publish}, {Publish, CloseApplications}, {Publish, CloseApplications, Start}, {Publish, Cancel},
		{Publish}, {}, {Publish, CloseApplications, Start, Complete}, {Cancel}} // the last: a discarded draft
	now := Stamp(time.Now())
	for i, name := range names {
		fields := valid()
		fields.NameVI, fields.Kind, fields.HostProvince = ptr(name), ptr(kinds[i]), ptr(provinces[i])
		start := day(2027, 3, 1+i%4*5)
		fields.StartDate, fields.EndDate = ptr(start), ptr(start.AddDate(0, 0, 2))
		fields.ApplicationsOpen, fields.ApplicationsClose = ptr(start.AddDate(0, -1, 0)), ptr(start.AddDate(0, 0, -5))
		f, err := New(fmt.Sprintf("f%02d", i), fmt.Sprintf("org%d", i%3), fields, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Create(ctx, f, ""); err != nil {
			t.Fatal(err)
		}
		for _, a := range moves[i] {
			when := now
			if a == Start || a == Complete { // on the fair's first day
				when = start
			}
			next, err := f.Move(a, "mưa bão", when)
			if err != nil {
				t.Fatalf("%s %s: %v", f.ID, a, err)
			}
			if err := s.Save(ctx, next, f.Revision, SubjectOf(a), ""); err != nil {
				t.Fatal(err)
			}
			f = next
		}
	}
	return s
}

// TestModelListsWhatTheDatabaseLists: for every filter the fair list takes, the model loaded from
// the database answers exactly what the database query answers.
func TestModelListsWhatTheDatabaseLists(t *testing.T) {
	s := storedFairs(t)
	ctx := context.Background()
	all, err := s.List(ctx, Filter{All: true})
	if err != nil {
		t.Fatal(err)
	}
	m := NewModel()
	for _, f := range all {
		m.Put(f)
	}
	after := &Cursor{Start: all[3].StartDate, ID: all[3].ID}
	latest, err := s.List(ctx, Filter{All: true, Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range latest {
		if f.ID != all[len(all)-1-i].ID {
			t.Fatalf("latest first lists %s at %d, want %s: the first order reversed", f.ID, i, all[len(all)-1-i].ID)
		}
	}
	best, err := s.List(ctx, Filter{Query: "ong", All: true, Limit: 1})
	if err != nil || len(best) != 1 {
		t.Fatalf("the best match of ong: %v, %v", best, err)
	}
	searched := &Cursor{Start: best[0].StartDate, ID: best[0].ID, Rank: Rank("ong", best[0])}
	for _, c := range []struct {
		name string
		flt  Filter
	}{
		{"anonymous", Filter{}},
		{"admin", Filter{All: true}},
		{"an organiser sees their drafts", Filter{Organiser: "org0"}},
		{"organised by", Filter{OrganisedBy: "org1", Organiser: "org1"}},
		{"statuses", Filter{Statuses: []Status{Live, Cancelled}}},
		{"kind", Filter{Kind: KindFair}},
		{"region", Filter{Region: "red_river_delta", All: true}},
		{"province", Filter{Province: "01"}},
		{"from", Filter{From: day(2027, 3, 10)}},
		{"to", Filter{To: day(2027, 3, 6)}},
		{"phrase", Filter{Query: "Mật ong", All: true}},
		{"words in any order, without diacritics", Filter{Query: "ong MAT", All: true}},
		{"a word no name has", Filter{Query: "mat xyz"}},
		{"prefixes of words", Filter{Query: "mat on", All: true}},
		{"not the middle of a word", Filter{Query: "at ong", All: true}},
		{"letters and digits only", Filter{Query: "(OCOP)", All: true}},
		{"after a cursor", Filter{All: true, After: after}},
		{"a page", Filter{All: true, Limit: 3}},
		{"a page after a cursor", Filter{Organiser: "org2", After: after, Limit: 2}},
		{"a page of a search", Filter{Query: "ong", All: true, Limit: 2}},
		{"a search after a cursor", Filter{Query: "ong", All: true, Limit: 2, After: searched}},
		{"latest first", Filter{All: true, Desc: true}},
		{"latest first, a page after a cursor", Filter{All: true, Desc: true, After: after, Limit: 3}},
		{"latest first, past a date", Filter{To: day(2027, 3, 6), Desc: true, Limit: 2}},
		{"a search asked latest first ranks as ever", Filter{Query: "hoi", All: true, Desc: true}},
		{"a page of such a search", Filter{Query: "hoi", All: true, Desc: true, Limit: 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, err := s.List(ctx, c.flt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, m.List(c.flt)); diff != "" {
				t.Errorf("Model.List(%+v) (-database +model):\n%s", c.flt, diff)
			}
		})
	}
}

func TestModelKeepsTheNewestRevision(t *testing.T) {
	fields := valid()
	fields.StartDate, fields.EndDate = ptr(day(2027, 3, 1)), ptr(day(2027, 3, 3))
	fields.ApplicationsOpen, fields.ApplicationsClose = ptr(day(2027, 1, 1)), ptr(day(2027, 2, 1))
	f, err := New("f1", "org1", fields, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	m := NewModel()
	published, err := f.Move(Publish, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !m.Put(published) {
		t.Fatal("Put(revision 2) into an empty model = false, want true")
	}
	v := m.Version()
	if m.Put(f) || m.Put(published) {
		t.Error("Put of an older or the same revision = true, want false: a late event undid a newer state")
	}
	if got, _ := m.Get("f1"); got.Status != Published || m.Version() != v {
		t.Errorf("after late events: status %s, version %d; want %s, %d", got.Status, m.Version(), Published, v)
	}
}

// TestModelSearchesByWords: a query's words match whole words or their starts, in any order,
// without diacritics, never the middle of a word; the best matches come first.
func TestModelSearchesByWords(t *testing.T) {
	s := storedFairs(t)
	all, err := s.List(context.Background(), Filter{All: true})
	if err != nil {
		t.Fatal(err)
	}
	m := NewModel()
	for _, f := range all {
		m.Put(f)
	}
	for q, want := range map[string][]string{
		"mật ong":    {"f06", "f02", "f00"}, // whole words at the start of the shortest names first
		"ong ma":     {"f06", "f02", "f00"},
		"MAT ONG ha": {"f00"},
		"at ong":     nil,
		"hue":        {"f07"},
	} {
		var got []string
		for _, f := range m.List(Filter{All: true, Query: q}) {
			got = append(got, f.ID)
		}
		if !cmp.Equal(got, want) {
			t.Errorf("List(q=%q) = %v, want %v", q, got, want)
		}
		// Page by page, with the cursors the list hands out, a search lists the same.
		var paged []string
		var after *Cursor
		for range 10 {
			page := m.List(Filter{All: true, Query: q, Limit: 1, After: after})
			if len(page) == 0 {
				break
			}
			paged = append(paged, page[0].ID)
			after = &Cursor{Start: page[0].StartDate, ID: page[0].ID, Rank: Rank(q, page[0])}
		}
		if !cmp.Equal(paged, want) {
			t.Errorf("List(q=%q) page by page = %v, want %v", q, paged, want)
		}
	}
}
