package localstack

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestTodayStartHasBegunSlots: the demo's B2B day today starts at most three hours before now,
// on the half hour, never before midnight and never so late that it runs into tomorrow.
func TestTodayStartHasBegunSlots(t *testing.T) {
	for at, want := range map[string]string{"00:05": "00:00", "02:59": "00:00", "10:47": "07:30", "11:00": "08:00", "23:05": "19:00", "23:59": "19:00"} {
		now, err := time.ParseInLocation("2006-01-02 15:04", "2026-12-04 "+at, vntext.Zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := todayStart(now); got != want {
			t.Errorf("todayStart at %s = %s, want %s", at, got, want)
		}
	}
}
