package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"storefront/ent/completionattempt"
	"storefront/ent/order"
	"storefront/ent/payment"
	orderpkg "storefront/internal/order"
	"storefront/internal/payment/stripe"
	"storefront/internal/payment/stripe/stripetest"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

const testWebhookSecret = "whsec_test_storefront"

// startStripeAPI serves the API with Stripe (behind a stripetest.Gateway) as the provider.
func startStripeAPI(t *testing.T, b storetest.Backend) (*testAPI, *stripetest.Gateway) {
	t.Helper()
	g := stripetest.Start(t)
	cfg := testConfig()
	cfg.Stripe = stripeConfig{SecretKey: "sk_test_123", PublishableKey: "pk_test_123", WebhookSecret: testWebhookSecret, APIBase: g.URL}
	return startAPIWith(t, b, cfg, deliveryFixture), g
}

type actionAttemptJSON struct {
	A *struct {
		Typename string `json:"__typename"`
		ID       string `json:"id"`
		Action   *struct {
			Typename    string  `json:"__typename"`
			RedirectURL *string `json:"redirectUrl"`
		} `json:"action"`
		Errors []struct {
			Code string `json:"code"`
		} `json:"errors"`
	} `json:"a"`
}

func actionAttempt(t testing.TB, api *testAPI, id string) actionAttemptJSON {
	t.Helper()
	var out actionAttemptJSON
	api.post(t, `query($id: String!) { a: cartCompletionAttempt(attemptId: $id) { __typename
		... on CartCompletionActionRequired { id action { __typename ... on CompletePaymentChallenge { redirectUrl } } }
		... on CartCompletionFailed { errors { code } } } }`, map[string]any{"id": id}).decode(t, &out)
	return out
}

func TestStripeCheckout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api, g := startStripeAPI(t, b)
		ctx := context.Background()
		tee := variantID(t, api.DB, "tee", "S / Black")

		// Paid: authorized with manual capture, the order placed, then captured.
		s := submit(t, api, readyCart(t, api, "pm_card_visa", line(tee, 2)), "stripe-ok")
		if s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit: %+v", s.R)
		}
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt: %+v, want success", a.A)
		}
		in := g.IntentFor(s.R.Result.AttemptID)
		if in == nil || in.Status != "succeeded" || in.Amount != 3500 || in.Received != 3500 || in.PaymentMethod != "pm_card_visa" {
			t.Fatalf("intent %+v, want 3500 captured on pm_card_visa", in)
		}
		o := api.DB.Order.Query().OnlyX(ctx)
		if o.FinancialStatus != order.FinancialStatusPAID || o.Test {
			t.Fatalf("order %s test=%v, want PAID and not a test order", o.FinancialStatus, o.Test)
		}

		// Declined: the attempt fails with the card's code, nothing is placed.
		s = submit(t, api, readyCart(t, api, "pm_card_chargeDeclinedInsufficientFunds", line(tee, 1)), "stripe-declined")
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionFailed" || a.A.Errors[0].Code != "PAYMENT_INSUFFICIENT_FUNDS" {
			t.Fatalf("declined attempt: %+v, want PAYMENT_INSUFFICIENT_FUNDS", a.A)
		}
		if n := api.DB.Order.Query().CountX(ctx); n != 1 {
			t.Fatalf("%d orders, want 1", n)
		}
	})
}

// TestStripeActionRequired: a card that needs 3-D Secure leaves the attempt
// CartCompletionActionRequired with the challenge's URL; once the buyer passed it, the
// next poll places the order and captures; a failed challenge fails the attempt.
func TestStripeActionRequired(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api, g := startStripeAPI(t, b)
		ctx := context.Background()
		tee := variantID(t, api.DB, "tee", "S / Black")
		for _, passed := range []bool{true, false} {
			token := fmt.Sprintf("stripe-3ds-%v", passed)
			s := submit(t, api, readyCart(t, api, "pm_card_threeDSecure2Required", line(tee, 1)), token)
			id := s.R.Result.AttemptID
			a := actionAttempt(t, api, id)
			if a.A == nil || a.A.Typename != "CartCompletionActionRequired" || a.A.ID != id || a.A.Action == nil ||
				a.A.Action.Typename != "CompletePaymentChallenge" || a.A.Action.RedirectURL == nil || !strings.Contains(*a.A.Action.RedirectURL, "/3ds/") {
				t.Fatalf("attempt needing 3-D Secure: %+v", a.A)
			}
			in := g.IntentFor(id)
			if !strings.HasSuffix(in.ReturnURL, "/checkout/attempts/"+id) {
				t.Fatalf("return URL %q, want the attempt's page", in.ReturnURL)
			}
			// Still waiting: polling again changes nothing.
			if a := actionAttempt(t, api, id); a.A.Typename != "CartCompletionActionRequired" {
				t.Fatalf("poll while waiting: %+v", a.A)
			}
			g.Authenticate(in.ID, passed)
			if passed {
				if a := attempt(t, api, id); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
					t.Fatalf("after the challenge: %+v, want success", a.A)
				}
				if in := g.Intent(in.ID); in.Status != "succeeded" || in.Received != in.Amount {
					t.Fatalf("intent %+v, want captured", in)
				}
				continue
			}
			if a := attempt(t, api, id); a.A == nil || a.A.Typename != "CartCompletionFailed" || a.A.Errors[0].Code != "PAYMENT_CARD_DECLINED" {
				t.Fatalf("after a failed challenge: %+v, want PAYMENT_CARD_DECLINED", a.A)
			}
		}
		if n := api.DB.Order.Query().CountX(ctx); n != 1 {
			t.Fatalf("%d orders, want 1", n)
		}
	})
}

// sendEvent posts a Stripe event signed with secret to /webhooks/stripe.
func sendEvent(t testing.TB, api *testAPI, secret, id, typ string, object any) int {
	t.Helper()
	raw, _ := json.Marshal(object)
	payload, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "api_version": "2025-01-27.acacia",
		"created": time.Now().Unix(), "data": map[string]any{"object": json.RawMessage(raw)}})
	now := time.Now()
	sig := webhook.ComputeSignature(now, payload, secret)
	req, _ := http.NewRequest(http.MethodPost, api.URL+"/webhooks/stripe", bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", fmt.Sprintf("t=%d,v1=%x", now.Unix(), sig))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestStripeWebhookSignature(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api, _ := startStripeAPI(t, b)
		pi := map[string]any{"id": "pi_foreign", "object": "payment_intent"}
		if got := sendEvent(t, api, "whsec_someone_else", "evt_1", "payment_intent.succeeded", pi); got != http.StatusBadRequest {
			t.Fatalf("wrong secret: %d, want 400", got)
		}
		resp, err := http.Post(api.URL+"/webhooks/stripe", "application/json", strings.NewReader(`{"id":"evt_2","type":"payment_intent.succeeded"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("unsigned: %d, want 400", resp.StatusCode)
		}
		// Signed but of no interest, or about an intent Stripe does not know: acknowledged.
		if got := sendEvent(t, api, testWebhookSecret, "evt_3", "customer.created", map[string]any{"id": "cus_1", "object": "customer"}); got != http.StatusOK {
			t.Fatalf("foreign event: %d, want 200", got)
		}
		if got := sendEvent(t, api, testWebhookSecret, "evt_4", "payment_intent.succeeded", pi); got != http.StatusOK {
			t.Fatalf("unknown intent: %d, want 200", got)
		}
	})
}

// TestStripeWebhookReconciles: what the API calls could not confirm is put right from
// Stripe's events, and the same event twice changes nothing more.
func TestStripeWebhookReconciles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api, g := startStripeAPI(t, b)
		ctx := context.Background()
		tee := variantID(t, api.DB, "tee", "S / Black")

		// 1. An authorization whose attempt ended without an order (the server stopped
		// before voiding it): the event voids it, once.
		s := submit(t, api, readyCart(t, api, "pm_card_visa", line(tee, 1)), "stripe-wh-1")
		id := s.R.Result.AttemptID
		attempt(t, api, id)
		in := g.IntentFor(id)
		a := api.DB.CompletionAttempt.Query().Where(completionattempt.PublicID(id)).OnlyX(ctx)
		// As if the order had not been placed: a fresh intent, still authorized, for a failed attempt.
		failed := api.DB.CompletionAttempt.Create().SetAttemptToken("stripe-wh-lost").SetPublicID("attempt-lost").SetCartToken(a.CartToken).
			SetStatus(completionattempt.StatusFAILED).SetCompletedAt(time.Now()).SaveX(ctx)
		g.SetIntent(stripetest.Intent{ID: "pi_lost", Status: "requires_capture", Amount: 2000, Capturable: 2000, Metadata: map[string]string{stripe.MetadataAttempt: failed.PublicID}})
		event := map[string]any{"id": "pi_lost", "object": "payment_intent", "status": "requires_capture"}
		for i := range 2 {
			if got := sendEvent(t, api, testWebhookSecret, "evt_lost", "payment_intent.amount_capturable_updated", event); got != http.StatusOK {
				t.Fatalf("delivery %d: %d, want 200", i, got)
			}
			if in := g.Intent("pi_lost"); in.Status != "canceled" {
				t.Fatalf("delivery %d: intent %s, want canceled", i, in.Status)
			}
		}
		if n := countCalls(g, "/v1/payment_intents/pi_lost/cancel"); n != 1 {
			t.Fatalf("%d cancel calls, want 1", n)
		}

		// 2. Captured money of an attempt without an order is refunded, once.
		g.SetIntent(stripetest.Intent{ID: "pi_lost_captured", Status: "succeeded", Amount: 2000, Received: 2000, Metadata: map[string]string{stripe.MetadataAttempt: failed.PublicID}})
		for range 2 {
			if got := sendEvent(t, api, testWebhookSecret, "evt_captured", "payment_intent.succeeded", map[string]any{"id": "pi_lost_captured", "object": "payment_intent"}); got != http.StatusOK {
				t.Fatalf("succeeded event: %d", got)
			}
		}
		if in := g.Intent("pi_lost_captured"); in.Refunded != 2000 || countCalls(g, "/v1/refunds") != 1 {
			t.Fatalf("refunded %d in %d calls, want 2000 in 1", in.Refunded, countCalls(g, "/v1/refunds"))
		}

		// 3. An order whose capture was not confirmed (the answer was lost): the event
		// marks it paid; a later partial refund makes it partially refunded.
		// The capture's record is left PENDING, as a crash between Stripe's answer and our
		// commit leaves it: the order shows nothing captured.
		o := api.DB.Order.GetX(ctx, *a.OrderID)
		api.DB.Order.UpdateOne(o).SetFinancialStatus(order.FinancialStatusAUTHORIZED).SetTotalCaptured(0).ExecX(ctx)
		if n := api.DB.Payment.Update().Where(payment.OrderID(o.ID), payment.KindEQ(payment.KindCAPTURE)).
			SetStatus(payment.StatusPENDING).ClearProcessedAt().SaveX(ctx); n != 1 {
			t.Fatalf("%d capture records, want 1", n)
		}
		// The crash was a while ago: its call cannot be under way any more.
		if _, err := api.DB.SQL.ExecContext(ctx, store.Rebind(api.DB.Dialect, "UPDATE payments SET created_at = ? WHERE order_id = ? AND kind = 'CAPTURE'"),
			time.Now().UTC().Add(-2*orderpkg.CallTimeout), o.ID); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if got := sendEvent(t, api, testWebhookSecret, "evt_paid", "payment_intent.succeeded", map[string]any{"id": in.ID, "object": "payment_intent"}); got != http.StatusOK {
				t.Fatalf("succeeded: %d", got)
			}
			if o := api.DB.Order.GetX(ctx, o.ID); o.FinancialStatus != order.FinancialStatusPAID {
				t.Fatalf("order %s, want PAID", o.FinancialStatus)
			}
		}
		cur := g.Intent(in.ID)
		cur.Refunded = 500
		g.SetIntent(*cur)
		charge := map[string]any{"id": "ch_1", "object": "charge", "payment_intent": in.ID, "amount_refunded": 500}
		if got := sendEvent(t, api, testWebhookSecret, "evt_refund", "charge.refunded", charge); got != http.StatusOK {
			t.Fatalf("charge.refunded: %d", got)
		}
		if o := api.DB.Order.GetX(ctx, o.ID); o.FinancialStatus != order.FinancialStatusPARTIALLY_REFUNDED || o.TotalRefunded != 500 {
			t.Fatalf("order %s refunded %d, want PARTIALLY_REFUNDED 500", o.FinancialStatus, o.TotalRefunded)
		}
		// Both are on record: the capture settled (once), the refund made at Stripe recorded.
		if n := api.DB.Payment.Query().Where(payment.OrderID(o.ID), payment.StatusEQ(payment.StatusSUCCESS), payment.KindIn(payment.KindCAPTURE, payment.KindREFUND)).CountX(ctx); n != 2 {
			t.Fatalf("%d settled capture and refund records, want 2", n)
		}
		// A late capture event does not take it back to PAID.
		if got := sendEvent(t, api, testWebhookSecret, "evt_paid", "payment_intent.succeeded", map[string]any{"id": in.ID, "object": "payment_intent"}); got != http.StatusOK {
			t.Fatalf("late succeeded: %d", got)
		}
		if o := api.DB.Order.GetX(ctx, o.ID); o.FinancialStatus != order.FinancialStatusPARTIALLY_REFUNDED {
			t.Fatalf("order %s after a late event, want PARTIALLY_REFUNDED", o.FinancialStatus)
		}

		// 4. An attempt still running: Stripe is asked to come back later.
		running := api.DB.CompletionAttempt.Create().SetAttemptToken("stripe-wh-running").SetPublicID("attempt-running").SetCartToken(a.CartToken).SaveX(ctx)
		g.SetIntent(stripetest.Intent{ID: "pi_running", Status: "requires_capture", Amount: 100, Capturable: 100, Metadata: map[string]string{stripe.MetadataAttempt: running.PublicID}})
		if got := sendEvent(t, api, testWebhookSecret, "evt_running", "payment_intent.amount_capturable_updated", map[string]any{"id": "pi_running", "object": "payment_intent"}); got != http.StatusServiceUnavailable {
			t.Fatalf("running attempt: %d, want 503", got)
		}
		if in := g.Intent("pi_running"); in.Status != "requires_capture" {
			t.Fatalf("running attempt's intent %s, want untouched", in.Status)
		}
	})
}

func countCalls(g *stripetest.Gateway, path string) int {
	n := 0
	for _, c := range g.Calls() {
		if c.Path == path && !c.Replayed {
			n++
		}
	}
	return n
}

// TestStripeHostedCheckout: with Stripe the hosted checkout shows Stripe's Payment Element
// (Stripe.js the one external script its policy allows, no test sessions) and pays with
// the PaymentMethod ID the page's script posts.
func TestStripeHostedCheckout(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api, g := startStripeAPI(t, b)
		mug := variantID(t, api.DB, "mug", "Default Title")
		c := api.newCart(t, line(mug, 1))
		u, _ := url.Parse(c.CheckoutURL)
		key := u.Query().Get("key")
		post := func(path string, form url.Values) (*http.Response, string) {
			t.Helper()
			form.Set("key", key)
			resp, err := http.PostForm(api.URL+path, form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp, string(body)
		}
		post(u.Path+"/contact", url.Values{"email": {"web@example.com"}, "firstName": {"Web"}, "lastName": {"Buyer"},
			"address1": {"1 Main St"}, "city": {"Springfield"}, "provinceCode": {"IL"}, "zip": {"62701"}, "countryCode": {"US"}})
		resp, body := post(u.Path+"/delivery", url.Values{"option": {"standard"}})
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{`id="payment-element"`, `data-key="pk_test_123"`, `data-amount="1499"`, `data-currency="usd"`,
			`<script src="https://js.stripe.com/v3/"></script>`, `<script src="/checkout/assets/stripe-payment.js"></script>`} {
			if !strings.Contains(body, want) {
				t.Fatalf("checkout page lacks %s: %s", want, body)
			}
		}
		if strings.Contains(body, "test_success") || !strings.Contains(csp, "script-src 'self' https://js.stripe.com https://*.js.stripe.com;") || !strings.Contains(csp, "frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;") {
			t.Fatalf("test sessions offered or policy %q", csp)
		}
		js, err := http.Get(api.URL + "/checkout/assets/stripe-payment.js")
		if err != nil {
			t.Fatal(err)
		}
		script, _ := io.ReadAll(js.Body)
		js.Body.Close()
		if js.StatusCode != 200 || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(string(script), "createPaymentMethod") {
			t.Fatalf("script: %d %s", js.StatusCode, js.Header.Get("Content-Type"))
		}
		// Other pages keep the policy without scripts.
		if other, err := http.Get(api.URL + "/orders/status/guess"); err == nil {
			other.Body.Close()
			if p := other.Header.Get("Content-Security-Policy"); strings.Contains(p, "stripe") {
				t.Fatalf("status page policy %q allows Stripe", p)
			}
		}
		token := between(body, `name="attemptToken" value="`, `"`)
		shown := between(body, `name="cart" value="`, `"`)
		resp, body = post(u.Path+"/pay", url.Values{"session": {"pm_card_visa"}, "attemptToken": {token}, "cart": {shown}})
		if !strings.HasPrefix(resp.Request.URL.Path, "/orders/status/") || !strings.Contains(body, "Order #1001 is confirmed") {
			t.Fatalf("confirmation: %s %s", resp.Request.URL.Path, body)
		}
		o := api.DB.Order.Query().OnlyX(t.Context())
		if in := g.IntentFor(api.DB.CompletionAttempt.Query().OnlyX(t.Context()).PublicID); in == nil || in.Received != o.Total || in.PaymentMethod != "pm_card_visa" {
			t.Fatalf("intent %+v, want %d captured", in, o.Total)
		}
	})
}

// TestStripeConcurrentResume: polls and a webhook arriving together once the buyer passed
// 3-D Secure place one order and capture once.
func TestStripeConcurrentResume(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api, g := startStripeAPI(t, b)
		tee := variantID(t, api.DB, "tee", "S / Black")
		s := submit(t, api, readyCart(t, api, "pm_card_threeDSecure2Required", line(tee, 1)), "stripe-3ds-race")
		id := s.R.Result.AttemptID
		in := g.IntentFor(id)
		g.Authenticate(in.ID, true)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i == 0 {
					if got := sendEvent(t, api, testWebhookSecret, "evt_race", "payment_intent.amount_capturable_updated", map[string]any{"id": in.ID, "object": "payment_intent"}); got != 200 && got != 503 {
						t.Errorf("webhook: %d", got)
					}
					return
				}
				attempt(t, api, id)
			}()
		}
		wg.Wait()
		if a := attempt(t, api, id); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt after the race: %+v, want success", a.A)
		}
		if n := api.DB.Order.Query().CountX(t.Context()); n != 1 {
			t.Fatalf("%d orders, want 1", n)
		}
		if n := countCalls(g, "/v1/payment_intents/"+in.ID+"/capture"); n != 1 {
			t.Fatalf("%d captures, want 1", n)
		}
	})
}

func TestStripeConfig(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, tc := range []struct {
		name string
		vars map[string]string
		fail string
	}{
		{"production needs the webhook secret", map[string]string{"STOREFRONT_PRODUCTION": "true", "STOREFRONT_STRIPE_SECRET_KEY": "sk_live_x", "STOREFRONT_STRIPE_PUBLISHABLE_KEY": "pk_live_x"}, "STOREFRONT_STRIPE_WEBHOOK_SECRET"},
		{"production needs the publishable key", map[string]string{"STOREFRONT_PRODUCTION": "true", "STOREFRONT_STRIPE_SECRET_KEY": "sk_live_x", "STOREFRONT_STRIPE_WEBHOOK_SECRET": "whsec_x"}, "STOREFRONT_STRIPE_PUBLISHABLE_KEY"},
		{"a publishable key as the secret", map[string]string{"STOREFRONT_STRIPE_SECRET_KEY": "pk_test_x"}, "STOREFRONT_STRIPE_SECRET_KEY"},
		{"production complete", map[string]string{"STOREFRONT_PRODUCTION": "true", "STOREFRONT_STRIPE_SECRET_KEY": "sk_live_x", "STOREFRONT_STRIPE_PUBLISHABLE_KEY": "pk_live_x", "STOREFRONT_STRIPE_WEBHOOK_SECRET": "whsec_x"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := loadConfig("test", nil, env(tc.vars))
			switch {
			case tc.fail == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.fail != "" && (err == nil || !strings.Contains(err.Error(), tc.fail)):
				t.Fatalf("got %v, want an error naming %s", err, tc.fail)
			case tc.fail == "" && cfg.Stripe.SecretKey != "sk_live_x":
				t.Fatalf("stripe config %+v", cfg.Stripe)
			}
		})
	}
	// With a secret key Stripe replaces the test provider: test sessions are refused, and
	// without a webhook secret there is no webhook endpoint.
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		g := stripetest.Start(t)
		cfg := testConfig()
		cfg.Stripe = stripeConfig{SecretKey: "sk_test_123", APIBase: g.URL}
		api := startAPIWith(t, b, cfg, deliveryFixture)
		s := submit(t, api, readyCart(t, api, "test_success", line(variantID(t, api.DB, "tee", "S / Black"), 1)), "stripe-cfg")
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionFailed" || a.A.Errors[0].Code != "PAYMENT_INVALID_PAYMENT_METHOD" {
			t.Fatalf("test session with Stripe: %+v, want PAYMENT_INVALID_PAYMENT_METHOD", a.A)
		}
		if got := sendEvent(t, api, "whsec_x", "evt_1", "payment_intent.succeeded", map[string]any{"id": "pi_1"}); got != http.StatusNotFound && got != http.StatusMethodNotAllowed {
			t.Fatalf("webhook without a secret: %d, want no endpoint", got)
		}
	})
}
