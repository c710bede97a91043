package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/google/uuid"

	"storefront/ent"
	"storefront/ent/event"
	"storefront/ent/webhookattempt"
	"storefront/ent/webhookdelivery"
	"storefront/ent/webhooksubscription"
	"storefront/internal/outbox"
	"storefront/internal/store"
)

// fanOutBatch is how many outbox events one fan-out transaction takes.
const fanOutBatch = 200

// Run is the dispatcher; every instance runs one until ctx ends, then waits for the
// deliveries in flight. It turns outbox events into deliveries (one per matching
// subscription, the body rendered once and kept byte for byte for every attempt), claims
// due deliveries under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so instances share
// the work and a dead instance's claims are taken again when their lease ends), sends
// them and prunes what is older than the retention.
func (s *Service) Run(ctx context.Context) {
	d := &dispatcher{Service: s, inflight: map[int]int{}, done: make(chan struct{}, 1)}
	var lastPrune time.Time
	for ctx.Err() == nil {
		fanned, err := s.fanOut(ctx)
		if err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("webhook fan-out failed", "error", err.Error())
		}
		claimed, err := d.dispatch(ctx)
		if err != nil && ctx.Err() == nil {
			s.cfg.Log.Error("webhook claim failed", "error", err.Error())
		}
		if time.Since(lastPrune) > time.Minute {
			lastPrune = time.Now()
			if err := s.Prune(ctx, time.Now().Add(-s.cfg.Retention)); err != nil && ctx.Err() == nil {
				s.cfg.Log.Error("webhook prune failed", "error", err.Error())
			}
		}
		if fanned == 0 && claimed == 0 || err != nil {
			select {
			case <-ctx.Done():
			case <-d.done:
			case <-time.After(s.cfg.Poll):
			}
		}
	}
	d.wg.Wait()
}

// dispatcher tracks the deliveries this instance has in flight.
type dispatcher struct {
	*Service
	mu       sync.Mutex
	inflight map[int]int // by subscription
	total    int
	wg       sync.WaitGroup
	done     chan struct{} // a delivery finished: there may be room and newly due work
}

// fanOut turns a batch of outbox events into deliveries, in event order, and marks them
// dispatched, in one transaction. On PostgreSQL concurrent instances take disjoint
// batches (SKIP LOCKED); a delivery is not claimed while an earlier event of its
// resource is still waiting here (see claim), so order per resource holds.
func (s *Service) fanOut(ctx context.Context) (int, error) {
	// A read first: most polls find nothing, and need no write lock (SQLite) to say so.
	if any, err := s.db.Event.Query().Where(event.DeliveredAtIsNil()).Exist(ctx); err != nil || !any {
		return 0, err
	}
	var n int
	err := store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		q := tx.Event.Query().Where(event.DeliveredAtIsNil()).Order(ent.Asc(event.FieldID)).Limit(fanOutBatch)
		if s.db.Dialect == dialect.Postgres {
			q = q.ForUpdate(entsql.WithLockAction(entsql.SkipLocked))
		}
		evs, err := q.All(ctx)
		if err != nil || len(evs) == 0 {
			return err
		}
		subs, err := tx.WebhookSubscription.Query().Where(webhooksubscription.StatusNEQ(webhooksubscription.StatusDISABLED)).All(ctx)
		if err != nil {
			return fmt.Errorf("load subscriptions: %w", err)
		}
		byTopic := map[string][]*ent.WebhookSubscription{}
		for _, sub := range subs {
			t, _ := outbox.TopicOf(string(sub.Topic))
			byTopic[t] = append(byTopic[t], sub)
		}
		now := time.Now().UTC()
		var creates []*ent.WebhookDeliveryCreate
		ids := make([]int, len(evs))
		for i, ev := range evs {
			ids[i] = ev.ID
			matching := byTopic[ev.Topic]
			if len(matching) == 0 {
				continue
			}
			payload, err := outbox.Render(ctx, tx.Client(), ev)
			if err != nil {
				return err
			}
			for _, sub := range matching {
				body, err := json.Marshal(include(payload, sub.IncludeFields))
				if err != nil {
					return fmt.Errorf("encode payload of event %d: %w", ev.ID, err)
				}
				creates = append(creates, tx.WebhookDelivery.Create().SetSubscriptionID(sub.ID).SetEventID(int64(ev.ID)).
					SetTopic(ev.Topic).SetSubjectID(ev.SubjectID).SetWebhookID(uuid.NewString()).SetTriggeredAt(ev.CreatedAt).
					SetBody(string(body)).SetNextAttemptAt(now))
			}
		}
		for start := 0; start < len(creates); start += 500 {
			if err := tx.WebhookDelivery.CreateBulk(creates[start:min(start+500, len(creates))]...).Exec(ctx); err != nil {
				return fmt.Errorf("create deliveries: %w", err)
			}
		}
		if err := tx.Event.Update().Where(event.IDIn(ids...)).SetDeliveredAt(now).Exec(ctx); err != nil {
			return fmt.Errorf("mark events dispatched: %w", err)
		}
		n = len(evs)
		return nil
	})
	return n, err
}

// include keeps the payload's top-level fields named in fields (all when none are).
func include(p map[string]any, fields []string) map[string]any {
	if len(fields) == 0 {
		return p
	}
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if v, ok := p[f]; ok {
			out[f] = v
		}
	}
	return out
}

// claimSQL takes due deliveries of active subscriptions that are first in line for their
// resource at their endpoint (no earlier event of it still waiting for the same URL, under
// any topic, so a product's update never overtakes its create; and no earlier event of it
// not yet fanned out), under a lease. %s is the extra condition
// (subscriptions at their concurrency bound) and %s the locking clause.
const claimSQL = `UPDATE webhook_deliveries SET lease_until = $1 WHERE id IN (
  SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
  WHERE d.status IN ('PENDING', 'RETRYING') AND d.next_attempt_at <= $2
    AND (d.lease_until IS NULL OR d.lease_until < $2) AND s.status = 'ACTIVE'
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p JOIN webhook_subscriptions ps ON ps.id = p.subscription_id
      WHERE p.subject_id = d.subject_id AND p.event_id < d.event_id AND p.status IN ('PENDING', 'RETRYING')
        AND ps.url = s.url AND ps.status <> 'DISABLED')
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.delivered_at IS NULL AND e.subject_id = d.subject_id AND e.id < d.event_id)
    %s
  ORDER BY d.event_id, d.id LIMIT $3 %s)
RETURNING id`

var dollar = regexp.MustCompile(`\$(\d+)`)

// bind rewrites $n placeholders for SQLite (?), repeating arguments as they occur.
func (s *Service) bind(query string, args ...any) (string, []any) {
	if s.db.Dialect == dialect.Postgres {
		return query, args
	}
	var out []any
	q := dollar.ReplaceAllStringFunc(query, func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		out = append(out, args[n-1])
		return "?"
	})
	return q, out
}

// claim leases up to limit due deliveries, skipping the subscriptions in busy.
func (s *Service) claim(ctx context.Context, limit int, busy []int) ([]*ent.WebhookDelivery, time.Time, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	lease := now.Add(s.cfg.Lease)
	due, err := s.db.WebhookDelivery.Query().Where(webhookdelivery.StatusIn(webhookdelivery.StatusPENDING, webhookdelivery.StatusRETRYING),
		webhookdelivery.NextAttemptAtLTE(now)).Exist(ctx)
	if err != nil || !due {
		return nil, lease, err
	}
	extra, lock := "", ""
	if len(busy) > 0 {
		ids := make([]string, len(busy))
		for i, b := range busy {
			ids[i] = strconv.Itoa(b)
		}
		extra = "AND d.subscription_id NOT IN (" + strings.Join(ids, ",") + ")"
	}
	if s.db.Dialect == dialect.Postgres {
		lock = "FOR UPDATE OF d SKIP LOCKED"
	}
	q, args := s.bind(fmt.Sprintf(claimSQL, extra, lock), lease, now, limit)
	rows, err := s.db.SQL.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, lease, fmt.Errorf("claim deliveries: %w", err)
	}
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, lease, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, lease, err
	}
	ds, err := s.db.WebhookDelivery.Query().Where(webhookdelivery.IDIn(ids...)).Order(ent.Asc(webhookdelivery.FieldEventID)).All(ctx)
	return ds, lease, err
}

// dispatch claims what this instance has room for and starts sending it.
func (d *dispatcher) dispatch(ctx context.Context) (int, error) {
	d.mu.Lock()
	free := d.cfg.Workers - d.total
	var busy []int
	for sub, n := range d.inflight {
		if n >= d.cfg.PerEndpoint {
			busy = append(busy, sub)
		}
	}
	d.mu.Unlock()
	if free <= 0 {
		return 0, nil
	}
	ds, lease, err := d.claim(ctx, free, busy)
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	subIDs := map[int]bool{}
	for _, x := range ds {
		subIDs[x.SubscriptionID] = true
	}
	ids := make([]int, 0, len(subIDs))
	for id := range subIDs {
		ids = append(ids, id)
	}
	subs, err := d.db.WebhookSubscription.Query().Where(webhooksubscription.IDIn(ids...)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("load subscriptions: %w", err)
	}
	byID := map[int]*ent.WebhookSubscription{}
	for _, s := range subs {
		byID[s.ID] = s
	}
	var release []int
	started := 0
	d.mu.Lock()
	for _, x := range ds {
		sub := byID[x.SubscriptionID]
		if sub == nil || d.inflight[x.SubscriptionID] >= d.cfg.PerEndpoint {
			release = append(release, x.ID)
			continue
		}
		d.inflight[x.SubscriptionID]++
		d.total++
		started++
		d.wg.Add(1)
		go d.deliver(context.WithoutCancel(ctx), sub, x, lease)
	}
	d.mu.Unlock()
	if len(release) > 0 {
		if err := d.db.WebhookDelivery.Update().Where(webhookdelivery.IDIn(release...), webhookdelivery.LeaseUntil(lease)).
			ClearLeaseUntil().Exec(ctx); err != nil {
			return started, fmt.Errorf("release deliveries: %w", err)
		}
	}
	return started, nil
}

// deliver makes one attempt and records it.
func (d *dispatcher) deliver(ctx context.Context, sub *ent.WebhookSubscription, x *ent.WebhookDelivery, lease time.Time) {
	defer func() {
		d.mu.Lock()
		d.inflight[sub.ID]--
		if d.inflight[sub.ID] == 0 {
			delete(d.inflight, sub.ID)
		}
		d.total--
		d.mu.Unlock()
		select {
		case d.done <- struct{}{}:
		default:
		}
		d.wg.Done()
	}()
	a := d.attempt(ctx, sub, x)
	if d.cfg.Observer != nil {
		d.cfg.Observer.WebhookAttempt(a.outcome(), x.AttemptCount > 0, a.latency.Seconds())
	}
	if err := d.finish(ctx, sub, x, lease, a); err != nil {
		// The lease runs out and the delivery is tried again: at least once.
		d.cfg.Log.Error("webhook delivery not recorded", "delivery", x.ID, "error", err.Error())
	}
}

// backoff is the delay before retry n (1 for the first retry): RetryBase doubled per
// attempt up to RetryMax, with ±25% jitter so failed deliveries don't return in step.
func (s *Service) backoff(n int) time.Duration {
	d := s.cfg.RetryBase
	for i := 1; i < n && d < s.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.cfg.RetryMax)
	return d - d/4 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// finish records an attempt: the delivery is done, or due again after the backoff (or the
// receiver's Retry-After); the subscription's run of failures starts or ends, and a run
// longer than the failure window marks it FAILING.
func (s *Service) finish(ctx context.Context, sub *ent.WebhookSubscription, x *ent.WebhookDelivery, lease time.Time, a attemptResult) error {
	return store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		if err := a.record(ctx, tx, x.ID); err != nil {
			return err
		}
		now := time.Now().UTC()
		u := tx.WebhookDelivery.Update().Where(webhookdelivery.ID(x.ID), webhookdelivery.LeaseUntil(lease)).
			AddAttemptCount(1).ClearLeaseUntil()
		if a.ok {
			if err := u.SetStatus(webhookdelivery.StatusDELIVERED).SetDeliveredAt(now).Exec(ctx); err != nil {
				return fmt.Errorf("mark delivery %d delivered: %w", x.ID, err)
			}
			return tx.WebhookSubscription.Update().Where(webhooksubscription.ID(sub.ID), webhooksubscription.FailingSinceNotNil()).
				ClearFailingSince().Exec(ctx)
		}
		wait := s.backoff(x.AttemptCount + 1)
		if a.retryAfter > 0 {
			wait = a.retryAfter
		}
		if err := u.SetStatus(webhookdelivery.StatusRETRYING).SetNextAttemptAt(now.Add(wait)).Exec(ctx); err != nil {
			return fmt.Errorf("schedule delivery %d: %w", x.ID, err)
		}
		if err := tx.WebhookSubscription.Update().Where(webhooksubscription.ID(sub.ID), webhooksubscription.FailingSinceIsNil()).
			SetFailingSince(a.at).Exec(ctx); err != nil {
			return fmt.Errorf("note failure of subscription %d: %w", sub.ID, err)
		}
		n, err := tx.WebhookSubscription.Update().Where(webhooksubscription.ID(sub.ID), webhooksubscription.StatusEQ(webhooksubscription.StatusACTIVE),
			webhooksubscription.FailingSinceLT(now.Add(-s.cfg.FailureWindow))).SetStatus(webhooksubscription.StatusFAILING).Save(ctx)
		if err != nil {
			return fmt.Errorf("mark subscription %d failing: %w", sub.ID, err)
		}
		if n > 0 {
			s.cfg.Log.Warn("webhook subscription marked failing: deliveries stop until it is re-enabled",
				"subscription", sub.ID, "url", sub.URL, "window", s.cfg.FailureWindow.String())
		}
		return nil
	})
}

// Prune deletes what was finished before cutoff: dispatched outbox events, delivered
// deliveries and test pings, with their attempts.
func (s *Service) Prune(ctx context.Context, cutoff time.Time) error {
	cutoff = cutoff.UTC()
	for {
		ids, err := s.db.WebhookDelivery.Query().Where(webhookdelivery.StatusIn(webhookdelivery.StatusDELIVERED, webhookdelivery.StatusFAILED),
			webhookdelivery.UpdatedAtLT(cutoff)).Limit(500).IDs(ctx)
		if err != nil {
			return fmt.Errorf("find old deliveries: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		err = store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
			if _, err := tx.WebhookAttempt.Delete().Where(webhookattempt.DeliveryIDIn(ids...)).Exec(ctx); err != nil {
				return err
			}
			_, err := tx.WebhookDelivery.Delete().Where(webhookdelivery.IDIn(ids...)).Exec(ctx)
			return err
		})
		if err != nil {
			return fmt.Errorf("prune deliveries: %w", err)
		}
	}
	if _, err := s.db.Event.Delete().Where(event.DeliveredAtLT(cutoff)).Exec(ctx); err != nil {
		return fmt.Errorf("prune events: %w", err)
	}
	return nil
}

// Lag is the age of the oldest event not yet delivered to an active subscription: waiting
// in the outbox, or as a delivery still due (0 when there is none).
func (s *Service) Lag(ctx context.Context) (time.Duration, error) {
	var oldest time.Time
	ev, err := s.db.Event.Query().Where(event.DeliveredAtIsNil()).Order(ent.Asc(event.FieldID)).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return 0, err
	}
	if ev != nil {
		oldest = ev.CreatedAt
	}
	d, err := s.db.WebhookDelivery.Query().Where(webhookdelivery.StatusIn(webhookdelivery.StatusPENDING, webhookdelivery.StatusRETRYING),
		webhookdelivery.HasSubscriptionWith(webhooksubscription.StatusEQ(webhooksubscription.StatusACTIVE))).
		Order(ent.Asc(webhookdelivery.FieldEventID)).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return 0, err
	}
	if d != nil && (oldest.IsZero() || d.TriggeredAt.Before(oldest)) {
		oldest = d.TriggeredAt
	}
	if oldest.IsZero() {
		return 0, nil
	}
	return max(time.Since(oldest), 0), nil
}

// Failing counts subscriptions marked FAILING.
func (s *Service) Failing(ctx context.Context) (int, error) {
	return s.db.WebhookSubscription.Query().Where(webhooksubscription.StatusEQ(webhooksubscription.StatusFAILING)).Count(ctx)
}
