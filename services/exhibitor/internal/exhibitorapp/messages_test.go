package exhibitorapp

import (
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
)

// TestMessages checks the catalogue the service links (its own messages and the kernel's), and
// that no package of the service makes a user message from a bare one-language string.
func TestMessages(t *testing.T) {
	if err := msgcheck.Catalogue(apperr.Messages()); err != nil {
		t.Error(err)
	}
	bare, err := msgcheck.BareStrings(".", "../application", "../importer", "../producer", "../product", "../verify")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bare {
		t.Error(b)
	}
}
