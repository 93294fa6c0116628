package applicants

import (
	"context"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// The report keeps a meeting's outcome of the highest revision, whatever the clocks of the
// replicas that recorded them: an update from a replica whose clock is ahead does not outlast a
// later one. Before, the outcome with the latest recorded_at won.
func TestTheReportKeepsTheOutcomeOfTheNewestRevision(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testenv.DB(t))
	at := time.Now().Truncate(time.Millisecond)
	record := func(outcome string, value, rev int64, when time.Time) {
		t.Helper()
		if err := s.RecordOutcome(ctx, Outcome{MeetingID: "m1", FairID: "f1", Outcome: outcome, ValueVND: value, RecordedAt: when, Revision: rev}); err != nil {
			t.Fatal(err)
		}
	}
	kept := func() Outcome {
		t.Helper()
		os, err := s.Outcomes(ctx, "f1")
		if err != nil || len(os) != 1 {
			t.Fatalf("outcomes %+v, %v", os, err)
		}
		return os[0]
	}
	record("mou_signed", 0, 5, at.Add(time.Minute)) // a replica whose clock is a minute ahead
	record("contract_signed", 900_000_000, 6, at)
	if o := kept(); o.Outcome != "contract_signed" || o.ValueVND != 900_000_000 {
		t.Errorf("kept %s %d, want the contract of revision 6", o.Outcome, o.ValueVND)
	}
	record("negotiating", 0, 4, at.Add(time.Hour)) // a late copy of an older revision
	if o := kept(); o.Outcome != "contract_signed" {
		t.Errorf("an older revision replaced the outcome: %s", o.Outcome)
	}
}
