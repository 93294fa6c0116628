package httpx

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// JSONWithETag answers 200 with v as JSON and an ETag of the body, or 304 with no body when the
// request's If-None-Match names that ETag: clients that poll a page pay for a body only when it
// changed. The tag hashes the body, so it differs whenever anything the caller sees differs
// (their role's fields, time-dependent flags), and agrees whichever replica answers.
func JSONWithETag(c *gin.Context, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		c.JSON(http.StatusOK, v) // cannot happen for response structs; let gin report it
		return
	}
	DataWithETag(c, "application/json; charset=utf-8", body)
}

// DataWithETag is JSONWithETag for a body already made, of any media type (a calendar file).
func DataWithETag(c *gin.Context, contentType string, body []byte) {
	h := fnv.New64a()
	_, _ = h.Write(body)
	tag := `"` + strconv.FormatUint(h.Sum64(), 36) + `"`
	c.Header("ETag", tag)
	if matchesTag(c.GetHeader("If-None-Match"), tag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, contentType, body)
}

// matchesTag reports whether an If-None-Match header names tag (weak comparison, as RFC 9110
// asks for If-None-Match) or is "*".
func matchesTag(header, tag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

// IfMatch reports whether an If-Match header lets a change to the version tag go ahead (tag
// unquoted: a revision or a time as the resource's ETag names it): "*" (any version), or a list
// that names it, each entry quoted or (as a client copying the number may send it) not. Weak
// tags (W/) never match, as RFC 9110 asks for If-Match; an empty header is no condition.
func IfMatch(header, tag string) bool {
	if strings.TrimSpace(header) == "" {
		return true
	}
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || t == tag || t == `"`+tag+`"` {
			return true
		}
	}
	return false
}

// RevisionTag is the entity tag of a resource versioned by a revision number: the number, quoted.
func RevisionTag(rev int64) string { return `"` + strconv.FormatInt(rev, 10) + `"` }

// IfMatchRevision reports whether an If-Match header lets a change to revision rev go ahead (see
// IfMatch).
func IfMatchRevision(header string, rev int64) bool {
	return IfMatch(header, strconv.FormatInt(rev, 10))
}
