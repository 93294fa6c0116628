package allocation

import "testing"

// TestPreferredZoneAsTyped: a producer's preferred zone, typed without accents or in another
// case, is the plan's zone of that name; one naming no zone of the plan places the application
// where there is room.
func TestPreferredZoneAsTyped(t *testing.T) {
	booths := append(row("Khu Nam Bộ", "A", 4, 0), row("Khu Tây Bắc", "B", 4, 20)...)
	for _, tt := range []struct {
		typed, zone string
		preferred   bool
	}{
		{"khu tay bac", "Khu Tây Bắc", true},
		{"  KHU TÂY BẮC ", "Khu Tây Bắc", true},
		{"Khu Tây Bắc", "Khu Tây Bắc", true},
		{"Khu Đông Nam Bộ", "Khu Nam Bộ", false},
	} {
		t.Run(tt.typed, func(t *testing.T) {
			prop := Allocate(Problem{Booths: booths, Applications: []Application{app("a1", 3, "15", []int{4}, 2, tt.typed, 0)}})
			pl, ok := placementOf(prop, "a1")
			if !ok || pl.Zone != tt.zone || pl.InPreferredZone != tt.preferred {
				t.Errorf("preferring %q: placement %+v, want in %s (preferred %v)", tt.typed, pl, tt.zone, tt.preferred)
			}
		})
	}
}
