package verify

import (
	"github.com/ocopfair/ocopfair/pkg/events"
)

// StatsSubjects are the events the Stats model folds. Every replica folds every batch, so it
// follows the EXHIBITOR stream itself (pkg/readmodel) rather than sharing a durable consumer.
var StatsSubjects = []string{events.ScansCounted}

// OnScansCounted applies another replica's batch of counted views (its own were applied when
// stored; Apply skips a batch it has).
func (s *Stats) OnScansCounted(env events.Envelope) error {
	var b events.ScansCountedV1
	if err := env.Decode(&b); err != nil {
		return err
	}
	if b.BatchID == "" {
		b.BatchID = env.AggregateID
	}
	s.Apply(b)
	return nil
}

// ProducerSubjects are the events OnProducer folds.
var ProducerSubjects = []string{events.ProducerRegistered, events.ProducerUpdated}

// OnProducer applies a registered or updated producer (both carry the whole profile).
func (m *Producers) OnProducer(env events.Envelope) error {
	var pl events.ProducerUpdatedV1
	if err := env.Decode(&pl); err != nil {
		return err
	}
	p := pl.Producer
	m.Put(Producer{ID: p.ID, Name: p.LegalName, Kind: p.Kind, Commune: p.Commune, Province: p.ProvinceCode, Phone: p.Phone, Email: p.Email, Revision: p.Revision})
	return nil
}
