package matchmakingapp

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/badge"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
)

// TestCheckInsAgainstHostileClients sends the check-in and badge routes what a careless or
// hostile client sends: fields out of range or far too long, a scan ID sent again with another
// badge or place, a revocation sent twice or retried late, odd pages and language headers.
func TestCheckInsAgainstHostileClients(t *testing.T) {
	x := startFairDay(t)
	var p, b badgeBody
	x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &p)
	x.buyer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &b)
	if p.Code == "" || b.Code == "" {
		t.Fatalf("badges: producer %q, buyer %q", p.Code, b.Code)
	}
	x.producerCode = p.Code
	t.Run("fields out of range", func(t *testing.T) { x.probeFields(t) })
	t.Run("a scan ID sent again with another badge or place", func(t *testing.T) { x.probeScanIDReused(t, b.Code) })
	t.Run("pages and languages", func(t *testing.T) { x.probePages(t) })
	t.Run("a revocation sent twice or retried late", func(t *testing.T) { x.probeRevokeRetried(t) })
	t.Run("another fair's organiser", func(t *testing.T) {
		for _, path := range []string{"/api/fairs/f1/meetings/counts", "/api/fairs/f1/checkins", "/api/fairs/f1/badges.pdf"} {
			if r := x.orgOfOther.Do(t, "GET", path, nil); r.Status != 403 {
				t.Errorf("GET %s by another fair's organiser: %d %.200s, want 403", path, r.Status, r.Body)
			}
		}
		if r := x.orgOfOther.Do(t, "GET", "/api/fairs/f2/meetings/counts", nil); r.Status != 200 {
			t.Errorf("the organiser's own fair's counts: %d %s", r.Status, r.Body)
		}
	})
}

// probeFields: every field a client controls is bounded, and refused naming the field.
func (x *fairDay) probeFields(t *testing.T) {
	code := x.producerCode
	scan := func(extra map[string]any) map[string]any {
		body := map[string]any{"scan_id": uuid.NewString(), "code": code, "place": "table", "table": 1}
		for k, v := range extra {
			if v == nil {
				delete(body, k)
				continue
			}
			body[k] = v
		}
		return body
	}
	for _, c := range []struct {
		name   string
		body   any
		status int
		says   string
	}{
		{"a table past the fair's 3", scan(map[string]any{"table": 4}), 422, `"field":"table"`},
		{"table 2^31", scan(map[string]any{"table": 1 << 31}), 422, `"field":"table"`},
		{"table 2^70", `{"scan_id":"` + uuid.NewString() + `","code":"` + code + `","place":"table","table":1180591620717411303424}`, 422, `"field":"table"`},
		{"table as text", scan(map[string]any{"table": "1"}), 422, `"field":"table"`},
		{"table 0 at a table", scan(map[string]any{"table": 0}), 422, `"field":"table"`},
		{"a table at the gate", scan(map[string]any{"place": "gate"}), 422, `"field":"table"`},
		{"a code of 1 MiB", scan(map[string]any{"code": strings.Repeat("A", 1<<20)}), 413, ""},
		{"a code of 10 kB", scan(map[string]any{"code": badge.Prefix + strings.Repeat("A", 10000)}), 422, `"code":"badge_invalid"`},
		{"a code with a NUL", scan(map[string]any{"code": code + "\x00"}), 422, `"code":"badge_invalid"`},
		{"an empty code", scan(map[string]any{"code": ""}), 422, `"field":"code"`},
		{"a scan ID as a URN", scan(map[string]any{"scan_id": "urn:uuid:" + uuid.NewString()}), 422, `"field":"scan_id"`},
		{"a scan ID in braces", scan(map[string]any{"scan_id": "{" + uuid.NewString() + "}"}), 422, `"field":"scan_id"`},
		{"no scan ID", scan(map[string]any{"scan_id": nil}), 422, `"field":"scan_id"`},
		{"scanned_at without a zone", scan(map[string]any{"scanned_at": time.Now().Format("2006-01-02T15:04:05")}), 422, `"field":"scanned_at"`},
		{"scanned_at in year 1", scan(map[string]any{"scanned_at": "0001-01-01T00:00:00Z"}), 422, `"code":"checkin_scanned_too_old"`},
		{"scanned_at in year 9999", scan(map[string]any{"scanned_at": "9999-12-31T23:59:59+07:00"}), 422, `"code":"checkin_scanned_in_future"`},
		{"an unknown field", scan(map[string]any{"fair_id": "f2"}), 422, "fair_id"},
		{"a body that is no object", `[1,2,3]`, 422, `"field":"body"`},
	} {
		r := x.org.Do(t, "POST", "/api/fairs/f1/checkins", c.body)
		if r.Status != c.status && !(c.status == 422 && r.Status == 400) || !strings.Contains(string(r.Body), c.says) {
			t.Errorf("%s: %d %.300s, want %d saying %s", c.name, r.Status, r.Body, c.status, c.says)
		}
	}
	var list struct{ Counts struct{ Gate, Table int } }
	x.org.Do(t, "GET", "/api/fairs/f1/checkins", nil).Decode(t, &list)
	if list.Counts.Gate+list.Counts.Table != 0 {
		t.Errorf("refused scans were stored: %+v", list.Counts)
	}
	// The times a scan answers are in Vietnam's time, whatever zone the page sent.
	at := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	status, c, body := checkIn(t, x.org, uuid.NewString(), x.producerCode, "gate", 0, at)
	if status != 201 || c.ScannedAt != at.In(time.FixedZone("", 7*3600)).Format(time.RFC3339) || !strings.Contains(string(body), `+07:00"`) {
		t.Errorf("a scan sent in UTC: %d %s, want its times at +07:00", status, body)
	}
}

// probeScanIDReused: a scan ID is the scan's idempotency key. Sent again with the same scan it
// repeats the first answer; sent with another badge (a forged one too), place or table it is
// refused, rather than answering ✔ with the first scan's person.
func (x *fairDay) probeScanIDReused(t *testing.T, buyerCode string) {
	scan := uuid.NewString()
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	if status, _, body := checkIn(t, x.org, scan, x.producerCode, "gate", 0, at); status != 201 {
		t.Fatalf("the first scan: %d %s", status, body)
	}
	forged := badge.NewKey().Code(badge.NewID())
	for _, c := range []struct {
		name, code, place string
		table             int
		at                time.Time
	}{
		{"another participant's badge", buyerCode, "gate", 0, at},
		{"a forged code", forged, "gate", 0, at},
		{"a table instead of the gate", x.producerCode, "table", 1, at},
		{"another time", x.producerCode, "gate", 0, at.Add(time.Second)},
	} {
		status, _, body := checkIn(t, x.org, scan, c.code, c.place, c.table, c.at)
		if status != 422 || !strings.Contains(string(body), `"code":"checkin_scan_reused"`) || !strings.Contains(string(body), `"field":"scan_id"`) {
			t.Errorf("the scan ID sent again with %s: %d %s, want 422 checkin_scan_reused on scan_id", c.name, status, body)
		}
	}
	_, _, body := checkIn(t, x.org, scan, buyerCode, "gate", 0, at, "Accept-Language", "en")
	if !strings.Contains(string(body), "already used for another scan") {
		t.Errorf("the refusal in English: %s", body)
	}
	status, again, body := checkIn(t, x.org, scan, x.producerCode, "gate", 0, at)
	if status != 200 || !again.Repeat || again.Participant.ID != "p1" {
		t.Errorf("the same scan again: %d %s, want 200 repeat", status, body)
	}
}

// probePages: the check-in list caps its limit and refuses a cursor it did not make; an
// Accept-Language header of junk falls back to Vietnamese.
func (x *fairDay) probePages(t *testing.T) {
	for range 2 {
		if status, _, body := checkIn(t, x.org, uuid.NewString(), x.producerCode, "gate", 0, time.Time{}); status != 201 {
			t.Fatalf("a gate scan: %d %s", status, body)
		}
	}
	for _, c := range []struct {
		query, says string
		status      int
	}{
		{"?limit=0", `"field":"limit"`, 422},
		{"?limit=-1", `"field":"limit"`, 422},
		{"?limit=99999999999999999999", `"field":"limit"`, 422},
		{"?cursor=" + strings.Repeat("x", 600), `"field":"cursor"`, 422},
		{"?cursor=eyJ4Ijp9", `"field":"cursor"`, 422},
		{"?limit=1000000", `"items"`, 200},
	} {
		r := x.org.Do(t, "GET", "/api/fairs/f1/checkins"+c.query, nil)
		if r.Status != c.status || !strings.Contains(string(r.Body), c.says) {
			t.Errorf("GET checkins%.40s: %d %.200s, want %d saying %s", c.query, r.Status, r.Body, c.status, c.says)
		}
	}
	seen := map[string]bool{}
	next := ""
	for page := 0; page < 20; page++ {
		var l struct {
			Items      []checkInBody
			NextCursor string `json:"next_cursor"`
		}
		x.org.Do(t, "GET", "/api/fairs/f1/checkins?limit=1&cursor="+next, nil).Decode(t, &l)
		for _, it := range l.Items {
			if seen[it.ScanID] {
				t.Errorf("page %d repeats %s", page, it.ScanID)
			}
			seen[it.ScanID] = true
		}
		if next = l.NextCursor; next == "" {
			break
		}
	}
	var all struct{ Counts struct{ Gate, Table int } }
	x.org.Do(t, "GET", "/api/fairs/f1/checkins", nil).Decode(t, &all)
	if len(seen) != all.Counts.Gate+all.Counts.Table {
		t.Errorf("pages of one gave %d check-ins, the counts %+v", len(seen), all.Counts)
	}
	for _, h := range []string{strings.Repeat("x-", 4000), "en;q=abc", "*;q=2, ;;;", "\xff\xfe"} {
		var got badgeBody
		r := x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil, "Accept-Language", h)
		r.Decode(t, &got)
		if r.Status != 200 || got.RoleLabel != "Chủ thể OCOP" {
			t.Errorf("Accept-Language %.20q: %d %+v, want the badge in Vietnamese", h, r.Status, got)
		}
	}
}

// probeRevokeRetried: a revocation sent again (the first answer lost) still answers 204, and one
// retried with its Idempotency-Key after the participant took a new badge replays the first
// answer instead of revoking the new badge.
func (x *fairDay) probeRevokeRetried(t *testing.T) {
	key := "revoke-" + uuid.NewString()
	for i := range 2 {
		if r := x.org.Do(t, "POST", "/api/fairs/f1/badges/p1/revoke", nil, "Idempotency-Key", key); r.Status != 204 {
			t.Fatalf("revoke %d with its key: %d %s, want 204", i+1, r.Status, r.Body)
		}
	}
	if r := x.org.Do(t, "POST", "/api/fairs/f1/badges/p1/revoke", nil); r.Status != 204 {
		t.Errorf("the revocation sent again without a key: %d %s, want 204 (the badge is revoked)", r.Status, r.Body)
	}
	var next badgeBody
	x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &next)
	if next.Code == "" || next.Code == x.producerCode {
		t.Fatalf("the badge after the revocation: %q", next.Code)
	}
	if r := x.org.Do(t, "POST", "/api/fairs/f1/badges/p1/revoke", nil, "Idempotency-Key", key); r.Status != 204 || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the revocation retried late with its key: %d %s %v, want the first 204 replayed", r.Status, r.Body, r.Header)
	}
	if status, _, body := checkIn(t, x.org, uuid.NewString(), next.Code, "gate", 0, time.Time{}); status != 201 {
		t.Errorf("the new badge after a late retry of the revocation: %d %s, want 201", status, body)
	}
	if r := x.org.Do(t, "POST", "/api/fairs/f1/badges/nobody/revoke", nil); r.Status != 404 || !strings.Contains(string(r.Body), `"code":"badge_not_held"`) {
		t.Errorf("revoking for someone who never held a badge: %d %s, want 404", r.Status, r.Body)
	}
	if r := x.orgOfOther.Do(t, "POST", "/api/fairs/f1/badges/p1/revoke", nil); r.Status != 403 {
		t.Errorf("another fair's organiser revoking: %d %s, want 403", r.Status, r.Body)
	}
}

// TestAnAttendedMeetingIsNotMoved: once both participants checked in at a meeting's table (they
// may sit down 15 minutes before its slot), organisers can no longer move it to another slot or
// table: its attendance would name a place where it did not happen.
func TestAnAttendedMeetingIsNotMoved(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startReplica(t, natsURL, testenv.SharedURI(t), tokens, func(*App) {})
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	org := api.With(orgTok)
	// The day's first slot starts in 9 to 10 minutes: scans now fall in its window.
	begin := time.Now().In(vntext.Zone).Truncate(time.Minute).Add(10 * time.Minute)
	day := events.B2BDayV1{Date: begin.Format(time.DateOnly), StartTime: begin.Format("15:04"), SlotMinutes: 20, Slots: 4, MorningSlots: 4, Tables: 3}
	fairWithDays(t, app, "f1", orgAcc, day)
	pTok, pAcc := tokens.Token(t, "producer", "")
	producerOf(t, app, "p1", pAcc)
	assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "f1", "B-01", "p1")
	testenv.Eventually(t, "the index", func() bool { return app.Index.Stats().Producers == 1 && app.Index.Stats().Fairs == 1 })
	waitBooths(t, app, "f1", "p1", 1)
	bTok, _ := tokens.Token(t, "buyer", "")
	producer, buyer := api.With(pTok), api.With(bTok)
	id := acceptedMeeting(t, buyer, producer, "f1", newBuyer(t, buyer, "Siêu thị Hương Việt"), "p1")
	if r := org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", nil); r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	if m := readMeeting(t, buyer, id); m.Slot != 1 || m.Table != 1 {
		if r := org.Do(t, "POST", "/api/meetings/"+id+"/move", map[string]any{"day": day.Date, "slot": 1, "table": 1}); r.Status != 200 {
			t.Fatalf("move to slot 1, table 1: %d %s", r.Status, r.Body)
		}
	}
	for _, c := range []testenv.Client{producer, buyer} {
		var b badgeBody
		c.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &b)
		if status, _, body := checkIn(t, org, uuid.NewString(), b.Code, "table", 1, time.Time{}); status != 201 {
			t.Fatalf("table scan: %d %s", status, body)
		}
	}
	if m := readMeetingAttended(t, buyer, id); !m.Attended {
		t.Fatalf("the meeting after both scans at its table: %+v, want attended", m)
	}
	for _, to := range []map[string]any{{"day": day.Date, "slot": 2, "table": 1}, {"day": day.Date, "slot": 1, "table": 2}} {
		wantProblem(t, fmt.Sprintf("moving the attended meeting to %v", to), org.Do(t, "POST", "/api/meetings/"+id+"/move", to), 409, "meeting_move_settled")
	}
	if m := readMeeting(t, buyer, id); m.Slot != 1 || m.Table != 1 {
		t.Errorf("the attended meeting is at slot %d, table %d; want it kept at slot 1, table 1", m.Slot, m.Table)
	}
	// A new scheduling run keeps it there too, even once its producer says slot 1 does not suit.
	if r := producer.Do(t, "PUT", "/api/fairs/f1/unavailability", map[string]any{"day": day.Date, "slots": []int{1}}); r.Status != 204 {
		t.Fatalf("unavailability: %d %s", r.Status, r.Body)
	}
	if r := org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", nil); r.Status != 200 {
		t.Fatalf("reschedule: %d %s", r.Status, r.Body)
	}
	if m := readMeeting(t, buyer, id); m.Slot != 1 || m.Table != 1 {
		t.Errorf("after a new run the attended meeting is at slot %d, table %d; want it kept at slot 1, table 1", m.Slot, m.Table)
	}
}

// TestCheckInsDoNotAttendAMeetingMovedMeanwhile: a replica whose agenda has not yet heard of a
// move (another replica moved the meeting a moment ago) takes both participants' scans at the
// meeting's old table without marking it attended: attendance is checked against the schedule
// as stored.
func TestCheckInsDoNotAttendAMeetingMovedMeanwhile(t *testing.T) {
	x := startFairDay(t)
	ctx := context.Background()
	// Another replica's move, which this replica's agenda has not heard of: the schedule's new
	// version stored without its event.
	store := meeting.NewStore(x.first.Host.DB)
	lease, err := store.TakeLease(ctx, "f1", "elsewhere", time.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := store.Timetable(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	next := meeting.Timetable{FairID: "f1", Version: lease.Epoch, Placements: map[string]meeting.Placement{}, CreatedAt: time.Now()}
	maps.Copy(next.Placements, cur.Placements)
	moved := next.Placements[x.meetingID]
	moved.Table = x.table%3 + 1
	next.Placements[x.meetingID] = moved
	if err := store.SaveTimetable(ctx, lease, time.Now(), next, ""); err != nil {
		t.Fatal(err)
	}
	_ = store.ReleaseLease(ctx, lease)
	var p, b badgeBody
	x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &p)
	x.buyer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &b)
	for _, code := range []string{p.Code, b.Code} {
		if status, _, body := checkIn(t, x.org, uuid.NewString(), code, "table", x.table, x.start.Add(time.Minute)); status != 201 {
			t.Fatalf("a scan at the old table: %d %s", status, body)
		}
	}
	var m meetingBody
	x.buyer.Do(t, "GET", "/api/meetings/"+x.meetingID, nil).Decode(t, &m)
	if a := readMeetingAttended(t, x.buyer, x.meetingID); a.Attended || m.Table != moved.Table {
		t.Errorf("the meeting moved to table %d after both scans at its old table %d: table %d, %+v; want it not attended", moved.Table, x.table, m.Table, a)
	}
}
