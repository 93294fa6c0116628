package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

func TestOccupancyIsRoundedToOneDecimal(t *testing.T) {
	tests := []struct {
		name             string
		assigned, booths int
		want             float64
	}{
		{"1 of 15 rounds up", 1, 15, 6.7},
		{"2 of 3 rounds up", 2, 3, 66.7},
		{"1 of 3 rounds down", 1, 3, 33.3},
		{"all", 4, 4, 100},
		{"none", 0, 7, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Fair: fair.Fair{ID: "f"}}
			for i := range tt.booths {
				code := fmt.Sprintf("A-%02d", i+1)
				in.Booths = append(in.Booths, booth.Booth{FairID: "f", Code: code, Zone: "A"})
				if i < tt.assigned {
					in.Assignments = append(in.Assignments, booth.Assignment{ID: code, FairID: "f", Code: code, Zone: "A", ApplicationID: "a", Active: true})
				}
			}
			if got := Build(in).Booths.OccupancyPercent; got != tt.want {
				t.Errorf("Build(%d of %d booths assigned).Booths.OccupancyPercent = %v, want %v", tt.assigned, tt.booths, got, tt.want)
			}
		})
	}
}

// A fair without booths or exhibitors reports its lists as [], never null: the document says
// they are always arrays, and a client iterates them without a null check.
func TestEmptyListsAreArrays(t *testing.T) {
	b, err := json.Marshal(Build(Input{Fair: fair.Fair{ID: "f"}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"by_zone":[]`, `"by_province":[]`, `"by_sector":[]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the report of an empty fair lacks %s: %s", want, b)
		}
	}
}
