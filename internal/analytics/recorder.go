package analytics

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"storefront/internal/incontext"
	"storefront/internal/store"
)

// Write path limits.
const (
	// DefaultRetention is how long raw events (and the per-session rows) are kept.
	DefaultRetention = 400 * 24 * time.Hour
	// DefaultQueueSize bounds the events waiting to be written.
	DefaultQueueSize = 50_000
	batchSize        = 1000
	flushInterval    = time.Second
	pruneInterval    = time.Hour
	writeTimeout     = 30 * time.Second
)

// Config configures a Recorder.
type Config struct {
	// Retention is how long raw events are kept (DefaultRetention when 0).
	Retention time.Duration
	// QueueSize bounds the queue (DefaultQueueSize when 0); a full queue drops events.
	QueueSize int
	Log       *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Stats counts what happened to events since the recorder started.
type Stats struct {
	// Accepted were queued; Written are stored; Dropped found the queue full; Failed were
	// lost to a failed write; Bots were refused because a known bot sent them.
	Accepted, Written, Dropped, Failed, Bots int64
}

// Recorder takes events without waiting and writes them off the request path: Track only
// queues (a full queue drops the event and counts it), and one goroutine writes the queue
// in batches (the raw events and the rollups they change, in one transaction), creates
// PostgreSQL's daily partitions and applies the retention. An event never slows or fails
// the request that produced it.
type Recorder struct {
	db        *store.DB
	log       *slog.Logger
	now       func() time.Time
	retention time.Duration
	queue     chan Event
	flushReq  chan chan error
	done      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once

	accepted, written, dropped, failed, bots atomic.Int64

	saltMu  sync.Mutex
	saltDay string
	salt    []byte

	parts map[string]bool // PostgreSQL partitions known to exist, by UTC day
}

// NewRecorder starts a recorder over db; Close stops it after writing what is queued.
func NewRecorder(db *store.DB, cfg Config) *Recorder {
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = DefaultQueueSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Recorder{db: db, log: cfg.Log, now: cfg.Now, retention: cfg.Retention,
		queue: make(chan Event, cfg.QueueSize), flushReq: make(chan chan error),
		done: make(chan struct{}), stopped: make(chan struct{}), parts: map[string]bool{}}
	go r.run()
	return r
}

// Stats returns the recorder's counters.
func (r *Recorder) Stats() Stats {
	return Stats{Accepted: r.accepted.Load(), Written: r.written.Load(), Dropped: r.dropped.Load(),
		Failed: r.failed.Load(), Bots: r.bots.Load()}
}

// Enqueue queues one event without waiting; it reports false when the queue was full.
func (r *Recorder) Enqueue(e Event) bool {
	select {
	case r.queue <- e:
		r.accepted.Add(1)
		return true
	default:
		r.dropped.Add(1)
		return false
	}
}

// CountBot counts events refused because a known bot sent them.
func (r *Recorder) CountBot(n int) { r.bots.Add(int64(n)) }

// Track records an event the server observed, with the request's visitor: the visitor and
// session IDs the storefront forwarded (see Middleware) and the customer only when the
// request carries analytics consent (@inContext(visitorConsent: {analytics: true})).
// It never blocks. A nil Recorder tracks nothing.
func (r *Recorder) Track(ctx context.Context, e Event) {
	if r == nil {
		return
	}
	e.Source = SourceServer
	if e.At.IsZero() {
		e.At = r.now()
	}
	v := visitorFrom(ctx)
	if v.bot {
		r.CountBot(1)
		return
	}
	e.IPHash = r.ipHash(ctx)
	if Consented(ctx) {
		e.ClientID, e.SessionID = v.clientID, v.sessionID
	} else {
		e.CustomerID = 0
	}
	r.Enqueue(e)
}

// Consented says whether the request carries the visitor's analytics consent.
func Consented(ctx context.Context) bool {
	c := incontext.From(ctx).Consent
	if c == nil {
		if v := visitorFrom(ctx); v.consent != nil {
			return *v.consent
		}
		return false
	}
	return c.Analytics != nil && *c.Analytics
}

// CartKey is the key that ties a cart's events together: a hash of its token, so the
// token itself (which opens the cart) is never stored.
func CartKey(token string) string {
	if token == "" {
		return ""
	}
	h := sha256.Sum256([]byte("storefront analytics cart\x00" + token))
	return hex.EncodeToString(h[:12])
}

// HashIP is a hash of a client address salted with a random salt that changes every UTC
// day and is never stored: visits of one day can be told apart, nothing can be traced
// back to the address, and days cannot be linked.
func (r *Recorder) HashIP(ip string) string {
	if ip == "" {
		return ""
	}
	day := r.now().UTC().Format(time.DateOnly)
	r.saltMu.Lock()
	if r.saltDay != day {
		r.salt = make([]byte, 32)
		_, _ = rand.Read(r.salt)
		r.saltDay = day
	}
	salt := r.salt
	r.saltMu.Unlock()
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(ip))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// Flush writes everything queued so far and returns when it is stored.
func (r *Recorder) Flush(ctx context.Context) error {
	reply := make(chan error, 1)
	select {
	case r.flushReq <- reply:
	case <-r.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes what is queued and stops the recorder.
func (r *Recorder) Close() {
	r.closeOnce.Do(func() { close(r.done) })
	<-r.stopped
}

func (r *Recorder) run() {
	defer close(r.stopped)
	tick := time.NewTicker(flushInterval)
	defer tick.Stop()
	prune := time.NewTicker(pruneInterval)
	defer prune.Stop()
	batch := make([]Event, 0, batchSize)
	write := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := r.write(batch)
		batch = batch[:0]
		return err
	}
	drain := func() error {
		var first error
		for {
			select {
			case e := <-r.queue:
				if batch = append(batch, e); len(batch) >= batchSize {
					if err := write(); err != nil && first == nil {
						first = err
					}
				}
			default:
				if err := write(); err != nil && first == nil {
					first = err
				}
				return first
			}
		}
	}
	r.maintain()
	for {
		select {
		case e := <-r.queue:
			if batch = append(batch, e); len(batch) >= batchSize {
				_ = write()
			}
		case <-tick.C:
			_ = write()
		case <-prune.C:
			r.maintain()
		case reply := <-r.flushReq:
			reply <- drain()
		case <-r.done:
			_ = drain()
			return
		}
	}
}

// write stores a batch; a failure drops it (logged, counted) and never reaches a request.
func (r *Recorder) write(batch []Event) error {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	if err := Write(ctx, r.db, batch, r.parts); err != nil {
		r.failed.Add(int64(len(batch)))
		if r.log != nil {
			r.log.Warn("analytics events not recorded", "count", len(batch), "error", err.Error())
		}
		return fmt.Errorf("record %d events: %w", len(batch), err)
	}
	r.written.Add(int64(len(batch)))
	return nil
}

// maintain creates the coming days' partitions and applies the retention.
func (r *Recorder) maintain() {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	now := r.now().UTC()
	if err := ensurePartitions(ctx, r.db, r.parts, now.AddDate(0, 0, -1), now.AddDate(0, 0, 7)); err != nil && r.log != nil {
		r.log.Warn("analytics partitions not created", "error", err.Error())
	}
	n, err := Prune(ctx, r.db, now.Add(-r.retention))
	if err != nil && r.log != nil {
		r.log.Warn("old analytics events not pruned", "error", err.Error())
	}
	if n > 0 && r.log != nil {
		r.log.Info("pruned old analytics events", "count", n)
	}
}
