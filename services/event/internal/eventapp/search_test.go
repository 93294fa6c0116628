package eventapp

import (
	"net/url"
	"strings"
	"testing"
)

// A search of the public fair list is at most 200 characters: a longer one is a field error,
// not a search scored against every fair (a 1 MB one took seconds) nor a key the list keeps.
func TestTheFairListSearchIsBounded(t *testing.T) {
	e := setup(t)
	e.createFair(t, "Hội chợ Mật ong")
	if r := e.api.Do(t, "GET", "/api/fairs?q="+url.QueryEscape(strings.Repeat("mật ", 50)), nil); r.Status != 200 {
		t.Errorf("a search of 200 characters: %d %s, want 200", r.Status, r.Body)
	}
	r := e.api.Do(t, "GET", "/api/fairs?q="+url.QueryEscape(strings.Repeat("mật ", 50)+"x"), nil)
	if r.Status != 422 || !strings.Contains(string(r.Body), `"q"`) {
		t.Errorf("a search of 201 characters: %d %s, want 422 naming q", r.Status, r.Body)
	}
}
