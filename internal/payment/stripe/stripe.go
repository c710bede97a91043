// Package stripe is the Stripe payment provider: an authorization is a PaymentIntent
// created and confirmed with manual capture on the PaymentMethod the buyer's browser made
// with Stripe.js; capture, void (cancel) and refunds act on the same intent. Every call
// carries an idempotency key, and Stripe's errors become the Storefront API's
// CompletionErrorCode values.
package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	stripego "github.com/stripe/stripe-go/v82"

	"storefront/internal/payment"
)

// MetadataAttempt is the PaymentIntent metadata key holding the completion attempt's
// public ID (payment.Request.Reference), by which webhooks find what the intent paid for.
const MetadataAttempt = "storefront_attempt"

// Config configures the provider.
type Config struct {
	SecretKey string
	// APIBase replaces https://api.stripe.com (stripe-mock in tests); "" for Stripe.
	APIBase string
	// HTTPClient makes the calls; a client with a 30-second timeout when nil.
	HTTPClient *http.Client
	// MaxNetworkRetries is how often a call that failed on the network or with a 409/5xx is
	// retried (with the same idempotency key); 2 when nil.
	MaxNetworkRetries *int64
}

// Provider is the Stripe payment provider.
type Provider struct {
	client *stripego.Client
}

var (
	_ payment.Provider = (*Provider)(nil)
	_ payment.Resumer  = (*Provider)(nil)
)

// New returns a Stripe provider.
func New(cfg Config) *Provider {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	bc := &stripego.BackendConfig{
		HTTPClient:        hc,
		LeveledLogger:     &stripego.LeveledLogger{Level: stripego.LevelNull}, // failures are returned and logged by the caller
		MaxNetworkRetries: cfg.MaxNetworkRetries,
	}
	if cfg.APIBase != "" {
		bc.URL = stripego.String(strings.TrimRight(cfg.APIBase, "/"))
	}
	return &Provider{client: stripego.NewClient(cfg.SecretKey, stripego.WithBackends(stripego.NewBackendsWithConfig(bc)))}
}

// Name implements payment.Provider.
func (*Provider) Name() string { return "stripe" }

// Authorize implements payment.Provider: it creates and confirms a PaymentIntent with
// manual capture on the PaymentMethod r.SessionID. An intent that needs 3-D Secure is
// returned as *payment.ActionRequired with the URL the buyer must visit; they come back
// to r.ReturnURL.
func (p *Provider) Authorize(ctx context.Context, r payment.Request) (string, error) {
	if !strings.HasPrefix(r.SessionID, "pm_") {
		return "", payment.ErrInvalidMethod
	}
	params := &stripego.PaymentIntentCreateParams{
		Amount:        stripego.Int64(r.Amount),
		Currency:      stripego.String(strings.ToLower(r.Currency)),
		PaymentMethod: stripego.String(r.SessionID),
		CaptureMethod: stripego.String(string(stripego.PaymentIntentCaptureMethodManual)),
		Confirm:       stripego.Bool(true),
	}
	if r.ReturnURL != "" {
		params.ReturnURL = stripego.String(r.ReturnURL)
	}
	if r.Reference != "" {
		params.Metadata = map[string]string{MetadataAttempt: r.Reference}
	}
	params.SetIdempotencyKey(key("authorize", r.IdempotencyKey))
	pi, err := p.client.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		return "", mapError("authorize", err)
	}
	return pi.ID, outcome(pi)
}

// Resume implements payment.Resumer: it reads the intent after the buyer came back from
// their bank's challenge.
func (p *Provider) Resume(ctx context.Context, authorization string) error {
	pi, err := p.client.V1PaymentIntents.Retrieve(ctx, authorization, nil)
	if err != nil {
		return mapError("read payment intent", err)
	}
	return outcome(pi)
}

// outcome is what an intent's status says of its authorization: nil when the amount is
// reserved, *payment.ActionRequired while the buyer must act, an *payment.Error otherwise.
func outcome(pi *stripego.PaymentIntent) error {
	switch pi.Status {
	case stripego.PaymentIntentStatusRequiresCapture, stripego.PaymentIntentStatusSucceeded:
		return nil
	case stripego.PaymentIntentStatusRequiresAction:
		if pi.NextAction != nil && pi.NextAction.RedirectToURL != nil && pi.NextAction.RedirectToURL.URL != "" {
			return &payment.ActionRequired{Authorization: pi.ID, URL: pi.NextAction.RedirectToURL.URL}
		}
		return &payment.Error{Code: "PAYMENT_INVALID_PAYMENT_METHOD", Message: "This payment method needs a step the checkout cannot offer; use another card."}
	case stripego.PaymentIntentStatusProcessing:
		return &payment.Error{Code: "PAYMENT_TRANSIENT_ERROR", Message: "The payment is still being processed; try again shortly.", Transient: true}
	}
	// requires_payment_method (the challenge failed or the card was declined),
	// requires_confirmation, canceled.
	if pi.LastPaymentError != nil {
		return mapError("authorize", pi.LastPaymentError)
	}
	return &payment.Error{Code: "PAYMENT_CARD_DECLINED", Message: "The payment was not authorized."}
}

// Capture implements payment.Provider: it captures op.Amount (all or part) of the intent
// and returns the charge's ID.
func (p *Provider) Capture(ctx context.Context, op payment.Op) (string, error) {
	params := &stripego.PaymentIntentCaptureParams{}
	if op.Amount > 0 {
		params.AmountToCapture = stripego.Int64(op.Amount)
	}
	params.SetIdempotencyKey(key("capture", op.IdempotencyKey))
	pi, err := p.client.V1PaymentIntents.Capture(ctx, op.Authorization, params)
	if err != nil {
		return "", mapError("capture", err)
	}
	if pi.LatestCharge != nil && pi.LatestCharge.ID != "" {
		return pi.LatestCharge.ID, nil
	}
	return pi.ID, nil
}

// Void implements payment.Provider: it cancels the intent, releasing the authorization.
func (p *Provider) Void(ctx context.Context, op payment.Op) (string, error) {
	params := &stripego.PaymentIntentCancelParams{}
	params.SetIdempotencyKey(key("void", op.IdempotencyKey))
	pi, err := p.client.V1PaymentIntents.Cancel(ctx, op.Authorization, params)
	if err != nil {
		return "", mapError("void", err)
	}
	return pi.ID, nil
}

// Refund implements payment.Provider: it refunds op.Amount of the intent's captured charge
// and returns the refund's ID.
func (p *Provider) Refund(ctx context.Context, op payment.Op) (string, error) {
	params := &stripego.RefundCreateParams{PaymentIntent: stripego.String(op.Authorization)}
	if op.Amount > 0 {
		params.Amount = stripego.Int64(op.Amount)
	}
	params.SetIdempotencyKey(key("refund", op.IdempotencyKey))
	r, err := p.client.V1Refunds.Create(ctx, params)
	if err != nil {
		return "", mapError("refund", err)
	}
	return r.ID, nil
}

// key is the Idempotency-Key for a call: the step is part of it, so the same caller key
// on two different calls never collides at Stripe. A call without a key gets a random
// one, so stripe-go's own retries of it are still idempotent.
func key(step, k string) string {
	if k == "" {
		return stripego.NewIdempotencyKey()
	}
	return "storefront:" + step + ":" + k
}

// mapError turns a failed call into a *payment.Error with the API's CompletionErrorCode,
// wrapping the cause: card errors by their decline code, Stripe's own trouble (429, 5xx)
// and the network as transient, the rest (a bad key, a bad request) as PAYMENT_ERROR.
func mapError(step string, err error) error {
	var se *stripego.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("stripe %s: %w: %w", step, &payment.Error{Code: "PAYMENT_TRANSIENT_ERROR", Message: "The payment gateway could not be reached; try again.", Transient: true}, err)
	}
	return fmt.Errorf("stripe %s: %w: %w", step, classify(se), err)
}

func classify(se *stripego.Error) *payment.Error {
	msg := func(fallback string) string {
		if se.Type == stripego.ErrorTypeCard && se.Msg != "" {
			return se.Msg // written for the buyer
		}
		return fallback
	}
	switch {
	case se.HTTPStatusCode == http.StatusTooManyRequests || se.HTTPStatusCode >= 500 || se.Type == stripego.ErrorTypeAPI ||
		se.Code == stripego.ErrorCodeProcessingError || se.Code == stripego.ErrorCodeLockTimeout || se.Code == stripego.ErrorCodeRateLimit:
		return &payment.Error{Code: "PAYMENT_TRANSIENT_ERROR", Message: msg("The payment gateway is unavailable; try again."), Transient: true}
	case se.HTTPStatusCode == http.StatusUnauthorized || se.HTTPStatusCode == http.StatusForbidden:
		return &payment.Error{Code: "PAYMENT_GATEWAY_NOT_ENABLED_ERROR", Message: "Card payments are not available."}
	}
	switch se.DeclineCode {
	case stripego.DeclineCodeInsufficientFunds:
		return &payment.Error{Code: "PAYMENT_INSUFFICIENT_FUNDS", Message: msg("The card has insufficient funds.")}
	case stripego.DeclineCodeCallIssuer, stripego.DeclineCodeDoNotHonor, stripego.DeclineCodePickupCard, stripego.DeclineCodeRestrictedCard:
		return &payment.Error{Code: "PAYMENT_CALL_ISSUER", Message: msg("The card was declined: contact the card issuer.")}
	case stripego.DeclineCodeIncorrectZip:
		return &payment.Error{Code: "PAYMENT_INVALID_BILLING_ADDRESS", Message: msg("The billing postal code is incorrect.")}
	case stripego.DeclineCodeCurrencyNotSupported:
		return &payment.Error{Code: "PAYMENT_INVALID_CURRENCY", Message: msg("The card does not support this currency.")}
	case stripego.DeclineCodeIncorrectNumber, stripego.DeclineCodeInvalidNumber, stripego.DeclineCodeExpiredCard,
		stripego.DeclineCodeIncorrectCVC, stripego.DeclineCodeInvalidCVC, stripego.DeclineCodeInvalidExpiryMonth, stripego.DeclineCodeInvalidExpiryYear:
		return &payment.Error{Code: "PAYMENT_INVALID_CREDIT_CARD", Message: msg("The card details are invalid.")}
	}
	switch se.Code {
	case stripego.ErrorCodeIncorrectNumber, stripego.ErrorCodeInvalidNumber, stripego.ErrorCodeExpiredCard,
		stripego.ErrorCodeIncorrectCVC, stripego.ErrorCodeInvalidCVC, stripego.ErrorCodeInvalidExpiryMonth, stripego.ErrorCodeInvalidExpiryYear:
		return &payment.Error{Code: "PAYMENT_INVALID_CREDIT_CARD", Message: msg("The card details are invalid.")}
	case stripego.ErrorCodeIncorrectZip:
		return &payment.Error{Code: "PAYMENT_INVALID_BILLING_ADDRESS", Message: msg("The billing postal code is incorrect.")}
	case stripego.ErrorCodeAmountTooSmall:
		return &payment.Error{Code: "PAYMENT_AMOUNT_TOO_SMALL", Message: "The amount is below the card payment minimum."}
	case stripego.ErrorCodeResourceMissing, stripego.ErrorCodePaymentMethodUnexpectedState, stripego.ErrorCodePaymentMethodInvalidParameter:
		if se.Param == "payment_method" || strings.HasPrefix(string(se.Code), "payment_method") {
			return &payment.Error{Code: "PAYMENT_INVALID_PAYMENT_METHOD", Message: "The payment method is not valid; enter the card again."}
		}
	}
	if se.Type == stripego.ErrorTypeCard || se.Code == stripego.ErrorCodeCardDeclined {
		return &payment.Error{Code: "PAYMENT_CARD_DECLINED", Message: msg("The card was declined.")}
	}
	return &payment.Error{Code: "PAYMENT_ERROR", Message: "The payment could not be processed."}
}
