package bus

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

var (
	msgNoDeadLetter  = apperr.M("dead_letter_not_found", "không có sự kiện bị bỏ dở này (đã được xử lý lại hoặc đã quá hạn lưu)", "no such dead letter (replayed already, or past its keeping)")
	msgConsumerGone  = apperr.M("dead_letter_consumer_gone", "dịch vụ này không còn chạy bộ tiêu thụ %s", "this service no longer runs the consumer %s")
	msgNotAnEvent    = apperr.M("dead_letter_not_an_event", "đây không phải là một sự kiện đọc được: %s", "this dead letter is not a readable event: %s")
	msgStillFailing  = apperr.M("dead_letter_still_failing", "xử lý lại vẫn lỗi; sự kiện vẫn được giữ để xử lý sau: %s", "the replay failed again; the dead letter is kept: %s")
	replayErrorLimit = 300
)

// Replay handles the dead letter id again with the handler of the consumer that gave up on it,
// one of consumers (those the service runs), after the cause was mended: the event's effect is
// stored and recorded as processed, then the dead letter is removed. An event the consumer
// handled meanwhile (a redelivery that went through) only removes the dead letter. A replay that
// fails again keeps the dead letter and says why.
func (b *Bus) Replay(ctx context.Context, consumers []Consumer, id string) error {
	var dl DeadLetter
	err := b.DB.Collection(DeadLetterCollection).FindOne(ctx, bson.M{"_id": id}).Decode(&dl)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return apperr.New(apperr.NotFound, msgNoDeadLetter)
	} else if err != nil {
		return storage.MapError(err, "dead letters")
	}
	i := slices.IndexFunc(consumers, func(c Consumer) bool { return c.Durable == dl.Consumer })
	if i < 0 {
		return apperr.New(apperr.Conflict, msgConsumerGone, dl.Consumer)
	}
	var env events.Envelope
	if err := json.Unmarshal([]byte(dl.Data), &env); err != nil {
		return apperr.New(apperr.Conflict, msgNotAnEvent, truncate(err.Error(), replayErrorLimit))
	}
	if err := env.Validate(); err != nil {
		return apperr.New(apperr.Conflict, msgNotAnEvent, truncate(err.Error(), replayErrorLimit))
	}
	key := dl.Consumer + ":" + env.ID
	done, err := b.processed(ctx, key)
	if err != nil {
		return storage.MapError(err, "processed events")
	}
	if !done {
		if err := consumers[i].Handler(correlation.With(ctx, env.CorrelationID), env); err != nil {
			return apperr.New(apperr.Conflict, msgStillFailing, truncate(err.Error(), replayErrorLimit))
		}
		if _, err := b.DB.Collection(ProcessedCollection).InsertOne(ctx, processedRecord(key)); err != nil && !storage.IsDuplicate(err) {
			return storage.MapError(err, "processed events")
		}
	}
	b.Metrics.EventsConsumed.WithLabelValues(dl.Consumer, "replayed").Inc()
	if _, err := b.DB.Collection(DeadLetterCollection).DeleteOne(ctx, bson.M{"_id": id}); err != nil {
		return storage.MapError(err, "dead letters")
	}
	return nil
}
