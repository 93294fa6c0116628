package eventapp

import (
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// A producer that renamed itself after its application was approved and given a booth is shown
// under its new name on the floor plan and in the exhibitors' list (exhibitor.application.updated),
// and keeps its booth.
func TestAProducersNewNameReachesThePlanAndTheExhibitorsList(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP Tây Bắc")
	e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil)
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 2}}); r.Status != 201 {
		t.Fatalf("grid: %d %s", r.Status, r.Body)
	}
	app := approved("app1", id, "19", 4, 1, 1)
	e.publishApplication(t, app, events.ApplicationApproved)
	testenv.Eventually(t, "assign A01", func() bool {
		return e.org.Do(t, "PUT", "/api/fairs/"+id+"/booths/A01/assignment", map[string]string{"application_id": app.ID}).Status == 200
	})
	const name = "Công ty TNHH Chè Tân Cương"
	app.ProducerName, app.Revision = name, app.Revision+1
	e.publishApplication(t, app, events.ApplicationUpdated)
	testenv.Eventually(t, "the new name on the plan and in the exhibitors' list", func() bool {
		a01 := booths(t, e.api, id)["A01"]
		list := string(e.org.Do(t, "GET", "/api/fairs/"+id+"/exhibitors", nil).Body)
		return a01.Status == "assigned" && a01.Holder != nil && a01.Holder.ProducerName == name && strings.Contains(list, name) && !strings.Contains(list, "HTX app1")
	})
}
