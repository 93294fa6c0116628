package httpx

import (
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Page limits.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Page is a request for one page of a list: at most Limit items after the opaque Cursor.
type Page struct {
	Limit  int
	Cursor string
}

// PageOf reads ?limit= and ?cursor= from the query; limit defaults to 20 and is capped at 100.
func PageOf(c *gin.Context) (Page, error) {
	p := Page{Limit: DefaultLimit, Cursor: c.Query("cursor")}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, &apperr.Error{Kind: apperr.Invalid, Message: "bad paging", Fields: []apperr.FieldError{{Field: "limit", Message: "must be a whole number from 1 to 100"}}}
		}
		p.Limit = min(n, MaxLimit)
	}
	if len(p.Cursor) > 512 {
		return p, &apperr.Error{Kind: apperr.Invalid, Message: "bad paging", Fields: []apperr.FieldError{{Field: "cursor", Message: "is not a cursor from a previous page"}}}
	}
	return p, nil
}

// List is the shape of every paginated response.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// EncodeCursor makes an opaque cursor from the sort key of the last item of a page.
func EncodeCursor(key any) string {
	b, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made by EncodeCursor into key; "" leaves key untouched.
func DecodeCursor(cursor string, key any) error {
	if cursor == "" {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err == nil {
		err = json.Unmarshal(b, key)
	}
	if err != nil {
		return &apperr.Error{Kind: apperr.Invalid, Message: "bad paging", Fields: []apperr.FieldError{{Field: "cursor", Message: "is not a cursor from a previous page"}}}
	}
	return nil
}
