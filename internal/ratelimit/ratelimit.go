// Package ratelimit throttles API clients with token buckets: one per client address and
// one per access token, refilled at a steady rate up to a burst.
package ratelimit

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"storefront/internal/web"
)

// Limit is a refill rate (requests per second) and a burst; a zero Rate means no limit.
type Limit struct {
	Rate  float64
	Burst int
}

// Config configures a Limiter.
type Config struct {
	// PerAddress limits each client address (as web.ClientIP sees it, behind trusted proxies).
	PerAddress Limit
	// PerToken limits each access token (Token returns it, "" for none).
	PerToken Limit
	Token    func(*http.Request) string
	// OnLimit, if set, is called for each refused request (metrics).
	OnLimit func()
}

// maxBuckets bounds memory: beyond it, idle buckets are dropped first, then all.
const maxBuckets = 100_000

// Limiter holds the buckets.
type Limiter struct {
	cfg Config
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter for cfg.
func New(cfg Config) *Limiter {
	if cfg.Token == nil {
		cfg.Token = func(*http.Request) string { return "" }
	}
	return &Limiter{cfg: cfg, now: time.Now, buckets: map[string]*bucket{}}
}

// take takes one token from key's bucket, or says how long until one is there.
func (l *Limiter) take(key string, lim Limit, now time.Time) (bool, time.Duration) {
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(lim.Burst), last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(float64(lim.Burst), b.tokens+now.Sub(b.last).Seconds()*lim.Rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / lim.Rate * float64(time.Second))
}

// Allow takes a token from each bucket the request draws on and reports whether all had
// one, and if not, when to retry.
func (l *Limiter) Allow(r *http.Request) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	if lim := l.cfg.PerToken; lim.Rate > 0 {
		if tok := l.cfg.Token(r); tok != "" {
			if ok, wait := l.take("t\x00"+tok, lim, now); !ok {
				return false, wait
			}
		}
	}
	if lim := l.cfg.PerAddress; lim.Rate > 0 {
		if ok, wait := l.take("a\x00"+web.ClientIP(r.Context()), lim, now); !ok {
			return false, wait
		}
	}
	return true, 0
}

// sweep drops buckets that have refilled (they hold nothing a new bucket would not), once a
// minute or when there are too many.
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute && len(l.buckets) < maxBuckets {
		return
	}
	l.swept = now
	for k, b := range l.buckets {
		if now.Sub(b.last) > time.Minute {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}

// Handler refuses requests over the limits with 429 Too Many Requests, Retry-After and a
// GraphQL error coded THROTTLED, as Shopify does.
func (l *Limiter) Handler(next http.Handler) http.Handler {
	if l.cfg.PerAddress.Rate <= 0 && l.cfg.PerToken.Rate <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if ok, wait := l.Allow(r); !ok {
			if l.cfg.OnLimit != nil {
				l.cfg.OnLimit()
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			web.WriteError(w, http.StatusTooManyRequests, "Throttled", map[string]any{"code": "THROTTLED"})
			return
		}
		next.ServeHTTP(w, r)
	})
}
