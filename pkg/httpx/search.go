package httpx

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// MaxSearchRunes is the longest search a list takes (?q=): longer names no product or fair,
// and each word of a search is matched against every item of the list.
const MaxSearchRunes = 200

// SearchText returns the list's search (?q=), checked in v: at most MaxSearchRunes characters.
func SearchText(c *gin.Context, v *apperr.Validation) string {
	q := c.Query("q")
	if !v.Expect(utf8.RuneCountInString(q) <= MaxSearchRunes, "q", apperr.TooLong, MaxSearchRunes) {
		return ""
	}
	return q
}

// QueryChoices returns the comma-separated values of the query parameter name (?status=a,b),
// each one of allowed and each once, checked in v: so a list is never longer than allowed, however
// many times a request repeats a value.
func QueryChoices(c *gin.Context, v *apperr.Validation, name string, allowed ...string) []string {
	var out []string
	for s := range strings.SplitSeq(c.Query(name), ",") {
		if s = strings.TrimSpace(s); s == "" || slices.Contains(out, s) {
			continue
		}
		if !v.Expect(slices.Contains(allowed, s), name, apperr.OneOf, apperr.OrOf(allowed...)) {
			return out
		}
		out = append(out, s)
	}
	return out
}
