package producer

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

// A profile's first account patches it (without If-Match) just as the company it was handed to
// redeems the organisers' code: the patch read the profile as its own, meets the hand-over's
// write, and reads the profile again. It is now the company's: refused, nothing written. The
// first account's phone and description were stored on the company's profile.
func TestAPatchDoesNotWriteOntoAProfileHandedOverMeanwhile(t *testing.T) {
	ctx := t.Context()
	st := NewStore(testenv.DB(t))
	first, err := New("01900000-0000-7000-8000-0000000000aa", "first-account", validFields(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(ctx, first, ""); err != nil {
		t.Fatal(err)
	}
	h := &Routes{Store: st, Notify: func() {}, Now: time.Now}
	read, err := st.Get(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	company := validFields()
	company.DescriptionVI = ptr("Mô tả của công ty")
	claimed, err := read.Claim("company-account", company, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Claim(ctx, claimed, read.Revision, read.AccountID, ""); err != nil {
		t.Fatal(err)
	}
	who := auth.Principal{AccountID: "first-account", Role: auth.RoleProducer}
	_, err = h.patchWithRetry(ctx, who, read, Fields{DescriptionVI: ptr("Hàng giá rẻ, gọi 0999"), Phone: ptr("0999999999")}, false)
	now, _ := st.Get(ctx, first.ID)
	if apperr.KindOf(err) != apperr.Forbidden || now.DescriptionVI != "Mô tả của công ty" || now.AccountID != "company-account" {
		t.Errorf("a patch over a hand-over: %v; the profile is %s's, described %q, want refused and the company's as it wrote it", err, now.AccountID, now.DescriptionVI)
	}
}
