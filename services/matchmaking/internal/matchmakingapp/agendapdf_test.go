package matchmakingapp

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/dev/testenv/pdftext"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestAgendaPDF: a participant's agenda says where each meeting ends and which booths its
// producer holds, and prints as a PDF in the reader's language with the other party's name in
// its diacritics, the table, the time and the lunch break; only the participant itself gets its
// PDF: another participant asking for it, an organiser and an anonymous caller are refused.
func TestAgendaPDF(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	day := time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	fairWithDays(t, app, "fp", orgAcc, events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 4, MorningSlots: 2, Tables: 1, LunchMinutes: 60})
	prodTok, prodAcc := tokens.Token(t, "producer", "")
	publish(t, app, events.ProducerRegistered, "pp", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "pp", AccountID: prodAcc,
		LegalName: "Hợp tác xã Chè Shan tuyết Suối Giàng", ProvinceCode: "15", Revision: 1}})
	assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "fp", "B-07", "pp")
	testenv.Eventually(t, "the index", func() bool { return app.Index.Stats().Fairs == 1 && app.Index.Stats().Producers == 1 })
	waitBooths(t, app, "fp", "pp", 1)
	buyerTok, _ := tokens.Token(t, "buyer", "")
	otherTok, _ := tokens.Token(t, "buyer", "")
	buyer, producer, other := api.With(buyerTok), api.With(prodTok), api.With(otherTok)
	buyerID := newBuyer(t, buyer, "Siêu thị Hương Việt")
	acceptedMeeting(t, buyer, producer, "fp", buyerID, "pp")
	if r := api.With(orgTok).Do(t, "POST", "/api/fairs/fp/schedule?time_limit_ms=200", nil); r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}

	var agenda struct {
		Meetings []struct {
			Starts string   `json:"starts_at"`
			Ends   string   `json:"ends_at"`
			Booths []string `json:"producer_booths"`
		}
	}
	buyer.Do(t, "GET", "/api/fairs/fp/agenda", nil).Decode(t, &agenda)
	if len(agenda.Meetings) != 1 {
		t.Fatalf("the buyer's agenda: %+v", agenda)
	}
	m := agenda.Meetings[0]
	starts, err1 := time.Parse(time.RFC3339, m.Starts)
	ends, err2 := time.Parse(time.RFC3339, m.Ends)
	if err1 != nil || err2 != nil || ends.Sub(starts) != 20*time.Minute || len(m.Booths) != 1 || m.Booths[0] != "B-07" {
		t.Errorf("the agenda's meeting %+v: want its slot's end 20 minutes after its start and the booth B-07", m)
	}

	slot := starts.In(vntext.Zone).Format("15:04") + " – " + ends.In(vntext.Zone).Format("15:04")
	agendaPDFHas(t, buyer, "vi", "Lịch gặp B2B – Hội chợ fp", "Lịch gặp của Siêu thị Hương Việt", "Hợp tác xã Chè Shan tuyết Suối Giàng", "Gian hàng B-07", slot, "Nghỉ trưa")
	agendaPDFHas(t, producer, "vi", "Siêu thị Hương Việt", "Bên mua")
	agendaPDFHas(t, buyer, "en", "B2B agenda", "Booth B-07", "Lunch break")

	refused := []struct {
		name   string
		c      testenv.Client
		path   string
		status int
	}{
		{"anonymous", api, "/api/fairs/fp/agenda.pdf", 401},
		{"an organiser", api.With(orgTok), "/api/fairs/fp/agenda.pdf", 403},
		{"a buyer without a profile", other, "/api/fairs/fp/agenda.pdf", 409},
		{"the producer asking for the buyer's", producer, "/api/fairs/fp/agenda.pdf?participant=" + buyerID, 403},
		{"an unknown fair", buyer, "/api/fairs/nope/agenda.pdf", 404},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			if r := tc.c.Do(t, "GET", tc.path, nil); r.Status != tc.status {
				t.Errorf("GET %s = %d %s, want %d", tc.path, r.Status, r.Body, tc.status)
			}
		})
	}
	// Another buyer's own PDF holds none of the first buyer's meetings.
	newBuyer(t, other, "Cửa hàng Đặc sản Việt")
	r := other.Do(t, "GET", "/api/fairs/fp/agenda.pdf", nil, "Accept-Language", "vi")
	if r.Status != 200 {
		t.Fatalf("another buyer's agenda.pdf: %d %s", r.Status, r.Body)
	}
	if text := pdftext.Text(t, r.Body); strings.Contains(text, "Suối Giàng") || !strings.Contains(text, "Chưa có cuộc gặp nào") {
		t.Errorf("another buyer's agenda PDF reads:\n%s", text)
	}
}

// agendaPDFHas gets c's agenda PDF of the fair fp in lang and checks that its text holds want.
func agendaPDFHas(t *testing.T, c testenv.Client, lang string, want ...string) {
	t.Helper()
	r := c.Do(t, "GET", "/api/fairs/fp/agenda.pdf", nil, "Accept-Language", lang)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET agenda.pdf (%s): %d %s %s", lang, r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	text := pdftext.Text(t, r.Body)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the %s agenda PDF lacks %q:\n%s", lang, w, text)
		}
	}
}
