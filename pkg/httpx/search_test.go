package httpx_test

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// A list filter repeated thousands of times in one query (which every item of a public list was
// then checked against) is each value once; a value not allowed is one field error.
func TestQueryChoicesAreEachOnce(t *testing.T) {
	gin.SetMode(gin.TestMode)
	ask := func(query string) ([]string, error) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/?"+query, nil)
		var v apperr.Validation
		got := httpx.QueryChoices(c, &v, "status", "valid", "expiring", "expired")
		return got, v.Err()
	}
	if got, err := ask("status=" + strings.Repeat("expired,", 3900) + "valid,%20expired"); err != nil || !slices.Equal(got, []string{"expired", "valid"}) {
		t.Errorf("a value repeated 3,900 times: %q, %v, want [expired valid]", got, err)
	}
	if _, err := ask("status=valid," + strings.Repeat("nope,", 100)); err == nil || len(err.(*apperr.Error).Fields) != 1 {
		t.Errorf("100 values not allowed: %v, want one field error", err)
	}
	if got, err := ask(""); err != nil || len(got) != 0 {
		t.Errorf("no filter: %q, %v", got, err)
	}
}
