package bare

import (
	"errors"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

var msgGood = apperr.M("good", "Tốt", "Good")

func checks(w *apperr.Validation) error {
	var v apperr.Validation
	v.Add("name", "is required")
	v.Check(false, "count", "must be positive")
	w.Add("x", "y")
	v.Fail("name", msgGood)
	h := map[string][]string{}
	_ = h
	_ = &apperr.Error{Kind: apperr.Invalid, Message: "bad"}
	_ = apperr.FieldError{Field: "f", Message: "bad"}
	_ = apperr.E(apperr.NotFound, "no such %s", "thing")
	_ = apperr.Wrap(apperr.Conflict, errors.New("x"), "taken")
	_ = apperr.New(apperr.NotFound, msgGood)
	return v.Err()
}
