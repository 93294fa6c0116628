package httpx

import (
	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Lang is the language to answer c in, from its Accept-Language header (see LangOf).
func Lang(c *gin.Context) apperr.Lang { return LangOf(c.GetHeader("Accept-Language")) }

// LangOf picks the language of an answer from an Accept-Language header: of Vietnamese and
// English, the one with the higher q-value (the earlier one on a tie; q=0 refuses a language),
// whatever the region ("en-GB" is English; "*" names no language). Vietnamese when the header is missing, does not parse,
// or names neither: ocopfair's users read Vietnamese first.
func LangOf(header string) apperr.Lang {
	if header == "" {
		return apperr.Vietnamese
	}
	tags, qs, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return apperr.Vietnamese
	}
	best, bestQ := apperr.Vietnamese, float32(0)
	for i, t := range tags {
		base, conf := t.Base()
		if conf != language.Exact || qs[i] <= bestQ {
			continue
		}
		switch base.String() {
		case "vi":
			best, bestQ = apperr.Vietnamese, qs[i]
		case "en":
			best, bestQ = apperr.English, qs[i]
		}
	}
	return best
}
