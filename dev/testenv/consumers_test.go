package testenv

import (
	"strings"
	"testing"
)

func TestConsumerProblems(t *testing.T) {
	want := map[string][]string{"svc-booths": {"event.booth.assigned", "event.booth.released"}}
	declared := map[string]bool{"application.OnBooth": true}
	ok := consumerProblems(
		map[string][]string{"svc-booths": {"event.booth.released", "event.booth.assigned"}},
		want,
		map[string][]string{"application.OnBooth": {"event.booth.assigned", "event.booth.released"}},
		declared)
	if len(ok) != 0 {
		t.Fatalf("consumerProblems(agreeing) = %v, want none", ok)
	}
	tests := []struct {
		name     string
		got      map[string][]string
		handlers map[string][]string
		declared map[string]bool
		want     string
	}{
		{"missing subscription", map[string][]string{}, map[string][]string{}, declared, "expected but not subscribed"},
		{"unexpected subscription", map[string][]string{"svc-booths": want["svc-booths"], "svc-x": {"a.b.c"}},
			map[string][]string{"application.OnBooth": want["svc-booths"]}, declared, "not in the expected table"},
		{"handler outside consume.go", map[string][]string{"svc-booths": want["svc-booths"]},
			map[string][]string{"application.onBooth": want["svc-booths"]}, declared, "not an On... function"},
		{"wrong name", map[string][]string{"svc-booths": want["svc-booths"]},
			map[string][]string{"application.OnFair": want["svc-booths"]}, map[string]bool{"application.OnFair": true}, "must be On... and name Booth"},
		{"handler without subscription", map[string][]string{"svc-booths": want["svc-booths"]},
			map[string][]string{"application.OnBooth": want["svc-booths"]},
			map[string]bool{"application.OnBooth": true, "application.OnFair": true}, "application.OnFair is declared in a consume.go but no consumer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := consumerProblems(tt.got, want, tt.handlers, tt.declared)
			if !strings.Contains(strings.Join(got, "\n"), tt.want) {
				t.Fatalf("consumerProblems = %v, want one saying %q", got, tt.want)
			}
		})
	}
}
