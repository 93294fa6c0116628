package product

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// A photo cut off for arriving too slowly is answered 408 body_too_slow, as through the gateway;
// it was 400, the photo "unreadable", which sent the producer looking for a fault in the file.
func TestAPhotoCutOffIsTooSlow(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPut, "/", testenv.StalledBody{})
	if _, err := readPhoto(c); apperr.KindOf(err) != apperr.TooSlow {
		t.Errorf("a photo cut off: %v, want body_too_slow", err)
	}
}
