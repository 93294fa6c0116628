package httpx_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
	_ "github.com/ocopfair/ocopfair/pkg/auth"
	_ "github.com/ocopfair/ocopfair/pkg/ocop"
	_ "github.com/ocopfair/ocopfair/pkg/storage"
)

// TestCatalogue checks every message the shared kernel defines (and the tests' own): unique
// codes, both languages, the same parameters, Vietnamese with diacritics, English without
// Vietnamese.
func TestCatalogue(t *testing.T) {
	msgs := apperr.Messages()
	if len(msgs) < 40 {
		t.Fatalf("the catalogue holds %d messages; the kernel's are not all linked in", len(msgs))
	}
	if err := msgcheck.Catalogue(msgs); err != nil {
		t.Error(err)
	}
}

// bareStringExceptions are the kernel packages that still pass a caller's string on: the outbox
// Writer's duplicate message comes from the services, which convert it with their messages.
var bareStringExceptions = map[string]bool{"apperr": true, "outbox": true}

// TestNoBareStringMessages fails while a kernel package makes a user message from a bare
// one-language string instead of a message in the catalogue.
func TestNoBareStringMessages(t *testing.T) {
	var dirs []string
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if bareStringExceptions[d.Name()] || d.Name() == "testdata" {
			return filepath.SkipDir
		}
		dirs = append(dirs, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := msgcheck.BareStrings(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bare {
		t.Error(b)
	}
}
