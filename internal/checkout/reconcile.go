package checkout

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"storefront/ent"
	"storefront/ent/completionattempt"
	entorder "storefront/ent/order"
	entpayment "storefront/ent/payment"
	"storefront/internal/order"
	"storefront/internal/payment"
)

// ErrNotYet is Reconcile's answer while the attempt an update concerns is still running:
// the gateway should tell again later (a webhook answered with a retryable status).
var ErrNotYet = errors.New("the completion attempt is still running")

// Reconcile brings what the checkout recorded in line with what the gateway says of an
// authorization (u, read from the gateway as it stands now), for what the API calls could
// not confirm — a server stopped between the gateway's answer and the commit, a void or
// capture whose answer was lost:
//   - an attempt that ended without an order keeps no money: an authorization still
//     reserved is voided, a captured one refunded;
//   - an order's financial status follows a capture, void or refund the gateway confirms;
//   - an attempt waiting for the buyer's action continues (as when it is polled);
//   - an attempt still running is left to finish: ErrNotYet, unless it is stale, when it
//     is settled as interrupted first.
//
// Updates for authorizations that are not ours are ignored. The same update twice changes
// nothing more: the gateway calls reuse the attempt's idempotency keys and act only on what
// the gateway still holds.
func (s *Service) Reconcile(ctx context.Context, u payment.Update) error {
	if u.Reference == "" || s.provider == nil {
		return nil
	}
	a, err := s.db.CompletionAttempt.Query().Where(completionattempt.PublicID(u.Reference)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read attempt: %w", err)
	}
	switch a.Status {
	case completionattempt.StatusPROCESSING:
		settled, err := s.settle(ctx, a)
		if err != nil {
			return err
		}
		if !settled {
			return ErrNotYet
		}
		if a, err = s.db.CompletionAttempt.Get(ctx, a.ID); err != nil {
			return fmt.Errorf("read attempt: %w", err)
		}
	case completionattempt.StatusACTION_REQUIRED:
		if _, err := s.resume(ctx, a); err != nil {
			return err
		}
		if a, err = s.db.CompletionAttempt.Get(ctx, a.ID); err != nil {
			return fmt.Errorf("read attempt: %w", err)
		}
		if a.Status == completionattempt.StatusACTION_REQUIRED {
			return nil // still waiting for the buyer
		}
		if a.Status == completionattempt.StatusPROCESSING {
			return ErrNotYet
		}
	}
	ctx, cancel := detached(ctx)
	defer cancel()
	if a.Status == completionattempt.StatusFAILED {
		return s.releaseUnplaced(ctx, a, u)
	}
	if a.OrderID != nil {
		return s.recordFinancialStatus(ctx, *a.OrderID, u)
	}
	return nil
}

// releaseUnplaced gives back the money of an attempt that ended without an order.
func (s *Service) releaseUnplaced(ctx context.Context, a *ent.CompletionAttempt, u payment.Update) error {
	var err error
	switch {
	case u.State == payment.StateAuthorized:
		_, err = s.provider.Void(ctx, payment.Op{Authorization: u.Authorization, Currency: u.Currency, IdempotencyKey: a.AttemptToken + ":void"})
	case u.State == payment.StateCaptured && u.Captured > u.Refunded:
		_, err = s.provider.Refund(ctx, payment.Op{Authorization: u.Authorization, Amount: u.Captured - u.Refunded, Currency: u.Currency,
			IdempotencyKey: a.AttemptToken + ":refund-unplaced"})
	default:
		return nil // nothing held
	}
	if err != nil {
		if e, ok := payment.AsError(err); !ok || e.Transient {
			return fmt.Errorf("release payment of failed attempt %s: %w", a.PublicID, err)
		}
		s.paymentFailed(ctx, a, u.Authorization, "reconcile", err)
		return nil
	}
	s.log().InfoContext(ctx, "released the payment of a checkout attempt that placed no order", "attempt", a.PublicID, "state", string(u.State))
	if a.Authorization != nil && *a.Authorization == u.Authorization {
		if err := s.db.CompletionAttempt.UpdateOneID(a.ID).ClearAuthorization().ClearPaymentError().Exec(ctx); err != nil {
			return fmt.Errorf("forget released authorization: %w", err)
		}
	}
	return nil
}

// recordFinancialStatus brings an order's payment records up to what the gateway says
// happened to its authorization, so its financial status (which follows from the records)
// is right: money the gateway captured or refunded beyond what the order's payments show —
// and beyond its payments still pending, which the orders reconciler settles with their own
// keys — is recorded as a payment of its own, and an authorization the gateway cancelled
// while the order held it is recorded as voided. Each record has a key made of the
// authorization and the gateway's figure, so the same update twice records nothing more;
// payments left pending by a lost answer are issued again first (order.ReconcileOrder);
// each is written with its totals, timeline and outbox entries in one transaction
// (order.Service.Settle).
func (s *Service) recordFinancialStatus(ctx context.Context, orderID int, u payment.Update) error {
	// Calls whose answers were lost are issued again first, with their keys.
	if _, err := s.orders.ReconcileOrder(ctx, orderID); err != nil {
		return err
	}
	o, err := s.db.Order.Get(ctx, orderID)
	if err != nil {
		return fmt.Errorf("read order %d: %w", orderID, err)
	}
	pending := func(kind entpayment.Kind) (int64, error) {
		ps, err := s.db.Payment.Query().Where(entpayment.OrderID(orderID), entpayment.KindEQ(kind), entpayment.StatusEQ(entpayment.StatusPENDING)).All(ctx)
		var sum int64
		for _, p := range ps {
			sum += p.Amount
		}
		return sum, err
	}
	type record struct {
		kind   entpayment.Kind
		amount int64
		figure int64
	}
	var todo []record
	switch u.State {
	case payment.StateCaptured:
		pc, err := pending(entpayment.KindCAPTURE)
		if err != nil {
			return fmt.Errorf("read pending captures: %w", err)
		}
		if d := u.Captured - o.TotalCaptured - pc; d > 0 {
			todo = append(todo, record{entpayment.KindCAPTURE, d, u.Captured})
		}
		pr, err := pending(entpayment.KindREFUND)
		if err != nil {
			return fmt.Errorf("read pending refunds: %w", err)
		}
		if d := u.Refunded - o.TotalRefunded - pr; d > 0 {
			todo = append(todo, record{entpayment.KindREFUND, d, u.Refunded})
		}
	case payment.StateCanceled:
		if o.FinancialStatus == entorder.FinancialStatusAUTHORIZED && o.TotalCaptured == 0 {
			todo = append(todo, record{entpayment.KindVOID, 0, 0})
		}
	}
	for _, r := range todo {
		key := fmt.Sprintf("gateway:%s:%s:%d", u.Authorization, strings.ToLower(string(r.kind)), r.figure)
		p, err := order.RecordPending(ctx, s.db.Client, order.Pending{Kind: r.kind, OrderID: &orderID, Authorization: u.Authorization,
			Amount: r.amount, Currency: o.CurrencyCode, Key: key, Provider: s.provider.Name(), Test: o.Test})
		if ent.IsConstraintError(err) {
			continue // recorded from an earlier delivery of the same update
		}
		if err != nil {
			return err
		}
		if _, err := s.orders.Settle(ctx, p.ID, u.Authorization, nil); err != nil {
			return fmt.Errorf("record %s the gateway made: %w", r.kind, err)
		}
		s.log().InfoContext(ctx, "payment recorded from the payment gateway", "order", orderID, "kind", string(r.kind), "amount", r.amount)
	}
	return nil
}
