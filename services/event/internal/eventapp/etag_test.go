package eventapp

import (
	"testing"
)

// TestReadsAnswerNotModifiedWhileUnchanged: the fair list, the fair page and the floor plan carry
// an ETag; a request naming it gets 304 without a body until what the caller sees changes.
func TestReadsAnswerNotModifiedWhileUnchanged(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ Mật ong")
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	for _, path := range []string{"/api/fairs?limit=5", "/api/fairs/" + id, "/api/fairs/" + id + "/booths"} {
		t.Run(path, func(t *testing.T) {
			first := e.api.Do(t, "GET", path, nil)
			tag := first.Header.Get("ETag")
			if first.Status != 200 || tag == "" {
				t.Fatalf("GET %s = %d with ETag %q, want 200 with an ETag", path, first.Status, tag)
			}
			for _, inm := range []string{tag, "W/" + tag, `"other", ` + tag} {
				if r := e.api.Do(t, "GET", path, nil, "If-None-Match", inm); r.Status != 304 || len(r.Body) != 0 {
					t.Errorf("GET %s with If-None-Match %s = %d %q, want 304 without a body", path, inm, r.Status, r.Body)
				}
			}
			if r := e.api.Do(t, "GET", path, nil, "If-None-Match", `"other"`); r.Status != 200 || len(r.Body) == 0 {
				t.Errorf("GET %s with another If-None-Match = %d, want 200 with the body", path, r.Status)
			}
		})
	}
	page := "/api/fairs/" + id
	tag := e.api.Do(t, "GET", page, nil).Header.Get("ETag")
	// The organiser sees more than the public (its allowed actions): another body, another tag.
	if r := e.org.Do(t, "GET", page, nil, "If-None-Match", tag); r.Status != 200 {
		t.Errorf("GET %s as the organiser with the public's ETag = %d, want 200", page, r.Status)
	}
	if r := e.org.Do(t, "PATCH", page, map[string]any{"theme": "Ong và mật"}); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if r := e.api.Do(t, "GET", page, nil, "If-None-Match", tag); r.Status != 200 || r.Header.Get("ETag") == tag {
		t.Errorf("GET %s after a change with the old ETag = %d with ETag %s, want 200 with another", page, r.Status, r.Header.Get("ETag"))
	}
}
