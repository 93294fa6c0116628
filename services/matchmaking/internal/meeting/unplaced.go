package meeting

import (
	"slices"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// Unplaced is an accepted meeting that a scheduling run could not place: why, as a message to
// say in the reader's language, and when that run was. A schedule keeps the ones its run left,
// so that every organiser, on any device, reads them after the run's answer is gone.
type Unplaced struct {
	MeetingID string
	Why       apperr.Text
	Since     time.Time
}

// unplacedOf is what a run that saves at now left unplaced, by meeting ID (the order they were
// asked for), so that the list reads the same whatever order the solver found them in.
func unplacedOf(left []schedule.Unscheduled, now time.Time) []Unplaced {
	out := make([]Unplaced, 0, len(left))
	for _, u := range left {
		out = append(out, Unplaced{MeetingID: u.Meeting, Why: u.Why, Since: now})
	}
	slices.SortFunc(out, func(a, b Unplaced) int { return strings.Compare(a.MeetingID, b.MeetingID) })
	return out
}

// unplacedDocument is an unplaced meeting as a schedule document keeps it: its reason's code and
// arguments, never words in one language.
type unplacedDocument struct {
	MeetingID string        `bson:"meeting_id"`
	Why       apperr.Stored `bson:",inline"`
	Since     time.Time     `bson:"since"`
}

func toUnplacedDocuments(us []Unplaced) []unplacedDocument {
	out := make([]unplacedDocument, 0, len(us))
	for _, u := range us {
		out = append(out, unplacedDocument{MeetingID: u.MeetingID, Why: u.Why.Store(), Since: u.Since})
	}
	return out
}

func (d unplacedDocument) unplaced() Unplaced {
	return Unplaced{MeetingID: d.MeetingID, Why: d.Why.Text(), Since: d.Since.In(vntext.Zone)}
}

type unscheduledItem struct {
	MeetingID    string `json:"meeting_id" format:"uuid"`
	BuyerName    string `json:"buyer_name"`
	ProducerName string `json:"producer_name"`
	Code         string `json:"code" doc:"unscheduled.fixed_slot, unscheduled.no_common_slot, unscheduled.no_room, unscheduled.table_taken, unscheduled.days_over or unscheduled.settings_changed"`
	Reason       string `json:"reason" doc:"why, in the language of Accept-Language, naming the buyer and the producer"`
	Since        string `json:"since" format:"date-time" doc:"when the scheduling run that left it unplaced ran"`
}

// unscheduledOf lists the meetings t's run left unplaced that are still accepted and that no
// later move or repair placed (placed holds the fair's accepted meetings, by ID, as t places
// them), each named by shape and its reason said in lang with names for IDs.
func unscheduledOf(t Timetable, placed map[string]Meeting, shape func(Meeting) (response, error), lang apperr.Lang) ([]unscheduledItem, error) {
	out := []unscheduledItem{}
	for _, u := range t.Unplaced {
		m, ok := placed[u.MeetingID]
		if !ok || m.Slot > 0 {
			continue
		}
		r, err := shape(m)
		if err != nil {
			return nil, err
		}
		names := map[string]string{m.BuyerID: r.BuyerName, m.ProducerID: r.ProducerName}
		why := namedFor(u.Why, func(id string) string { return names[id] })
		out = append(out, unscheduledItem{MeetingID: m.ID, BuyerName: r.BuyerName, ProducerName: r.ProducerName, Code: u.Why.Msg.Code,
			Reason: why.In(lang), Since: u.Since.In(vntext.Zone).Format(time.RFC3339)})
	}
	return out, nil
}

// unfitOf adds to left the meetings gone: placed by t's run where the B2B settings, changed
// since, have no slot or table any more.
func unfitOf(left []unscheduledItem, gone []Meeting, t Timetable, shape func(Meeting) (response, error), lang apperr.Lang) ([]unscheduledItem, error) {
	for _, m := range gone {
		r, err := shape(m)
		if err != nil {
			return nil, err
		}
		day := m.Day
		if d, err := time.ParseInLocation(time.DateOnly, m.Day, vntext.Zone); err == nil {
			day = vntext.FormatDate(d)
		}
		why := msgSettingsChanged.With(day, m.Slot, m.Table)
		left = append(left, unscheduledItem{MeetingID: m.ID, BuyerName: r.BuyerName, ProducerName: r.ProducerName, Code: why.Msg.Code,
			Reason: why.In(lang), Since: t.CreatedAt.In(vntext.Zone).Format(time.RFC3339)})
	}
	return left, nil
}

// namedFor is why with the participants' IDs among its words replaced by their names: the solver
// names participants by ID, a list of them joined by ", ". An ID whose name is "" stays.
func namedFor(why apperr.Text, name func(id string) string) apperr.Text {
	args := make([]any, len(why.Args))
	for i, a := range why.Args {
		s, ok := a.(string)
		if !ok {
			args[i] = a
			continue
		}
		parts := strings.Split(s, ", ")
		for j, p := range parts {
			if n := name(p); n != "" {
				parts[j] = n
			}
		}
		args[i] = strings.Join(parts, ", ")
	}
	return apperr.Text{Msg: why.Msg, Args: args}
}
