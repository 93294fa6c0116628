package fair

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// An organiser whose change meets a fair changed meanwhile is checked again on the fair as it now
// is: taken off its organisers by that change, it may not change the fair, nor put itself back.
func TestAChangeMeetsTheOrganisersAsTheyNowAre(t *testing.T) {
	ctx := context.Background()
	rt := &Routes{Fairs: NewStore(testenv.DB(t)), Notify: func() {}, Now: time.Now}
	fields := valid()
	fields.Organisers = &[]string{orgA, orgB}
	f, err := New("f1", orgA, fields, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Fairs.Create(ctx, f, ""); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodPatch, "/api/fairs/f1", nil)
	c.Params = gin.Params{{Key: "id", Value: "f1"}}
	c.Set("ocopfair.principal", auth.Principal{AccountID: orgB, Role: auth.RoleOrganiser})
	first := true
	rt.change(c, func(Fair) string { return events.FairUpdated }, func(cur Fair) (Fair, error) {
		if first { // meanwhile, organiser A takes B off the list
			first = false
			without, err := cur.Update(Fields{Organisers: &[]string{orgA}, Editor: orgA}, time.Now())
			if err == nil {
				err = rt.Fairs.Save(ctx, without, cur.Revision, events.FairUpdated, "")
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		return cur.Update(Fields{Organisers: &[]string{orgA, orgB}, Editor: orgB}, time.Now())
	})
	if w.Code != http.StatusForbidden {
		t.Errorf("the change of an organiser taken off meanwhile: %d %s, want 403", w.Code, w.Body)
	}
	now, err := rt.Fairs.Get(ctx, "f1")
	if err != nil || len(now.Organisers) != 1 || now.Organisers[0] != orgA {
		t.Errorf("organisers %v (%v), want only A", now.Organisers, err)
	}
}
