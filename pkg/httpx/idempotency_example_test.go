package httpx_test

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// A creating handler behind the Idempotency-Key guard names the new aggregate with NewID: a retry
// that runs again after a crash then meets the stored aggregate (a duplicate key) instead of
// creating a second one, and answers with it.
func ExampleNewID() {
	create := func(c *gin.Context) {
		id := httpx.NewID(c)
		// Store the thing under id; on a duplicate key, load the thing with that id and answer with it.
		c.Header("Location", "/api/things/"+id)
		c.JSON(http.StatusCreated, gin.H{"id": id})
	}
	_ = create
}
