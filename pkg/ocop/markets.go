package ocop

import (
	"strings"

	"golang.org/x/text/language"
)

// MaxMarkets is the most export markets a profile lists.
const MaxMarkets = 60

// MarketCode returns s as an export market's code, upper-cased: a country's ISO 3166-1 two-letter
// code (JP, US, GB), or EU for the European Union. A code the standard replaced is given as its
// successor (UK as GB, DD as DE, BU as MM, ZR as CD, TP as TL), so one market has one code that
// matches on both sides. ok is false for anything else: codes of no country (XX, ZZ, QM), codes
// withdrawn with no one successor (SU, YU, CS, AN, NT), three letters or digits.
func MarketCode(s string) (code string, ok bool) {
	code = strings.ToUpper(strings.TrimSpace(s))
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return code, false
	}
	if code == "EU" {
		return code, true
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() || withdrawn[code] {
		return code, false
	}
	return r.Canonicalize().String(), true
}

// withdrawn are the ISO 3166-1 codes withdrawn without one successor: the Soviet Union,
// Yugoslavia, Serbia and Montenegro, the Netherlands Antilles and the Neutral Zone.
var withdrawn = map[string]bool{"SU": true, "YU": true, "CS": true, "AN": true, "NT": true}
