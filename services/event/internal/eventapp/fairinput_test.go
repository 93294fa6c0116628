package eventapp

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// fieldsOf returns the fields a 422 answer's field errors name.
func fieldsOf(t *testing.T, body []byte) []string {
	t.Helper()
	var e struct {
		Fields []struct{ Field string } `json:"errors"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

// TestFairOrganisersFromTheCaller: the organisers of a fair are account IDs, and an organiser
// who creates or changes a fair stays among them (else it would lose its own draft); an admin
// may hand a fair to anyone.
func TestFairOrganisersFromTheCaller(t *testing.T) {
	e := setup(t)
	_, buyerID := e.tokens.Token(t, "buyer", "")
	otherTok, otherID := e.tokens.Token(t, "organiser", "")
	adminTok, _ := e.tokens.Token(t, "admin", "")
	with := func(organisers ...string) map[string]any {
		b := fairBody("Hội chợ OCOP nhiều ban tổ chức")
		b["organisers"] = organisers
		return b
	}
	for _, c := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"a buyer's ID instead of the creator", with(buyerID), []string{"organisers"}},
		{"another organiser instead of the creator", with(otherID), []string{"organisers"}},
		{"not account IDs", with(e.orgID, strings.Repeat("x", 100_000), ""), []string{"organisers[1]", "organisers[2]"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.org.Do(t, "POST", "/api/fairs", c.body)
			if got := fieldsOf(t, r.Body); r.Status != 422 || !slices.Equal(got, c.fields) {
				t.Errorf("POST /api/fairs: %d naming %v, want 422 naming %v", r.Status, got, c.fields)
			}
		})
	}

	r := e.org.Do(t, "POST", "/api/fairs", with(otherID, e.orgID, otherID))
	if r.Status != 201 {
		t.Fatalf("create with a co-organiser: %d %s", r.Status, r.Body)
	}
	var f struct {
		ID         string
		Organisers []string
	}
	r.Decode(t, &f)
	if want := []string{e.orgID, otherID}; !slices.Equal(f.Organisers, slices.Sorted(slices.Values(want))) {
		t.Errorf("organisers = %v, want %v once each", f.Organisers, want)
	}
	if r := e.org.Do(t, "GET", "/api/fairs/"+f.ID, nil); r.Status != 200 {
		t.Errorf("the creator reads its draft: %d", r.Status)
	}

	other := e.api.With(otherTok)
	r = other.Do(t, "PATCH", "/api/fairs/"+f.ID, map[string]any{"organisers": []string{e.orgID}})
	if got := fieldsOf(t, r.Body); r.Status != 422 || !slices.Equal(got, []string{"organisers"}) {
		t.Errorf("a co-organiser removes itself: %d naming %v, want 422 naming organisers", r.Status, got)
	}
	r = other.Do(t, "PATCH", "/api/fairs/"+f.ID, map[string]any{"organisers": []string{strings.Repeat("x", 100_000), ""}})
	if got := fieldsOf(t, r.Body); r.Status != 422 || !slices.Equal(got, []string{"organisers[0]", "organisers[1]"}) {
		t.Errorf("PATCH with a huge and an empty organiser: %d naming %v, want 422 on both", r.Status, got)
	}
	if r := other.Do(t, "PATCH", "/api/fairs/"+f.ID, map[string]any{"organisers": []string{otherID}}); r.Status != 200 {
		t.Errorf("an organiser removes its co-organiser: %d %s", r.Status, r.Body)
	}
	admin := e.api.With(adminTok)
	if r := admin.Do(t, "PATCH", "/api/fairs/"+f.ID, map[string]any{"organisers": []string{e.orgID}}); r.Status != 200 {
		t.Errorf("an admin hands the fair back: %d %s", r.Status, r.Body)
	}
	if r := other.Do(t, "GET", "/api/fairs/"+f.ID, nil); r.Status != 404 {
		t.Errorf("the removed organiser reads the draft: %d, want 404", r.Status)
	}
}

// TestB2BDayPastMidnight: a B2B day that would run past 24:00 of its date is refused on its
// slots, saying when it would end.
func TestB2BDayPastMidnight(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội nghị kết nối cung cầu OCOP")
	day := map[string]any{"date": e.startDate(t, id), "start_time": "23:50", "slot_minutes": 120, "slots": 40, "morning_slots": 20, "tables": 10, "lunch_minutes": 240}
	r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/b2b-sessions", map[string]any{"days": []any{day}}, "Accept-Language", "en")
	if got := fieldsOf(t, r.Body); r.Status != 422 || !slices.Equal(got, []string{"days[0].slots"}) || !strings.Contains(string(r.Body), "11:50, 4 days later") {
		t.Errorf("a day to 11:50 four days later: %d %s, want 422 on days[0].slots saying when it ends", r.Status, r.Body)
	}
}

// A PATCH that gives an object changes the members it names; the others keep their values (a
// subsidy changed keeps the booth prices, a phone number the contact's name).
func TestPatchingAnObjectKeepsWhatItDoesNotName(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP Bắc Ninh")
	if r := e.org.Do(t, "PATCH", "/api/fairs/"+id, map[string]any{"contact": map[string]string{"name": "Nguyễn Thu Hà", "email": "ha@xttm.bacninh.gov.vn"}}); r.Status != 200 {
		t.Fatalf("set the contact: %d %s", r.Status, r.Body)
	}
	r := e.org.Do(t, "PATCH", "/api/fairs/"+id, map[string]any{
		"fees":        map[string]any{"subsidy_percent": 30},
		"eligibility": map[string]any{"min_stars": 4, "allowed_sectors": []string{"food"}},
		"contact":     map[string]any{"phone": "0912345678"},
	})
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	type fair struct {
		Eligibility struct {
			MinStars       int            `json:"min_stars"`
			AllowedSectors []string       `json:"allowed_sectors"`
			ProvinceQuotas map[string]int `json:"province_quotas"`
		}
		Fees struct {
			BoothPrices         map[string]int64 `json:"booth_prices"`
			SubsidyPercent      int              `json:"subsidy_percent"`
			MaxSubsidisedBooths int              `json:"max_subsidised_booths"`
		}
		Contact struct{ Name, Phone, Email string }
	}
	var f fair
	r.Decode(t, &f)
	if f.Fees.BoothPrices["standard"] != 12_000_000 || f.Fees.SubsidyPercent != 30 || f.Fees.MaxSubsidisedBooths != 2 {
		t.Errorf("fees %+v, want the prices and the cap kept, the subsidy 30", f.Fees)
	}
	if f.Eligibility.MinStars != 4 || len(f.Eligibility.AllowedSectors) != 1 || f.Eligibility.ProvinceQuotas["01"] != 1 {
		t.Errorf("eligibility %+v, want 4★, food only and the Hà Nội quota kept", f.Eligibility)
	}
	if f.Contact.Name != "Nguyễn Thu Hà" || f.Contact.Email != "ha@xttm.bacninh.gov.vn" || f.Contact.Phone != "0912345678" {
		t.Errorf("contact %+v, want the name and email kept beside the phone", f.Contact)
	}
	// A map given is the new map, not merged key by key.
	r = e.org.Do(t, "PATCH", "/api/fairs/"+id, map[string]any{"fees": map[string]any{"booth_prices": map[string]int64{"corner": 15_000_000}}})
	f = fair{}
	r.Decode(t, &f)
	if len(f.Fees.BoothPrices) != 1 || f.Fees.BoothPrices["corner"] != 15_000_000 || f.Fees.SubsidyPercent != 30 {
		t.Errorf("fees after new prices %+v, want only the corner's price, the subsidy kept", f.Fees)
	}
}
