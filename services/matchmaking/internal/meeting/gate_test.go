package meeting

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestOneSchedulingRunAtATime(t *testing.T) {
	gin.SetMode(gin.TestMode)
	h := &Routes{Service: &Service{SolveLimit: 20 * time.Millisecond, Gate: make(chan struct{}, 1)}}
	try := func() (*httptest.ResponseRecorder, func(), bool) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/scheduling/solve", nil)
		release, ok := h.acquire(c)
		return w, release, ok
	}
	_, release, ok := try()
	if !ok {
		t.Fatal("the first run waits")
	}
	w, _, ok := try()
	if ok || w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" {
		t.Errorf("a second run while the first holds the gate: ok %v, %d, Retry-After %q", ok, w.Code, w.Header().Get("Retry-After"))
	}
	release()
	if _, release, ok := try(); !ok {
		t.Error("a run after the first finished waits")
	} else {
		release()
	}
}

// A trial solve never holds up a fair's run: a second trial or one sent while a fair's run holds
// the gate gets 503, and a fair's run taking the gate cuts the running trial short.
func TestATrialGivesWayToAFairsRun(t *testing.T) {
	gin.SetMode(gin.TestMode)
	h := &Routes{Service: &Service{SolveLimit: 20 * time.Millisecond, Gate: make(chan struct{}, 1)}}
	trial := func() (*httptest.ResponseRecorder, context.Context, func(), bool) {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/api/scheduling/solve", nil)
		ctx, done, ok := h.startTrial(c)
		return w, ctx, done, ok
	}
	_, ctx, done, ok := trial()
	if !ok {
		t.Fatal("the first trial was refused")
	}
	if w, _, _, ok := trial(); ok || w.Code != http.StatusServiceUnavailable {
		t.Errorf("a second trial at once: ok %v, %d; want 503", ok, w.Code)
	}
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodPost, "/api/fairs/f1/schedule", nil)
	release, ok := h.acquire(c)
	if !ok {
		t.Fatalf("a fair's run waited for a trial: %d", w.Code)
	}
	if ctx.Err() == nil {
		t.Error("the trial goes on while a fair's run holds the gate; want it cut short")
	}
	done()
	if w, _, _, ok := trial(); ok || w.Code != http.StatusServiceUnavailable {
		t.Errorf("a trial while a fair's run holds the gate: ok %v, %d; want 503", ok, w.Code)
	}
	release()
	if _, _, done, ok := trial(); !ok {
		t.Error("a trial after the fair's run was refused")
	} else {
		done()
	}
}
