package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"storefront/ent/completionattempt"
	"storefront/ent/order"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	cartsvc "storefront/internal/cart"
	"storefront/internal/checkout"
	"storefront/internal/payment"
	"storefront/internal/storetest"
)

// faultProvider is the test provider with injected faults: a hook before authorizing,
// failing or slow captures and voids. Voids and captures honour their context, as a
// gateway client does.
type faultProvider struct {
	payment.TestProvider
	mu         sync.Mutex
	onAuth     func(ctx context.Context)
	onCapture  func(ctx context.Context)
	captureErr error
	voidErr    error
	voidDelay  time.Duration
	voided     []string
}

func (p *faultProvider) Authorize(ctx context.Context, r payment.Request) (string, error) {
	if p.onAuth != nil {
		p.onAuth(ctx)
	}
	return p.TestProvider.Authorize(ctx, r)
}

func (p *faultProvider) Capture(ctx context.Context, op payment.Op) (string, error) {
	if p.onCapture != nil {
		p.onCapture(ctx)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if p.captureErr != nil {
		return "", p.captureErr
	}
	return p.TestProvider.Capture(ctx, op)
}

func (p *faultProvider) Void(ctx context.Context, op payment.Op) (string, error) {
	time.Sleep(p.voidDelay)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if p.voidErr != nil {
		return "", p.voidErr
	}
	p.mu.Lock()
	p.voided = append(p.voided, op.Authorization)
	p.mu.Unlock()
	return p.TestProvider.Void(ctx, op)
}

func (p *faultProvider) voids() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.voided)
}

// logLines counts the server's log lines with the given message.
func logLines(api *testAPI, msg string) int {
	return strings.Count(api.Log.String(), `"msg":"`+msg+`"`)
}

// TestCaptureFailureIsRecorded: the provider refuses to capture a placed order's payment.
// The order stands, AUTHORIZED; the failure is logged once and kept on the attempt with
// the authorization, for the merchant to capture. Before, it was swallowed.
func TestCaptureFailureIsRecorded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &faultProvider{captureErr: errors.New("gateway unavailable")}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		ctx := context.Background()
		id := readyCart(t, api, "test_success", line(variantID(t, db, "mug", "Default Title"), 1))
		s := submit(t, api, id, "capture-1")
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt %+v, want success", a.A)
		}
		o := db.Order.Query().OnlyX(ctx)
		a := db.CompletionAttempt.Query().Where(completionattempt.PublicID(s.R.Result.AttemptID)).OnlyX(ctx)
		if o.FinancialStatus != order.FinancialStatusAUTHORIZED || a.Authorization == nil || a.PaymentError == nil || !strings.Contains(*a.PaymentError, "capture") {
			t.Fatalf("order %s, attempt authorization %v, payment error %v; want AUTHORIZED and the capture failure kept", o.FinancialStatus, a.Authorization, a.PaymentError)
		}
		if n := logLines(api, "checkout payment capture failed"); n != 1 {
			t.Fatalf("capture failure logged %d times, want once:\n%s", n, api.Log.String())
		}
	})
}

// TestVoidFailureIsRecorded: the order cannot be placed (the stock went while the payment
// was authorized) and the provider refuses to void. The attempt fails, keeps the
// authorization and the void failure for the merchant, and the failure is logged once.
// Before, the authorization was forgotten and nothing logged.
func TestVoidFailureIsRecorded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &faultProvider{voidErr: errors.New("gateway unavailable")}
		provider.onAuth = func(ctx context.Context) {
			db.ProductVariant.Update().Where(productvariant.HasProductWith(product.Handle("mug"))).SetAvailable(0).ExecX(ctx)
		}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		id := readyCart(t, api, "test_success", line(variantID(t, db, "mug", "Default Title"), 1))
		s := submit(t, api, id, "void-1")
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionFailed" || a.A.Errors[0].Code != "INVENTORY_RESERVATION_ERROR" {
			t.Fatalf("attempt %+v, want INVENTORY_RESERVATION_ERROR", a.A)
		}
		a := db.CompletionAttempt.Query().Where(completionattempt.PublicID(s.R.Result.AttemptID)).OnlyX(context.Background())
		if a.Authorization == nil || a.PaymentError == nil || !strings.Contains(*a.PaymentError, "void") {
			t.Fatalf("attempt authorization %v, payment error %v; want both kept", a.Authorization, a.PaymentError)
		}
		if n := logLines(api, "checkout payment void failed"); n != 1 {
			t.Fatalf("void failure logged %d times, want once:\n%s", n, api.Log.String())
		}
	})
}

// TestTimedOutCheckoutIsCleanedUp: the gateway answers the authorization only after the
// request's time is up. When the response comes back the attempt has ended as failed and
// the authorization is voided: the clean-up does not run on the request's (done) context.
// Before, both were dropped and the attempt stayed PROCESSING.
func TestTimedOutCheckoutIsCleanedUp(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &faultProvider{onAuth: func(ctx context.Context) { <-ctx.Done() }}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		cfg.Timeout = time.Second
		api := startAPIOver(t, db, cfg)
		id := readyCart(t, api, "test_success", line(variantID(t, db, "mug", "Default Title"), 1))
		api.post(t, `mutation($id: ID!, $t: String!) { cartSubmitForCompletion(cartId: $id, attemptToken: $t) { result { __typename } } }`,
			map[string]any{"id": id, "t": "slow-1"})
		a := db.CompletionAttempt.Query().Where(completionattempt.AttemptToken("slow-1")).OnlyX(context.Background())
		if a.Status != completionattempt.StatusFAILED || provider.voids() != 1 || a.Authorization != nil {
			t.Fatalf("attempt %s (authorization %v), %d voids; want FAILED, voided once", a.Status, a.Authorization, provider.voids())
		}
		if n := db.Order.Query().CountX(context.Background()); n != 0 {
			t.Fatalf("%d orders", n)
		}
	})
}

// TestPlacedOrderSurvivesTimeout: the order is committed and the gateway captures only
// after the request's time is up. The order is PAID and the attempt succeeded: nothing
// after the commit reports the placed order as failed. Before, the status update ran on
// the done context and the order stayed PENDING.
func TestPlacedOrderSurvivesTimeout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		var request context.Context
		provider := &faultProvider{}
		provider.onAuth = func(ctx context.Context) { request = ctx }
		provider.onCapture = func(context.Context) { <-request.Done() }
		cfg := testConfig()
		cfg.PaymentProvider = provider
		cfg.Timeout = time.Second
		api := startAPIOver(t, db, cfg)
		ctx := context.Background()
		id := readyCart(t, api, "test_success", line(variantID(t, db, "mug", "Default Title"), 1))
		api.post(t, `mutation($id: ID!, $t: String!) { cartSubmitForCompletion(cartId: $id, attemptToken: $t) { result { __typename } } }`,
			map[string]any{"id": id, "t": "late-1"})
		o := db.Order.Query().OnlyX(ctx)
		if o.FinancialStatus != order.FinancialStatusPAID {
			t.Fatalf("order %s, want PAID", o.FinancialStatus)
		}
		// Submitting the token again reports the order.
		s := submit(t, api, id, "late-1")
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt %+v, want success", a.A)
		}
	})
}

// TestConcurrentPollsVoidOnce: several polls of an interrupted attempt arrive at once.
// The attempt is claimed before its authorization is voided, so it is voided once.
func TestConcurrentPollsVoidOnce(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		deliveryFixture(t, db)
		provider := &faultProvider{voidDelay: 20 * time.Millisecond}
		cfg := testConfig()
		cfg.PaymentProvider = provider
		api := startAPIOver(t, db, cfg)
		id := readyCart(t, api, "test_success", line(variantID(t, db, "mug", "Default Title"), 1))
		token, _, _ := cartsvc.ParseID(id)
		auth, _ := provider.TestProvider.Authorize(ctx, payment.Request{SessionID: "test_success", Amount: 999, Currency: "USD"})
		dead := db.CompletionAttempt.Create().SetAttemptToken("dead-2").SetPublicID("attempt-dead-2").SetCartToken(token).
			SetAuthorization(auth).SaveX(ctx)
		q := "UPDATE completion_attempts SET created_at = ? WHERE id = ?"
		if db.Dialect == "postgres" {
			q = "UPDATE completion_attempts SET created_at = $1 WHERE id = $2"
		}
		if _, err := db.ExecContext(ctx, q, time.Now().UTC().Add(-2*checkout.StaleAttempt), dead.ID); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if a := attempt(t, api, "attempt-dead-2"); a.A == nil || a.A.Typename != "CartCompletionFailed" {
					t.Errorf("poll: %+v, want failed", a.A)
				}
			}()
		}
		wg.Wait()
		if n := provider.voids(); n != 1 {
			t.Fatalf("voided %d times, want once", n)
		}
	})
}
