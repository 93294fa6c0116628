package importer

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

// An upload cut off for arriving too slowly is answered 408 body_too_slow, as through the
// gateway, whether sent as the file itself or in a form; it was 400, the file "unreadable".
func TestAnUploadCutOffIsTooSlow(t *testing.T) {
	for _, kind := range []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "multipart/form-data; boundary=x"} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodPost, "/", stalled{})
		c.Request.Header.Set("Content-Type", kind)
		_, err := readUpload(c)
		if apperr.KindOf(err) != apperr.TooSlow {
			t.Errorf("%s cut off: %v, want body_too_slow", kind, err)
		}
	}
}
