package apperr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// An answer lists at most MaxFieldErrors field errors, the first ones, however many failed.
func TestValidationKeepsTheFirstFieldErrors(t *testing.T) {
	var v apperr.Validation
	for i := range 50_000 {
		v.Fail(fmt.Sprintf("fees.booth_prices.k%d", i), apperr.OneOf, "standard")
	}
	var e *apperr.Error
	if !v.Failed() || !errors.As(v.Err(), &e) || len(e.Fields) != apperr.MaxFieldErrors || e.Fields[0].Field != "fees.booth_prices.k0" {
		t.Errorf("50,000 failures: %v, %d fields listed; want the first %d", v.Failed(), len(e.Fields), apperr.MaxFieldErrors)
	}
}
