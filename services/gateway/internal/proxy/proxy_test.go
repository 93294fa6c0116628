package proxy

import "testing"

func TestServiceFor(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/api/fairs", Event},
		{"/api/fairs/123", Event},
		{"/api/fairs/123/booths/A01/assignment", Event},
		{"/api/fairs/123/applications", Exhibitor},
		{"/api/fairs/123/meetings", Matchmaking},
		{"/api/fairs/123/schedule", Matchmaking},
		{"/api/fairs/123/agenda", Matchmaking},
		{"/api/producers", Exhibitor},
		{"/api/producers/import", Exhibitor},
		{"/api/producers/9/opportunities", Matchmaking},
		{"/api/products/1", Exhibitor},
		{"/api/applications/1/approve", Exhibitor},
		{"/api/buyers/1/requests", Matchmaking},
		{"/api/requests/1/matches", Matchmaking},
		{"/api/meetings/1/accept", Matchmaking},
		{"/api/scheduling/solve", Matchmaking},
		{"/api/admin/exhibitor/dead-letters", Exhibitor},
		{"/api/unknown", ""},
		{"/api/fairsx", ""},
	}
	for _, tt := range tests {
		if got := serviceFor(tt.path); got != tt.want {
			t.Errorf("serviceFor(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
