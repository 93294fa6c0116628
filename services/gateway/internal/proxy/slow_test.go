package proxy

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// A service that is slow to answer is given up on, but not an import, which answers only once its
// last row is stored (its report holds claim codes shown nowhere else).
func TestAnImportIsAwaitedLongerThanOtherAnswers(t *testing.T) {
	was, wasImport := headerTimeout, importTimeout
	headerTimeout, importTimeout = 100*time.Millisecond, 10*time.Second
	t.Cleanup(func() { headerTimeout, importTimeout = was, wasImport })
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(400 * time.Millisecond)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(slow.Close)
	u, _ := url.Parse(slow.URL)
	gin.SetMode(gin.TestMode)
	r := gin.New()
	NewRoutes(map[string]*url.URL{Exhibitor: u}).Register(r)
	gw := httptest.NewServer(r)
	t.Cleanup(gw.Close)
	for path, want := range map[string]int{"/api/producers": http.StatusBadGateway, ImportPath: http.StatusOK} {
		res, err := gw.Client().Post(gw.URL+path, "text/csv", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("POST %s to a service answering after 400 ms: %d, want %d", path, res.StatusCode, want)
		}
	}
}
