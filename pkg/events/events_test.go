package events

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/uuid"
)

func TestNew(t *testing.T) {
	env, err := New(ProducerRegistered, 1, "p1", "corr-1", ProducerRegisteredV1{Producer: ProducerV1{ID: "p1"}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	id, err := uuid.Parse(env.ID)
	if err != nil || id.Version() != 7 {
		t.Errorf("New ID = %q (version %v, %v), want a UUIDv7", env.ID, id.Version(), err)
	}
	if env.Source != ServiceExhibitor || StreamOf(env.Type) != "EXHIBITOR" {
		t.Errorf("source %q stream %q, want exhibitor and EXHIBITOR", env.Source, StreamOf(env.Type))
	}
	if _, off := env.OccurredAt.Zone(); off != 7*3600 {
		t.Errorf("OccurredAt offset = %d, want +07:00", off)
	}
	if err := env.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	var p ProducerRegisteredV1
	if err := env.Decode(&p); err != nil || p.Producer.ID != "p1" {
		t.Errorf("Decode = %+v, %v", p, err)
	}
}

func TestValidate(t *testing.T) {
	good, _ := New(AccountRegistered, 1, "a1", "", AccountRegisteredV1{AccountID: "a1"})
	tests := []struct {
		name   string
		mutate func(*Envelope)
	}{
		{"no id", func(e *Envelope) { e.ID = "" }},
		{"no type", func(e *Envelope) { e.Type = "" }},
		{"version zero", func(e *Envelope) { e.Version = 0 }},
		{"no aggregate", func(e *Envelope) { e.AggregateID = "" }},
		{"no payload", func(e *Envelope) { e.Payload = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.mutate(&e)
			if err := e.Validate(); err == nil {
				t.Errorf("Validate() = nil, want an error")
			}
		})
	}
}

func TestStreamsCoverSources(t *testing.T) {
	names := map[string]bool{}
	for _, s := range Streams {
		names[s.Name] = true
	}
	for _, subj := range []string{AccountRegistered, ProducerRegistered, ProducerUpdated} {
		if !names[StreamOf(subj)] {
			t.Errorf("no stream for subject %s", subj)
		}
	}
}

func ExampleNew() {
	env, _ := New(ProducerRegistered, 1, "0190-producer", "req-42", ProducerRegisteredV1{})
	b, _ := json.Marshal(map[string]any{"type": env.Type, "version": env.Version, "source": env.Source})
	fmt.Println(string(b))
	// Output: {"source":"exhibitor","type":"exhibitor.producer.registered","version":1}
}
