package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// webhookMetrics are the webhook dispatcher's instruments, registered on first use.
type webhookMetrics struct {
	once       sync.Once
	deliveries *prometheus.CounterVec
	retries    prometheus.Counter
	latency    prometheus.Histogram
}

func (m *Metrics) webhooks() *webhookMetrics {
	w := &m.webhook
	w.once.Do(func() {
		w.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storefront_webhook_deliveries_total",
			Help: "Webhook delivery attempts by outcome: delivered (2xx), failed (another status, a timeout or a network error; retried), refused (the SSRF guard or the HTTPS rule).",
		}, []string{"outcome"})
		w.retries = prometheus.NewCounter(prometheus.CounterOpts{
			Name: "storefront_webhook_retries_total",
			Help: "Webhook delivery attempts that were retries of a failed attempt.",
		})
		w.latency = prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "storefront_webhook_attempt_duration_seconds",
			Help:    "Webhook delivery attempt latency.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		})
		m.reg.MustRegister(w.deliveries, w.retries, w.latency)
	})
	return w
}

// WebhookAttempt records one delivery attempt (it implements webhook.Observer).
func (m *Metrics) WebhookAttempt(outcome string, retry bool, seconds float64) {
	w := m.webhooks()
	w.deliveries.WithLabelValues(outcome).Inc()
	if retry {
		w.retries.Inc()
	}
	w.latency.Observe(seconds)
}

// WatchWebhooks registers the outbox lag (seconds since the oldest event not yet
// delivered to an active subscription) and the number of failing subscriptions, read at
// each scrape.
func (m *Metrics) WatchWebhooks(lag, failing func() float64) {
	m.webhooks()
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "storefront_webhook_outbox_lag_seconds",
			Help: "Age of the oldest outbox event not yet delivered to an active subscription (0 when all are).",
		}, lag),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "storefront_webhook_subscriptions_failing",
			Help: "Webhook subscriptions marked FAILING (stopped after failing for the failure window).",
		}, failing),
	)
}
