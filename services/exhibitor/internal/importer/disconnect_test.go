package importer

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

// A client that goes away mid-import must not leave producers created without the claim codes
// only the import's report shows: the import runs to the end on its own deadline.
func TestImportFinishesAfterTheClientGoesAway(t *testing.T) {
	st, _ := dbStores(t)
	h := &Routes{Stores: st, Notify: func() {}, Now: time.Now}

	// The request's context is cancelled before the import starts, as when the client
	// disconnects while the file is being read.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gin.SetMode(gin.TestMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequestWithContext(ctx, http.MethodPost, Path, strings.NewReader(sampleCSV))
	c.Request.Header.Set("Content-Type", "text/csv")
	h.importFile(c)

	if w.Code != http.StatusOK {
		t.Fatalf("import after the client went away: %d %s", w.Code, w.Body)
	}
	var rep Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.ProducersCreated == 0 {
		t.Fatalf("no producer created: %s", w.Body)
	}
	for _, res := range rep.Results {
		if !res.ProducerCreated {
			continue
		}
		st, err := st.Claims.Status(context.Background(), res.ProducerID, time.Now())
		if err != nil || !st.Outstanding || res.ClaimCode == "" {
			t.Errorf("row %d: producer %s has claim status %+v, %v and code %q; want an outstanding code", res.Line, res.ProducerID, st, err, res.ClaimCode)
		}
	}
}

// dbStores are the import's stores on a new database, and the database.
func dbStores(t *testing.T) (Stores, *storage.DB) {
	t.Helper()
	db := testenv.DB(t)
	return Stores{Producers: producer.NewStore(db), Products: product.NewStore(db), Claims: producer.NewClaimStore(db)}, db
}
