package index

import (
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// TestSubscriptionsNameTheirHandlers holds the names Subscriptions gives to the On... methods
// that fold each subject, and checks that every subject the index folds is listed once.
func TestSubscriptionsNameTheirHandlers(t *testing.T) {
	seen := map[string]string{}
	for _, h := range handlers() {
		fn := runtime.FuncForPC(reflect.ValueOf(h.fold).Pointer()).Name()
		if !strings.HasSuffix(fn, ".(*Index)."+h.name) {
			t.Errorf("handler %s folds with %s", h.name, fn)
		}
		for _, s := range h.subjects {
			if other, ok := seen[s]; ok {
				t.Errorf("%s is folded by both %s and %s", s, other, h.name)
			}
			seen[s] = h.name
		}
	}
	want := map[string][]string{
		"index.OnProducer": {events.ProducerRegistered, events.ProducerUpdated},
		"index.OnProduct":  {events.ProductCreated, events.ProductUpdated, events.ProductDeleted, events.ProductCertificateExpired},
		"index.OnBooth":    {events.BoothAssigned, events.BoothReleased},
		"index.OnFair":     events.FairSubjects,
	}
	got := Subscriptions()
	for name, subjects := range want {
		if !slices.Equal(got[name], subjects) {
			t.Errorf("Subscriptions()[%s] = %v, want %v", name, got[name], subjects)
		}
	}
	if len(got) != len(want) {
		t.Errorf("Subscriptions() has %d handlers, want %d", len(got), len(want))
	}
	x := New()
	for s := range seen {
		if !x.folded(s) {
			t.Errorf("folded(%s) = false, want true", s)
		}
	}
	if x.folded("exhibitor.application.submitted") {
		t.Error("folded(exhibitor.application.submitted) = true, want false")
	}
}
