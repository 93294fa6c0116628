package meeting

import (
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
