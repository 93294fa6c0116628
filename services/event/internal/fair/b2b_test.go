package fair

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// TestB2BDayEndsByMidnight: a day's start + slots × slot_minutes + lunch_minutes is at most 24:00
// of its date, and the error on its slots says when it would end.
func TestB2BDayEndsByMidnight(t *testing.T) {
	f, err := New("f1", "org1", valid(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	base := B2BDay{Date: day(2026, 12, 11), SlotMinutes: 30, Slots: 8, MorningSlots: 4, Tables: 10}
	tests := []struct {
		name     string
		start    string
		slotMins int
		slots    int
		lunch    int
		errs     []string
		vi, en   string
	}{
		{"ends at 24:00", "20:00", 30, 8, 0, nil, "", ""},
		{"a minute past", "20:01", 30, 8, 0, []string{"days[0].slots fair_b2b_day_past_midnight"},
			"quá nhiều: ngày B2B sẽ kết thúc lúc 00:01 ngày hôm sau; giờ bắt đầu cộng số lượt × số phút mỗi lượt và giờ nghỉ trưa phải xong trước 24:00 của ngày đó",
			"are too many: the day would end at 00:01 the next day; its start plus slots × minutes per slot and the lunch pause must end by 24:00 of its date"},
		{"the pause pushes it past", "20:00", 30, 8, 10, []string{"days[0].slots fair_b2b_day_past_midnight"}, "", "the day would end at 00:10 the next day"},
		{"the probe's day", "23:50", 120, 40, 240, []string{"days[0].slots fair_b2b_day_past_midnight"}, "", "the day would end at 11:50, 4 days later"},
		{"a bad start is said once", "25:00", 120, 40, 0, []string{"days[0].start_time fair_b2b_start_time"}, "", ""},
		{"too many slots are said once", "08:00", 120, 41, 0, []string{"days[0].slots between"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := base
			d.StartTime, d.SlotMinutes, d.Slots, d.LunchMinutes = tt.start, tt.slotMins, tt.slots, tt.lunch
			_, err := f.SetB2BDays([]B2BDay{d}, time.Now())
			if got := fieldCodes(err); !slices.Equal(got, tt.errs) {
				t.Fatalf("SetB2BDays(%s + %d × %d + %d) errors = %v (%v), want %v", tt.start, tt.slots, tt.slotMins, tt.lunch, got, err, tt.errs)
			}
			var e *apperr.Error
			if !errors.As(err, &e) {
				return
			}
			for lang, want := range map[apperr.Lang]string{apperr.Vietnamese: tt.vi, apperr.English: tt.en} {
				if got := e.Fields[0].Localize(lang).Message; !strings.Contains(got, want) {
					t.Errorf("SetB2BDays in %s = %q, want it to hold %q", lang, got, want)
				}
			}
		})
	}
}
