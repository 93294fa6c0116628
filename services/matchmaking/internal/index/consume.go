package index

import (
	"github.com/ocopfair/ocopfair/pkg/events"
)

// The index follows the EXHIBITOR and EVENT streams itself, with ordered consumers (see Follow),
// not through bus consumers: every replica folds every event. The On... methods below are its
// handlers, one per aggregate; handlers lists which subjects each one folds, and both the
// dispatch of Follow and Apply and Subscriptions read that list, so they cannot disagree.

// foldFunc is an On... method as a method expression.
type foldFunc func(x *Index, env events.Envelope, stream string, seq uint64) error

// handler is one On... method and the subjects it folds.
type handler struct {
	name     string
	subjects []string
	fold     foldFunc
}

// handlers lists the index's On... methods with the subjects each one folds.
func handlers() []handler {
	return []handler{
		{"OnProducer", []string{events.ProducerRegistered, events.ProducerUpdated}, (*Index).OnProducer},
		{"OnProduct", events.ProductSubjects, (*Index).OnProduct},
		{"OnBooth", []string{events.BoothAssigned, events.BoothReleased}, (*Index).OnBooth},
		{"OnFair", events.FairSubjects, (*Index).OnFair},
	}
}

// handlersBySubject maps every folded subject to its On... method; New builds it once.
func handlersBySubject() map[string]foldFunc {
	out := map[string]foldFunc{}
	for _, h := range handlers() {
		for _, s := range h.subjects {
			out[s] = h.fold
		}
	}
	return out
}

// Subscriptions lists the subjects each On... method folds, keyed "index.OnProduct" and so on:
// the subscriptions the index holds outside the service's bus consumers.
func Subscriptions() map[string][]string {
	out := map[string][]string{}
	for _, h := range handlers() {
		out["index."+h.name] = append([]string(nil), h.subjects...)
	}
	return out
}

// folded reports whether the index folds events of subject; it reads every message of its streams
// (so that the sequence it records covers them all) but decodes only these.
func (x *Index) folded(subject string) bool {
	return x.on[subject] != nil
}

// fold hands env to the On... method of its type, or, for a type the index does not fold, only
// records seq as the last sequence of stream folded.
func (x *Index) fold(env events.Envelope, stream string, seq uint64) error {
	x.applied.Add(1)
	defer x.changes.Add(1)
	if on := x.on[env.Type]; on != nil {
		return on(x, env, stream, seq)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.advance(stream, seq)
	return nil
}

// OnProducer folds a producer's registration or update (exhibitor.producer.registered,
// exhibitor.producer.updated) unless the index holds a later revision.
//
// Every On... method records seq as the last sequence of stream it folded ("" and 0 for an event
// not read from a stream), under the same lock as the state it changes. A payload that does not
// decode is returned as an error; its sequence moves on all the same: the index skips it.
func (x *Index) OnProducer(env events.Envelope, stream string, seq uint64) error {
	return foldAs(x, env, stream, seq, func(pl events.ProducerUpdatedV1) { // same shape as registered
		x.putProducer(pl.Producer)
	})
}

// OnProduct folds a product's creation, update, deletion or certificate expiry
// (exhibitor.product.*) unless the index holds a later revision.
func (x *Index) OnProduct(env events.Envelope, stream string, seq uint64) error {
	return foldAs(x, env, stream, seq, func(pl events.ProductChangedV1) { x.putProduct(pl.Product) })
}

// OnBooth folds a booth's assignment or release (event.booth.assigned, event.booth.released)
// unless the index has seen a later state of that booth.
func (x *Index) OnBooth(env events.Envelope, stream string, seq uint64) error {
	return foldAs(x, env, stream, seq, func(pl events.BoothAssignmentV1) {
		x.putBooth(pl, env.Type == events.BoothReleased)
	})
}

// OnFair folds a fair's change (event.fair.*) unless the index holds a later revision.
func (x *Index) OnFair(env events.Envelope, stream string, seq uint64) error {
	return foldAs(x, env, stream, seq, func(pl events.FairChangedV1) { x.putFair(pl.Fair) })
}

// foldAs decodes env's payload as T and, under the write lock, puts it (when it decoded) and
// records seq as the last sequence of stream folded.
func foldAs[T any](x *Index, env events.Envelope, stream string, seq uint64, put func(T)) error {
	var pl T
	err := env.Decode(&pl)
	x.mu.Lock()
	defer x.mu.Unlock()
	if err == nil {
		put(pl)
	}
	x.advance(stream, seq)
	return err
}

// advance records seq as the last sequence of stream folded; the caller holds the write lock.
func (x *Index) advance(stream string, seq uint64) {
	if stream != "" && seq > x.seqs[stream] {
		x.seqs[stream] = seq
	}
}
