package product

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// stalled is a body whose sender stopped: its read is cut off by the connection's deadline.
type stalled struct{}

func (stalled) Read([]byte) (int, error) {
	return 0, fmt.Errorf("read tcp: %w", os.ErrDeadlineExceeded)
}

// A photo cut off for arriving too slowly is answered 408 body_too_slow, as through the gateway;
// it was 400, the photo "unreadable", which sent the producer looking for a fault in the file.
func TestAPhotoCutOffIsTooSlow(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPut, "/", stalled{})
	if _, err := readPhoto(c); apperr.KindOf(err) != apperr.TooSlow {
		t.Errorf("a photo cut off: %v, want body_too_slow", err)
	}
}
