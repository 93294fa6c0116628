package ocop

import (
	"net/mail"
	"strings"
	"unicode"
)

// ValidGTIN13 reports whether s is 13 digits with a correct GS1 mod-10 check digit.
func ValidGTIN13(s string) bool {
	if len(s) != 13 {
		return false
	}
	sum := 0
	for i := 0; i < 12; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	last := s[12]
	if last < '0' || last > '9' {
		return false
	}
	return (10-sum%10)%10 == int(last-'0')
}

// NormalizeTaxCode is s without the spaces and dots people group its digits with ("0101 234
// 567", "0101.234.567"), and with a branch's 13 digits written with their hyphen
// ("0101234567001" is "0101234567-001"): a phone's number pad often has no hyphen key.
func NormalizeTaxCode(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '.' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if allDigits(s, 13) {
		return s[:10] + "-" + s[10:]
	}
	return s
}

// ValidTaxCode reports whether s is a Vietnamese tax code: 10 digits, or 10 digits, "-" and 3
// digits for a branch (a dependent unit), numbered from 001: "-000" names no branch, and taken
// as one it would register the company a second time past the duplicate check.
func ValidTaxCode(s string) bool {
	main, branch, hasBranch := strings.Cut(s, "-")
	if !allDigits(main, 10) {
		return false
	}
	return !hasBranch || (allDigits(branch, 3) && branch != "000")
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ValidEmail reports whether e (trimmed, lower-cased) is a contact email a person can write to:
// one address, no display name, and a domain with a dot ("ten@htx" is a slip, not an address).
func ValidEmail(e string) bool {
	if len(e) > 254 || strings.ContainsAny(e, " <>") {
		return false
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e {
		return false
	}
	_, domain, _ := strings.Cut(e, "@")
	// A domain name, not a bracketed IP ("ha@[127.0.0.1]"), which no one writes to.
	if strings.Trim(domain, "abcdefghijklmnopqrstuvwxyz0123456789-.") != "" {
		return false
	}
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// NormalizePhone turns a Vietnamese phone number into its domestic form ("0912345678") and
// reports whether it is valid. It accepts spaces, dots, dashes and parentheses, and the +84 or 84
// country prefix. Mobile numbers have 10 digits (03, 05, 07, 08, 09); landlines 11 digits (02x).
func NormalizePhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		case unicode.IsSpace(r):
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+84"):
		d = "0" + d[3:]
	case strings.HasPrefix(d, "84") && (len(d) == 11 || len(d) == 12):
		d = "0" + d[2:]
	case strings.HasPrefix(d, "+"):
		return "", false
	}
	if len(d) < 2 || d[0] != '0' {
		return "", false
	}
	switch d[1] {
	case '3', '5', '7', '8', '9':
		if len(d) == 10 {
			return d, true
		}
	case '2':
		if len(d) == 11 {
			return d, true
		}
	}
	return "", false
}

// Certification is a quality standard a producer can hold.
type Certification struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// The certification codes.
const (
	CertISO22000    = "iso_22000"
	CertISO9001     = "iso_9001"
	CertHACCP       = "haccp"
	CertVietGAP     = "vietgap"
	CertGlobalGAP   = "globalgap"
	CertOrganicTCVN = "organic_tcvn"
	CertOrganicEU   = "organic_eu"
	CertOrganicUSDA = "organic_usda"
	CertOrganicJAS  = "organic_jas"
)

var certifications = []Certification{
	{CertISO22000, "ISO 22000"},
	{CertISO9001, "ISO 9001"},
	{CertHACCP, "HACCP"},
	{CertVietGAP, "VietGAP"},
	{CertGlobalGAP, "GlobalGAP"},
	{CertOrganicTCVN, "Hữu cơ TCVN 11041"},
	{CertOrganicEU, "Organic EU"},
	{CertOrganicUSDA, "USDA Organic"},
	{CertOrganicJAS, "JAS Organic"},
}

// Certifications returns the quality standards ocopfair knows.
func Certifications() []Certification { return append([]Certification(nil), certifications...) }

// CertificationByCode returns the certification with the given code.
func CertificationByCode(code string) (Certification, bool) {
	for _, c := range certifications {
		if c.Code == code {
			return c, true
		}
	}
	return Certification{}, false
}
