package ocop

import (
	"strings"

	"golang.org/x/text/language"
)

// MaxMarkets is the most export markets a profile lists.
const MaxMarkets = 60

// MarketCode returns s as an export market's code, upper-cased: a country's ISO 3166-1 two-letter
// code (JP, US, GB or UK), or EU for the European Union. ok is false for anything else: codes of
// no country (XX, ZZ, QM), three letters or digits.
func MarketCode(s string) (code string, ok bool) {
	code = strings.ToUpper(strings.TrimSpace(s))
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return code, false
	}
	if code == "EU" {
		return code, true
	}
	r, err := language.ParseRegion(code)
	return code, err == nil && r.IsCountry()
}
