package importer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
)

// While the imports a replica runs at once are all busy, another waits, then is refused with 503
// and Retry-After, having created nothing; once one ends, the same file imports.
func TestImportsRunningAtOnceAreBounded(t *testing.T) {
	st, db := dbStores(t)
	h := &Routes{Stores: st, Notify: func() {}, Now: time.Now, Concurrent: 1, Wait: 100 * time.Millisecond}
	gin.SetMode(gin.TestMode)
	eng := gin.New()
	eng.POST(Path, h.importFile)
	h.gate = make(chan struct{}, h.Concurrent)
	post := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r := httptest.NewRequestWithContext(context.Background(), http.MethodPost, Path, strings.NewReader(sampleCSV))
		r.Header.Set("Content-Type", "text/csv")
		eng.ServeHTTP(w, r)
		return w
	}

	h.gate <- struct{}{} // an import running
	w := post()
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "60" || !strings.Contains(w.Body.String(), "import_busy") {
		t.Fatalf("an import while another holds the only place: %d Retry-After %q %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if n, err := db.Collection(producer.Collection).CountDocuments(t.Context(), map[string]any{}); err != nil || n != 0 {
		t.Fatalf("producers after a refused import: %d, %v", n, err)
	}
	// With as many waiting as may wait, another is refused at once, not after the wait.
	h.Wait = time.Minute
	h.waiting.Store(maxWaiting)
	began := time.Now()
	if w := post(); w.Code != http.StatusServiceUnavailable || time.Since(began) > 10*time.Second {
		t.Errorf("an import beyond those waiting: %d after %v, want 503 at once", w.Code, time.Since(began))
	}
	h.waiting.Store(0)
	<-h.gate
	if w := post(); w.Code != http.StatusOK {
		t.Fatalf("the same file once the place is free: %d %s", w.Code, w.Body)
	}
	if len(h.gate) != 0 {
		t.Errorf("an import ended still holds its place")
	}
}
