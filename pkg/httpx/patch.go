package httpx

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
)

// BindPatch is Bind for a PATCH whose body holds objects (a fair's fees, a buyer's contact): it
// also returns the body's members as they were sent, for PatchOnto to lay each object on the
// value it changes. It has answered the request when it returns false.
func BindPatch(c *gin.Context, dst any) (map[string]json.RawMessage, bool) {
	var sent bytes.Buffer
	if body := c.Request.Body; body != nil {
		c.Request.Body = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(body, &sent), body}
	}
	if !Bind(c, dst) {
		return nil, false
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(sent.Bytes(), &members); err != nil {
		RespondError(c, err) // not reached: Bind took the body as an object
		return nil, false
	}
	return members, true
}

// PatchOnto lays the JSON object raw on cur, as a PATCH changes an object inside a resource: each
// member raw names replaces that field of cur (a list or a map whole), and the fields it does not
// name keep their values. raw must have been bound strictly first (BindPatch), so that it holds
// only known fields of the right types.
func PatchOnto[T any](cur T, raw json.RawMessage) (T, error) {
	var named map[string]json.RawMessage
	if err := json.Unmarshal(raw, &named); err != nil {
		return cur, err
	}
	v := reflect.ValueOf(&cur).Elem()
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if _, ok := named[name]; ok {
			v.Field(i).SetZero() // so that a map is replaced, not merged key by key
		}
	}
	err := json.Unmarshal(raw, &cur)
	return cur, err
}
