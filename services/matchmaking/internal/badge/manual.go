package badge

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"strings"
)

// manualAlphabet is Crockford's base 32: digits and letters without I, L, O and U, so that a
// code read off a badge and typed at the gate has no look-alikes (0/O, 1/I/L) to get wrong.
const manualAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// manualLen is a manual code's length: 10 characters, 50 bits of an HMAC, typed as two groups
// of five. Only a fair's staff may check codes in, one at a time, against that fair's badges.
const manualLen = 10

// Manual is the code staff type when the camera cannot read a badge, as printed on it and shown
// with it ("7KQ2M-X9D4C"): the first 50 bits of HMAC-SHA256(key, "OB1M."+id) in Crockford's
// base 32. It is a second name of the badge, not a secret of the account.
func (k Key) Manual(id string) string {
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte("OB1M." + id))
	sum := mac.Sum(nil)
	var b strings.Builder
	var acc uint64
	for _, x := range sum[:8] {
		acc = acc<<8 | uint64(x)
	}
	for i := range manualLen {
		b.WriteByte(manualAlphabet[(acc>>(59-5*i))&31])
		if i == manualLen/2-1 {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// NormalManual reads a typed manual code as its printed form: letters in either case, spaces,
// dashes and dots anywhere, O for 0 and I or L for 1 (as Crockford's base 32 reads them); false
// for text that is no manual code.
func NormalManual(s string) (string, bool) {
	if len(s) > 40 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if !strings.ContainsRune(manualAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) != manualLen {
		return "", false
	}
	return c[:manualLen/2] + "-" + c[manualLen/2:], true
}

// namesBadge reports whether code, typed by hand, is the manual code of badge id.
func (k Key) namesBadge(code, id string) bool {
	m, ok := NormalManual(code)
	return ok && !strings.HasPrefix(strings.TrimSpace(code), Prefix) && hmac.Equal([]byte(k.Manual(id)), []byte(m))
}

// expandManual turns a manual code typed at fair fairID into the badge's full code, looked up
// among the fair's valid badges; any other text (a scanned code, a code matching none) is
// returned as it is, for verify to judge.
func (s *Service) expandManual(ctx context.Context, fairID, code string) (string, error) {
	if _, ok := NormalManual(code); !ok || strings.HasPrefix(strings.TrimSpace(code), Prefix) {
		return code, nil
	}
	valid, err := s.Store.Valid(ctx, fairID)
	if err != nil {
		return "", err
	}
	for _, b := range valid {
		if s.Key.namesBadge(code, b.ID) {
			return s.Key.Code(b.ID), nil
		}
	}
	return code, nil
}
