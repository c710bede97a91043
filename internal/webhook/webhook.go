// Package webhook owns webhook subscriptions and their delivery: the Admin API's
// subscription writes, the dispatcher every instance runs over the outbox (claims shared
// with FOR UPDATE SKIP LOCKED on PostgreSQL), Shopify and Standard Webhooks signatures,
// retries with backoff, the failing state and the SSRF guard.
package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	"storefront/ent"
	"storefront/ent/webhookattempt"
	"storefront/ent/webhookdelivery"
	"storefront/ent/webhooksubscription"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/outbox"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// Global ID type names.
const (
	SubscriptionType = "WebhookSubscription"
	DeliveryType     = "WebhookDelivery"
)

// Observer receives the dispatcher's measurements (internal/metrics implements it).
type Observer interface {
	// WebhookAttempt counts one attempt: outcome is delivered, failed or refused; retry says
	// it was not the delivery's first attempt.
	WebhookAttempt(outcome string, retry bool, seconds float64)
}

// Config configures the service and its dispatcher. Zero values pick the defaults.
type Config struct {
	Guard Guard
	// ShopDomain goes into X-Shopify-Shop-Domain; APIVersion into X-Shopify-API-Version.
	ShopDomain string
	APIVersion string
	// FailureWindow is how long a subscription may fail continuously before it is marked
	// FAILING and its deliveries stop (default 24h).
	FailureWindow time.Duration
	// Retention is how long delivered events and deliveries are kept (default 7 days).
	Retention time.Duration
	// Lease is how long a claimed delivery belongs to its dispatcher; after that another
	// instance takes it (default 30s; never less than TotalTimeout + 5s).
	Lease time.Duration
	// RetryBase is the first retry's delay, doubled per attempt up to RetryMax, with
	// jitter (defaults 15s and 4h: about a day of attempts before the default window).
	RetryBase, RetryMax time.Duration
	// PerEndpoint bounds concurrent requests to one subscription from this instance
	// (default 4); Workers bounds them in all (default 32).
	PerEndpoint, Workers int
	// Poll is how often the dispatcher looks for work when it found none (default 250ms).
	Poll     time.Duration
	Observer Observer
	Log      *slog.Logger
}

func (c *Config) defaults() {
	if c.APIVersion == "" {
		c.APIVersion = "2026-04"
	}
	if c.ShopDomain == "" {
		c.ShopDomain = "localhost"
	}
	if c.FailureWindow <= 0 {
		c.FailureWindow = 24 * time.Hour
	}
	if c.Retention <= 0 {
		c.Retention = 7 * 24 * time.Hour
	}
	if c.Lease < TotalTimeout+5*time.Second {
		c.Lease = max(c.Lease, TotalTimeout+5*time.Second)
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 15 * time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 4 * time.Hour
	}
	if c.PerEndpoint <= 0 {
		c.PerEndpoint = 4
	}
	if c.Workers <= 0 {
		c.Workers = 32
	}
	if c.Poll <= 0 {
		c.Poll = 250 * time.Millisecond
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Service manages subscriptions and delivers to them.
type Service struct {
	db  *store.DB
	cfg Config
	*sender
}

// New returns the service over db.
func New(db *store.DB, cfg Config) *Service {
	cfg.defaults()
	return &Service{db: db, cfg: cfg, sender: &sender{cfg: cfg, client: cfg.Guard.Client(cfg.PerEndpoint)}}
}

// CreateInput is webhookSubscriptionCreate's input.
type CreateInput struct {
	// Topic is a WebhookTopic value (PRODUCTS_UPDATE).
	Topic         string
	URL           string
	IncludeFields []string
}

// UpdateInput is webhookSubscriptionUpdate's input; nil leaves a field as it is.
type UpdateInput struct {
	URL           *string
	IncludeFields []string
	// Enabled switches the subscription on (ACTIVE, which also ends FAILING and resumes
	// the deliveries waiting) or off (DISABLED).
	Enabled *bool
}

func (s *Service) checkURL(ctx context.Context, raw string, field ...any) []usererror.Error {
	if p := s.cfg.Guard.CheckURL(ctx, raw); p != nil {
		code := usererror.Invalid
		if p.Forbidden {
			code = CodeForbiddenURL
		}
		return []usererror.Error{usererror.New(code, p.Message, field...)}
	}
	return nil
}

// CodeForbiddenURL is the user error code of a well-formed URL the SSRF guard (or
// production mode's HTTPS rule) refuses.
const CodeForbiddenURL = "FORBIDDEN_URL"

func checkFields(fs []string) []usererror.Error {
	for i, f := range fs {
		if f == "" || len(f) > 100 {
			return []usererror.Error{usererror.New(usererror.Invalid, "A field name must be 1 to 100 characters.", "input", "includeFields", i)}
		}
	}
	if len(fs) > 100 {
		return []usererror.Error{usererror.New(usererror.Invalid, "At most 100 fields.", "input", "includeFields")}
	}
	return nil
}

// Create subscribes url to topic and returns the subscription with its signing secret,
// which is never shown again. User error codes: INVALID (topic, url, includeFields),
// FORBIDDEN_URL (url), TAKEN (the same topic and URL are subscribed already).
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.WebhookSubscription, string, []usererror.Error, error) {
	if _, ok := outbox.TopicOf(in.Topic); !ok {
		return nil, "", []usererror.Error{usererror.New(usererror.Invalid, "Unknown topic.", "input", "topic")}, nil
	}
	if ue := append(s.checkURL(ctx, in.URL, "input", "url"), checkFields(in.IncludeFields)...); len(ue) > 0 {
		return nil, "", ue, nil
	}
	secret := newSecret()
	var sub *ent.WebhookSubscription
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		topic := webhooksubscription.Topic(in.Topic)
		taken, err := tx.WebhookSubscription.Query().Where(webhooksubscription.TopicEQ(topic), webhooksubscription.URL(in.URL)).Exist(ctx)
		if err != nil {
			return "", nil, nil, fmt.Errorf("check subscription: %w", err)
		}
		if taken {
			return "", nil, []usererror.Error{usererror.New(usererror.Taken, "This topic is already subscribed for this URL.", "input", "url")}, nil
		}
		sub, err = tx.WebhookSubscription.Create().SetTopic(topic).SetURL(in.URL).SetSecret(secret).
			SetIncludeFields(in.IncludeFields).Save(ctx)
		if ent.IsConstraintError(err) {
			return "", nil, []usererror.Error{usererror.New(usererror.Taken, "This topic is already subscribed for this URL.", "input", "url")}, nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("create subscription: %w", err)
		}
		return gid.Format(SubscriptionType, sub.ID), map[string]any{"topic": in.Topic, "url": in.URL, "includeFields": in.IncludeFields}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, "", uerrs, err
	}
	return sub, secret, nil, nil
}

func notFound(what string, field ...any) []usererror.Error {
	return []usererror.Error{usererror.New(usererror.NotFound, "No such "+what+".", field...)}
}

// Update changes a subscription's URL or fields, or switches it on or off. User error
// codes: NOT_FOUND (id), INVALID and FORBIDDEN_URL (url), TAKEN.
func (s *Service) Update(ctx context.Context, id string, in UpdateInput) (*ent.WebhookSubscription, []usererror.Error, error) {
	n, ok := gid.ParseAs(id, SubscriptionType)
	if !ok {
		return nil, notFound("webhook subscription", "id"), nil
	}
	if in.URL != nil {
		if ue := s.checkURL(ctx, *in.URL, "input", "url"); len(ue) > 0 {
			return nil, ue, nil
		}
	}
	if ue := checkFields(in.IncludeFields); len(ue) > 0 {
		return nil, ue, nil
	}
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		sub, err := tx.WebhookSubscription.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, notFound("webhook subscription", "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load subscription %d: %w", n, err)
		}
		u := tx.WebhookSubscription.UpdateOne(sub)
		changes := map[string]any{}
		if in.URL != nil && *in.URL != sub.URL {
			taken, err := tx.WebhookSubscription.Query().Where(webhooksubscription.TopicEQ(sub.Topic), webhooksubscription.URL(*in.URL)).Exist(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("check subscription: %w", err)
			}
			if taken {
				return "", nil, []usererror.Error{usererror.New(usererror.Taken, "This topic is already subscribed for this URL.", "input", "url")}, nil
			}
			u.SetURL(*in.URL)
			changes["url"] = *in.URL
		}
		if in.IncludeFields != nil && !slices.Equal(in.IncludeFields, sub.IncludeFields) {
			u.SetIncludeFields(in.IncludeFields)
			changes["includeFields"] = in.IncludeFields
		}
		if in.Enabled != nil {
			status := webhooksubscription.StatusDISABLED
			if *in.Enabled {
				status = webhooksubscription.StatusACTIVE
			}
			if status != sub.Status {
				u.SetStatus(status).ClearFailingSince()
				changes["status"] = string(status)
				if *in.Enabled {
					// Resume at once what waited while the subscription was off.
					if _, err := tx.WebhookDelivery.Update().Where(webhookdelivery.SubscriptionID(n),
						webhookdelivery.StatusIn(webhookdelivery.StatusPENDING, webhookdelivery.StatusRETRYING)).
						SetNextAttemptAt(time.Now().UTC()).Save(ctx); err != nil {
						return "", nil, nil, fmt.Errorf("resume deliveries: %w", err)
					}
				}
			}
		}
		if len(changes) > 0 {
			if err := u.Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("update subscription %d: %w", n, err)
			}
		}
		return id, changes, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	sub, err := s.db.WebhookSubscription.Get(ctx, n)
	if err != nil {
		return nil, nil, fmt.Errorf("read subscription %d back: %w", n, err)
	}
	return sub, nil, nil
}

// Delete removes a subscription with its deliveries. User error codes: NOT_FOUND (id).
func (s *Service) Delete(ctx context.Context, id string) (string, []usererror.Error, error) {
	n, ok := gid.ParseAs(id, SubscriptionType)
	if !ok {
		return "", notFound("webhook subscription", "id"), nil
	}
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		sub, err := tx.WebhookSubscription.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, notFound("webhook subscription", "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load subscription %d: %w", n, err)
		}
		ds, err := tx.WebhookDelivery.Query().Where(webhookdelivery.SubscriptionID(n)).IDs(ctx)
		if err != nil {
			return "", nil, nil, fmt.Errorf("list deliveries: %w", err)
		}
		for start := 0; start < len(ds); start += 500 {
			part := ds[start:min(start+500, len(ds))]
			if _, err := tx.WebhookAttempt.Delete().Where(webhookattempt.DeliveryIDIn(part...)).Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("delete attempts: %w", err)
			}
			if _, err := tx.WebhookDelivery.Delete().Where(webhookdelivery.IDIn(part...)).Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("delete deliveries: %w", err)
			}
		}
		if err := tx.WebhookSubscription.DeleteOne(sub).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete subscription %d: %w", n, err)
		}
		return id, map[string]any{"deleted": true, "topic": string(sub.Topic), "url": sub.URL}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(SubscriptionType, n), nil, nil
}

// Redeliver queues a delivery again, with the same body and IDs, to be sent as soon as
// the resource's earlier deliveries are through. User error codes: NOT_FOUND
// (deliveryId), INVALID (a test ping: send a new one).
func (s *Service) Redeliver(ctx context.Context, id string) (*ent.WebhookDelivery, []usererror.Error, error) {
	n, ok := gid.ParseAs(id, DeliveryType)
	if !ok {
		return nil, notFound("webhook delivery", "deliveryId"), nil
	}
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		d, err := tx.WebhookDelivery.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, notFound("webhook delivery", "deliveryId"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load delivery %d: %w", n, err)
		}
		if d.EventID == 0 {
			return "", nil, []usererror.Error{usererror.New(usererror.Invalid, "A test ping is not redelivered; send another with webhookSubscriptionTest.", "deliveryId")}, nil
		}
		if err := tx.WebhookDelivery.UpdateOne(d).SetStatus(webhookdelivery.StatusPENDING).SetNextAttemptAt(time.Now().UTC()).
			ClearDeliveredAt().Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("queue delivery %d: %w", n, err)
		}
		return id, map[string]any{"redeliver": true}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	d, err := s.db.WebhookDelivery.Get(ctx, n)
	if err != nil {
		return nil, nil, fmt.Errorf("read delivery %d back: %w", n, err)
	}
	return d, nil, nil
}

// Test sends a ping to the subscription now and returns its delivery with the attempt:
// the subscription's topic in the headers and {"test": true, …} as the body, signed like
// every delivery. It is not retried. User error codes: NOT_FOUND (id).
func (s *Service) Test(ctx context.Context, id string) (*ent.WebhookDelivery, []usererror.Error, error) {
	n, ok := gid.ParseAs(id, SubscriptionType)
	if !ok {
		return nil, notFound("webhook subscription", "id"), nil
	}
	sub, err := s.db.WebhookSubscription.Get(ctx, n)
	if ent.IsNotFound(err) {
		return nil, notFound("webhook subscription", "id"), nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load subscription %d: %w", n, err)
	}
	topic, _ := outbox.TopicOf(string(sub.Topic))
	now := time.Now().UTC()
	wid := uuid.NewString()
	body := fmt.Sprintf(`{"test":true,"topic":%q,"webhook_id":%q,"sent_at":%q}`, topic, wid, now.Format(time.RFC3339))
	d, err := s.db.WebhookDelivery.Create().SetSubscriptionID(n).SetEventID(0).SetTopic(topic).SetSubjectID("test:" + wid).
		SetWebhookID(wid).SetTriggeredAt(now).SetBody(body).SetNextAttemptAt(now).SetStatus(webhookdelivery.StatusRETRYING).Save(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("create ping: %w", err)
	}
	a := s.attempt(ctx, sub, d)
	status := webhookdelivery.StatusFAILED
	if a.ok {
		status = webhookdelivery.StatusDELIVERED
	}
	err = store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		if err := a.record(ctx, tx, d.ID); err != nil {
			return err
		}
		return tx.WebhookDelivery.UpdateOne(d).SetAttemptCount(1).SetStatus(status).SetNillableDeliveredAt(a.deliveredAt()).Exec(ctx)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("record ping: %w", err)
	}
	d, err = s.db.WebhookDelivery.Get(ctx, d.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("read ping back: %w", err)
	}
	return d, nil, nil
}
