package buyer

import (
	"errors"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// A province left unchosen is asked for; one that is not a province is called unknown.
func TestBuyerProvinceAskedForWhenNoneChosen(t *testing.T) {
	for _, c := range []struct{ province, code string }{{"", "required"}, {"  ", "required"}, {"Atlantis", msgProvince.Code}} {
		var b Buyer
		name, kind, province := "Siêu thị Xanh", Kinds[0], c.province
		err := b.Apply(BuyerFields{Name: &name, Kind: &kind, Province: &province}, true)
		var e *apperr.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "province" || e.Fields[0].Code != c.code {
			t.Errorf("province %q: %v, want one error at province, %s", c.province, err, c.code)
		}
	}
}
