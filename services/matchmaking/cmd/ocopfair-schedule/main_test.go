package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

func TestRun(t *testing.T) {
	in := `{"slots": 21, "morning_slots": 13, "tables": 14,
	 "participants": [{"id": "b1", "unavailable_slots": [3, 17]}],
	 "meetings": [{"id": "m1", "participants": ["b1", "p7"], "session": "morning", "fixed_slot": 0, "after": []},
	              {"id": "m2", "participants": ["b1", "p8"], "session": "any", "fixed_slot": 0, "after": ["m1"]}],
	 "max_break_spread": 2, "time_limit_ms": 500}`
	var out bytes.Buffer
	if err := run(context.Background(), strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	var sol schedule.Solution
	if err := json.Unmarshal(out.Bytes(), &sol); err != nil {
		t.Fatal(err)
	}
	if sol.Status != schedule.Optimal || len(sol.Assignments) != 2 {
		t.Errorf("solution %s", out.String())
	}
	if err := run(context.Background(), strings.NewReader(`{"slots": 0}`), &out); err == nil {
		t.Error("bad problem accepted")
	}
	if err := run(context.Background(), strings.NewReader(`{"slots": 3, "colour": 1}`), &out); err == nil {
		t.Error("unknown field accepted")
	}
}

// A problem with a published schedule to keep: m1 stays at its slot and table although another
// place would do as well, and nothing is reported moved.
func TestRunKeepsAPublishedSchedule(t *testing.T) {
	in := `{"slots": 6, "morning_slots": 3, "tables": 3,
	 "meetings": [{"id": "m1", "participants": ["b1", "p1"]}, {"id": "m2", "participants": ["b2", "p2"]}],
	 "keep": [{"meeting": "m1", "slot": 5, "table": 3}],
	 "max_break_spread": 2, "time_limit_ms": 200}`
	var out bytes.Buffer
	if err := run(context.Background(), strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	var sol schedule.Solution
	if err := json.Unmarshal(out.Bytes(), &sol); err != nil {
		t.Fatal(err)
	}
	if len(sol.Moved) != 0 || !slices.Contains(sol.Assignments, schedule.Assignment{Meeting: "m1", Slot: 5, Table: 3}) {
		t.Errorf("solution %s, want m1 kept at slot 5, table 3", out.String())
	}
	if err := run(context.Background(), strings.NewReader(`{"slots": 6, "tables": 3, "keep": [{"meeting": "m9", "slot": 1, "table": 1}]}`), &out); err == nil {
		t.Error("a kept meeting the problem does not hold accepted")
	}
}

// With -cnf the problem comes out as a DIMACS formula naming its meetings' variables; a bad
// problem or budget is refused.
func TestRunCNF(t *testing.T) {
	in := `{"slots": 4, "morning_slots": 2, "tables": 1,
	 "meetings": [{"id": "m1", "participants": ["b1", "p1"]}, {"id": "m2", "participants": ["b1", "p2"], "session": "afternoon"}],
	 "max_break_spread": 2}`
	var out bytes.Buffer
	if err := runCNF(strings.NewReader(in), &out, 0); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "\np cnf ") || !strings.Contains(s, "c x 1 m1 1\n") || !strings.Contains(s, " m2 4\n") {
		t.Errorf("formula:\n%s", s)
	}
	if err := runCNF(strings.NewReader(`{"slots": 0}`), &out, 0); err == nil {
		t.Error("bad problem accepted")
	}
	if err := runCNF(strings.NewReader(in), &out, -2); err == nil {
		t.Error("negative budget accepted")
	}
}

// A generated long day written as a problem reads back as the same problem.
func TestWriteProblem(t *testing.T) {
	want := schedule.GenerateLong(2)
	var out bytes.Buffer
	if err := writeProblem(&out, want); err != nil {
		t.Fatal(err)
	}
	got, err := read(&out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Slots != want.Slots || got.Tables != want.Tables || len(got.Meetings) != len(want.Meetings) || got.Meetings[7].Participants[1] != want.Meetings[7].Participants[1] {
		t.Errorf("read back %d slots, %d tables, %d meetings; written %d, %d, %d", got.Slots, got.Tables, len(got.Meetings), want.Slots, want.Tables, len(want.Meetings))
	}
}
