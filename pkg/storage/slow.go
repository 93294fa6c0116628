package storage

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// slowLog logs database commands that take at least its threshold, with the command's name, its
// collection and the field names of its filter (never the values: they can be personal data).
// It is how an operator finds the query that needs an index, or on the embedded FerretDB, the
// one that reads a whole collection.
type slowLog struct {
	threshold time.Duration
	log       *slog.Logger
	started   sync.Map // request ID → slowCommand
}

type slowCommand struct {
	name, collection string
	filter           []string
}

func newSlowLog(threshold time.Duration, log *slog.Logger) *event.CommandMonitor {
	s := &slowLog{threshold: threshold, log: log}
	return &event.CommandMonitor{
		Started: s.start,
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			s.finish(e.RequestID, e.Duration, "")
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			s.finish(e.RequestID, e.Duration, e.Failure.Error())
		},
	}
}

func (s *slowLog) start(_ context.Context, e *event.CommandStartedEvent) {
	c := slowCommand{name: e.CommandName}
	if v, err := e.Command.LookupErr(e.CommandName); err == nil {
		c.collection, _ = v.StringValueOK()
	}
	if v, err := e.Command.LookupErr("collection"); err == nil { // getMore
		c.collection, _ = v.StringValueOK()
	}
	c.filter = filterFields(e.Command)
	s.started.Store(e.RequestID, c)
}

func (s *slowLog) finish(id int64, took time.Duration, failure string) {
	v, ok := s.started.LoadAndDelete(id)
	if !ok || took < s.threshold {
		return
	}
	c := v.(slowCommand)
	attrs := []any{"command", c.name, "collection", c.collection, "took", took.Round(time.Microsecond)}
	if len(c.filter) > 0 {
		attrs = append(attrs, "filter", c.filter)
	}
	if failure != "" {
		attrs = append(attrs, "error", failure)
	}
	s.log.Warn("slow database command", attrs...)
}

// filterFields names the fields a command filters on: find's and delete's filter, update's q,
// aggregate's first $match.
func filterFields(cmd bson.Raw) []string {
	var filter bson.Raw
	if v, err := cmd.LookupErr("filter"); err == nil {
		filter, _ = v.DocumentOK()
	}
	for _, list := range []string{"updates", "deletes"} {
		if v, err := cmd.LookupErr(list, "0", "q"); err == nil {
			filter, _ = v.DocumentOK()
		}
	}
	if v, err := cmd.LookupErr("pipeline", "0", "$match"); err == nil {
		filter, _ = v.DocumentOK()
	}
	elems, _ := filter.Elements()
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		out = append(out, e.Key())
	}
	return out
}
