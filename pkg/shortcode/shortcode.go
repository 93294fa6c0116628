// Package shortcode is the short codes people read out and type: a badge's manual code at the
// gate, a password reset code over the phone. They are Crockford's base 32 (digits and letters
// without I, L, O and U, so 0/O and 1/I/L cannot be confused) in two groups: "7KQ2M-X9D4C".
package shortcode

import "strings"

// Alphabet is Crockford's base 32.
const Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Grouped writes n characters taken from the low 5 bits of each of next's values as two groups
// joined by a dash.
func Grouped(n int, next func(i int) byte) string {
	var b strings.Builder
	for i := range n {
		if i == n/2 {
			b.WriteByte('-')
		}
		b.WriteByte(Alphabet[next(i)&31])
	}
	return b.String()
}

// Normal reads a typed code of n characters as it is written (Grouped): letters in either case,
// spaces, dashes and dots anywhere, O for 0 and I or L for 1, as Crockford's base 32 reads them.
// It reports false for text that is no such code.
func Normal(s string, n int) (string, bool) {
	if len(s) > 4*n {
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
		if !strings.ContainsRune(Alphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) != n {
		return "", false
	}
	return c[:n/2] + "-" + c[n/2:], true
}
