package testenv

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// CheckOpenAPI fails the test unless the /openapi.json that c serves is a valid OpenAPI
// document (kin-openapi's Validate) that documents exactly the /api routes registered on engine.
func CheckOpenAPI(tb testing.TB, c Client, engine *gin.Engine) {
	tb.Helper()
	r := c.Do(tb, "GET", "/openapi.json", nil)
	if _, err := LoadContract(r.Body); err != nil {
		tb.Errorf("/openapi.json is not a valid OpenAPI document: %v", err)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.Decode(tb, &doc)
	if r.Status != 200 || !strings.HasPrefix(doc.OpenAPI, "3.") {
		tb.Fatalf("/openapi.json: %d, openapi %q", r.Status, doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	for _, rt := range engine.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/") {
			continue
		}
		key := rt.Method + " " + openapi.Path(rt.Path)
		if !documented[key] {
			tb.Errorf("route %s is not in /openapi.json", key)
		}
		delete(documented, key)
	}
	for key := range documented {
		tb.Errorf("/openapi.json documents %s, which is not a route", key)
	}
}
