package httpx

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Idempotency-Key handling.
const (
	IdempotencyHeader     = "Idempotency-Key"
	IdempotentReplay      = "Idempotent-Replayed"
	IdempotencyCollection = "idempotency_keys"
	// IdempotencyTTL is how long a stored response is replayed; older keys start afresh.
	IdempotencyTTL = 24 * time.Hour
)

type idemRecord struct {
	ID          string    `bson:"_id"`
	State       string    `bson:"state"`
	RequestHash string    `bson:"request_hash"`
	Status      int       `bson:"status,omitempty"`
	ContentType string    `bson:"content_type,omitempty"`
	Location    string    `bson:"location,omitempty"`
	Body        []byte    `bson:"body,omitempty"`
	At          time.Time `bson:"at"`
}

// Idempotency makes a creating request safe to retry: a request with an Idempotency-Key header
// runs once per caller, route and key; a retry with the same body gets the first response again
// (with Idempotent-Replayed: true), a retry with another body gets 422, and a retry while the first
// is still running gets 409. The claim on a key is an insert on a unique _id, so it holds across
// replicas. Responses of 5xx are not kept, so the client may retry them.
func Idempotency(db *storage.DB) gin.HandlerFunc {
	coll := db.Collection(IdempotencyCollection)
	return func(c *gin.Context) {
		key := c.GetHeader(IdempotencyHeader)
		if key == "" {
			c.Next()
			return
		}
		if len(key) > 200 || cleanID(key) == "" {
			RespondError(c, &apperr.Error{Kind: apperr.Invalid, Message: "bad Idempotency-Key",
				Fields: []apperr.FieldError{{Field: IdempotencyHeader, Message: "must be 1 to 200 printable ASCII characters, e.g. a UUID"}}})
			return
		}
		body, err := ReadBody(c)
		if err != nil {
			RespondError(c, err)
			return
		}
		caller := "anonymous:" + c.ClientIP()
		if p, ok := PrincipalFrom(c); ok {
			caller = "account:" + p.AccountID
		}
		id := digest(caller, c.Request.Method, c.FullPath(), key)
		reqHash := digest(string(body))
		ctx := c.Request.Context()

		rec := idemRecord{ID: id, State: "pending", RequestHash: reqHash, At: time.Now()}
		if _, err := coll.InsertOne(ctx, rec); err != nil {
			if !storage.IsDuplicate(err) {
				RespondError(c, storage.MapError(err, "idempotency key"))
				return
			}
			var prev idemRecord
			if err := coll.FindOne(ctx, bson.M{"_id": id}).Decode(&prev); err != nil {
				RespondError(c, storage.MapError(err, "idempotency key"))
				return
			}
			switch {
			case time.Since(prev.At) > IdempotencyTTL:
				// Expired: take the key over for this request.
				res, err := coll.ReplaceOne(ctx, bson.M{"_id": id, "at": prev.At}, rec)
				if err != nil || res.MatchedCount == 0 {
					RespondError(c, apperr.E(apperr.Conflict, "a request with this Idempotency-Key is being processed; retry shortly"))
					return
				}
			case prev.RequestHash != reqHash:
				RespondError(c, apperr.E(apperr.Invalid, "this Idempotency-Key was used with a different request body; use a new key for a new request"))
				return
			case prev.State != "done":
				RespondError(c, apperr.E(apperr.Conflict, "a request with this Idempotency-Key is still being processed; retry shortly"))
				return
			default:
				if prev.Location != "" {
					c.Header("Location", prev.Location)
				}
				c.Header(IdempotentReplay, "true")
				c.Data(prev.Status, prev.ContentType, prev.Body)
				c.Abort()
				return
			}
		}

		rw := &recorder{ResponseWriter: c.Writer}
		c.Writer = rw
		c.Next()
		status := rw.Status()
		if status >= http.StatusInternalServerError {
			_, _ = coll.DeleteOne(ctx, bson.M{"_id": id})
			return
		}
		_, err = coll.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{
			"state": "done", "status": status, "content_type": rw.Header().Get("Content-Type"),
			"location": rw.Header().Get("Location"), "body": rw.buf.Bytes(),
		}})
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			Logger(c).Warn("storing idempotent response failed; a retry will run again", "err", err)
			_, _ = coll.DeleteOne(ctx, bson.M{"_id": id})
		}
	}
}

func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// recorder copies the response body as it is written.
type recorder struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteString(s string) (int, error) {
	r.buf.WriteString(s)
	return r.ResponseWriter.WriteString(s)
}
