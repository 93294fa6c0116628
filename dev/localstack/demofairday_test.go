package localstack

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestTodayStartHasBegunSlots: the demo's B2B day today starts at the demo's clock (three hours
// before now) on the half hour, and never so late that it runs into tomorrow; the clock is
// Vietnam's, three hours back.
func TestTodayStartHasBegunSlots(t *testing.T) {
	for at, want := range map[string]string{"00:05": "00:00", "02:59": "02:30", "10:47": "10:30", "19:29": "19:00", "23:05": "19:00", "23:59": "19:00"} {
		now, err := time.ParseInLocation("2006-01-02 15:04", "2026-12-04 "+at, vntext.Zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := todayStart(now); got != want {
			t.Errorf("todayStart at %s = %s, want %s", at, got, want)
		}
	}
}

// TestDemoClockIsVietnamThreeHoursBack: the demo's dates are Vietnam's, three hours back, so
// that just after midnight in Vietnam the demo's today is still the day before.
func TestDemoClockIsVietnamThreeHoursBack(t *testing.T) {
	now, clock := time.Now(), demoNow()
	if _, off := clock.Zone(); off != 7*3600 || now.Add(-3*time.Hour).Sub(clock).Abs() > time.Second {
		t.Errorf("demoNow() = %v at %v, want Vietnam's time three hours back", clock, now)
	}
}
