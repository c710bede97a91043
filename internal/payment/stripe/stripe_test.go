package stripe_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	stripego "github.com/stripe/stripe-go/v82"

	"storefront/internal/payment"
	"storefront/internal/payment/stripe"
	"storefront/internal/payment/stripe/stripetest"
)

func newProvider(t *testing.T, retries int64) (*stripe.Provider, *stripetest.Gateway) {
	t.Helper()
	g := stripetest.Start(t)
	return stripe.New(stripe.Config{SecretKey: "sk_test_123", APIBase: g.URL, MaxNetworkRetries: stripego.Int64(retries)}), g
}

func TestStripeAuthorizeCaptureRefund(t *testing.T) {
	p, g := newProvider(t, 0)
	ctx := context.Background()
	auth, err := p.Authorize(ctx, payment.Request{SessionID: "pm_card_visa", Amount: 5000, Currency: "EUR", IdempotencyKey: "a1", Reference: "attempt-1", ReturnURL: "https://shop.test/checkout/attempts/attempt-1"})
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	in := g.Intent(auth)
	if in == nil || in.Status != "requires_capture" || in.Amount != 5000 || in.Metadata[stripe.MetadataAttempt] != "attempt-1" {
		t.Fatalf("intent after authorize = %+v, want requires_capture of 5000 for attempt-1", in)
	}
	ref, err := p.Capture(ctx, payment.Op{Authorization: auth, Amount: 3000, Currency: "EUR", IdempotencyKey: "a1:capture"})
	if err != nil || !strings.HasPrefix(ref, "ch_") {
		t.Fatalf("capture = %q, %v; want a charge ID", ref, err)
	}
	if in := g.Intent(auth); in.Status != "succeeded" || in.Received != 3000 {
		t.Fatalf("intent after partial capture = %+v, want 3000 received", in)
	}
	for i, amount := range []int64{1000, 2000} {
		ref, err := p.Refund(ctx, payment.Op{Authorization: auth, Amount: amount, Currency: "EUR", IdempotencyKey: "r" + string(rune('0'+i))})
		if err != nil || !strings.HasPrefix(ref, "re_") {
			t.Fatalf("refund %d = %q, %v; want a refund ID", amount, ref, err)
		}
	}
	if in := g.Intent(auth); in.Refunded != 3000 {
		t.Fatalf("refunded %d, want 3000", in.Refunded)
	}
	_, err = p.Refund(ctx, payment.Op{Authorization: auth, Amount: 1, Currency: "EUR", IdempotencyKey: "r3"})
	if e, ok := payment.AsError(err); !ok || e.Code != "PAYMENT_ERROR" || e.Transient {
		t.Fatalf("refund beyond captured: %v, want PAYMENT_ERROR", err)
	}
}

func TestStripeVoid(t *testing.T) {
	p, g := newProvider(t, 0)
	ctx := context.Background()
	auth, err := p.Authorize(ctx, payment.Request{SessionID: "pm_card_visa", Amount: 1200, Currency: "USD", IdempotencyKey: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := p.Void(ctx, payment.Op{Authorization: auth, IdempotencyKey: "v1:void"})
	if err != nil || ref != auth {
		t.Fatalf("void = %q, %v; want %q", ref, err, auth)
	}
	if in := g.Intent(auth); in.Status != "canceled" {
		t.Fatalf("status %q after void, want canceled", in.Status)
	}
	// Capturing a voided authorization is refused, not transient.
	_, err = p.Capture(ctx, payment.Op{Authorization: auth, Amount: 1200, IdempotencyKey: "v1:capture"})
	if e, ok := payment.AsError(err); !ok || e.Transient {
		t.Fatalf("capture after void: %v, want a permanent payment error", err)
	}
}

// The same idempotency key never moves money twice: a retried capture is answered with the
// first one's result, and stripe-go's own retries after a network failure reuse the key.
func TestStripeIdempotency(t *testing.T) {
	p, g := newProvider(t, 2)
	ctx := context.Background()
	auth, err := p.Authorize(ctx, payment.Request{SessionID: "pm_card_visa", Amount: 800, Currency: "USD", IdempotencyKey: "i1"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.Authorize(ctx, payment.Request{SessionID: "pm_card_visa", Amount: 800, Currency: "USD", IdempotencyKey: "i1"})
	if err != nil || again != auth {
		t.Fatalf("repeated authorize = %q, %v; want the same intent %q", again, err, auth)
	}
	g.FailNext(1) // the first capture request is lost on the network; stripe-go retries it
	op := payment.Op{Authorization: auth, Amount: 800, IdempotencyKey: "i1:capture"}
	first, err := p.Capture(ctx, op)
	if err != nil {
		t.Fatalf("capture retried after a network failure: %v", err)
	}
	second, err := p.Capture(ctx, op)
	if err != nil || second != first {
		t.Fatalf("repeated capture = %q, %v; want %q", second, err, first)
	}
	var keys []string
	replayed := 0
	for _, c := range g.Calls() {
		if strings.HasSuffix(c.Path, "/capture") {
			keys = append(keys, c.IdempotencyKey)
			if c.Replayed {
				replayed++
			}
		}
	}
	if len(keys) != 3 || keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] || replayed != 1 {
		t.Fatalf("capture calls used keys %q with %d replays; want one key three times, one replay", keys, replayed)
	}
	if in := g.Intent(auth); in.Received != 800 {
		t.Fatalf("received %d, want 800 once", in.Received)
	}
	for _, c := range g.Calls() {
		if c.IdempotencyKey == "" {
			t.Errorf("%s %s sent without an idempotency key", c.Method, c.Path)
		}
	}
}

func TestStripeDeclines(t *testing.T) {
	p, _ := newProvider(t, 0)
	for _, tc := range []struct {
		pm, code  string
		transient bool
	}{
		{"pm_card_chargeDeclined", "PAYMENT_CARD_DECLINED", false},
		{"pm_card_chargeDeclinedInsufficientFunds", "PAYMENT_INSUFFICIENT_FUNDS", false},
		{"pm_card_chargeDeclinedIncorrectCvc", "PAYMENT_INVALID_CREDIT_CARD", false},
		{"pm_card_chargeDeclinedExpiredCard", "PAYMENT_INVALID_CREDIT_CARD", false},
		{"pm_card_chargeDeclinedProcessingError", "PAYMENT_TRANSIENT_ERROR", true},
		{"tok_visa", "PAYMENT_INVALID_PAYMENT_METHOD", false}, // not a PaymentMethod ID
	} {
		t.Run(tc.pm, func(t *testing.T) {
			auth, err := p.Authorize(context.Background(), payment.Request{SessionID: tc.pm, Amount: 1000, Currency: "USD", IdempotencyKey: "d-" + tc.pm})
			e, ok := payment.AsError(err)
			if !ok || e.Code != tc.code || e.Transient != tc.transient || auth != "" {
				t.Fatalf("authorize with %s = %q, %v; want %s (transient %v)", tc.pm, auth, err, tc.code, tc.transient)
			}
		})
	}
}

func TestStripeActionRequired(t *testing.T) {
	p, g := newProvider(t, 0)
	ctx := context.Background()
	for _, passed := range []bool{true, false} {
		auth, err := p.Authorize(ctx, payment.Request{SessionID: "pm_card_threeDSecure2Required", Amount: 2500, Currency: "EUR", IdempotencyKey: "3ds-" + map[bool]string{true: "ok", false: "ko"}[passed], ReturnURL: "https://shop.test/back"})
		var act *payment.ActionRequired
		if !errors.As(err, &act) || act.Authorization != auth || act.URL == "" {
			t.Fatalf("authorize needing 3-D Secure = %q, %v; want ActionRequired with a URL", auth, err)
		}
		if err := p.Resume(ctx, auth); !errors.As(err, &act) {
			t.Fatalf("resume before the challenge: %v, want still ActionRequired", err)
		}
		g.Authenticate(auth, passed)
		err = p.Resume(ctx, auth)
		if passed && err != nil {
			t.Fatalf("resume after a passed challenge: %v", err)
		}
		if e, ok := payment.AsError(err); !passed && (!ok || e.Code != "PAYMENT_CARD_DECLINED") {
			t.Fatalf("resume after a failed challenge: %v, want PAYMENT_CARD_DECLINED", err)
		}
	}
}

// Errors Stripe answers without a test card for them: a bad key, its own trouble, the
// network.
func TestStripeErrorMapping(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		code      string
		transient bool
	}{
		{"bad key", 401, `{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}`, "PAYMENT_GATEWAY_NOT_ENABLED_ERROR", false},
		{"rate limited", 429, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}`, "PAYMENT_TRANSIENT_ERROR", true},
		{"stripe down", 503, `{"error":{"type":"api_error","message":"unavailable"}}`, "PAYMENT_TRANSIENT_ERROR", true},
		{"call issuer", 402, `{"error":{"type":"card_error","code":"card_declined","decline_code":"call_issuer","message":"Your card was declined."}}`, "PAYMENT_CALL_ISSUER", false},
		{"zip", 402, `{"error":{"type":"card_error","code":"incorrect_zip","message":"The zip code failed validation."}}`, "PAYMENT_INVALID_BILLING_ADDRESS", false},
		{"amount too small", 400, `{"error":{"type":"invalid_request_error","code":"amount_too_small","message":"Amount must be at least 50 cents"}}`, "PAYMENT_AMOUNT_TOO_SMALL", false},
		{"unknown payment method", 400, `{"error":{"type":"invalid_request_error","code":"resource_missing","param":"payment_method","message":"No such PaymentMethod"}}`, "PAYMENT_INVALID_PAYMENT_METHOD", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			p := stripe.New(stripe.Config{SecretKey: "sk_test_123", APIBase: srv.URL, MaxNetworkRetries: stripego.Int64(0)})
			_, err := p.Authorize(context.Background(), payment.Request{SessionID: "pm_card_visa", Amount: 10, Currency: "USD", IdempotencyKey: "e"})
			if e, ok := payment.AsError(err); !ok || e.Code != tc.code || e.Transient != tc.transient {
				t.Fatalf("got %v, want %s (transient %v)", err, tc.code, tc.transient)
			}
		})
	}
	t.Run("network", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close() // nothing listens there any more
		p := stripe.New(stripe.Config{SecretKey: "sk_test_123", APIBase: url, MaxNetworkRetries: stripego.Int64(0)})
		_, err := p.Capture(context.Background(), payment.Op{Authorization: "pi_1", Amount: 10, IdempotencyKey: "n"})
		if e, ok := payment.AsError(err); !ok || e.Code != "PAYMENT_TRANSIENT_ERROR" || !e.Transient {
			t.Fatalf("got %v, want a transient error", err)
		}
	})
}
