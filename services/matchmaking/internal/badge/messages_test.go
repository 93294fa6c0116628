package badge

import (
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
)

// TestMessagesAreInBothLanguages checks every message this package links: codes unique, both
// texts, the same parameters, Vietnamese with diacritics and English without Vietnamese.
func TestMessagesAreInBothLanguages(t *testing.T) {
	if err := msgcheck.Catalogue(apperr.Messages()); err != nil {
		t.Error(err)
	}
}
