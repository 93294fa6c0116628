package httpx

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
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
	// IdempotencyTTL is how long a stored response is replayed; older keys start afresh, and the
	// pruner deletes them.
	IdempotencyTTL = 24 * time.Hour
	// IdempotencyLease is how long a running request holds its key without renewing it. The
	// process renews it while the handler runs, so it lapses only when the process is gone (or
	// after a 5xx, which gives it up at once); a retry then runs the request again.
	IdempotencyLease = 30 * time.Second
	// IdempotencyBookkeepingTimeout bounds each write of the key's record. The writes run on a
	// context that outlives the request: a client that hangs up must not leave its key stuck.
	IdempotencyBookkeepingTimeout = 10 * time.Second
)

const (
	idemPending   = "pending"
	idemDone      = "done"
	idemIDKey     = "ocopfair.idempotent_id"
	idemReplayKey = "ocopfair.idempotent_replay"
)

type idemRecord struct {
	ID          string `bson:"_id"`
	State       string `bson:"state"`
	RequestHash string `bson:"request_hash"`
	// RequestID is the ID a creating handler gives the one aggregate it creates (NewID). It is
	// kept when a retry takes the key over, so a re-run after a crash writes the same _id again.
	RequestID string `bson:"request_id,omitempty"`
	// Claim identifies one run: only the run holding the claim renews, finishes or gives up the
	// record, so a run whose lease lapsed cannot overwrite the run that took over.
	Claim       string `bson:"claim,omitempty"`
	Status      int    `bson:"status,omitempty"`
	ContentType string `bson:"content_type,omitempty"`
	Location    string `bson:"location,omitempty"`
	ETag        string `bson:"etag,omitempty"`
	// Language is the Content-Language of a kept problem document: a replay is in the language
	// of the first answer, and says so.
	Language   string    `bson:"language,omitempty"`
	Body       []byte    `bson:"body,omitempty"`
	At         time.Time `bson:"at"`
	LeaseUntil time.Time `bson:"lease_until,omitempty"`
}

// IdempotencyRetention is how long idempotency records are kept: their TTL, after which a key
// starts afresh anyway.
func IdempotencyRetention() storage.Retention {
	return storage.Retention{Collection: IdempotencyCollection, Field: "at", Keep: IdempotencyTTL}
}

// The messages of Idempotency-Key handling.
var (
	msgIdemKeyBad = apperr.M("idempotency_key_invalid",
		"phải gồm 1 đến 200 ký tự ASCII in được, không có khoảng trắng, ví dụ một UUID",
		"must be 1 to 200 printable ASCII characters without spaces, e.g. a UUID")
	msgIdemBusy = apperr.M("idempotency_key_in_use",
		"Một yêu cầu với Idempotency-Key này đang được xử lý; hãy thử lại sau giây lát.",
		"A request with this Idempotency-Key is being processed; retry shortly.")
	msgIdemOtherBody = apperr.M("idempotency_key_reused",
		"Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác; hãy dùng khóa mới cho yêu cầu mới.",
		"This Idempotency-Key was used with a different request body; use a new key for a new request.")
)

// Idempotency makes a creating request safe to retry: a request with an Idempotency-Key header
// runs once per caller, request path and key; a retry with the same body gets the first response
// again (with Idempotent-Replayed: true), a retry with another body gets 422, and a retry while
// the first is still running gets 409 with Retry-After.
//
// The claim on a key is an insert on a unique _id, so it holds across replicas, and so is taking
// a lapsed key over (an attempt record beside the key's). A claim is a lease (IdempotencyLease)
// renewed while the handler runs; a response of 5xx gives it up at once, so
// such responses are not kept and a retry runs again, and so does a retry after the process died
// mid-request. A re-run gets the same NewID as the first run: a handler that uses it as the new
// aggregate's _id turns a re-run whose first run stored its effect into a duplicate-key no-op.
// The bookkeeping writes outlive the request, so a client hanging up does not strand its key.
func Idempotency(db *storage.DB) gin.HandlerFunc {
	coll := db.Collection(IdempotencyCollection)
	return func(c *gin.Context) {
		key := c.GetHeader(IdempotencyHeader)
		if key == "" {
			c.Next()
			return
		}
		if !idemKeyOK(key) {
			RespondError(c, apperr.InvalidField(IdempotencyHeader, msgIdemKeyBad))
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
		// The actual path, not the route pattern: the same key sent to two producers' product
		// lists is two requests.
		k := idemKey{coll: coll, id: digest(caller, c.Request.Method, c.Request.URL.Path, key),
			ctx: context.WithoutCancel(c.Request.Context()), log: Logger(c)}
		rec, prev, err := k.claim(digest(string(body)))
		if err != nil {
			var wait retryAfter
			if errors.As(err, &wait) {
				c.Header("Retry-After", strconv.Itoa(wait.seconds))
				err = wait.err
			}
			RespondError(c, err)
			return
		}
		if prev != nil {
			replay(c, prev)
			return
		}
		c.Set(idemIDKey, rec.RequestID)

		rw := &recorder{ResponseWriter: c.Writer}
		c.Writer = rw
		stopRenewing := k.keepLease(rec)
		finished := false
		defer func() {
			stopRenewing()
			if !finished {
				// The handler panicked: give the key up so that a retry runs at once.
				k.release(rec)
			}
		}()
		c.Next()
		finished = true
		stopRenewing()
		kept := rw.buf.Bytes()
		replay, _ := c.Get(idemReplayKey)
		if r, ok := replay.(replayBody); ok {
			kept = r.body
			if !r.ok {
				// What must not be kept could not be left out: keep nothing, so that a retry runs
				// again rather than replaying the secret.
				k.release(rec)
				return
			}
		}
		// A failure, or a refusal for now (429 over a limit, 408 a body too slow), is not the
		// request's answer: a retry with the key runs again.
		if status := rw.Status(); status >= http.StatusInternalServerError || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout {
			k.release(rec)
		} else {
			k.finish(rec, status, rw.Header(), kept)
		}
	}
}

// idemKeyOK reports whether key is 1 to 200 printable ASCII characters without spaces, as its
// error message says (a request ID's 128 is not the bound here).
func idemKeyOK(key string) bool {
	if len(key) == 0 || len(key) > 200 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// replay answers with the kept response of an earlier run.
func replay(c *gin.Context, prev *idemRecord) {
	if prev.Location != "" {
		c.Header("Location", prev.Location)
	}
	if prev.ETag != "" {
		c.Header("ETag", prev.ETag)
	}
	if prev.Language != "" {
		c.Header("Content-Language", prev.Language)
		c.Header("Vary", "Accept-Language")
	}
	c.Header(IdempotentReplay, "true")
	c.Data(prev.Status, prev.ContentType, prev.Body)
	c.Abort()
}

// IdempotentID returns the ID the idempotency record holds for this request, when the request
// carries an Idempotency-Key: the same for every run of the request, the first and any re-run.
func IdempotentID(c *gin.Context) (string, bool) {
	id, ok := c.Get(idemIDKey)
	if !ok {
		return "", false
	}
	s, ok := id.(string)
	return s, ok && s != ""
}

// NewID returns the ID for the one new aggregate a creating request stores: IdempotentID when
// the request has an Idempotency-Key, a fresh UUIDv7 otherwise. Stored as the aggregate's _id,
// it makes a re-run of a request whose first run stored its effect (and died before the response
// was recorded) a duplicate-key error, which the handler answers with the existing aggregate.
func NewID(c *gin.Context) string {
	if id, ok := IdempotentID(c); ok {
		return id
	}
	return uuid.Must(uuid.NewV7()).String()
}

// Rerun reports whether err, from storing a new aggregate under id, means that an earlier run of
// this same request stored it already: err is a duplicate key and id is this request's NewID from
// its Idempotency-Key (not a clash with someone else's ID). The handler then loads the aggregate,
// checks it is the caller's, and answers as the first run did.
func Rerun(c *gin.Context, id string, err error) bool {
	key, ok := IdempotentID(c)
	return ok && key == id && storage.IsDuplicate(err)
}

// StoredBefore returns what a re-run of an idempotent create meets: when err, from storing the
// new aggregate under id, means that an earlier run of this request stored it (Rerun), the
// aggregate as get reads it, if owned says it is the caller's. The handler answers with it as the
// first run did (not with a 409 of its own name or pair, which would be kept and replayed for a
// day). Anything else is a real conflict: false.
func StoredBefore[T any](c *gin.Context, id string, err error, get func(context.Context, string) (T, error), owned func(T) bool) (T, bool) {
	if !Rerun(c, id, err) {
		var none T
		return none, false
	}
	return StoredUnder(c, id, get, owned)
}

// StoredUnder returns the aggregate an earlier run of this request stored under id, its NewID,
// when the request has an Idempotency-Key and get finds one that owned says is the caller's: a
// handler that cannot tell a re-run from its write's error (one refused before writing, or whose
// write's outcome is unsure) looks with it before writing, or after.
func StoredUnder[T any](c *gin.Context, id string, get func(context.Context, string) (T, error), owned func(T) bool) (T, bool) {
	var none T
	if key, ok := IdempotentID(c); !ok || key != id {
		return none, false
	}
	v, err := get(c.Request.Context(), id)
	if err != nil || !owned(v) {
		return none, false
	}
	return v, true
}

// replayBody is what ReplayWith asks to keep in place of the response body; ok is false when it
// could not be encoded, and then nothing is kept.
type replayBody struct {
	body []byte
	ok   bool
}

// ReplayWith makes a replay of this request answer body (as JSON, with the same status and
// Location) instead of the body sent now. A handler whose response holds a secret, such as a
// bearer token, calls it with the response minus the secret, so the secret is never stored: the
// kept records are readable by anyone with access to the database for a day. A client that gets
// the replay obtains the secret afresh (signs in, for a token). Call it just before writing the
// response it stands for, so that an error answered instead is kept as it was sent.
func ReplayWith(c *gin.Context, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		Logger(c).Error("encoding the response to keep for replays failed; the response is not kept", "err", err)
	}
	c.Set(idemReplayKey, replayBody{body: data, ok: err == nil})
}

// retryAfter is a 409 for a key whose lease is held, with the seconds until it lapses.
type retryAfter struct {
	err     error
	seconds int
}

func (r retryAfter) Error() string { return r.err.Error() }

// idemKey is one key's record and the bookkeeping on it, on a context that outlives the request.
type idemKey struct {
	coll *mongo.Collection
	id   string
	ctx  context.Context
	log  *slog.Logger
}

func idemNow() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func (k idemKey) op() (context.Context, context.CancelFunc) {
	return context.WithTimeout(k.ctx, IdempotencyBookkeepingTimeout)
}

// claim takes the key for this run, or returns the stored record to replay, or an error: 422 for
// another body, 409 while another run holds the lease or wins a race to take it over.
func (k idemKey) claim(reqHash string) (idemRecord, *idemRecord, error) {
	ctx, cancel := k.op()
	defer cancel()
	now := idemNow()
	rec := idemRecord{ID: k.id, State: idemPending, RequestHash: reqHash, RequestID: uuid.Must(uuid.NewV7()).String(),
		Claim: uuid.NewString(), At: now, LeaseUntil: now.Add(IdempotencyLease)}
	_, err := k.coll.InsertOne(ctx, rec)
	if err == nil {
		return rec, nil, nil
	}
	if !storage.IsDuplicate(err) {
		return rec, nil, storage.MapError(err, "idempotency key")
	}
	var prev idemRecord
	if err := k.coll.FindOne(ctx, bson.M{"_id": k.id}).Decode(&prev); err != nil {
		if storage.IsNotFound(err) {
			// Pruned between the insert and the read: the retry will claim it.
			return rec, nil, retryAfter{apperr.New(apperr.Conflict, msgIdemBusy), 1}
		}
		return rec, nil, storage.MapError(err, "idempotency key")
	}
	switch {
	case now.Sub(prev.At) > IdempotencyTTL:
		// Expired: the key starts afresh, with a new ID.
	case prev.RequestHash != reqHash:
		return rec, nil, apperr.New(apperr.Invalid, msgIdemOtherBody)
	case prev.State == idemDone:
		return rec, &prev, nil
	case now.Before(prev.LeaseUntil):
		wait := int(math.Ceil(prev.LeaseUntil.Sub(now).Seconds()))
		return rec, nil, retryAfter{apperr.New(apperr.Conflict, msgIdemBusy), max(wait, 1)}
	default:
		// The run holding the key died or gave it up: run again as the same request, with the
		// same ID.
		rec.At = prev.At
		if prev.RequestID != "" {
			rec.RequestID = prev.RequestID
		}
	}
	return k.takeOver(ctx, prev, rec, now)
}

// idemAttempt is the insert-only record of one run taking a key over from the run holding
// Claim. Its unique _id names the key, the claim taken over and a generation, so of several
// retries only the one whose insert lands goes on to run.
type idemAttempt struct {
	ID string `bson:"_id"`
	// At is when the attempt was made; the pruner deletes attempts with the keys they were on.
	At time.Time `bson:"at"`
}

// idemGenerations bounds the attempts on one claim: each further generation stands for a winner
// that died between its insert and its replace, a lease apart.
const idemGenerations = 100

// takeOver replaces prev with rec once this run wins an attempt on prev's claim. The decision
// rests on a unique insert, not on a conditional replace, because with several replicas on
// FerretDB two replaces filtered on the same lease could both match and both run the request.
// Every retry tries the same generations in turn, whatever its clock: the next generation is
// open only once the attempt of the one before is a lease old (its winner died between its
// insert and its replace), so retries a moment apart never both win.
func (k idemKey) takeOver(ctx context.Context, prev, rec idemRecord, now time.Time) (idemRecord, *idemRecord, error) {
	busy := retryAfter{apperr.New(apperr.Conflict, msgIdemBusy), 1}
	for gen := 0; ; gen++ {
		if gen == idemGenerations {
			return rec, nil, busy
		}
		attempt := idemAttempt{ID: k.id + "/" + prev.Claim + "/" + strconv.Itoa(gen), At: now}
		_, err := k.coll.InsertOne(ctx, attempt)
		if err == nil {
			break
		}
		if !storage.IsDuplicate(err) {
			return rec, nil, storage.MapError(err, "idempotency key")
		}
		var held idemAttempt
		if err := k.coll.FindOne(ctx, bson.M{"_id": attempt.ID}).Decode(&held); err != nil {
			if storage.IsNotFound(err) {
				return rec, nil, busy // pruned meanwhile: the next retry starts again
			}
			return rec, nil, storage.MapError(err, "idempotency key")
		}
		if wait := held.At.Add(IdempotencyLease).Sub(now); wait > 0 {
			// Its winner may be taking the key now; if it died, the next generation opens then.
			return rec, nil, retryAfter{apperr.New(apperr.Conflict, msgIdemBusy), max(int(math.Ceil(wait.Seconds())), 1)}
		}
	}
	// Only if the record is still the one read: the run holding it may have renewed or
	// finished in between, and the winner of an earlier generation may have taken it over already.
	filter := bson.M{"_id": k.id, "at": prev.At, "state": prev.State}
	for field, v := range map[string]any{"claim": prev.Claim, "lease_until": prev.LeaseUntil} {
		if v == "" || v == (time.Time{}) {
			filter[field] = bson.M{"$exists": false}
		} else {
			filter[field] = v
		}
	}
	res, err := storage.ReplaceOne(ctx, k.coll, filter, rec)
	if err != nil {
		return rec, nil, storage.MapError(err, "idempotency key")
	}
	if res.MatchedCount == 0 {
		return rec, nil, busy
	}
	return rec, nil, nil
}

// keepLease renews rec's lease while the handler runs; the returned stop ends the renewals and
// waits for a renewal in flight, so that none lands after the record is finished or released.
func (k idemKey) keepLease(rec idemRecord) (stop func()) {
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(IdempotencyLease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			ctx, cancel := k.op()
			res, err := storage.UpdateOne(ctx, k.coll, bson.M{"_id": k.id, "claim": rec.Claim, "state": idemPending},
				bson.M{"$set": bson.M{"lease_until": idemNow().Add(IdempotencyLease)}})
			cancel()
			if err == nil && res.MatchedCount == 0 {
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		<-exited
	}
}

// finish stores the response for replay, if this run still holds the key.
func (k idemKey) finish(rec idemRecord, status int, header http.Header, body []byte) {
	ctx, cancel := k.op()
	defer cancel()
	_, err := storage.UpdateOne(ctx, k.coll, bson.M{"_id": k.id, "claim": rec.Claim}, bson.M{"$set": bson.M{
		"state": idemDone, "status": status, "content_type": header.Get("Content-Type"),
		"location": header.Get("Location"), "etag": header.Get("ETag"), "language": header.Get("Content-Language"), "body": body,
	}})
	if err != nil {
		k.log.Warn("storing the idempotent response failed; a retry will run again once the lease lapses", "err", err)
	}
}

// release gives the key up so that a retry runs at once (as the same request, with the same ID).
func (k idemKey) release(rec idemRecord) {
	ctx, cancel := k.op()
	defer cancel()
	_, err := storage.UpdateOne(ctx, k.coll, bson.M{"_id": k.id, "claim": rec.Claim, "state": idemPending},
		bson.M{"$set": bson.M{"lease_until": idemNow()}})
	if err != nil {
		k.log.Warn("giving up the Idempotency-Key failed; a retry will run again once the lease lapses", "err", err)
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
