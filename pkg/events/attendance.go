package events

import "time"

// MeetingAttended is published by the matchmaking service when a scheduled meeting is marked
// attended (MeetingAttendedV1): both its participants' badges were scanned at its table within
// its slot. It is published once per meeting; consumers still count it once however often it is
// delivered.
const MeetingAttended = "matchmaking.meeting.attended"

// MeetingAttendedV1 is the payload of matchmaking.meeting.attended. Attendance is what the
// check-ins show, apart from the outcome the participants record by hand.
type MeetingAttendedV1 struct {
	MeetingID  string    `json:"meeting_id"`
	FairID     string    `json:"fair_id"`
	BuyerID    string    `json:"buyer_id"`
	ProducerID string    `json:"producer_id"`
	Day        string    `json:"day"`
	Slot       int       `json:"slot"`
	Table      int       `json:"table"`
	AttendedAt time.Time `json:"attended_at"`
	Revision   int64     `json:"revision"`
}
