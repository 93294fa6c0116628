package httpx

import "testing"

func TestUploadLimits(t *testing.T) {
	u := newUploadLimits(map[string]int64{"/api/producers/import": 10, "/api/products/:id/photo": 20})
	tests := []struct {
		path string
		want int64
		ok   bool
	}{
		{"/api/producers/import", 10, true},
		{"/api/products/0193/photo", 20, true},
		{"/api/products/0193/photo/", 20, true},
		{"/api/products/0193", 0, false},
		{"/api/products//photo", 0, false},
		{"/api/products/0193/photo/x", 0, false},
		{"/api/products/0193/photos", 0, false},
	}
	for _, tt := range tests {
		if got, ok := u.limit(tt.path); got != tt.want || ok != tt.ok {
			t.Errorf("limit(%q) = %d, %v, want %d, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}
