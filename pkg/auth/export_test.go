package auth

// VerifiedLen returns how many tokens v remembers, for the tests of its bound.
func (v *Verifier) VerifiedLen() int { return v.verified.len() }
