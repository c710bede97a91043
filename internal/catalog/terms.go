package catalog

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"storefront/ent"
	"storefront/ent/searchterm"
	"storefront/internal/store"
)

// Search-term recording limits.
const (
	// DefaultTermRetention is how long recorded searches are kept.
	DefaultTermRetention = 400 * 24 * time.Hour
	termQueueSize        = 10_000
	termBatchSize        = 200
	termFlushInterval    = time.Second
	termPruneInterval    = time.Hour
	termWriteTimeout     = 10 * time.Second
)

type termRecord struct {
	term    string
	results int
	at      time.Time
}

// TermRecorder records searches for the reports off the request path: Record only queues
// (a full queue drops the search and counts it), and one goroutine writes the queue in
// batches and prunes searches older than the retention. A search never waits for, or
// fails because of, its recording.
type TermRecorder struct {
	db        *store.DB
	log       *slog.Logger
	retention time.Duration
	queue     chan termRecord
	flushReq  chan chan error
	done      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
	dropped   atomic.Int64
	failed    atomic.Int64
}

// NewTermRecorder starts a recorder over db; Close stops it after writing what is queued.
func NewTermRecorder(db *store.DB, log *slog.Logger, retention time.Duration) *TermRecorder {
	if retention <= 0 {
		retention = DefaultTermRetention
	}
	r := &TermRecorder{db: db, log: log, retention: retention,
		queue: make(chan termRecord, termQueueSize), flushReq: make(chan chan error),
		done: make(chan struct{}), stopped: make(chan struct{})}
	go r.run()
	return r
}

// Record queues one search without waiting.
func (r *TermRecorder) Record(term string, results int, at time.Time) {
	select {
	case r.queue <- termRecord{term: term, results: results, at: at}:
	default:
		r.dropped.Add(1)
	}
}

// Dropped is the number of searches not recorded: the queue was full or a write failed.
func (r *TermRecorder) Dropped() int64 { return r.dropped.Load() + r.failed.Load() }

// Flush writes everything queued so far and returns when it is stored.
func (r *TermRecorder) Flush(ctx context.Context) error {
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
func (r *TermRecorder) Close() {
	r.closeOnce.Do(func() { close(r.done) })
	<-r.stopped
}

func (r *TermRecorder) run() {
	defer close(r.stopped)
	tick := time.NewTicker(termFlushInterval)
	defer tick.Stop()
	prune := time.NewTicker(termPruneInterval)
	defer prune.Stop()
	var batch []termRecord
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
			case t := <-r.queue:
				if batch = append(batch, t); len(batch) >= termBatchSize {
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
	r.prune()
	for {
		select {
		case t := <-r.queue:
			if batch = append(batch, t); len(batch) >= termBatchSize {
				_ = write()
			}
		case <-tick.C:
			_ = write()
		case <-prune.C:
			r.prune()
		case reply := <-r.flushReq:
			reply <- drain()
		case <-r.done:
			_ = drain()
			return
		}
	}
}

// write stores a batch; a failure drops it (logged, counted), never blocks searches.
func (r *TermRecorder) write(batch []termRecord) error {
	ctx, cancel := context.WithTimeout(context.Background(), termWriteTimeout)
	defer cancel()
	creates := make([]*ent.SearchTermCreate, len(batch))
	for i, t := range batch {
		creates[i] = r.db.SearchTerm.Create().SetTerm(t.term).SetResultCount(t.results).SetSearchedAt(t.at)
	}
	if err := r.db.SearchTerm.CreateBulk(creates...).Exec(ctx); err != nil {
		r.failed.Add(int64(len(batch)))
		if r.log != nil {
			r.log.Warn("search terms not recorded", "count", len(batch), "error", err.Error())
		}
		return fmt.Errorf("record %d searches: %w", len(batch), err)
	}
	return nil
}

// prune deletes searches older than the retention.
func (r *TermRecorder) prune() {
	ctx, cancel := context.WithTimeout(context.Background(), termWriteTimeout)
	defer cancel()
	n, err := r.db.SearchTerm.Delete().Where(searchterm.SearchedAtLT(time.Now().UTC().Add(-r.retention))).Exec(ctx)
	if err != nil && r.log != nil {
		r.log.Warn("old search terms not pruned", "error", err.Error())
	}
	if n > 0 && r.log != nil {
		r.log.Info("pruned old search terms", "count", n)
	}
}

// SetTermRecorder makes searches recorded through r; without one they are not recorded.
func (s *Service) SetTermRecorder(r *TermRecorder) { s.terms = r }

// recordSearch queues one search for the reports; it never fails the search.
func (s *Service) recordSearch(term string, results int) {
	if s.terms != nil {
		s.terms.Record(term, results, s.now())
	}
}

// TermReport is one line of a search report.
type TermReport struct {
	Term     string
	Searches int
	// Results is the most results a search for the term found.
	Results int
}

// TopSearches lists the terms searched most since a time, most searched first.
func (s *Service) TopSearches(ctx context.Context, since time.Time, limit int) ([]TermReport, error) {
	return s.termReport(ctx, since, limit, false)
}

// SearchesWithoutResults lists the terms whose searches found nothing since a time, most
// searched first: the catalog's gaps.
func (s *Service) SearchesWithoutResults(ctx context.Context, since time.Time, limit int) ([]TermReport, error) {
	return s.termReport(ctx, since, limit, true)
}

func (s *Service) termReport(ctx context.Context, since time.Time, limit int, emptyOnly bool) ([]TermReport, error) {
	var rows []struct {
		Term    string `json:"term"`
		Count   int    `json:"count"`
		Results int    `json:"max"`
	}
	q := s.db.SearchTerm.Query().Where(searchterm.SearchedAtGTE(since))
	if emptyOnly {
		q = q.Where(searchterm.ResultCount(0))
	}
	err := q.GroupBy(searchterm.FieldTerm).
		Aggregate(ent.Count(), ent.Max(searchterm.FieldResultCount)).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("search report: %w", err)
	}
	out := make([]TermReport, len(rows))
	for i, r := range rows {
		out[i] = TermReport{Term: r.Term, Searches: r.Count, Results: r.Results}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Searches != out[j].Searches {
			return out[i].Searches > out[j].Searches
		}
		return out[i].Term < out[j].Term
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
