// Package events holds the contracts between ocopfair services: the envelope every event travels
// in, the JetStream streams and subjects, and the payload structs. It has no logic.
//
// # Subjects and streams
//
// A subject is "<service>.<entity>.<past-tense verb>", for example "exhibitor.application.approved".
// Each service owns one stream that captures all of its subjects ("EVENT" holds "event.>",
// "EXHIBITOR" holds "exhibitor.>", ...). Only the owner publishes to its stream. Streams keep
// events (limits retention), so a service can rebuild a read model by replaying them.
//
// # Versioning
//
// The envelope's Type is the subject and Version is the payload's schema version, starting at 1.
// Adding an optional field is not a new version: consumers ignore unknown fields and treat a
// missing one as its zero value. Removing or renaming a field, or changing its meaning or type, is
// a new version: the payload struct is copied with a V2 suffix, the publisher writes the new
// version on the same subject, and consumers handle every version they know. A consumer that
// receives a version it does not know records it as a dead letter instead of guessing; it is then
// redeployed and the dead letter replayed. Old versions stay readable as long as they are kept in
// the stream.
//
// Every event has a UUIDv7 ID, which is also its JetStream Nats-Msg-Id, so a republished event is
// dropped by the stream's duplicate window and a redelivered one is recognised by consumers.
package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Envelope carries one event. Payload is the JSON of the payload struct named by Type and Version.
type Envelope struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	Version       int             `json:"version"`
	Source        string          `json:"source"`
	AggregateID   string          `json:"aggregate_id"`
	OccurredAt    time.Time       `json:"occurred_at"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	Payload       json.RawMessage `json:"payload"`
}

// Header names set on every published message besides Nats-Msg-Id.
const (
	HeaderCorrelationID = "X-Correlation-ID"
	HeaderEventType     = "Ocopfair-Event-Type"
	HeaderEventVersion  = "Ocopfair-Event-Version"
)

// zone is Vietnam's offset; events are stamped with it so that their times read as local times.
var zone = time.FixedZone("ICT", 7*60*60)

// New builds an envelope for payload with a fresh UUIDv7 and the current time. subject must be one
// of this package's subject constants; it returns an error only when payload cannot be encoded.
func New(subject string, version int, aggregateID, correlationID string, payload any) (Envelope, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return Envelope{}, fmt.Errorf("new event id: %w", err)
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return Envelope{}, fmt.Errorf("encode %s payload: %w", subject, err)
	}
	return Envelope{
		ID:            id.String(),
		Type:          subject,
		Version:       version,
		Source:        SourceOf(subject),
		AggregateID:   aggregateID,
		OccurredAt:    time.Now().In(zone).Truncate(time.Millisecond),
		CorrelationID: correlationID,
		Payload:       data,
	}, nil
}

// Validate checks the fields every consumer relies on; a message that fails is poison.
func (e Envelope) Validate() error {
	switch {
	case e.ID == "":
		return fmt.Errorf("event has no id")
	case e.Type == "":
		return fmt.Errorf("event %s has no type", e.ID)
	case e.Version < 1:
		return fmt.Errorf("event %s has version %d", e.ID, e.Version)
	case e.AggregateID == "":
		return fmt.Errorf("event %s has no aggregate id", e.ID)
	case len(e.Payload) == 0:
		return fmt.Errorf("event %s has no payload", e.ID)
	}
	return nil
}

// ErrUndecodable is in the error of a payload Decode cannot read: applying the event again cannot
// help.
var ErrUndecodable = errors.New("payload does not decode")

// Decode unmarshals the payload into v; its error wraps ErrUndecodable.
func (e Envelope) Decode(v any) error {
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return fmt.Errorf("decode %s v%d payload: %w: %w", e.Type, e.Version, ErrUndecodable, err)
	}
	return nil
}

// SourceOf returns the owning service of a subject, its first token.
func SourceOf(subject string) string {
	s, _, _ := strings.Cut(subject, ".")
	return s
}

// Stream describes one service's JetStream stream.
type Stream struct {
	Name     string
	Subjects []string
}

// Services that own streams.
const (
	ServiceEvent       = "event"
	ServiceExhibitor   = "exhibitor"
	ServiceMatchmaking = "matchmaking"
	ServiceGateway     = "gateway"
)

// Streams are the streams of all services.
var Streams = []Stream{
	{Name: "EVENT", Subjects: []string{"event.>"}},
	{Name: "EXHIBITOR", Subjects: []string{"exhibitor.>"}},
	{Name: "MATCHMAKING", Subjects: []string{"matchmaking.>"}},
	{Name: "GATEWAY", Subjects: []string{"gateway.>"}},
}

// StreamOf returns the name of the stream that holds subject.
func StreamOf(subject string) string { return strings.ToUpper(SourceOf(subject)) }
