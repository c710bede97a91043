package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"storefront/ent"
)

// responseHead is how much of a response body an attempt keeps.
const responseHead = 1024

// sender makes one HTTP attempt of a delivery.
type sender struct {
	cfg    Config
	client *http.Client
}

// attemptResult is what one attempt came to.
type attemptResult struct {
	at         time.Time
	ok         bool
	status     *int
	latency    time.Duration
	err        *string
	head       *string
	retryAfter time.Duration
	refused    bool
}

func (a attemptResult) deliveredAt() *time.Time {
	if !a.ok {
		return nil
	}
	t := a.at.Add(a.latency)
	return &t
}

func (a attemptResult) outcome() string {
	switch {
	case a.ok:
		return "delivered"
	case a.refused:
		return "refused"
	default:
		return "failed"
	}
}

// record writes the attempt inside tx.
func (a attemptResult) record(ctx context.Context, tx *ent.Tx, deliveryID int) error {
	err := tx.WebhookAttempt.Create().SetDeliveryID(deliveryID).SetAttemptedAt(a.at).SetNillableHTTPStatus(a.status).
		SetLatencyMs(int(a.latency.Milliseconds())).SetNillableError(a.err).SetNillableResponseHead(a.head).Exec(ctx)
	if err != nil {
		return fmt.Errorf("record attempt of delivery %d: %w", deliveryID, err)
	}
	return nil
}

// attempt POSTs the delivery's body to the subscription with the Shopify and Standard
// Webhooks headers. The webhook ID and event ID are the delivery's, the same on every
// attempt; the Standard Webhooks timestamp (and so its signature) is the attempt's.
func (s *sender) attempt(ctx context.Context, sub *ent.WebhookSubscription, d *ent.WebhookDelivery) attemptResult {
	res := attemptResult{at: time.Now().UTC()}
	fail := func(msg string) attemptResult {
		res.latency = time.Since(res.at)
		res.err = &msg
		return res
	}
	u, err := url.Parse(sub.URL)
	if err != nil {
		return fail("malformed URL")
	}
	if s.cfg.Guard.HTTPSOnly && u.Scheme != "https" {
		res.refused = true
		return fail("refused: https is required")
	}
	body := []byte(d.Body)
	ctx, cancel := context.WithTimeout(ctx, TotalTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return fail("malformed URL")
	}
	ts := res.at.Unix()
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "Storefront-Webhooks/1.0")
	h.Set("X-Shopify-Topic", d.Topic)
	h.Set("X-Shopify-Hmac-Sha256", ShopifyHMAC(sub.Secret, body))
	h.Set("X-Shopify-Webhook-Id", d.WebhookID)
	h.Set("X-Shopify-Event-Id", strconv.FormatInt(d.EventID, 10))
	h.Set("X-Shopify-Triggered-At", d.TriggeredAt.UTC().Format(time.RFC3339Nano))
	h.Set("X-Shopify-Shop-Domain", s.cfg.ShopDomain)
	h.Set("X-Shopify-API-Version", s.cfg.APIVersion)
	h.Set("webhook-id", d.WebhookID)
	h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	h.Set("webhook-signature", StandardSignature(sub.Secret, d.WebhookID, ts, body))
	resp, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, ErrForbiddenAddress) {
			res.refused = true
			return fail("refused: the URL resolves to an address webhooks may not reach")
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, http.ErrHandlerTimeout) {
			return fail("timeout")
		}
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			return fail("timeout")
		}
		return fail(trim(err.Error(), 300))
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, responseHead))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	res.latency = time.Since(res.at)
	status := resp.StatusCode
	res.status = &status
	if len(head) > 0 {
		hs := trim(string(head), responseHead)
		res.head = &hs
	}
	res.ok = status >= 200 && status < 300
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		res.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return res
}

// parseRetryAfter reads Retry-After (seconds or an HTTP date), bounded to [1s, 1h]; 0 when
// absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(v); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0
	}
	return min(max(d, time.Second), time.Hour)
}

// trim cuts s to at most n bytes on a rune boundary, dropping invalid UTF-8 and NULs (the
// databases refuse them).
func trim(s string, n int) string {
	b := make([]rune, 0, min(len(s), n))
	size := 0
	for _, r := range s {
		if r == utf8.RuneError || r == 0 {
			continue
		}
		size += utf8.RuneLen(r)
		if size > n {
			break
		}
		b = append(b, r)
	}
	return string(b)
}
