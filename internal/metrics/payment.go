package metrics

import (
	"context"
	"errors"
	"time"

	"storefront/internal/payment"
)

// Provider measures the calls to a payment provider: latency and outcome by operation.
type Provider struct {
	payment.Provider
	M *Metrics
}

var _ payment.Provider = Provider{}

func (p Provider) observe(op string, start time.Time, err error) {
	outcome := "ok"
	var pe *payment.Error
	var action *payment.ActionRequired
	switch {
	case errors.As(err, &action):
		outcome = "ACTION_REQUIRED"
	case errors.As(err, &pe):
		outcome = pe.Code
	case err != nil:
		outcome = "error"
	}
	p.M.Payment(op, time.Since(start), outcome)
}

// Authorize measures Provider.Authorize.
func (p Provider) Authorize(ctx context.Context, r payment.Request) (string, error) {
	start := time.Now()
	id, err := p.Provider.Authorize(ctx, r)
	p.observe("authorize", start, err)
	return id, err
}

// Capture measures Provider.Capture.
func (p Provider) Capture(ctx context.Context, op payment.Op) (string, error) {
	start := time.Now()
	ref, err := p.Provider.Capture(ctx, op)
	p.observe("capture", start, err)
	return ref, err
}

// Void measures Provider.Void.
func (p Provider) Void(ctx context.Context, op payment.Op) (string, error) {
	start := time.Now()
	ref, err := p.Provider.Void(ctx, op)
	p.observe("void", start, err)
	return ref, err
}

// Refund measures Provider.Refund.
func (p Provider) Refund(ctx context.Context, op payment.Op) (string, error) {
	start := time.Now()
	ref, err := p.Provider.Refund(ctx, op)
	p.observe("refund", start, err)
	return ref, err
}

// Resume measures payment.Resumer.Resume of a provider that has it; for one that has not,
// there is nothing to resume and it says so.
func (p Provider) Resume(ctx context.Context, authorization string) error {
	r, ok := p.Provider.(payment.Resumer)
	if !ok {
		return errors.New("the payment provider has no authorizations waiting for the buyer")
	}
	start := time.Now()
	err := r.Resume(ctx, authorization)
	p.observe("resume", start, err)
	return err
}

// Test implements payment.Tester: the wrapped provider's answer, so orders it pays stay
// marked as test orders.
func (p Provider) Test() bool { return payment.IsTest(p.Provider) }
