// Package metrics exposes the server's Prometheus metrics: GraphQL requests by operation
// name, type and outcome with their latency and SQL statements, the response cache, the
// database pool and the Go runtime.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"storefront/internal/respcache"
	"storefront/internal/store"
)

// Operation describes one GraphQL request; the API fills it in (see From).
type Operation struct {
	// Name is the operation name the client gave ("" for anonymous operations).
	Name string
	// Type is query, mutation or subscription ("" when the request never got that far).
	Type string
	// Errors says the response carried errors; ErrorCodes are their extensions.code values.
	Errors     bool
	ErrorCodes []string
	// Checkout is the outcome of a checkout submission in the request: "submitted", or the
	// code of the first user error or submission error.
	Checkout string
	// FastRead says the operation was answered by the API's serial catalog executor rather
	// than by gqlgen's.
	FastRead bool
}

type opKey struct{}

// From returns the request's Operation for the API to fill in, or nil.
func From(ctx context.Context) *Operation {
	op, _ := ctx.Value(opKey{}).(*Operation)
	return op
}

// maxNames bounds the distinct operation names kept as label values (clients choose them).
const maxNames = 200

var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// Metrics is the server's registry and its instruments.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	statements *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	checkouts  *prometheus.CounterVec
	payments   *prometheus.CounterVec
	payTime    *prometheus.HistogramVec
	throttled  prometheus.Counter
	executor   *prometheus.CounterVec
	webhook    webhookMetrics

	mu    sync.Mutex
	names map[string]bool
}

// New registers the metrics of the database pool db, the response cache c (nil for none)
// and the Go runtime.
func New(db *sql.DB, c *respcache.Cache) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), names: map[string]bool{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "storefront_graphql_requests_total",
		Help: "Storefront API requests by operation name, operation type and outcome (ok, error: the response carried errors, rejected: no operation ran).",
	}, []string{"operation", "type", "outcome"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "storefront_graphql_request_duration_seconds",
		Help:    "Storefront API request latency by operation type.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"type"})
	m.statements = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "storefront_graphql_sql_statements",
		Help:    "SQL statements run per Storefront API request, by operation type.",
		Buckets: []float64{0, 1, 2, 3, 5, 8, 12, 20, 35, 60, 100},
	}, []string{"type"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "storefront_graphql_errors_total",
		Help: "Errors in Storefront API responses by code (THROTTLED: sign-in throttling; INTERNAL_SERVER_ERROR, TIMEOUT, …).",
	}, []string{"code"})
	m.checkouts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "storefront_checkout_submissions_total",
		Help: "Checkout submissions (cartSubmitForCompletion) by outcome: submitted, or the error code that stopped them.",
	}, []string{"outcome"})
	m.payments = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "storefront_payment_requests_total",
		Help: "Calls to the payment provider by operation and outcome (ok, or the payment error code).",
	}, []string{"operation", "outcome"})
	m.payTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "storefront_payment_request_duration_seconds",
		Help:    "Payment provider call latency by operation.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"operation"})
	m.throttled = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "storefront_rate_limited_total",
		Help: "API requests refused with 429 by the rate limits.",
	})
	m.executor = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "storefront_graphql_queries_executed_total",
		Help: "Storefront API queries by the executor that answered them: fast (the serial catalog executor) or gqlgen.",
	}, []string{"executor"})
	m.reg.MustRegister(m.requests, m.duration, m.statements, m.errors, m.checkouts, m.payments, m.payTime, m.throttled, m.executor,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "storefront"))
	if c != nil {
		stat := func(name, help string, f func(respcache.Stats) float64, counter bool) prometheus.Collector {
			get := func() float64 { return f(c.Stats()) }
			if counter {
				return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, get)
			}
			return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, get)
		}
		m.reg.MustRegister(
			stat("storefront_response_cache_hits_total", "Responses served from the response cache.", func(s respcache.Stats) float64 { return float64(s.Hits) }, true),
			stat("storefront_response_cache_misses_total", "Cacheable requests the response cache did not have.", func(s respcache.Stats) float64 { return float64(s.Misses) }, true),
			stat("storefront_response_cache_evictions_total", "Responses dropped to stay within the cache's size bound.", func(s respcache.Stats) float64 { return float64(s.Evictions) }, true),
			stat("storefront_response_cache_invalidations_total", "Times the response cache was emptied by a catalog change.", func(s respcache.Stats) float64 { return float64(s.Invalidations) }, true),
			stat("storefront_response_cache_bytes", "Memory held by cached responses.", func(s respcache.Stats) float64 { return float64(s.Bytes) }, false),
			stat("storefront_response_cache_entries", "Responses in the response cache.", func(s respcache.Stats) float64 { return float64(s.Entries) }, false),
		)
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Observe measures each request to the API next serves; it must run inside the statement
// counter (web.Observe).
func (m *Metrics) Observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		op := &Operation{}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), opKey{}, op)))
		outcome := "ok"
		switch {
		case op.Type == "":
			outcome = "rejected"
		case op.Errors:
			outcome = "error"
		}
		typ := op.Type
		if typ == "" {
			typ = "none"
		}
		m.requests.WithLabelValues(m.name(op.Name), typ, outcome).Inc()
		if typ == "query" {
			executor := "gqlgen"
			if op.FastRead {
				executor = "fast"
			}
			m.executor.WithLabelValues(executor).Inc()
		}
		for _, code := range op.ErrorCodes {
			m.errors.WithLabelValues(code).Inc()
		}
		if op.Checkout != "" {
			m.checkouts.WithLabelValues(op.Checkout).Inc()
		}
		m.duration.WithLabelValues(typ).Observe(time.Since(start).Seconds())
		if c := store.CounterFrom(r.Context()); c != nil {
			m.statements.WithLabelValues(typ).Observe(float64(c.Load()))
		}
	})
}

// name is the label value for an operation name: the name itself for the first maxNames
// well-formed names, "other" beyond them, "" for anonymous operations.
func (m *Metrics) name(n string) string {
	if n == "" {
		return ""
	}
	if !validName.MatchString(n) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.names[n] {
		if len(m.names) >= maxNames {
			return "other"
		}
		m.names[n] = true
	}
	return n
}

// RateLimited counts a request refused by the rate limits.
func (m *Metrics) RateLimited() { m.throttled.Inc() }

// Payment records one call to the payment provider: its operation (authorize, capture, void,
// refund), how long it took and its outcome ("ok" or the payment error code).
func (m *Metrics) Payment(operation string, took time.Duration, outcome string) {
	m.payments.WithLabelValues(operation, outcome).Inc()
	m.payTime.WithLabelValues(operation).Observe(took.Seconds())
}

// AnalyticsStats are the analytics write path's counters (see internal/analytics).
type AnalyticsStats struct{ Accepted, Written, Dropped, Failed, Bots int64 }

// Analytics exports the analytics write path's counters, read from stats at each scrape.
func (m *Metrics) Analytics(stats func() AnalyticsStats) {
	counter := func(name, help string, f func(AnalyticsStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return float64(f(stats())) })
	}
	m.reg.MustRegister(
		counter("storefront_analytics_events_accepted_total", "Analytics events queued for writing (storefronts' and the server's own).", func(s AnalyticsStats) int64 { return s.Accepted }),
		counter("storefront_analytics_events_written_total", "Analytics events stored.", func(s AnalyticsStats) int64 { return s.Written }),
		counter("storefront_analytics_events_dropped_total", "Analytics events dropped because the write queue was full.", func(s AnalyticsStats) int64 { return s.Dropped }),
		counter("storefront_analytics_events_failed_total", "Analytics events lost to a failed write.", func(s AnalyticsStats) int64 { return s.Failed }),
		counter("storefront_analytics_bot_events_total", "Analytics events refused because a known bot sent them.", func(s AnalyticsStats) int64 { return s.Bots }),
	)
}
