package httpx

import (
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
