package index

import (
	"testing"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// appliedAndRestored applies one event to a new index and returns it beside an index restored
// from its snapshot, by name.
func appliedAndRestored(t *testing.T, subject, aggregate string, payload any) map[string]*Index {
	t.Helper()
	x := New()
	env, err := events.New(subject, 1, aggregate, "", payload)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Apply(env); err != nil {
		t.Fatal(err)
	}
	restored := New()
	restored.restore(x.capture())
	return map[string]*Index{"applied": x, "restored from its snapshot": restored}
}

// A product's photo URL comes from its events and survives a snapshot and a restart from it.
func TestProductPhotoSurvivesASnapshot(t *testing.T) {
	url := "/api/products/x1/photo?v=0123456789abcdef"
	for name, idx := range appliedAndRestored(t, events.ProductUpdated, "x1", events.ProductChangedV1{Product: events.ProductV1{ID: "x1", ProducerID: "p1",
		NameVI: "Chè Shan tuyết", CriteriaSet: 11, Sector: "food", Stars: 4, Unit: "kg", PhotoURL: url, Revision: 2,
		Certificate: events.CertificateV1{ExpiresOn: "2030-01-01"}}}) {
		idx.Read(func(v View) {
			if got := v.ProductsOf("p1"); len(got) != 1 || got[0].PhotoURL != url {
				t.Errorf("%s: products of p1 = %+v, want x1 with PhotoURL %q", name, got, url)
			}
		})
	}
}

// A discarded draft (cancelled before it was published) stays private after a snapshot and a
// restart from it.
func TestADiscardedDraftStaysPrivateAfterASnapshot(t *testing.T) {
	for name, idx := range appliedAndRestored(t, events.FairCancelled, "f1", events.FairChangedV1{Fair: events.FairV1{ID: "f1", NameVI: "Hội chợ nháp đã bỏ",
		Status: "cancelled", Discarded: true, Organisers: []string{"org-1"}, Revision: 2}}) {
		if f, ok := idx.Fair("f1"); !ok || !f.Private() {
			t.Errorf("%s: fair %+v (%v), want it private", name, f, ok)
		}
	}
}
