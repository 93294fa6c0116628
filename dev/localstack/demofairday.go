package localstack

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// demoFairDay fills the live fair's day today (the demo's clock: see demoNow): the fair gets a B2B
// day today that has begun whenever the demo loads (see todayStart), with slots recent enough for
// scans to be taken, three more meetings are placed on it
// (their participants are busy all of yesterday's day), every participant's badge is scanned at
// the gate, both sides of two of today's meetings at their table (so those meetings are attended;
// the third has a buyer waiting alone), and visitors open the exhibitors' product verification
// pages a few times (the fair report's QR scans).
func demoFairDay(ctx context.Context, org demoClient, fairID string, exhibitors, buyers []demoParticipant) error {
	now := demoNow()
	day := func(n int) string { return now.AddDate(0, 0, n).Format(time.DateOnly) }
	session := func(date, start string) map[string]any {
		return map[string]any{"date": date, "start_time": start, "slot_minutes": 30, "slots": 8, "morning_slots": 4, "lunch_minutes": 60, "tables": 4}
	}
	var fair struct{ Revision int64 }
	if err := org.do(ctx, "PUT", "/api/fairs/"+fairID+"/b2b-sessions", map[string]any{"days": []map[string]any{
		session(day(-1), "08:00"), session(day(0), todayStart(now)), session(day(1), "08:00")}}, &fair); err != nil {
		return fmt.Errorf("demo: the live fair's day today: %w", err)
	}
	type pair struct{ b, p demoParticipant }
	pairs := []pair{{buyers[0], exhibitors[3]}, {buyers[1], exhibitors[4]}, {buyers[2], exhibitors[5]}}
	var ids []string
	for _, x := range pairs {
		for _, c := range []demoClient{x.b.c, x.p.c} {
			if err := c.do(ctx, "PUT", "/api/fairs/"+fairID+"/unavailability", map[string]any{"day": day(-1), "slots": []int{1, 2, 3, 4, 5, 6, 7, 8}}, nil); err != nil {
				return fmt.Errorf("demo: busy yesterday: %w", err)
			}
		}
		var m struct{ ID string }
		if err := x.b.c.do(ctx, "POST", "/api/fairs/"+fairID+"/meetings", map[string]any{"buyer_id": x.b.id, "producer_id": x.p.id}, &m); err != nil {
			return fmt.Errorf("demo: meeting today: %w", err)
		}
		if err := x.p.c.do(ctx, "POST", "/api/meetings/"+m.ID+"/accept", nil, nil); err != nil {
			return fmt.Errorf("demo: accept: %w", err)
		}
		ids = append(ids, m.ID)
	}
	if err := org.do(ctx, "POST", fmt.Sprintf("/api/fairs/%s/schedule?mode=repair&fair_revision=%d&time_limit_ms=2000&include_started=true", fairID, fair.Revision), nil, nil); err != nil {
		return fmt.Errorf("demo: schedule today: %w", err)
	}
	var everyone []demoParticipant
	everyone = append(append(everyone, buyers...), exhibitors...)
	if err := demoCheckIns(ctx, org, fairID, everyone, ids, [][2]demoParticipant{{pairs[0].b, pairs[0].p}, {pairs[1].b, pairs[1].p}, {pairs[2].b, pairs[2].p}}); err != nil {
		return err
	}
	return demoScans(ctx, org, exhibitors)
}

// demoNow is the demo's clock: Vietnam's time three hours ago. Every date of the demo counts from
// its day, and today's B2B day starts at its time (see todayStart), so that day's first slots
// began about three hours before the demo loads, whatever the hour, just after midnight too.
func demoNow() time.Time { return time.Now().In(vntext.Zone).Add(-3 * time.Hour) }

// todayStart is when the demo's B2B day today starts, for the demo's clock now: now on the half
// hour, but not after 19:00, so that its eight slots and lunch (five hours) end the same day.
func todayStart(now time.Time) string {
	minutes := now.Hour()*60 + now.Minute()
	minutes = min(minutes-minutes%30, 19*60)
	return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
}

// demoCheckIns scans every participant's badge at the gate, and at their table both sides of
// each of today's meetings ids (sides gives them, in the same order) whose slot has begun, but
// only the buyer of the third.
func demoCheckIns(ctx context.Context, org demoClient, fairID string, everyone []demoParticipant, ids []string, sides [][2]demoParticipant) error {
	now := time.Now()
	codes := map[string]string{} // participant -> badge code
	for _, p := range everyone {
		var b struct {
			Code string `json:"code"`
		}
		if err := eventually(ctx, func() error { return p.c.do(ctx, "GET", "/api/fairs/"+fairID+"/badge", nil, &b) }); err != nil {
			return fmt.Errorf("demo: badge: %w", err)
		}
		codes[p.id] = b.Code
	}
	checkIn := func(code, place string, table int, at time.Time) error {
		body := map[string]any{"scan_id": uuid.NewString(), "code": code, "place": place, "scanned_at": at.Format(time.RFC3339)}
		if table > 0 {
			body["table"] = table
		}
		return org.do(ctx, "POST", "/api/fairs/"+fairID+"/checkins", body, nil)
	}
	for i, p := range everyone {
		if err := checkIn(codes[p.id], "gate", 0, now.Add(-time.Duration(90-i)*time.Minute)); err != nil {
			return fmt.Errorf("demo: gate check-in: %w", err)
		}
	}
	for i, id := range ids {
		var m struct {
			Day    string `json:"day"`
			Table  int    `json:"table"`
			Starts string `json:"starts_at"`
		}
		if err := sides[i][0].c.do(ctx, "GET", "/api/meetings/"+id, nil, &m); err != nil {
			return err
		}
		start, err := time.Parse(time.RFC3339, m.Starts)
		if err != nil || m.Table == 0 {
			continue // not placed: nothing to scan at a table
		}
		at := start.Add(2 * time.Minute)
		if at.After(now) {
			at = now
		}
		if at.Before(start.Add(-10*time.Minute)) || now.Sub(at) > 23*time.Hour {
			continue // its slot is later today, or too long ago for a scan to be taken
		}
		came := sides[i][:]
		if i == 2 {
			came = came[:1] // the producer has not come to the table
		}
		for _, p := range came {
			if err := checkIn(codes[p.id], "table", m.Table, at); err != nil {
				return fmt.Errorf("demo: table check-in: %w", err)
			}
		}
	}
	return nil
}

// demoScans has visitors open each exhibitor's product verification page one to three times.
func demoScans(ctx context.Context, org demoClient, exhibitors []demoParticipant) error {
	anon := demoClient{base: org.base, http: org.http}
	for i, p := range exhibitors {
		var s struct {
			Code string `json:"code"`
		}
		if err := p.c.do(ctx, "GET", "/api/products/"+p.productID+"/scans", nil, &s); err != nil {
			return fmt.Errorf("demo: product code: %w", err)
		}
		for range 1 + i%3 {
			if err := anon.do(ctx, "GET", "/api/verify/"+s.Code, nil, nil); err != nil {
				return fmt.Errorf("demo: verification page: %w", err)
			}
		}
	}
	return nil
}
