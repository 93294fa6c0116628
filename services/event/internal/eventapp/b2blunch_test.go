package eventapp

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// A B2B day's pause between the sessions is kept, shown and sent to the other services; a pause
// on a day without both sessions is refused by its field.
func TestB2BDayLunchBreak(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội nghị kết nối cung cầu OCOP")
	var f struct {
		StartDate string `json:"start_date"`
		B2BDays   []struct {
			LunchMinutes int `json:"lunch_minutes"`
		} `json:"b2b_days"`
	}
	e.org.Do(t, "GET", "/api/fairs/"+id, nil).Decode(t, &f)
	day := map[string]any{"date": f.StartDate, "start_time": "08:00", "slot_minutes": 20, "slots": 22, "morning_slots": 13, "tables": 14, "lunch_minutes": 90}
	if r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/b2b-sessions", map[string]any{"days": []any{day}}); r.Status != 200 {
		t.Fatalf("b2b: %d %s", r.Status, r.Body)
	}
	e.org.Do(t, "GET", "/api/fairs/"+id, nil).Decode(t, &f)
	if len(f.B2BDays) != 1 || f.B2BDays[0].LunchMinutes != 90 {
		t.Errorf("the fair reads back %+v, want one day with a 90-minute pause", f.B2BDays)
	}
	var sent events.FairChangedV1
	testenv.Eventually(t, "b2b_sessions_set event", func() bool {
		evs := e.consumed(events.FairB2BSessionsSet)
		return len(evs) == 1 && json.Unmarshal(evs[0].Payload, &sent) == nil
	})
	if len(sent.Fair.B2BDays) != 1 || sent.Fair.B2BDays[0].LunchMinutes != 90 {
		t.Errorf("the event carries %+v, want one day with a 90-minute pause", sent.Fair.B2BDays)
	}
	for name, change := range map[string]map[string]any{
		"morning only": {"morning_slots": 22},
		"too long":     {"lunch_minutes": 300},
	} {
		bad := map[string]any{}
		for k, v := range day {
			bad[k] = v
		}
		for k, v := range change {
			bad[k] = v
		}
		r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/b2b-sessions", map[string]any{"days": []any{bad}})
		if r.Status != 422 || !strings.Contains(string(r.Body), "days[0].lunch_minutes") {
			t.Errorf("%s: %d %s, want 422 on days[0].lunch_minutes", name, r.Status, r.Body)
		}
	}
}
