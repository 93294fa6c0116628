package httpx

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Page limits. A cursor holds at most MaxCursor bytes: enough for the longest name a list is
// ordered by (200 characters of up to 4 bytes each in UTF-8, in base64) with an ID.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	MaxCursor    = 1536
)

// The messages of paging; MsgCursor also says a cursor that decodes but names no page.
var (
	msgLimit  = apperr.M("limit_invalid", "phải là số nguyên từ %d đến %d", "must be a whole number from %d to %d")
	MsgCursor = apperr.M("cursor_invalid", "không phải con trỏ của một trang trước", "is not a cursor from a previous page")
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
			return p, apperr.InvalidField("limit", msgLimit, 1, MaxLimit)
		}
		p.Limit = min(n, MaxLimit)
	}
	if len(p.Cursor) > MaxCursor {
		return p, apperr.InvalidField("cursor", MsgCursor)
	}
	return p, nil
}

// PageAfter is PageOf with the cursor decoded into key (left untouched on the first page).
func PageAfter(c *gin.Context, key any) (Page, error) {
	p, err := PageOf(c)
	if err == nil {
		err = DecodeCursor(p.Cursor, key)
	}
	return p, err
}

// ListOf makes one page from items fetched with a limit of Limit+1: the first Limit of them,
// each converted by conv, and when there were more, the cursor from the last one kept (made of
// the sort key that cursor returns).
func ListOf[T, R any](items []T, limit int, cursor func(T) any, conv func(T) R) List[R] {
	out := List[R]{Items: make([]R, 0, min(len(items), limit))}
	if len(items) > limit {
		items = items[:limit]
		out.NextCursor = EncodeCursor(cursor(items[limit-1]))
	}
	for _, it := range items {
		out.Items = append(out.Items, conv(it))
	}
	return out
}

// List is the shape of every paginated response.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// EncodeCursor makes an opaque cursor from the sort key of the last item of a page. Text is kept
// as it is (no \u0026 for &), so that a name in the key takes no more room than it must.
func EncodeCursor(key any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(key)
	return base64.RawURLEncoding.EncodeToString(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
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
		return apperr.InvalidField("cursor", MsgCursor)
	}
	return nil
}
