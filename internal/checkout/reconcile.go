package checkout

import (
	"context"
	"errors"
	"fmt"

	"storefront/ent"
	"storefront/ent/completionattempt"
	entorder "storefront/ent/order"
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

// recordFinancialStatus sets an order's financial status from the gateway's word on its
// authorization. Only moves forward are made (an order already refunded does not go back
// to paid on a late capture event), in one conditional update.
func (s *Service) recordFinancialStatus(ctx context.Context, orderID int, u payment.Update) error {
	var status entorder.FinancialStatus
	var from []entorder.FinancialStatus
	switch {
	case u.State == payment.StateCaptured && u.Refunded > 0 && u.Refunded >= u.Captured:
		status, from = entorder.FinancialStatusREFUNDED, []entorder.FinancialStatus{entorder.FinancialStatusPENDING,
			entorder.FinancialStatusAUTHORIZED, entorder.FinancialStatusPAID, entorder.FinancialStatusPARTIALLY_PAID, entorder.FinancialStatusPARTIALLY_REFUNDED}
	case u.State == payment.StateCaptured && u.Refunded > 0:
		status, from = entorder.FinancialStatusPARTIALLY_REFUNDED, []entorder.FinancialStatus{entorder.FinancialStatusPENDING,
			entorder.FinancialStatusAUTHORIZED, entorder.FinancialStatusPAID, entorder.FinancialStatusPARTIALLY_PAID}
	case u.State == payment.StateCaptured && u.Captured > 0:
		status, from = entorder.FinancialStatusPAID, []entorder.FinancialStatus{entorder.FinancialStatusPENDING, entorder.FinancialStatusAUTHORIZED}
		if u.Captured < u.Amount {
			status = entorder.FinancialStatusPARTIALLY_PAID
		}
	case u.State == payment.StateAuthorized:
		status, from = entorder.FinancialStatusAUTHORIZED, []entorder.FinancialStatus{entorder.FinancialStatusPENDING}
	case u.State == payment.StateCanceled:
		status, from = entorder.FinancialStatusVOIDED, []entorder.FinancialStatus{entorder.FinancialStatusPENDING, entorder.FinancialStatusAUTHORIZED}
	default:
		return nil
	}
	n, err := s.db.Order.Update().Where(entorder.ID(orderID), entorder.FinancialStatusIn(from...)).SetFinancialStatus(status).Save(ctx)
	if err != nil {
		return fmt.Errorf("record financial status of order %d: %w", orderID, err)
	}
	if n > 0 {
		s.log().InfoContext(ctx, "order financial status reconciled from the payment gateway", "order", orderID, "status", string(status))
	}
	return nil
}
