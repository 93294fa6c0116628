package fair

import (
	"fmt"
	"slices"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// B2BDay is one day of B2B meetings: Slots slots of SlotMinutes from StartTime, the first
// MorningSlots of them in the morning, at Tables tables, and a pause of LunchMinutes between
// the morning and the afternoon (the afternoon's slots start that much later; the pause is
// no one's break). The day ends by 24:00 of its date.
type B2BDay struct {
	Date         time.Time
	StartTime    string
	SlotMinutes  int
	Slots        int
	MorningSlots int
	Tables       int
	LunchMinutes int
}

// MaxLunchMinutes is the longest pause between a B2B day's sessions.
const MaxLunchMinutes = 240

// minutesPerDay is 24:00, by which a B2B day must end.
const minutesPerDay = 24 * 60

// SetB2BDays validates and sets the B2B session days, which must fall within the fair and each
// end by midnight; it returns a Conflict for a completed or cancelled fair and field errors
// (Invalid) otherwise.
func (fr Fair) SetB2BDays(days []B2BDay, now time.Time) (Fair, error) {
	if fr.Status == Completed || fr.Status == Cancelled {
		return Fair{}, apperr.New(apperr.Conflict, msgFrozen, StatusName(fr.Status))
	}
	var v apperr.Validation
	v.Expect(len(days) <= 14, "days", apperr.TooMany, 14)
	seen := map[string]bool{}
	for i, d := range days {
		p := fmt.Sprintf("days[%d]", i)
		if v.Expect(!d.Date.IsZero(), p+".date", apperr.Required) {
			v.Expect(!d.Date.Before(fr.StartDate) && !d.Date.After(fr.EndDate), p+".date", msgDayOfFair)
			key := d.Date.Format(time.DateOnly)
			v.Expect(!seen[key], p+".date", msgListedTwice)
			seen[key] = true
		}
		checkDayTimes(&v, p, d)
	}
	if err := v.Err(); err != nil {
		return Fair{}, err
	}
	next := fr.clone()
	next.B2BDays = slices.Clone(days)
	slices.SortFunc(next.B2BDays, func(a, b B2BDay) int { return a.Date.Compare(b.Date) })
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// checkDayTimes checks the hours of the day at p: its start, slots, tables and pause, and, once
// those are valid, that the day ends by 24:00 of its date; agendas place a slot past midnight
// on the following days, which are no B2B day of the fair.
func checkDayTimes(v *apperr.Validation, p string, d B2BDay) {
	start, err := time.Parse("15:04", d.StartTime)
	valid := v.Expect(err == nil, p+".start_time", msgClock)
	valid = v.Expect(d.SlotMinutes >= 10 && d.SlotMinutes <= 120, p+".slot_minutes", msgMinutes, 10, 120) && valid
	valid = v.Expect(d.Slots >= 1 && d.Slots <= 40, p+".slots", apperr.Between, 1, 40) && valid
	v.Expect(d.MorningSlots >= 0 && d.MorningSlots <= d.Slots, p+".morning_slots", msgMorningSlots)
	v.Expect(d.Tables >= 1 && d.Tables <= 200, p+".tables", apperr.Between, 1, 200)
	if v.Expect(d.LunchMinutes >= 0 && d.LunchMinutes <= MaxLunchMinutes, p+".lunch_minutes", msgLunchMinutes, 0, MaxLunchMinutes) {
		v.Expect(d.LunchMinutes == 0 || d.MorningSlots > 0 && d.MorningSlots < d.Slots, p+".lunch_minutes", msgLunchOneSession)
	} else {
		valid = false
	}
	if !valid {
		return
	}
	end := start.Hour()*60 + start.Minute() + d.Slots*d.SlotMinutes + d.LunchMinutes
	v.Expect(end <= minutesPerDay, p+".slots", msgDayPastMidnight, dayEnd(end))
}

// dayEnd says when a day that ends end minutes after the midnight starting its date ends, past
// that date: "01:30 the next day".
func dayEnd(end int) apperr.Localized {
	clock := fmt.Sprintf("%02d:%02d", end%minutesPerDay/60, end%60)
	if later := end / minutesPerDay; later > 1 {
		return msgEndsDaysLater.With(clock, later)
	}
	return msgEndsNextDay.With(clock)
}
