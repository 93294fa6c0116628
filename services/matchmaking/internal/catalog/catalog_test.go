package catalog

import (
	"context"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

func envelope(t *testing.T, typ string, p events.ProducerV1) events.Envelope {
	t.Helper()
	var payload any = events.ProducerRegisteredV1{Producer: p}
	if typ == events.ProducerUpdated {
		payload = events.ProducerUpdatedV1{Producer: p}
	}
	env, err := events.New(typ, 1, p.ID, "", payload)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestOnProducerKeepsNewestRevision(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testenv.DB(t))
	p := events.ProducerV1{ID: "p1", LegalName: "HTX Mật ong Bạc Hà", ProvinceCode: "15", Region: "northern_midlands_mountains", Revision: 1}
	if err := s.OnProducer(ctx, envelope(t, events.ProducerRegistered, p)); err != nil {
		t.Fatal(err)
	}
	p3 := p
	p3.Revision, p3.Phone = 3, "0912345678"
	if err := s.OnProducer(ctx, envelope(t, events.ProducerUpdated, p3)); err != nil {
		t.Fatal(err)
	}
	// Revision 2 arrives late: it must not overwrite revision 3.
	p2 := p
	p2.Revision, p2.Phone = 2, "0900000000"
	if err := s.OnProducer(ctx, envelope(t, events.ProducerUpdated, p2)); err != nil {
		t.Fatal(err)
	}
	// A replay of revision 3 changes nothing either.
	if err := s.OnProducer(ctx, envelope(t, events.ProducerUpdated, p3)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 3 || got.Phone != "0912345678" || got.EventsApplied != 2 || got.NameFold != "htx mat ong bac ha" {
		t.Errorf("catalog producer = %+v, want revision 3 from 2 applied events", got)
	}
}

func TestOnProducerRejectsPoison(t *testing.T) {
	s := NewStore(testenv.DB(t))
	good := envelope(t, events.ProducerRegistered, events.ProducerV1{ID: "p1", Revision: 1})
	tests := []struct {
		name   string
		mutate func(*events.Envelope)
	}{
		{"unknown version", func(e *events.Envelope) { e.Version = 9 }},
		{"bad payload", func(e *events.Envelope) { e.Payload = []byte(`{"producer":"nope"}`) }},
		{"aggregate mismatch", func(e *events.Envelope) { e.AggregateID = "p2" }},
		{"unexpected type", func(e *events.Envelope) { e.Type = "exhibitor.product.created" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.mutate(&e)
			if err := s.OnProducer(context.Background(), e); !bus.IsPermanent(err) {
				t.Errorf("OnProducer = %v, want a permanent error", err)
			}
		})
	}
}
