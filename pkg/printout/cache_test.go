package printout

import (
	"fmt"
	"slices"
	"testing"
)

// A code drawn again is the one drawn first, from its remembered mask, and a known URL whose
// standard mask does not read is remembered with another; the cache keeps to its size.
func TestMasksRemembered(t *testing.T) {
	const bad = "https://hoicho.example.vn/v/5bf0twwzqa3" // the standard's mask does not read
	first, err := bitmap(bad)
	if err != nil {
		t.Fatal(err)
	}
	mask, ok := masks.get(bad)
	if !ok || mask < 0 {
		t.Fatalf("mask remembered for %s = %d, %v; want one of the others", bad, mask, ok)
	}
	again, err := bitmap(bad)
	if err != nil || !slices.EqualFunc(first, again, slices.Equal) {
		t.Errorf("drawn again: %v, same modules %v", err, slices.EqualFunc(first, again, slices.Equal))
	}
	c := &maskCache{size: 100, m: map[string]int{}}
	for i := range 250 {
		c.put(fmt.Sprint("text ", i), i%8)
	}
	c.put("text 249", 3)
	if len(c.m) != 100 {
		t.Errorf("cache of size 100 holds %d", len(c.m))
	}
	if m, ok := c.get("text 249"); !ok || m != 3 {
		t.Errorf("the latest text = %d, %v; want 3", m, ok)
	}
}
