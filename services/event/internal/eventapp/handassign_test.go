package eventapp

import (
	"context"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Booths assigned by hand stay within the fair's most per producer, a rule producers applied
// under: the one beyond is refused, and says how many the application holds.
func TestHandAssignmentKeepsTheMostPerProducer(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Tuần hàng OCOP Hải Dương")
	e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil)
	e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 3}})
	e.publishApplication(t, approved("two", id, "19", 4, 9, 1), events.ApplicationApproved)
	testenv.Eventually(t, "the application projected", func() bool {
		n, _ := e.app.Host.DB.Collection("applications").CountDocuments(context.Background(), map[string]any{})
		return n == 1
	})
	if r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/booths/A01/assignment", map[string]any{}); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"application_id"`) ||
		!strings.Contains(string(r.Body), "bắt buộc") {
		t.Errorf("an assignment naming no application: %d %s, want 422 saying application_id is required", r.Status, r.Body)
	}
	for _, code := range []string{"A01", "A02"} {
		if r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/booths/"+code+"/assignment", map[string]any{"application_id": "two"}); r.Status != 200 {
			t.Fatalf("assign %s: %d %s", code, r.Status, r.Body)
		}
	}
	r := e.org.Do(t, "PUT", "/api/fairs/"+id+"/booths/A03/assignment", map[string]any{"application_id": "two"}, "Accept-Language", "en")
	if r.Status != 409 || !strings.Contains(string(r.Body), `"code":"booth_application_at_max"`) || !strings.Contains(string(r.Body), "already holds 2 booths; the fair allows a producer at most 2") {
		t.Errorf("a third booth where the fair allows 2: %d %s, want 409 booth_application_at_max", r.Status, r.Body)
	}
}
