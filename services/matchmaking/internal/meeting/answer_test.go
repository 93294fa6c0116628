package meeting

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// TestWhoAnswersARequest: the side asked answers a request, the side that asked answers a
// proposal, each only in its turn, and an answered meeting takes no more answers.
func TestWhoAnswersARequest(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	asked := Meeting{ID: "m1", RequestedBy: SideBuyer, Session: "morning", Status: Requested, Revision: 1}
	proposed, err := asked.Propose(SideProducer, Proposal{Session: "afternoon", Day: "2027-01-05", Note: "  Sáng bận  "}, now)
	if err != nil {
		t.Fatalf("Propose by the side asked = %v", err)
	}
	if proposed.Revision != 2 || proposed.Awaiting() != SideBuyer || proposed.Proposal.Note != "Sáng bận" || !proposed.Proposal.At.Equal(now) {
		t.Errorf("Propose = %+v, want revision 2 awaiting the buyer, the note trimmed", proposed)
	}
	accepted, err := proposed.Respond(SideBuyer, true, now)
	if err != nil || accepted.Status != Accepted || accepted.Session != "afternoon" || accepted.PreferredDay != "2027-01-05" {
		t.Errorf("Respond(buyer, accept) to the proposal = %+v, %v, want accepted in the afternoon of 2027-01-05", accepted, err)
	}
	for _, c := range []struct {
		name string
		do   func() (Meeting, error)
		kind apperr.Kind
	}{
		{"the asker answers its own request", func() (Meeting, error) { return asked.Respond(SideBuyer, true, now) }, apperr.Forbidden},
		{"the asker proposes", func() (Meeting, error) { return asked.Propose(SideBuyer, Proposal{Session: "any"}, now) }, apperr.Forbidden},
		{"the proposer accepts its proposal", func() (Meeting, error) { return proposed.Respond(SideProducer, true, now) }, apperr.Conflict},
		{"a second proposal", func() (Meeting, error) { return proposed.Propose(SideProducer, Proposal{Session: "any"}, now) }, apperr.Conflict},
		{"an answer to an accepted meeting", func() (Meeting, error) { return accepted.Decline(SideBuyer, DeclineNoTime, "", now) }, apperr.Conflict},
		{"a proposal on an accepted meeting", func() (Meeting, error) { return accepted.Propose(SideProducer, Proposal{Session: "any"}, now) }, apperr.Conflict},
		{"an unknown reason code", func() (Meeting, error) { return asked.Decline(SideProducer, "busy", "", now) }, apperr.Invalid},
		{"a reason of 301 characters", func() (Meeting, error) { return asked.Decline(SideProducer, "", strings.Repeat("ạ", 301), now) }, apperr.Invalid},
		{"another reason without words", func() (Meeting, error) { return asked.Decline(SideProducer, DeclineOther, "   ", now) }, apperr.Invalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.do(); apperr.KindOf(err) != c.kind {
				t.Errorf("error = %v, want kind %s", err, c.kind)
			}
		})
	}
}

// TestADeclineSaysWhy: a decline's reason is its code in the reader's language, then the
// decliner's words; words alone count as another reason and are said as written.
func TestADeclineSaysWhy(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	asked := Meeting{ID: "m1", RequestedBy: SideBuyer, Status: Requested, Revision: 1}
	for _, c := range []struct {
		code, words string
		vi, en      string
	}{
		{DeclineNoTime, "  Kín lịch  ", "Không sắp xếp được thời gian: Kín lịch", "No time for it: Kín lịch"},
		{DeclineNotRelevant, "", "Không phù hợp với nhu cầu", "Not relevant to our needs"},
		{"", "Chỉ bán sỉ", "Chỉ bán sỉ", "Chỉ bán sỉ"},
		{"", "", "", ""},
	} {
		m, err := asked.Decline(SideProducer, c.code, c.words, now)
		if err != nil {
			t.Fatalf("Decline(%q, %q) = %v", c.code, c.words, err)
		}
		if vi, en := reasonOf(m).In(apperr.Vietnamese), reasonOf(m).In(apperr.English); vi != c.vi || en != c.en {
			t.Errorf("Decline(%q, %q) says %q / %q, want %q / %q", c.code, c.words, vi, en, c.vi, c.en)
		}
	}
}
