package badge

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"strings"

	"github.com/ocopfair/ocopfair/pkg/shortcode"
)

// manualLen is a manual code's length: 10 characters, 50 bits of an HMAC, typed as two groups
// of five. Only a fair's staff may check codes in, one at a time, against that fair's badges.
const manualLen = 10

// Manual is the code staff type when the camera cannot read a badge, as printed on it and shown
// with it ("7KQ2M-X9D4C"): the first 50 bits of HMAC-SHA256(key, "OB1M."+id) in Crockford's
// base 32 (see shortcode). It is a second name of the badge, not a secret of the account.
func (k Key) Manual(id string) string {
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte("OB1M." + id))
	sum := mac.Sum(nil)
	var acc uint64
	for _, x := range sum[:8] {
		acc = acc<<8 | uint64(x)
	}
	return shortcode.Grouped(manualLen, func(i int) byte { return byte(acc >> (59 - 5*i)) })
}

// NormalManual reads a typed manual code as its printed form (see shortcode.Normal); false for
// text that is no manual code.
func NormalManual(s string) (string, bool) { return shortcode.Normal(s, manualLen) }

// looksManual reports whether code looks typed by hand as a manual code (letters, digits, spaces
// and dashes, short), not scanned: refused, it is said as mistyped rather than forged.
func looksManual(code string) bool {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 24 || strings.HasPrefix(code, Prefix) {
		return false
	}
	for _, r := range code {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// typedManual is code read as a manual code typed by hand ("" for a scanned code or other text).
func typedManual(code string) string {
	m, ok := NormalManual(code)
	if !ok || strings.HasPrefix(strings.TrimSpace(code), Prefix) {
		return ""
	}
	return m
}

// namesBadge reports whether manual, a code read by typedManual, is the manual code of badge id.
func (k Key) namesBadge(manual, id string) bool {
	return manual != "" && hmac.Equal([]byte(k.Manual(id)), []byte(manual))
}

// expandManual turns a manual code typed at fair fairID into the badge's full code, looked up
// among the fair's valid badges; any other text (a scanned code, a code matching none) is
// returned as it is, for verify to judge.
func (s *Service) expandManual(ctx context.Context, fairID, code string) (string, error) {
	manual := typedManual(code)
	if manual == "" {
		return code, nil
	}
	valid, err := s.Store.Valid(ctx, fairID)
	if err != nil {
		return "", err
	}
	for _, b := range valid {
		if s.Key.namesBadge(manual, b.ID) {
			return s.Key.Code(b.ID), nil
		}
	}
	return code, nil
}
