package localstack_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/testenv"
)

// checkDemoFairs checks, as the demo organiser, that the demo has a fair in each lifecycle state
// and that the live fair's B2B meetings were scheduled and held with MoUs and a contract with its
// value; it returns the Hà Nội fair's ID.
func checkDemoFairs(t *testing.T, gw testenv.Client, org localstack.DemoAccount) string {
	t.Helper()
	orgC := signInAs(t, gw, org.Email, org.Password)
	var fairs struct {
		Items []struct {
			ID     string
			NameVI string `json:"name_vi"`
			Status string
		}
	}
	orgC.Do(t, "GET", "/api/fairs?organiser=me&limit=100", nil).Decode(t, &fairs)
	byStatus := map[string]string{}
	hanoi := ""
	for _, f := range fairs.Items {
		byStatus[f.Status] = f.ID
		if strings.HasPrefix(f.NameVI, "Hội chợ OCOP Hà Nội") {
			hanoi = f.ID
		}
	}
	for _, st := range []string{"draft", "published", "applications_closed", "live", "completed", "cancelled"} {
		if byStatus[st] == "" {
			t.Errorf("no demo fair is %s: %+v", st, fairs.Items)
		}
	}
	if hanoi == "" {
		t.Fatalf("no Hà Nội fair among %+v", fairs.Items)
	}
	var plan struct {
		Landmarks []struct{ Kind, Label string }
	}
	gw.Do(t, "GET", "/api/fairs/"+hanoi+"/booths", nil).Decode(t, &plan)
	if !slices.Contains(plan.Landmarks, struct{ Kind, Label string }{"entrance", "Cổng chính"}) {
		t.Errorf("the Hà Nội fair's map has landmarks %+v, want its main entrance among them", plan.Landmarks)
	}
	var meetings struct {
		Items []struct {
			Outcome  string
			ValueVND int64 `json:"value_vnd"`
			Day      string
		}
	}
	orgC.Do(t, "GET", "/api/fairs/"+byStatus["live"]+"/meetings?limit=100", nil).Decode(t, &meetings)
	mous, contracts, scheduled := 0, 0, 0
	for _, m := range meetings.Items {
		if m.Day != "" {
			scheduled++
		}
		switch {
		case m.Outcome == "mou_signed":
			mous++
		case m.Outcome == "contract_signed" && m.ValueVND > 0:
			contracts++
		}
	}
	if scheduled == 0 || mous == 0 || contracts == 0 {
		t.Errorf("the live fair's meetings: %d scheduled, %d MoUs, %d contracts with a value; want some of each", scheduled, mous, contracts)
	}
	checkDemoFairDay(t, orgC, byStatus["live"])
	var hanoiMeetings struct {
		Items []struct{ Status, Day string }
	}
	orgC.Do(t, "GET", "/api/fairs/"+hanoi+"/meetings?limit=100", nil).Decode(t, &hanoiMeetings)
	states := map[string]bool{}
	for _, m := range hanoiMeetings.Items {
		states[m.Status] = true
		if m.Status == "accepted" && m.Day == "" {
			t.Errorf("an accepted meeting at the Hà Nội fair has no slot: %+v", m)
		}
	}
	if !states["requested"] || !states["accepted"] || !states["declined"] {
		t.Errorf("meetings at the Hà Nội fair: %+v, want one requested, accepted and declined", hanoiMeetings.Items)
	}
	return hanoi
}

// checkDemoFairDay checks that the live fair's day shows badges scanned at the gate and at the
// tables, meetings attended, and QR scans in its report.
func checkDemoFairDay(t *testing.T, org testenv.Client, live string) {
	t.Helper()
	var checkins struct {
		Counts struct {
			Gate             int
			Table            int
			People           int
			AttendedMeetings int `json:"attended_meetings"`
		}
	}
	org.Do(t, "GET", "/api/fairs/"+live+"/checkins", nil).Decode(t, &checkins)
	if c := checkins.Counts; c.Gate < 12 || c.People < 12 || c.Table < 2 || c.AttendedMeetings < 1 {
		t.Errorf("the live fair's check-ins: %+v, want every participant at the gate, table scans and a meeting attended", c)
	}
	// Views are counted in batches every 10 s: wait up to three of them.
	var rep struct {
		MeetingsAttended int `json:"meetings_attended"`
		ScanCount        int `json:"scan_count"`
	}
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		org.Do(t, "GET", "/api/fairs/"+live+"/report", nil).Decode(t, &rep)
		if rep.MeetingsAttended >= 1 && rep.ScanCount > 0 {
			return
		}
	}
	t.Errorf("the live fair's report: %d meetings attended, %d QR scans; want some of each", rep.MeetingsAttended, rep.ScanCount)
}
