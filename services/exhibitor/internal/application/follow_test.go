package application

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// renamedMeanwhile is a catalogue whose producer renamed itself after the application read it:
// ApplicantOf answered the old profile, Producer answers the new one.
type renamedMeanwhile struct{ old, now Applicant }

func (c renamedMeanwhile) ApplicantOf(context.Context, string) (Applicant, error) { return c.old, nil }

func (c renamedMeanwhile) Producer(context.Context, string) (Applicant, error) { return c.now, nil }

func (renamedMeanwhile) ProductsOf(context.Context, string, []string) ([]Product, error) {
	return []Product{{ProductID: "prod-1", Name: "Nước mắm nhĩ", CriteriaSet: 1, Sector: "food", Stars: 4, ExpiresOn: time.Now().AddDate(1, 0, 0)}}, nil
}

func (renamedMeanwhile) Hold(context.Context, string, []string) (Hold, error) { return noHold{}, nil }

// A profile changed after the application read it, whose consumer looked for the producer's
// applications before this one was stored, still reaches it: the application reads the profile
// again once it is stored, and takes its name and province then.
func TestAnApplicationTakesAProfileChangedWhileItWasSent(t *testing.T) {
	st := NewStore(testenv.DB(t))
	ctx := context.Background()
	old := Applicant{ProducerID: "p1", AccountID: "acc-1", Name: "Cơ sở Nước mắm Hồng Hạnh", Province: "91", Revision: 3}
	now := old
	now.Name, now.Province, now.Revision = "Công ty TNHH Nước mắm Hồng Hạnh", "01", 4
	h := &Routes{Store: st, Catalog: renamedMeanwhile{old: old, now: now}, Now: time.Now}
	f := Fair{ID: "fair-1", Status: "published", ApplicationsClose: time.Now().Add(time.Hour), EndDate: time.Now().AddDate(0, 1, 0)}
	sent, err := h.submit(ctx, "app-follow", old.AccountID, f, old, Request{ProductIDs: []string{"prod-1"}, BoothKind: "standard", BoothCount: 1}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if sent.ProducerName != now.Name || sent.Revision != 2 {
		t.Errorf("the application is answered as %q at revision %d, want %q at 2, as stored", sent.ProducerName, sent.Revision, now.Name)
	}
	got, err := st.Get(ctx, sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ProducerName != now.Name || got.Province != now.Province || got.ProducerRevision != now.Revision || got.Status != Submitted || got.Revision != 2 {
		t.Errorf("the stored application shows %q in %s (profile revision %d), %s at revision %d; want %q in %s (4), submitted at revision 2",
			got.ProducerName, got.Province, got.ProducerRevision, got.Status, got.Revision, now.Name, now.Province)
	}
	// A late event of the older profile writes nothing.
	if n, err := st.FollowProducer(ctx, old, ""); n != 0 || err != nil {
		t.Errorf("following an older profile wrote %d applications (%v)", n, err)
	}
}

// A producer that moves is judged by its applications' province rule where it is now: moving out
// of the provinces a fair admits marks its application as failing that rule, and moving back
// clears it; the other rules stay as they were judged.
func TestAProducerThatMovesIsJudgedWhereItIsNow(t *testing.T) {
	st := NewStore(testenv.DB(t))
	ctx := context.Background()
	fv := events.FairV1{ID: "fair-kg", NameVI: "Hội chợ OCOP Kiên Giang", Status: "published", StartDate: "2027-01-10", EndDate: "2027-01-14",
		Eligibility: events.EligibilityV1{AllowedProvinces: []string{"91"}}, Revision: 1}
	if err := st.PutFair(ctx, fv); err != nil {
		t.Fatal(err)
	}
	f, err := st.Fair(ctx, fv.ID)
	if err != nil {
		t.Fatal(err)
	}
	who := Applicant{ProducerID: "p1", AccountID: "acc-1", Name: "HTX Tiêu Phú Quốc", Province: "91", Revision: 1}
	products := []Product{{ProductID: "prod-1", Name: "Tiêu sọ", CriteriaSet: 1, Sector: "food", Stars: 4, ExpiresOn: time.Now().AddDate(3, 0, 0)}}
	a, err := Submit("01900000-0000-7000-8000-0000000000a1", who.AccountID, f, who, products, Request{BoothKind: "standard", BoothCount: 1}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	judged := func(province string, rev int64) (eligible bool, rule Rule) {
		t.Helper()
		who.Province, who.Revision = province, rev
		if n, err := st.FollowProducer(ctx, who, ""); n != 1 || err != nil {
			t.Fatalf("following the move to %s wrote %d applications (%v)", province, n, err)
		}
		got, err := st.Get(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range got.Rules {
			if r.Code == RuleProvince {
				rule = r
			}
		}
		if len(got.Rules) != len(a.Rules) {
			t.Errorf("after the move to %s the application has %d rules, want %d", province, len(got.Rules), len(a.Rules))
		}
		return got.Eligible(), rule
	}
	if ok, r := judged("01", 2); ok || r.Pass || r.Args.Province != "01" {
		t.Errorf("moved to Hà Nội: eligible %v, province rule %+v; want the rule failing for 01", ok, r)
	}
	if ok, r := judged("91", 3); !ok || !r.Pass || r.Args.Province != "91" {
		t.Errorf("moved back to Kiên Giang: eligible %v, province rule %+v; want eligible", ok, r)
	}
}

// A change of the profile that shows nowhere on an application moves only its record of the
// profile's revision, without a new revision of the application; a review made from a copy read
// before keeps that record, so a late, older profile still writes nothing.
func TestAReviewKeepsTheProfileRevisionItDidNotChange(t *testing.T) {
	st := NewStore(testenv.DB(t))
	ctx := context.Background()
	who := Applicant{ProducerID: "p1", AccountID: "acc-1", Name: "HTX Gạo ST25", Province: "94", Revision: 1}
	now := time.Now()
	a := Application{ID: "01900000-0000-7000-8000-0000000000b1", FairID: "f1", ProducerID: who.ProducerID, AccountID: who.AccountID,
		ProducerName: who.Name, Province: who.Province, ProducerRevision: 1, Status: Submitted, SubmittedAt: now, UpdatedAt: now, Revision: 1}
	if err := st.Create(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	who.Revision = 3 // a new phone number: nothing the application shows
	if n, err := st.FollowProducer(ctx, who, ""); n != 0 || err != nil {
		t.Fatalf("following an unchanged name wrote %d applications (%v)", n, err)
	}
	if _, err := st.Move(ctx, a, Approve, "", time.Now); err != nil {
		t.Fatal(err)
	}
	older := who
	older.Name, older.Revision = "Tên cũ", 2
	if n, err := st.FollowProducer(ctx, older, ""); n != 0 || err != nil {
		t.Errorf("following an older profile after the review wrote %d applications (%v)", n, err)
	}
	got, err := st.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ProducerName != who.Name || got.ProducerRevision != 3 || got.Status != Approved || got.Revision != 2 {
		t.Errorf("the application shows %q from profile revision %d, %s at revision %d; want %q from 3, approved at 2",
			got.ProducerName, got.ProducerRevision, got.Status, got.Revision, who.Name)
	}
}

// Two followers of a profile changed twice in a row (X, then Y, then X again): the one that read
// Y and wrote last must not write Y over the revision the other recorded for X.
func TestAFollowerOfAnOlderProfileWritesNothing(t *testing.T) {
	st := NewStore(testenv.DB(t))
	ctx := context.Background()
	now := time.Now()
	a := Application{ID: "01900000-0000-7000-8000-0000000000c1", FairID: "f1", ProducerID: "p1", AccountID: "acc-1",
		ProducerName: "HTX X", Province: "01", ProducerRevision: 4, Status: Submitted, SubmittedAt: now, UpdatedAt: now, Revision: 1}
	if err := st.Create(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	y := Applicant{ProducerID: "p1", AccountID: "acc-1", Name: "HTX Y", Province: "01", Revision: 5}
	late, err := st.following(ctx, a, y) // the first follower read revision 5 and waits
	if err != nil {
		t.Fatal(err)
	}
	if err := st.takeRevision(ctx, a, 6); err != nil { // the second read revision 6, named X again
		t.Fatal(err)
	}
	if err := st.save(ctx, late, a.Revision, events.ApplicationUpdated, ""); !errors.Is(err, ErrStale) {
		t.Errorf("the first follower's write: %v, want ErrStale", err)
	}
	got, err := st.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ProducerName != "HTX X" || got.ProducerRevision != 6 {
		t.Errorf("the application shows %q from profile revision %d, want HTX X from 6", got.ProducerName, got.ProducerRevision)
	}
}

// A review and a producer's rename racing on one application: both take effect, one after the
// other, and the application shows the new name at the profile revision it records. Before the
// rename's write (checked by the database) took the review's lock on the embedded database, both
// could win one revision: approved with the old name, the profile revision moved on.
func TestAReviewRacingARenameKeepsBoth(t *testing.T) {
	st := NewStore(testenv.DB(t))
	ctx := context.Background()
	now := time.Now()
	for i := range 40 {
		who := Applicant{ProducerID: fmt.Sprint("p", i), AccountID: fmt.Sprint("acc-", i), Name: "Cơ sở Chè Tân Cương", Province: "19", Revision: 1}
		a := Application{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", i), FairID: "f1", ProducerID: who.ProducerID, AccountID: who.AccountID,
			ProducerName: who.Name, Province: who.Province, ProducerRevision: 1, Status: Submitted, SubmittedAt: now, UpdatedAt: now, Revision: 1}
		if err := st.Create(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
		renamed := who
		renamed.Name, renamed.Revision = "HTX Chè Tân Cương Thái Nguyên", 2
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := st.Move(ctx, a, Approve, "", time.Now); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := st.FollowProducer(ctx, renamed, ""); err != nil {
				t.Error(err)
			}
		}()
		wg.Wait()
		got, err := st.Get(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != Approved || got.ProducerName != renamed.Name || got.ProducerRevision != 2 || got.Revision != 3 {
			t.Fatalf("round %d: %s, %q from profile revision %d, at revision %d; want approved, %q from 2, at 3",
				i, got.Status, got.ProducerName, got.ProducerRevision, got.Revision, renamed.Name)
		}
	}
}

// A rename reaches the applications to fairs not yet over, and leaves those to fairs completed
// or cancelled as they were held: they are that fair's record.
func TestARenameLeavesTheFairsOverAsTheyWere(t *testing.T) {
	st := NewStore(testenv.DB(t))
	ctx := context.Background()
	who := Applicant{ProducerID: "p1", AccountID: "acc-1", Name: "Cơ sở Chè Tân Cương", Province: "19", Revision: 1}
	now := time.Now()
	ids := map[string]string{"published": "01900000-0000-7000-8000-0000000000c1", "completed": "01900000-0000-7000-8000-0000000000c2",
		"cancelled": "01900000-0000-7000-8000-0000000000c3"}
	for status, id := range ids {
		fv := events.FairV1{ID: "fair-" + status, NameVI: "Hội chợ " + status, Status: status, StartDate: "2026-10-10", EndDate: "2026-10-14", Revision: 1}
		if err := st.PutFair(ctx, fv); err != nil {
			t.Fatal(err)
		}
		a := Application{ID: id, FairID: fv.ID, ProducerID: who.ProducerID, AccountID: who.AccountID, ProducerName: who.Name, Province: who.Province,
			ProducerRevision: 1, Status: Approved, SubmittedAt: now, UpdatedAt: now, Revision: 1}
		if err := st.Create(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	renamed := who
	renamed.Name, renamed.Revision = "Công ty TNHH Chè Tân Cương", 2
	if n, err := st.FollowProducer(ctx, renamed, ""); n != 1 || err != nil {
		t.Errorf("following the rename wrote %d applications (%v), want the one to the fair not yet over", n, err)
	}
	for status, id := range ids {
		got, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := map[bool]string{true: who.Name, false: renamed.Name}[status != "published"]
		if got.ProducerName != want || got.ProducerRevision != 2 {
			t.Errorf("the application to the %s fair shows %q (profile revision %d), want %q (2)", status, got.ProducerName, got.ProducerRevision, want)
		}
	}
}
