package matchmakingapp

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/dev/testenv/pdftext"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/badge"
)

// fairDay is what the steps of TestBadgesCheckInsAndAttendance share: two replicas on one
// database, a fair whose B2B day began two hours ago with one scheduled meeting, and the clients
// of its organiser, its producer and its buyer.
type fairDay struct {
	first, second           *App
	api1, api2              testenv.Client
	org, producer, buyer    testenv.Client
	outsider, orgOfOther    testenv.Client
	buyerID, meetingID      string
	otherMeetingID          string    // the buyer's meeting with the producer at f2
	start                   time.Time // the meeting's slot
	table                   int
	producerCode, otherFair string
	producerManual          string // the producer's first badge's manual code
	producerAcc, buyerAcc   string
	tokens                  testenv.Tokens
}

type badgeBody struct {
	Code, Kind, Name, Organisation, Province string
	ManualCode                               string `json:"manual_code"`
	FairID                                   string `json:"fair_id"`
	FairName                                 string `json:"fair_name"`
	ParticipantID                            string `json:"participant_id"`
	RoleLabel                                string `json:"role_label"`
}

type checkInBody struct {
	ID, Place   string
	ScanID      string `json:"scan_id"`
	Table       int
	ScannedAt   string `json:"scanned_at"`
	Repeat      bool
	Participant struct{ ID, Kind, Name string }
	Meeting     *struct {
		ID         string
		SlotStart  string `json:"slot_start"`
		OtherParty string `json:"other_party"`
		Attended   bool
	}
}

// TestBadgesCheckInsAndAttendance: producers and buyers with a meeting get a badge whose signed
// code the staff scan; forged, altered and other fairs' codes are refused; a scan sent twice is
// stored once; and a meeting whose two participants checked in at its table within its slot is
// marked attended once, whatever order the scans arrive in.
func TestBadgesCheckInsAndAttendance(t *testing.T) {
	x := startFairDay(t)
	x.stepBadgesForParticipantsOnly(t)
	x.stepARenamedProducerIsPrintedByItsNewName(t)
	x.stepForgedAlteredAndOtherFairsCodesAreRefused(t)
	x.stepAScanSentTwiceIsStoredOnce(t)
	x.stepAManualCodeTypedChecksIn(t)
	x.stepTableCheckInsMarkTheMeetingAttended(t)
	x.stepALapsedBadgeIsRefused(t)
	x.stepADisabledAccountsBadgeIsRefused(t, x.tokens)
}

func startFairDay(t *testing.T) *fairDay {
	_, natsURL := testenv.NATS(t)
	uri, tokens := testenv.SharedURI(t), testenv.NewTokens(t)
	x := &fairDay{tokens: tokens}
	x.first, x.api1 = startReplica(t, natsURL, uri, tokens, func(*App) {})
	app := x.first
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	otherTok, otherAcc := tokens.Token(t, "organiser", "")
	x.org, x.orgOfOther = x.api1.With(orgTok), x.api1.With(otherTok)
	// The B2B day began two hours ago: every slot has passed, and scans of it are not too old.
	begin := time.Now().In(vntext.Zone).Add(-2 * time.Hour).Truncate(5 * time.Minute)
	day := events.B2BDayV1{Date: begin.Format(time.DateOnly), StartTime: begin.Format("15:04"), SlotMinutes: 20, Slots: 4, MorningSlots: 4, Tables: 3}
	publish(t, app, events.FairPublished, "f1", events.FairChangedV1{Fair: events.FairV1{ID: "f1", NameVI: "Hội chợ OCOP Hà Nội – Ngày hội B2B",
		Status: "published", Organisers: []string{orgAcc}, Revision: 2, B2BDays: []events.B2BDayV1{day}}})
	fairWithDays(t, app, "f2", otherAcc, day)
	publish(t, app, events.FairCreated, "f3", events.FairChangedV1{Fair: events.FairV1{ID: "f3", NameVI: "Hội chợ nháp",
		Status: "draft", Organisers: []string{orgAcc}, Revision: 1}})
	pTok, pAcc := tokens.Token(t, "producer", "")
	publish(t, app, events.ProducerRegistered, "p1", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "p1", AccountID: pAcc,
		LegalName: "Hợp tác xã Chè Shan tuyết Suối Giàng", ProvinceCode: "15", Revision: 1}})
	outTok, outAcc := tokens.Token(t, "producer", "")
	producerOf(t, app, "p2", outAcc)
	for _, f := range []string{"f1", "f2"} {
		assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), f, "B-01", "p1")
	}
	assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "f1", "B-02", "p2")
	testenv.Eventually(t, "the index", func() bool { return app.Index.Stats().Producers == 2 && app.Index.Stats().Fairs == 3 })
	waitBooths(t, app, "f1", "p1", 1)
	waitBooths(t, app, "f2", "p1", 1)
	x.producer, x.outsider = x.api1.With(pTok), x.api1.With(outTok)
	bTok, bAcc := tokens.Token(t, "buyer", "")
	x.producerAcc, x.buyerAcc = pAcc, bAcc
	x.buyer = x.api1.With(bTok)
	r := x.buyer.Do(t, "POST", "/api/buyers", map[string]any{"name": "Siêu thị Hương Việt", "kind": "supermarket_chain", "province": "Hà Nội",
		"contact": map[string]any{"name": "Nguyễn Thị Hường", "phone": "0912345678", "email": "huong@example.vn"}})
	if r.Status != 201 {
		t.Fatalf("buyer: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.Decode(t, &b)
	x.buyerID = b.ID
	x.meetingID = acceptedMeeting(t, x.buyer, x.producer, "f1", b.ID, "p1")
	x.otherMeetingID = acceptedMeeting(t, x.buyer, x.producer, "f2", b.ID, "p1")
	asOf(app, -48*time.Hour, func() {
		if r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", nil); r.Status != 200 {
			t.Fatalf("schedule: %d %s", r.Status, r.Body)
		}
	})
	m := readMeeting(t, x.producer, x.meetingID)
	var full struct {
		Starts string `json:"starts_at"`
	}
	x.producer.Do(t, "GET", "/api/meetings/"+x.meetingID, nil).Decode(t, &full)
	start, err := time.Parse(time.RFC3339, full.Starts)
	if err != nil || m.Table == 0 {
		t.Fatalf("the scheduled meeting %+v starts at %q: %v", m, full.Starts, err)
	}
	x.start, x.table = start, m.Table
	x.second, x.api2 = startReplica(t, natsURL, uri, tokens, func(*App) {})
	testenv.Eventually(t, "the second replica's index", func() bool {
		return x.second.Index.Stats().Producers == 2 && x.second.Index.Stats().Fairs == 3
	})
	return x
}

// stepBadgesForParticipantsOnly: the producer and the buyer read their badges (JSON, PDF, SVG);
// an exhibitor without a meeting has one too (it comes to its booth), a producer with neither a
// booth nor a meeting has none, organisers have none of their own, and only the fair's organisers
// print the fair's badges.
func (x *fairDay) stepBadgesForParticipantsOnly(t *testing.T) {
	// The first requests for a badge, at once on both replicas, make one badge.
	var p, b badgeBody
	firsts := make([]badgeBody, 2)
	var wg sync.WaitGroup
	for i, c := range []testenv.Client{x.producer, x.api2.With(x.producer.Token)} {
		wg.Go(func() { c.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &firsts[i]) })
	}
	wg.Wait()
	if firsts[0].Code == "" || firsts[0].Code != firsts[1].Code {
		t.Errorf("the producer's first badges, asked at once on two replicas: %q and %q, want one", firsts[0].Code, firsts[1].Code)
	}
	x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &p)
	x.buyer.Do(t, "GET", "/api/fairs/f1/badge", nil, "Accept-Language", "en").Decode(t, &b)
	if !strings.HasPrefix(p.Code, badge.Prefix) || p.Kind != "producer" || p.ParticipantID != "p1" || p.RoleLabel != "Chủ thể OCOP" || p.Province != "Lào Cai" ||
		p.FairID != "f1" || p.FairName != "Hội chợ OCOP Hà Nội – Ngày hội B2B" {
		t.Errorf("the producer's badge %+v", p)
	}
	if b.Kind != "buyer" || b.Name != "Nguyễn Thị Hường" || b.Organisation != "Siêu thị Hương Việt" || b.RoleLabel != "Buyer" || b.Code == p.Code ||
		b.Province != "Hà Nội" {
		t.Errorf("the buyer's badge %+v", b)
	}
	var again badgeBody
	x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &again)
	var f2 badgeBody
	x.producer.Do(t, "GET", "/api/fairs/f2/badge", nil).Decode(t, &f2)
	if again.Code != p.Code || f2.Code == p.Code || f2.Code == "" {
		t.Errorf("badge codes: f1 %q then %q, f2 %q: want one badge per fair", p.Code, again.Code, f2.Code)
	}
	x.producerCode, x.otherFair, x.producerManual = p.Code, f2.Code, p.ManualCode
	for _, c := range []struct {
		name   string
		client testenv.Client
		path   string
		want   int
		says   string
	}{
		{"an exhibitor without a meeting", x.outsider, "/api/fairs/f1/badge", 200, `"participant_id":"p2"`},
		{"a producer without a booth or a meeting", x.outsider, "/api/fairs/f2/badge", 404, `"code":"badge_none"`},
		{"an organiser's own badge", x.org, "/api/fairs/f1/badge", 403, ""},
		{"a producer printing the fair's badges", x.producer, "/api/fairs/f1/badges.pdf", 403, ""},
		{"another fair's organiser printing them", x.orgOfOther, "/api/fairs/f1/badges.pdf", 403, `"code":"checkin_organisers_only"`},
		{"a producer reading the check-ins", x.producer, "/api/fairs/f1/checkins", 403, ""},
		{"an unknown fair", x.producer, "/api/fairs/nope/badge", 404, `"code":"badge_fair_unknown"`},
		{"a draft, as if unknown", x.producer, "/api/fairs/f3/badge", 404, `"code":"badge_fair_unknown"`},
		{"a draft's check-ins to another organiser", x.orgOfOther, "/api/fairs/f3/checkins", 404, `"code":"badge_fair_unknown"`},
		{"a draft's check-ins to its organiser", x.org, "/api/fairs/f3/checkins", 200, `"items"`},
	} {
		r := c.client.Do(t, "GET", c.path, nil)
		if r.Status != c.want || !strings.Contains(string(r.Body), c.says) {
			t.Errorf("%s: %d %s, want %d saying %q", c.name, r.Status, r.Body, c.want, c.says)
		}
	}
	r := x.producer.Do(t, "GET", "/api/fairs/f1/badge.pdf", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("badge.pdf: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	text := strings.Join(strings.Fields(pdftext.Text(t, r.Body)), " ") // a long name wraps
	for _, want := range []string{"Hợp tác xã Chè Shan tuyết Suối Giàng", "Hội chợ OCOP Hà Nội – Ngày hội B2B", "CHỦ THỂ OCOP", p.ManualCode} {
		if !strings.Contains(text, want) {
			t.Errorf("the producer's badge PDF does not say %q; its text:\n%s", want, text)
		}
	}
	if r := x.producer.Do(t, "GET", "/api/fairs/f1/badge.svg", nil); r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("<svg")) {
		t.Errorf("badge.svg: %d %.40s", r.Status, r.Body)
	}
	r = x.org.Do(t, "GET", "/api/fairs/f1/badges.pdf", nil)
	if r.Status != 200 {
		t.Fatalf("badges.pdf: %d %s", r.Status, r.Body)
	}
	text = pdftext.Text(t, r.Body)
	if n := pdftext.Pages(t, r.Body); n != 3 || !strings.Contains(text, "Nguyễn Thị Hường") || !strings.Contains(text, "NGƯỜI MUA") || !strings.Contains(text, "HTX p2") {
		t.Errorf("the fair's badges: %d pages, text:\n%s\nwant 3 pages: the producer, the exhibitor without a meeting and the buyer", n, text)
	}
	if r := x.org.Do(t, "POST", "/api/fairs/f1/badges/p9/revoke", nil); r.Status != 404 {
		t.Errorf("revoking the badge of a participant who holds none: %d %s, want 404", r.Status, r.Body)
	}
}

// stepARenamedProducerIsPrintedByItsNewName: the organisers' print names the producer as its
// profile does now, its badge not opened again since.
func (x *fairDay) stepARenamedProducerIsPrintedByItsNewName(t *testing.T) {
	publish(t, x.first, events.ProducerUpdated, "p1", events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: "p1", AccountID: x.producerAcc,
		LegalName: "HTX Chè Shan tuyết Suối Giàng Yên Bái", ProvinceCode: "15", Revision: 2}})
	testenv.Eventually(t, "the new name on the fair's badges", func() bool {
		text := pdftext.Text(t, x.org.Do(t, "GET", "/api/fairs/f1/badges.pdf", nil).Body)
		return strings.Contains(strings.Join(strings.Fields(text), " "), "HTX Chè Shan tuyết Suối Giàng Yên Bái") // a long name wraps
	})
}

// checkIn posts a scan to the organiser's replica c and returns the answer.
func checkIn(t *testing.T, c testenv.Client, scanID, code, place string, table int, at time.Time, headers ...string) (int, checkInBody, []byte) {
	t.Helper()
	body := map[string]any{"scan_id": scanID, "code": code, "place": place}
	if table > 0 {
		body["table"] = table
	}
	if !at.IsZero() {
		body["scanned_at"] = at.Format(time.RFC3339)
	}
	r := c.Do(t, "POST", "/api/fairs/f1/checkins", body, headers...)
	var out checkInBody
	if r.Status == 200 || r.Status == 201 {
		r.Decode(t, &out)
	}
	return r.Status, out, r.Body
}

// stepForgedAlteredAndOtherFairsCodesAreRefused: only codes the service signed, of badges at this
// fair that are not revoked, check in; a producer cannot check anyone in.
func (x *fairDay) stepForgedAlteredAndOtherFairsCodesAreRefused(t *testing.T) {
	code := x.producerCode
	altered := []byte(code)
	altered[len(altered)-3] ^= 1 // one bit of the signature
	swapped := []byte(code)
	swapped[6] = map[bool]byte{true: 'B', false: 'A'}[swapped[6] == 'A'] // one character of the ID
	forged := badge.NewKey().Code(badge.NewID())
	for _, c := range []struct {
		name, code, says string
	}{
		{"a signature altered", string(altered), `"code":"badge_invalid"`},
		{"an ID altered", string(swapped), `"code":"badge_invalid"`},
		{"signed with another key", forged, `"code":"badge_invalid"`},
		{"not a badge code", "https://ocopfair.vn/v/abc", `"code":"badge_invalid"`},
		{"another fair's badge", x.otherFair, `"code":"badge_other_fair"`},
	} {
		status, _, body := checkIn(t, x.org, uuid.NewString(), c.code, "gate", 0, time.Time{})
		if status != 422 || !strings.Contains(string(body), c.says) {
			t.Errorf("%s: %d %s, want 422 saying %s", c.name, status, body, c.says)
		}
	}
	_, _, body := checkIn(t, x.org, uuid.NewString(), forged, "gate", 0, time.Time{}, "Accept-Language", "en")
	if !strings.Contains(string(body), "not valid: forged, altered or revoked") {
		t.Errorf("a forged code in English: %s", body)
	}
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no table at a table", map[string]any{"scan_id": uuid.NewString(), "code": code, "place": "table"}, `"field":"table"`},
		{"a scan from the future", map[string]any{"scan_id": uuid.NewString(), "code": code, "place": "gate", "scanned_at": time.Now().Add(time.Hour).Format(time.RFC3339)}, `"code":"checkin_scanned_in_future"`},
		{"a scan two days old", map[string]any{"scan_id": uuid.NewString(), "code": code, "place": "gate", "scanned_at": time.Now().Add(-48 * time.Hour).Format(time.RFC3339)}, `"code":"checkin_scanned_too_old"`},
		{"a scan ID that is no UUID", map[string]any{"scan_id": "1", "code": code, "place": "somewhere"}, `"field":"place"`},
		{"an unknown field", map[string]any{"scan_id": uuid.NewString(), "code": code, "place": "gate", "who": "me"}, `who`},
	} {
		r := x.org.Do(t, "POST", "/api/fairs/f1/checkins", c.body)
		if r.Status != 422 && r.Status != 400 || !strings.Contains(string(r.Body), c.field) {
			t.Errorf("%s: %d %s, want a refusal naming %s", c.name, r.Status, r.Body, c.field)
		}
	}
	if status, _, body := checkIn(t, x.producer, uuid.NewString(), code, "gate", 0, time.Time{}); status != 403 {
		t.Errorf("a producer checking in: %d %s, want 403", status, body)
	}
	if status, _, body := checkIn(t, x.orgOfOther, uuid.NewString(), code, "gate", 0, time.Time{}); status != 403 {
		t.Errorf("another fair's organiser checking in: %d %s, want 403", status, body)
	}
}

// stepAScanSentTwiceIsStoredOnce: the same scan ID sent again, or twice at once, is stored once
// and answered as a repeat; a code issued on one replica checks in on the other (one key).
func (x *fairDay) stepAScanSentTwiceIsStoredOnce(t *testing.T) {
	scan := uuid.NewString()
	status, first, body := checkIn(t, x.org, scan, x.producerCode, "gate", 0, time.Time{})
	if status != 201 || first.Repeat || first.Participant.ID != "p1" || first.Meeting != nil {
		t.Fatalf("the first gate scan: %d %s", status, body)
	}
	status, again, body := checkIn(t, x.org, scan, x.producerCode, "gate", 0, time.Time{})
	if status != 200 || !again.Repeat || again.ScannedAt != first.ScannedAt {
		t.Errorf("the same scan again: %d %s, want 200 repeating the first", status, body)
	}
	var b badgeBody
	x.buyer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &b)
	both := uuid.NewString()
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, c := range []testenv.Client{x.org, x.api2.With(x.org.Token)} {
		wg.Go(func() { statuses[i], _, _ = checkIn(t, c, both, b.Code, "gate", 0, time.Time{}) })
	}
	wg.Wait()
	if !(statuses[0] == 201 && statuses[1] == 200 || statuses[0] == 200 && statuses[1] == 201) {
		t.Errorf("one scan sent to both replicas at once: %v, want one 201 and one 200", statuses)
	}
	var list struct {
		Items  []checkInBody
		Counts struct{ Gate, Table, People int }
	}
	x.org.Do(t, "GET", "/api/fairs/f1/checkins", nil).Decode(t, &list)
	if list.Counts.Gate != 2 || list.Counts.People != 2 || len(list.Items) != 2 || list.Items[0].ScanID != both {
		t.Errorf("the check-ins after 2 scans sent 4 times: %+v, want 2 at the gate, newest first", list)
	}
}

// stepTableCheckInsMarkTheMeetingAttended: the buyer's scan in the slot, then the producer's
// from before the window, do not make the meeting attended; the producer's scan in the window,
// arriving last though scanned first (queued offline), does, once, with one event.
func (x *fairDay) stepTableCheckInsMarkTheMeetingAttended(t *testing.T) {
	var b badgeBody
	x.buyer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &b)
	status, buyerScan, body := checkIn(t, x.org, uuid.NewString(), b.Code, "table", x.table, x.start.Add(2*time.Minute))
	if status != 201 || buyerScan.Meeting == nil || buyerScan.Meeting.ID != x.meetingID || buyerScan.Meeting.Attended ||
		buyerScan.Meeting.OtherParty != "HTX Chè Shan tuyết Suối Giàng Yên Bái" { // renamed above
		t.Fatalf("the buyer's table scan: %d %s, want its meeting, not attended yet", status, body)
	}
	status, early, body := checkIn(t, x.org, uuid.NewString(), x.producerCode, "table", x.table, x.start.Add(-20*time.Minute))
	if status != 201 || early.Meeting == nil || early.Meeting.Attended {
		t.Errorf("the producer's scan 20 minutes before the slot: %d %s, want the meeting not attended", status, body)
	}
	if m := readMeetingAttended(t, x.producer, x.meetingID); m.Attended {
		t.Fatalf("the meeting is attended after one scan in its slot: %+v", m)
	}
	status, last, body := checkIn(t, x.org, uuid.NewString(), x.producerCode, "table", x.table, x.start.Add(-10*time.Minute))
	if status != 201 || last.Meeting == nil || !last.Meeting.Attended {
		t.Fatalf("the producer's scan 10 minutes before the slot, arriving last: %d %s, want the meeting attended", status, body)
	}
	m := readMeetingAttended(t, x.buyer, x.meetingID)
	if !m.Attended || m.AttendedAt != x.start.Add(2*time.Minute).Format(time.RFC3339) {
		t.Errorf("the meeting %+v, want attended at the later scan, %s", m, x.start.Add(2*time.Minute).Format(time.RFC3339))
	}
	if status, _, body := checkIn(t, x.org, uuid.NewString(), b.Code, "table", x.table, x.start.Add(5*time.Minute)); status != 201 {
		t.Errorf("another scan of the buyer: %d %s", status, body)
	}
	testenv.Eventually(t, "the attended event", func() bool { return len(subjects(t, x.first, events.MeetingAttended)) >= 1 })
	time.Sleep(300 * time.Millisecond)
	evs := subjects(t, x.first, events.MeetingAttended)
	var pl events.MeetingAttendedV1
	if len(evs) != 1 || evs[0].Decode(&pl) != nil || pl.MeetingID != x.meetingID || pl.FairID != "f1" || pl.Table != x.table {
		t.Errorf("attended events %+v, want one for %s", evs, x.meetingID)
	}
	var list struct {
		Counts struct {
			Table            int
			AttendedMeetings int `json:"attended_meetings"`
		}
	}
	x.org.Do(t, "GET", "/api/fairs/f1/checkins", nil).Decode(t, &list)
	if list.Counts.Table != 4 || list.Counts.AttendedMeetings != 1 {
		t.Errorf("the counts %+v, want 4 table scans and 1 meeting attended", list.Counts)
	}
	testenv.Eventually(t, "the other replica to show the meeting attended", func() bool {
		return readMeetingAttended(t, x.api2.With(x.buyer.Token), x.meetingID).Attended
	})
	// It took place: neither side can cancel it now, so the report never counts a cancelled
	// meeting as attended.
	if r := x.buyer.Do(t, "POST", "/api/meetings/"+x.meetingID+"/cancel", nil); r.Status != 409 || !strings.Contains(string(r.Body), `"code":"meeting_attended"`) {
		t.Errorf("cancelling the attended meeting: %d %s, want 409 meeting_attended", r.Status, r.Body)
	}
	// A revoked badge's code is refused; the producer's next badge is a new one. A scan of its
	// manual code made before, sent again from an offline queue, still repeats.
	typedScan := uuid.NewString()
	if status, _, body := checkIn(t, x.org, typedScan, x.producerManual, "gate", 0, time.Time{}); status != 201 {
		t.Fatalf("the producer's manual code: %d %s", status, body)
	}
	if r := x.org.Do(t, "POST", "/api/fairs/f1/badges/p1/revoke", nil); r.Status != 204 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if status, again, body := checkIn(t, x.org, typedScan, x.producerManual, "gate", 0, time.Time{}); status != 200 || !again.Repeat {
		t.Errorf("the manual code's scan sent again after the revocation: %d %s, want 200 repeat", status, body)
	}
	for code, says := range map[string]string{x.producerCode: "badge_invalid", x.producerManual: "badge_manual_unknown"} {
		if status, _, body := checkIn(t, x.org, uuid.NewString(), code, "gate", 0, time.Time{}); status != 422 || !strings.Contains(string(body), `"code":"`+says+`"`) {
			t.Errorf("a revoked badge's code %q: %d %s, want 422 %s", code, status, body, says)
		}
	}
	var next badgeBody
	x.producer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &next)
	if next.Code == "" || next.Code == x.producerCode {
		t.Errorf("the badge after a revocation: %q, want a new code", next.Code)
	}
	if status, _, body := checkIn(t, x.org, uuid.NewString(), next.Code, "gate", 0, time.Time{}); status != 201 {
		t.Errorf("the new badge: %d %s", status, body)
	}
	x.producerCode = next.Code
}

// The badge key comes from OCOPFAIR_BADGE_KEY when set, at least 32 characters, and never prints.
func TestBadgeKeyConfig(t *testing.T) {
	env := func(key string) func(string) string {
		return func(name string) string {
			if name == "OCOPFAIR_BADGE_KEY" {
				return key
			}
			return ""
		}
	}
	if c, err := LoadConfig(env("")); err != nil || c.BadgeKey != nil {
		t.Errorf("no OCOPFAIR_BADGE_KEY: key %v, err %v; want none (the stored one)", c.BadgeKey, err)
	}
	if _, err := LoadConfig(env("too-short")); err == nil || !strings.Contains(err.Error(), "OCOPFAIR_BADGE_KEY") {
		t.Errorf("a 9-character OCOPFAIR_BADGE_KEY: err %v, want it refused", err)
	}
	secret := strings.Repeat("k3y-", 10)
	c, err := LoadConfig(env(secret))
	if err != nil || string(c.BadgeKey) != secret {
		t.Fatalf("a 40-character OCOPFAIR_BADGE_KEY: %v", err)
	}
	if s := fmt.Sprintf("%v %+v", c.BadgeKey, c); strings.Contains(s, "k3y-") {
		t.Errorf("the configuration prints the badge key: %s", s)
	}
}

// stepADisabledAccountsBadgeIsRefused: once an admin disables the producer's account, its badge
// no longer checks in, on either replica, and the organisers' print leaves it out; the buyer, who
// only signed out everywhere, keeps theirs. Once enabled, the print has the producer again before
// they sign in, and their badge is a new one that checks in.
func (x *fairDay) stepADisabledAccountsBadgeIsRefused(t *testing.T, tokens testenv.Tokens) {
	var b badgeBody
	x.buyer.Do(t, "GET", "/api/fairs/f1/badge", nil).Decode(t, &b)
	notBefore := time.Now().Add(time.Second).Truncate(time.Second)
	publish(t, x.first, events.AccountTokensRevoked, x.buyerAcc, events.AccountTokensRevokedV1{AccountID: x.buyerAcc, NotBefore: notBefore, Reason: events.RevokedSignOut})
	publish(t, x.first, events.AccountTokensRevoked, x.producerAcc, events.AccountTokensRevokedV1{AccountID: x.producerAcc, NotBefore: notBefore, Reason: events.RevokedDisabled})
	testenv.Eventually(t, "the disabled producer's badge refused", func() bool {
		status, _, body := checkIn(t, x.org, uuid.NewString(), x.producerCode, "gate", 0, time.Time{})
		return status == 422 && strings.Contains(string(body), `"code":"badge_invalid"`)
	})
	if status, _, body := checkIn(t, x.api2.With(x.org.Token), uuid.NewString(), x.producerCode, "table", x.table, time.Time{}); status != 422 {
		t.Errorf("the disabled producer's badge on the other replica: %d %s, want 422", status, body)
	}
	// The revocations are handled in order: the buyer's came first.
	if status, _, body := checkIn(t, x.org, uuid.NewString(), b.Code, "gate", 0, time.Time{}); status != 201 {
		t.Errorf("the buyer's badge after signing out everywhere: %d %s, want 201", status, body)
	}
	printed := func() (int, string) {
		r := x.org.Do(t, "GET", "/api/fairs/f1/badges.pdf", nil)
		if r.Status != 200 {
			t.Fatalf("badges.pdf: %d %s", r.Status, r.Body)
		}
		return pdftext.Pages(t, r.Body), strings.Join(strings.Fields(pdftext.Text(t, r.Body)), " ")
	}
	if n, text := printed(); n != 2 || strings.Contains(text, "Chè Shan tuyết") || !strings.Contains(text, "Nguyễn Thị Hường") {
		t.Errorf("the fair's badges with the producer disabled: %d pages, text:\n%s\nwant the buyer's and the other exhibitor's alone", n, text)
	}
	// Enabled again, the producer is on the print before signing in, with a new badge.
	publish(t, x.first, events.AccountEnabled, x.producerAcc, events.AccountEnabledV1{AccountID: x.producerAcc, DisabledAt: notBefore, EnabledAt: notBefore.Add(time.Second)})
	testenv.Eventually(t, "the producer back on the print once enabled", func() bool {
		n, text := printed()
		return n == 3 && strings.Contains(text, "Chè Shan tuyết")
	})
	// The producer signs in: its token is issued once the revocation's time has come.
	time.Sleep(time.Until(notBefore))
	tok, _ := tokens.Token(t, "producer", x.producerAcc)
	var next badgeBody
	r := x.api1.With(tok).Do(t, "GET", "/api/fairs/f1/badge", nil)
	if r.Decode(t, &next); r.Status != 200 || next.Code == x.producerCode {
		t.Fatalf("the producer's badge once enabled again: %d %s, want a new one", r.Status, r.Body)
	}
	if status, _, body := checkIn(t, x.org, uuid.NewString(), next.Code, "gate", 0, time.Time{}); status != 201 {
		t.Errorf("the producer's new badge: %d %s, want 201", status, body)
	}
	if n, text := printed(); n != 3 || !strings.Contains(text, "Chè Shan tuyết") {
		t.Errorf("the fair's badges once the producer is enabled again: %d pages, text:\n%s\nwant all three", n, text)
	}
}
