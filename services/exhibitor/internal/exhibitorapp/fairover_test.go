package exhibitorapp

import (
	"net/http"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
)

// Once its fair is completed, an application is part of the fair's record (its report, its
// exhibitors): its producer cannot withdraw it and the organisers cannot review it, alone or in
// bulk (409 application_fair_over), and it stays stored as it was.
func TestApplicationsOfACompletedFairDoNotMove(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	fair := openFair("fair-over", orgID)
	f.publishFair(t, fair, events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	producers := map[string]testenv.Client{}
	ids := map[string]string{}
	for name, tax := range map[string]string{"A": "1700000181", "B": "1700000182", "C": "1700000183"} {
		c, _, product := f.producerWithProduct(t, tax, "Nước mắm "+name, 4, issued)
		var app struct{ ID string }
		testenv.Eventually(t, "the application of "+name, func() bool {
			r := c.Do(t, "POST", "/api/fairs/fair-over/applications", map[string]any{"product_ids": []string{product}})
			r.Decode(t, &app)
			return r.Status == http.StatusCreated
		})
		producers[name], ids[name] = c, app.ID
	}
	for _, name := range []string{"A", "B"} { // C stays submitted
		if r := org.Do(t, "POST", "/api/applications/"+ids[name]+"/approve", nil); r.Status != http.StatusOK {
			t.Fatalf("approve %s: %d %s", name, r.Status, r.Body)
		}
	}
	done := fair
	done.Status, done.Revision = "completed", 9
	f.publishFair(t, done, events.FairCompleted)
	testenv.Eventually(t, "the fair completed in the model", func() bool {
		ff, ok := f.app.apps.Fair("fair-over")
		return ok && ff.Status == "completed"
	})

	for _, tt := range []struct {
		name   string
		c      testenv.Client
		path   string
		reason string
	}{
		{"producer withdraws", producers["A"], "/api/applications/" + ids["A"] + "/withdraw", ""},
		{"organiser rejects", org, "/api/applications/" + ids["B"] + "/reject", "đổi ý sau hội chợ"},
		{"organiser waitlists", org, "/api/applications/" + ids["B"] + "/waitlist", ""},
		{"organiser approves", org, "/api/applications/" + ids["C"] + "/approve", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.Do(t, "POST", tt.path, map[string]any{"reason": tt.reason})
			var p struct{ Code string }
			r.Decode(t, &p)
			if r.Status != http.StatusConflict || p.Code != "application_fair_over" {
				t.Errorf("POST %s = %d %s, want 409 application_fair_over", tt.path, r.Status, r.Body)
			}
		})
	}
	t.Run("bulk review", func(t *testing.T) {
		r := org.Do(t, "POST", "/api/fairs/fair-over/applications/review",
			map[string]any{"action": "reject", "ids": []string{ids["A"], ids["B"], ids["C"]}, "reason": "đổi ý sau hội chợ"})
		var got struct {
			Moved   int
			Results []struct{ Error *struct{ Code string } }
		}
		r.Decode(t, &got)
		if r.Status != http.StatusOK || got.Moved != 0 || len(got.Results) != 3 {
			t.Fatalf("bulk reject = %d %s, want 200 with nothing moved", r.Status, r.Body)
		}
		for i, res := range got.Results {
			if res.Error == nil || res.Error.Code != "application_fair_over" {
				t.Errorf("bulk result %d = %+v, want application_fair_over", i, res.Error)
			}
		}
	})
	for name, want := range map[string]application.Status{"A": application.Approved, "B": application.Approved, "C": application.Submitted} {
		if a, err := f.app.appStore.Get(t.Context(), ids[name]); err != nil || a.Status != want {
			t.Errorf("stored application %s: %s, %v; want %s as before the fair completed", name, a.Status, err, want)
		}
	}
}
