// Package metrics defines the Prometheus metrics every ocopfair service exports at /metrics on its
// metrics listener (OCOPFAIR_METRICS_ADDR, apart from the public port): HTTP requests, events
// published, consumed and failed, and the outbox backlog.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds one service's collectors on its own registry.
type Metrics struct {
	Registry        *prometheus.Registry
	HTTPRequests    *prometheus.CounterVec
	HTTPDuration    *prometheus.HistogramVec
	EventsPublished *prometheus.CounterVec
	EventsConsumed  *prometheus.CounterVec
	EventsFailed    *prometheus.CounterVec
	OutboxBacklog   prometheus.Gauge
}

// New creates the metrics of service on a fresh registry, with Go and process collectors.
func New(service string) *Metrics {
	reg := prometheus.NewRegistry()
	labels := prometheus.Labels{"service": service}
	m := &Metrics{
		Registry: reg,
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocopfair_http_requests_total", Help: "HTTP requests by route, method and status.", ConstLabels: labels,
		}, []string{"route", "method", "status"}),
		HTTPDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ocopfair_http_request_duration_seconds", Help: "HTTP request latency by route and method.", ConstLabels: labels,
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		EventsPublished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocopfair_events_published_total", Help: "Events published to JetStream by subject.", ConstLabels: labels,
		}, []string{"subject"}),
		EventsConsumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocopfair_events_consumed_total", Help: "Events handled by consumer and result (ok, duplicate).", ConstLabels: labels,
		}, []string{"consumer", "result"}),
		EventsFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocopfair_events_failed_total", Help: "Event handling failures by consumer and kind (retry, dead_letter).", ConstLabels: labels,
		}, []string{"consumer", "kind"}),
		OutboxBacklog: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ocopfair_outbox_backlog", Help: "Events stored but not yet published, as last seen by the relay.", ConstLabels: labels,
		}),
	}
	reg.MustRegister(m.HTTPRequests, m.HTTPDuration, m.EventsPublished, m.EventsConsumed, m.EventsFailed, m.OutboxBacklog,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
