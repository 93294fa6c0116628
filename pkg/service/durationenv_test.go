package service

import (
	"testing"
	"time"
)

// An optional duration setting keeps its default when unset, is taken within its range, and is
// refused, named, outside it (max 0: no upper bound).
func TestDurationEnv(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	for _, tc := range []struct {
		value   string
		max     time.Duration
		want    time.Duration
		refused bool
	}{
		{"", time.Hour, 5 * time.Minute, false},
		{"90s", time.Hour, 90 * time.Second, false},
		{"2h", time.Hour, 5 * time.Minute, true},
		{"2h", 0, 2 * time.Hour, false},
		{"500ms", time.Hour, 5 * time.Minute, true},
		{"soon", time.Hour, 5 * time.Minute, true},
	} {
		d := 5 * time.Minute
		err := DurationEnv(env(tc.value), "OCOPFAIR_X", time.Second, tc.max, "a duration from 1s to 1h", &d)
		if (err != nil) != tc.refused || d != tc.want {
			t.Errorf("%q (max %v): %v, %v; want %v, refused %v", tc.value, tc.max, d, err, tc.want, tc.refused)
		}
		if err != nil && err.Error() != `OCOPFAIR_X="`+tc.value+`": must be a duration from 1s to 1h` {
			t.Errorf("%q: the refusal says %q", tc.value, err)
		}
	}
}
