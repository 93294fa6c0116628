package importer

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// An upload cut off for arriving too slowly is answered 408 body_too_slow, as through the
// gateway, whether sent as the file itself or in a form; it was 400, the file "unreadable".
func TestAnUploadCutOffIsTooSlow(t *testing.T) {
	for _, kind := range []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "multipart/form-data; boundary=x"} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest(http.MethodPost, "/", testenv.StalledBody{})
		c.Request.Header.Set("Content-Type", kind)
		_, err := readUpload(c)
		if apperr.KindOf(err) != apperr.TooSlow {
			t.Errorf("%s cut off: %v, want body_too_slow", kind, err)
		}
	}
}
