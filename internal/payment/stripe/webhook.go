package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	stripego "github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"storefront/internal/payment"
)

// maxEventBytes bounds a webhook's body; Stripe's events are far smaller.
const maxEventBytes = 1 << 20

// ErrNotYet, returned by Webhook.Reconcile, asks Stripe to deliver the event again later
// (the handler answers 503): what it concerns is still being worked on.
var ErrNotYet = errors.New("not yet")

// Webhook serves POST /webhooks/stripe: events signed with Secret (Stripe-Signature), of
// type payment_intent.* and charge.refunded, are reconciled: the intent they concern is
// read from Stripe as it stands now (events may come late, twice or out of order) and
// handed to Reconcile. Bad signatures are refused with 400; events of other types, or for
// intents that are not ours, are acknowledged with 200 and nothing done; a failure to
// reconcile answers 500 (503 for ErrNotYet) so Stripe delivers the event again.
type Webhook struct {
	Secret    string
	Provider  *Provider
	Reconcile func(ctx context.Context, u payment.Update) error
	Log       *slog.Logger
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEventBytes))
	if err != nil {
		http.Error(w, "request body too large or unreadable", http.StatusBadRequest)
		return
	}
	ev, err := webhook.ConstructEventWithOptions(body, r.Header.Get("Stripe-Signature"), h.Secret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true}) // only ids and statuses are read, stable across versions
	if err != nil {
		h.Log.WarnContext(r.Context(), "stripe webhook refused", "error", err.Error())
		http.Error(w, "invalid signature", http.StatusBadRequest)
		return
	}
	intent := intentOf(ev)
	if intent == "" {
		w.WriteHeader(http.StatusOK) // not an event we act on
		return
	}
	u, err := h.Provider.Lookup(r.Context(), intent)
	if err == nil {
		err = h.Reconcile(r.Context(), u)
	}
	switch {
	case errors.Is(err, ErrNotYet):
		h.Log.InfoContext(r.Context(), "stripe webhook deferred: its checkout is still running", "event", ev.ID, "intent", intent)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
	case err != nil:
		h.Log.ErrorContext(r.Context(), "stripe webhook not reconciled", "event", ev.ID, "type", string(ev.Type), "intent", intent, "error", err.Error())
		http.Error(w, "not reconciled", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// intentOf returns the PaymentIntent an event concerns, "" when it is of no interest.
func intentOf(ev stripego.Event) string {
	if ev.Data == nil {
		return ""
	}
	switch {
	case strings.HasPrefix(string(ev.Type), "payment_intent."):
		var pi struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(ev.Data.Raw, &pi) == nil && strings.HasPrefix(pi.ID, "pi_") {
			return pi.ID
		}
	case ev.Type == stripego.EventTypeChargeRefunded:
		var ch struct {
			PaymentIntent json.RawMessage `json:"payment_intent"`
		}
		if json.Unmarshal(ev.Data.Raw, &ch) != nil {
			return ""
		}
		var id string
		if json.Unmarshal(ch.PaymentIntent, &id) != nil {
			var obj struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(ch.PaymentIntent, &obj)
			id = obj.ID
		}
		if strings.HasPrefix(id, "pi_") {
			return id
		}
	}
	return ""
}

// Lookup reads a PaymentIntent as it stands now, with its charge's refunds.
func (p *Provider) Lookup(ctx context.Context, intent string) (payment.Update, error) {
	params := &stripego.PaymentIntentRetrieveParams{}
	params.AddExpand("latest_charge")
	pi, err := p.client.V1PaymentIntents.Retrieve(ctx, intent, params)
	if err != nil {
		var se *stripego.Error
		if errors.As(err, &se) && se.HTTPStatusCode == http.StatusNotFound {
			return payment.Update{Authorization: intent}, nil // not ours (another account or mode): nothing to do
		}
		return payment.Update{}, mapError("read payment intent", err)
	}
	u := payment.Update{Reference: pi.Metadata[MetadataAttempt], Authorization: pi.ID, Amount: pi.Amount,
		Currency: strings.ToUpper(string(pi.Currency))}
	switch pi.Status {
	case stripego.PaymentIntentStatusRequiresCapture:
		u.State = payment.StateAuthorized
	case stripego.PaymentIntentStatusSucceeded:
		u.State, u.Captured = payment.StateCaptured, pi.AmountReceived
		if pi.LatestCharge != nil {
			u.Refunded = pi.LatestCharge.AmountRefunded
		}
	case stripego.PaymentIntentStatusCanceled:
		u.State = payment.StateCanceled
	case stripego.PaymentIntentStatusRequiresAction:
		u.State = payment.StateActionRequired
	case stripego.PaymentIntentStatusRequiresPaymentMethod:
		u.State = payment.StateFailed
	default:
		u.State = payment.StatePending
	}
	return u, nil
}
