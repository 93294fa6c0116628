package fair

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// maxOrganisers is the longest list of organisers a fair takes.
const maxOrganisers = 20

// checkOrganisers validates a fair's organisers as given and returns them folded: each entry an
// account ID as the gateway makes them (a UUID, kept in its canonical lower-case form), listed
// once, 1 to 20 of them. An editor (an organiser who creates or changes the fair; empty for an
// admin) must stay on the list, or it would lose the fair it is working on: a draft's organiser
// who is not on its list no longer even sees it.
func checkOrganisers(v *fieldCheck, given []string, editor string) []string {
	if !v.Expect(len(given) >= 1 && len(given) <= maxOrganisers, "organisers", msgOrganisers, 1, maxOrganisers) {
		// A list this long gets one error, not one per entry.
		return nil
	}
	ids := make([]string, 0, len(given))
	for i, s := range given {
		if id, ok := accountID(s); v.Expect(ok, fmt.Sprintf("organisers[%d]", i), msgOrganiserID) {
			ids = append(ids, id)
		}
	}
	if len(ids) < len(given) {
		return nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	v.Expect(editor == "" || slices.Contains(ids, editor), "organisers", msgOrganiserSelf)
	return ids
}

// accountID returns s as an account ID, in the form the gateway writes it in tokens, and whether
// s is one: a UUID written with hyphens (the forms with braces, a urn: prefix or no hyphens are
// not how account IDs are shown, so they are refused rather than guessed at).
func accountID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 36 {
		return "", false
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return "", false
	}
	return id.String(), true
}
