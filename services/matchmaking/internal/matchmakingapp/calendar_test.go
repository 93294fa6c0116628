package matchmakingapp

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestAgendaCalendar: a participant downloads its scheduled meetings as a calendar file in its
// language, and subscribes a calendar app to a private address that works without signing in,
// until it is replaced or ended.
func TestAgendaCalendar(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	day := time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	fairWithDays(t, app, "fc", orgAcc, events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 2, Tables: 1})
	prodTok, prodAcc := tokens.Token(t, "producer", "")
	producerOf(t, app, "pc", prodAcc)
	assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "fc", "B-1", "pc")
	testenv.Eventually(t, "the index", func() bool { return app.Index.Stats().Fairs == 1 && app.Index.Stats().Producers == 1 })
	waitBooths(t, app, "fc", "pc", 1)
	buyerTok, _ := tokens.Token(t, "buyer", "")
	buyer, producer := api.With(buyerTok), api.With(prodTok)
	buyerID := newBuyer(t, buyer, "Siêu thị Sài Gòn, chi nhánh 1")
	meetingID := acceptedMeeting(t, buyer, producer, "fc", buyerID, "pc")
	if r := api.With(orgTok).Do(t, "POST", "/api/fairs/fc/schedule?time_limit_ms=200", nil); r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	starts, _ := time.ParseInLocation("2006-01-02 15:04", day+" 08:00", vntext.Zone)
	event := []string{"UID:" + meetingID + "@ocopfair", "DTSTART:" + starts.UTC().Format("20060102T150405Z"),
		"DTEND:" + starts.Add(20*time.Minute).UTC().Format("20060102T150405Z")}

	get := func(c testenv.Client, path string, status int, want ...string) testenv.Response {
		t.Helper()
		r := c.Do(t, "GET", path, nil, "Accept-Language", "vi")
		body := strings.ReplaceAll(string(r.Body), "\r\n ", "")
		if r.Status != status {
			t.Fatalf("GET %s: %d %s; want %d", path, r.Status, r.Body, status)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q:\n%s", path, w, body)
			}
		}
		return r
	}
	r := get(buyer, "/api/fairs/fc/agenda/calendar.ics", 200, append(event, `SUMMARY:Gặp B2B: HTX pc`)...)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("Content-Type %q, want text/calendar", ct)
	}
	// Asked again a second later, the same agenda is the same file (its stamp was once the time
	// asked, so a calendar app polling with the ETag never got 304).
	time.Sleep(1100 * time.Millisecond)
	if again := buyer.Do(t, "GET", "/api/fairs/fc/agenda/calendar.ics", nil, "Accept-Language", "vi", "If-None-Match", r.Header.Get("ETag")); again.Status != 304 {
		t.Errorf("the same calendar again with its ETag: %d, want 304", again.Status)
	}
	get(producer, "/api/fairs/fc/agenda/calendar.ics", 200, append(event, `SUMMARY:Gặp B2B: Siêu thị Sài Gòn\, chi nhánh 1`)...)
	if r := buyer.Do(t, "GET", "/api/fairs/fc/agenda/calendar.ics", nil, "Accept-Language", "en"); !strings.Contains(string(r.Body), "SUMMARY:B2B meeting: HTX pc") {
		t.Errorf("in English: %s", r.Body)
	}
	if r := api.With(orgTok).Do(t, "GET", "/api/fairs/fc/agenda/calendar.ics", nil); r.Status != 403 {
		t.Errorf("an organiser's own calendar: %d, want 403", r.Status)
	}
	checkFeeds(t, api, buyer, event)
}

// checkFeeds: a private address answers without a token, a new one ends the old, a tampered
// one answers nothing, and ending it ends it.
func checkFeeds(t *testing.T, api, buyer testenv.Client, event []string) {
	t.Helper()
	feed := func() string {
		r := buyer.Do(t, "POST", "/api/fairs/fc/agenda/feed", nil, "Accept-Language", "vi")
		var f struct{ Path string }
		r.Decode(t, &f)
		if r.Status != 200 || !strings.HasPrefix(f.Path, "/api/calendar/") {
			t.Fatalf("feed: %d %s", r.Status, r.Body)
		}
		return f.Path
	}
	first := feed()
	if r := api.Do(t, "GET", first, nil); r.Status != 200 || !strings.Contains(string(r.Body), event[0]) || r.Header.Get("Cache-Control") != "private, max-age=300" {
		t.Errorf("the feed without signing in: %d %s", r.Status, r.Body)
	}
	second := feed()
	key, _, _ := strings.Cut(strings.TrimPrefix(second, "/api/calendar/"), ".")
	for name, path := range map[string]string{"the replaced address": first, "no token": "/api/calendar/" + key + ".ics",
		"another token": "/api/calendar/" + key + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", "an unknown key": "/api/calendar/00.x.ics"} {
		if r := api.Do(t, "GET", path, nil); r.Status != 404 {
			t.Errorf("%s: %d, want 404", name, r.Status)
		}
	}
	if r := api.Do(t, "GET", second, nil); r.Status != 200 {
		t.Errorf("the new address: %d", r.Status)
	}
	if r := buyer.Do(t, "DELETE", "/api/fairs/fc/agenda/feed", nil); r.Status != 204 {
		t.Errorf("end the feed: %d %s", r.Status, r.Body)
	}
	if r := api.Do(t, "GET", second, nil); r.Status != 404 {
		t.Errorf("an ended address: %d, want 404", r.Status)
	}
}
