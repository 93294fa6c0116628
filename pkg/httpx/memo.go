package httpx

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
)

// Memo remembers encoded JSON answers of reads from a model in memory, each under a key (what was
// asked) and a version (of what the answer was built from), so that the same read of an unchanged
// model costs a map lookup and a copy instead of building and encoding the answer again: on a
// fair's opening day the same floor plan and the same searches are asked hundreds of times a
// second between two changes. It holds at most maxBytes of keys and answers; past that it starts
// afresh, however many different queries are asked.
type Memo struct {
	mu       sync.Mutex
	entries  map[string]memoEntry
	bytes    int
	maxBytes int
}

type memoEntry struct {
	version string
	body    []byte
	tag     string
}

// NewMemo returns a memo that holds at most maxBytes of answers.
func NewMemo(maxBytes int) *Memo {
	return &Memo{entries: map[string]memoEntry{}, maxBytes: maxBytes}
}

// JSON answers as JSONWithETag does with the answer build returns, taken from the memo when key
// was last answered at the same version.
func (m *Memo) JSON(c *gin.Context, key, version string, build func() any) {
	m.mu.Lock()
	e, ok := m.entries[key]
	m.mu.Unlock()
	if !ok || e.version != version {
		body, err := json.Marshal(build())
		if err != nil {
			RespondError(c, err)
			return
		}
		h := fnv.New64a()
		_, _ = h.Write(body)
		e = memoEntry{version: version, body: body, tag: `"` + strconv.FormatUint(h.Sum64(), 36) + `"`}
		m.put(key, e)
	}
	c.Header("ETag", e.tag)
	if matchesTag(c.GetHeader("If-None-Match"), e.tag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", e.body)
}

// memoEntryBytes is what an entry costs besides its key and answer (the map's slot, the entry,
// its version and tag): a million different queries of one empty answer each fill the memo, not
// the memory.
const memoEntryBytes = 128

// size is what an entry under key costs the memo.
func (e memoEntry) size(key string) int {
	return len(key) + len(e.body) + len(e.version) + len(e.tag) + memoEntryBytes
}

func (m *Memo) put(key string, e memoEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.entries[key]; ok {
		m.bytes -= old.size(key)
	}
	if m.bytes+e.size(key) > m.maxBytes {
		m.entries, m.bytes = map[string]memoEntry{}, 0
	}
	m.entries[key] = e
	m.bytes += e.size(key)
}
