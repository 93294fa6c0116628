package verify

import "sync"

// Producers is the read model of what the verification page shows of each producer, so that a
// scan never waits on the database: Load fills it (see exhibitorapp), OnProducer keeps it
// current from the EXHIBITOR stream, a producer replacing what it holds only at a newer
// revision. Its methods are safe for concurrent use.
type Producers struct {
	mu   sync.RWMutex
	byID map[string]Producer
}

// NewProducers returns an empty model.
func NewProducers() *Producers { return &Producers{byID: map[string]Producer{}} }

// Put applies p if it is newer (by revision) than what the model holds.
func (m *Producers) Put(p Producer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if have, ok := m.byID[p.ID]; ok && have.Revision >= p.Revision {
		return
	}
	m.byID[p.ID] = p
}

// Get returns producer id, and whether the model holds it.
func (m *Producers) Get(id string) (Producer, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	p, ok := m.byID[id]
	return p, ok
}
