package httpx

import "time"

// SetBodyRate sets the least rate and the grace of request bodies until the returned function
// restores them.
func SetBodyRate(rate int64, grace time.Duration) (restore func()) {
	r, g := minBodyRate, bodyGrace
	minBodyRate, bodyGrace = rate, grace
	return func() { minBodyRate, bodyGrace = r, g }
}
