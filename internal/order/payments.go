package order

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"

	"storefront/ent"
	"storefront/ent/giftcardtransaction"
	entorder "storefront/ent/order"
	entpayment "storefront/ent/payment"
	"storefront/ent/refund"
	"storefront/ent/schema"
	"storefront/internal/audit"
	"storefront/internal/inventory"
	"storefront/internal/outbox"
	"storefront/internal/payment"
	"storefront/internal/store"
)

// Topics of the outbox events this package writes.
const (
	TopicPaid               = outbox.OrdersPaid
	TopicUpdated            = outbox.OrdersUpdated
	TopicFulfilled          = outbox.OrdersFulfilled
	TopicPartiallyFulfilled = outbox.OrdersPartiallyFulfilled
	TopicCancelled          = outbox.OrdersCancelled
	TopicRefundCreate       = outbox.RefundsCreate
	TopicFulfillmentCreate  = outbox.FulfillmentsCreate
	TopicFulfillmentUpdate  = outbox.FulfillmentsUpdate
)

// Timeline kinds (OrderEvent.kind).
const (
	EventPlaced               = "PLACED"
	EventAuthorized           = "AUTHORIZED"
	EventCaptured             = "CAPTURED"
	EventCaptureFailed        = "CAPTURE_FAILED"
	EventVoided               = "VOIDED"
	EventVoidFailed           = "VOID_FAILED"
	EventFulfilled            = "FULFILLED"
	EventFulfillmentCancelled = "FULFILLMENT_CANCELLED"
	EventTrackingUpdated      = "TRACKING_UPDATED"
	EventRefunded             = "REFUNDED"
	EventRefundFailed         = "REFUND_FAILED"
	EventCancelled            = "CANCELLED"
	EventUpdated              = "UPDATED"
	EventEmailSent            = "EMAIL_SENT"
	EventEmailFailed          = "EMAIL_FAILED"
)

// ReconcileAfter is how long a payment may stay PENDING before Reconcile takes its call as
// interrupted and issues it again with the same idempotency key.
const ReconcileAfter = 2 * time.Minute

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// NewKey returns a fresh idempotency key with the given prefix.
func NewKey(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + ":" + hex.EncodeToString(b[:])
}

// actorName is who the context says acts: the API key's name, or "system".
func actorName(ctx context.Context) string {
	if a, ok := audit.ActorFrom(ctx); ok && a.Name != "" {
		return a.Name
	}
	return "system"
}

// Timeline writes one entry of an order's timeline through client (a transaction's, so it
// commits with the change it reports).
func Timeline(ctx context.Context, client *ent.Client, orderID int, kind, message string) error {
	if err := client.OrderEvent.Create().SetOrderID(orderID).SetKind(kind).SetMessage(message).SetActor(actorName(ctx)).Exec(ctx); err != nil {
		return fmt.Errorf("write order %d timeline: %w", orderID, err)
	}
	return nil
}

// Entry is one entry of an order's timeline.
type Entry struct{ Kind, Message string }

// TimelineEntries writes entries of an order's timeline through client in one statement,
// in order.
func TimelineEntries(ctx context.Context, client *ent.Client, orderID int, entries ...Entry) error {
	actor := actorName(ctx)
	rows := make([]*ent.OrderEventCreate, len(entries))
	for i, e := range entries {
		rows[i] = client.OrderEvent.Create().SetOrderID(orderID).SetKind(e.Kind).SetMessage(e.Message).SetActor(actor)
	}
	if err := client.OrderEvent.CreateBulk(rows...).Exec(ctx); err != nil {
		return fmt.Errorf("write order %d timeline: %w", orderID, err)
	}
	return nil
}

// Emit writes an outbox event about an order through client (a transaction's).
func Emit(ctx context.Context, client *ent.Client, topic string, orderID int, payload map[string]any) error {
	return outbox.Write(ctx, client, topic, GlobalID(orderID), payload)
}

// lock reads the order inside tx, locking its row until commit (PostgreSQL; SQLite's
// immediate transactions already hold the write lock). Every order change locks the order
// row first, then what belongs to it, then variants by ID.
func (s *Service) lock(ctx context.Context, tx *ent.Tx, id int) (*ent.Order, error) {
	q := tx.Order.Query().Where(entorder.ID(id))
	if s.db.Dialect == dialect.Postgres {
		q = q.ForUpdate()
	}
	return q.Only(ctx)
}

// Money is what an order's payments add up to.
type Money struct {
	Authorized      int64 // successful authorizations
	Captured        int64
	Refunded        int64
	PendingCaptures int64
	PendingRefunds  int64
	Voided          bool
	PendingVoid     bool
	Authorization   *ent.Payment // the successful authorization, if any
	Provider        string
}

// Capturable is what can still be captured.
func (m Money) Capturable() int64 {
	if m.Voided || m.PendingVoid || m.Authorization == nil {
		return 0
	}
	return max(0, m.Authorized-m.Captured-m.PendingCaptures)
}

// Refundable is what can still be refunded.
func (m Money) Refundable() int64 { return max(0, m.Captured-m.Refunded-m.PendingRefunds) }

// totals adds up an order's payments as tx sees them.
func totals(ctx context.Context, client *ent.Client, orderID int) (Money, error) {
	ps, err := client.Payment.Query().Where(entpayment.OrderID(orderID)).Order(ent.Asc(entpayment.FieldID)).All(ctx)
	if err != nil {
		return Money{}, fmt.Errorf("read payments of order %d: %w", orderID, err)
	}
	var m Money
	for _, p := range ps {
		ok, pending := p.Status == entpayment.StatusSUCCESS, p.Status == entpayment.StatusPENDING
		switch p.Kind {
		case entpayment.KindAUTHORIZATION:
			if ok {
				m.Authorized += p.Amount
				m.Authorization = p
				m.Provider = p.Provider
			}
		case entpayment.KindCAPTURE:
			if ok {
				m.Captured += p.Amount
			} else if pending {
				m.PendingCaptures += p.Amount
			}
		case entpayment.KindREFUND:
			if ok {
				m.Refunded += p.Amount
			} else if pending {
				m.PendingRefunds += p.Amount
			}
		case entpayment.KindVOID:
			m.Voided = m.Voided || ok
			m.PendingVoid = m.PendingVoid || pending
		}
	}
	return m, nil
}

// FinancialStatus is the status an order's payments give it; keep is returned for an
// order without an authorization (paid otherwise, or nothing to pay).
func FinancialStatus(total int64, m Money, keep entorder.FinancialStatus) entorder.FinancialStatus {
	switch {
	case m.Refunded > 0 && m.Refunded >= m.Captured:
		return entorder.FinancialStatusREFUNDED
	case m.Refunded > 0:
		return entorder.FinancialStatusPARTIALLY_REFUNDED
	case m.Captured > 0 && m.Captured >= total:
		return entorder.FinancialStatusPAID
	case m.Captured > 0:
		return entorder.FinancialStatusPARTIALLY_PAID
	case m.Voided:
		return entorder.FinancialStatusVOIDED
	case m.Authorized > 0:
		return entorder.FinancialStatusAUTHORIZED
	}
	return keep
}

// providerDue is what the order's payment provider is to collect: its total less what gift
// cards paid for it (their ledger's debits), so an order the provider captured the rest of
// is paid.
func providerDue(ctx context.Context, client *ent.Client, o *ent.Order) (int64, error) {
	debits, err := client.GiftCardTransaction.Query().
		Where(giftcardtransaction.OrderID(o.ID), giftcardtransaction.KindEQ(giftcardtransaction.KindDEBIT)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("read gift card payments of order %d: %w", o.ID, err)
	}
	due := o.Total
	for _, d := range debits {
		due -= max(d.Amount, -d.Amount) // debits are written negative
	}
	return due, nil
}

// Pending is a provider call to make: a PENDING payment written before the call (in the
// transaction of the change that needs it, when there is one).
type Pending struct {
	Kind          entpayment.Kind
	OrderID       *int
	AttemptID     *int
	RefundID      *int
	Authorization string
	Amount        int64
	Currency      string
	Key           string
	Provider      string
	Test          bool
}

// RecordPending writes a PENDING payment through client before its provider call.
func RecordPending(ctx context.Context, client *ent.Client, p Pending) (*ent.Payment, error) {
	c := client.Payment.Create().SetKind(p.Kind).SetNillableOrderID(p.OrderID).SetNillableAttemptID(p.AttemptID).
		SetNillableRefundID(p.RefundID).SetAmount(p.Amount).SetCurrencyCode(p.Currency).SetIdempotencyKey(p.Key).
		SetProvider(p.Provider).SetTest(p.Test)
	if p.Authorization != "" {
		c.SetAuthorization(p.Authorization)
	}
	pay, err := c.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record pending %s: %w", p.Kind, err)
	}
	return pay, nil
}

// call issues a pending payment's provider call with its idempotency key.
func (s *Service) call(ctx context.Context, p *ent.Payment) (string, error) {
	if s.Provider == nil {
		return "", errors.New("no payment provider configured")
	}
	op := payment.Op{Amount: p.Amount, Currency: p.CurrencyCode, IdempotencyKey: p.IdempotencyKey}
	if p.Authorization != nil {
		op.Authorization = *p.Authorization
	}
	switch p.Kind {
	case entpayment.KindCAPTURE:
		return s.Provider.Capture(ctx, op)
	case entpayment.KindVOID:
		return s.Provider.Void(ctx, op)
	case entpayment.KindREFUND:
		return s.Provider.Refund(ctx, op)
	}
	return "", fmt.Errorf("payment %d: %s cannot be issued again", p.ID, p.Kind)
}

// detached returns ctx's values without its cancellation, under a timeout: what follows a
// committed change is not dropped when the request ends.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), CallTimeout)
}

// CallTimeout bounds one provider call and the recording of its answer: a payment PENDING
// for less than this may still have its call under way, in this process or another.
const CallTimeout = 30 * time.Second

// execute makes a pending payment's provider call and records its outcome. Failures to
// record are logged; the payment stays PENDING and Reconcile finishes it.
func (s *Service) execute(ctx context.Context, p *ent.Payment) (*ent.Payment, error) {
	return s.executeWith(ctx, store.WithTx, p)
}

// executeWith is execute recording the outcome in a transaction begun by with.
func (s *Service) executeWith(ctx context.Context, with func(context.Context, *store.DB, func(*ent.Tx) error) error, p *ent.Payment) (*ent.Payment, error) {
	ctx, cancel := detached(ctx)
	defer cancel()
	ref, callErr := s.call(ctx, p)
	settled, err := s.settle(ctx, with, p.ID, p.OrderID, ref, callErr, nil)
	if err != nil {
		s.log().ErrorContext(ctx, "record payment outcome", "payment", p.ID, "kind", string(p.Kind), "error", err.Error())
		return p, err
	}
	return settled, nil
}

// Settle records the outcome of a pending payment's provider call (ref on success, callErr
// on failure) in one transaction with what follows from it: the order's captured and
// refunded totals and financial status, a refund's lines and restock, the timeline and the
// outbox. A payment no longer PENDING is left as it is (it was settled already).
func (s *Service) Settle(ctx context.Context, paymentID int, ref string, callErr error) (*ent.Payment, error) {
	return s.settle(ctx, store.WithTx, paymentID, nil, ref, callErr, nil)
}

// SettleAnd is Settle with also run in the same transaction (one commit for both), committed
// lazily (store.WithLazyTx): checkout records the authorization on its attempt with it and
// places the order next, a synchronous commit; should the database lose both, the attempt
// is one whose server stopped after the gateway answered, which Reconcile and the stale
// attempt settlement already release.
func (s *Service) SettleAnd(ctx context.Context, paymentID int, ref string, callErr error, also func(tx *ent.Tx) error) (*ent.Payment, error) {
	return s.settle(ctx, store.WithLazyTx, paymentID, nil, ref, callErr, also)
}

// ExecuteLazily makes a pending payment's provider call and records its outcome (as execute
// does) in a lazily committed transaction (store.WithLazyTx): should the database lose the
// outcome, the payment is PENDING again, as when this server stops after the call, and the
// reconciler issues it again under its idempotency key. Checkout captures with it.
func (s *Service) ExecuteLazily(ctx context.Context, p *ent.Payment) (*ent.Payment, error) {
	return s.executeWith(ctx, store.WithLazyTx, p)
}

// settle is Settle; orderID, when the caller knows the payment's order, lets it lock the
// order without reading the payment first; also, when not nil, runs last in the transaction.
func (s *Service) settle(ctx context.Context, with func(context.Context, *store.DB, func(*ent.Tx) error) error, paymentID int, orderID *int, ref string, callErr error, also func(tx *ent.Tx) error) (*ent.Payment, error) {
	var out *ent.Payment
	var notify *Notice
	err := s.retryTx(ctx, with, func(tx *ent.Tx) error {
		var p *ent.Payment
		var o *ent.Order
		var err error
		if orderID != nil {
			// Order row first, then the payment under it.
			if o, err = s.lock(ctx, tx, *orderID); err != nil {
				return fmt.Errorf("lock order %d: %w", *orderID, err)
			}
		}
		if p, err = tx.Payment.Get(ctx, paymentID); err != nil {
			return fmt.Errorf("read payment %d: %w", paymentID, err)
		}
		if p.OrderID == nil {
			o = nil
		} else if o == nil || o.ID != *p.OrderID {
			if o, err = s.lock(ctx, tx, *p.OrderID); err != nil {
				return fmt.Errorf("lock order %d: %w", *p.OrderID, err)
			}
			if p, err = tx.Payment.Get(ctx, paymentID); err != nil {
				return fmt.Errorf("read payment %d: %w", paymentID, err)
			}
		}
		out = p
		if p.Status != entpayment.StatusPENDING {
			if also != nil {
				return also(tx)
			}
			return nil
		}
		// One statement, and the settled payment built from what it wrote: the row is ours
		// (under its order's lock, or the only writer of an attempt's payment).
		now := time.Now().UTC()
		settled := *p
		settled.UpdatedAt, settled.ProcessedAt = now, &now
		u := tx.Payment.Update().Where(entpayment.ID(p.ID)).SetUpdatedAt(now).SetProcessedAt(now)
		if callErr != nil {
			code, msg := "PAYMENT_ERROR", callErr.Error()
			if e, ok := payment.AsError(callErr); ok {
				code, msg = e.Code, e.Message
			}
			u.SetStatus(entpayment.StatusFAILURE).SetErrorCode(code).SetErrorMessage(msg)
			settled.Status, settled.ErrorCode, settled.ErrorMessage = entpayment.StatusFAILURE, &code, &msg
		} else {
			u.SetStatus(entpayment.StatusSUCCESS)
			settled.Status = entpayment.StatusSUCCESS
			if ref != "" {
				u.SetReference(ref)
				settled.Reference = &ref
				if p.Kind == entpayment.KindAUTHORIZATION {
					u.SetAuthorization(ref)
					settled.Authorization = &ref
				}
			}
		}
		if err := u.Exec(ctx); err != nil {
			return fmt.Errorf("settle payment %d: %w", paymentID, err)
		}
		out = &settled
		if o != nil {
			if notify, err = s.applyPayment(ctx, tx, o, out); err != nil {
				return err
			}
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if notify != nil {
		s.Notify(ctx, *notify)
	}
	return out, nil
}

// applyPayment writes what a settled payment changes about its order (locked by the caller).
func (s *Service) applyPayment(ctx context.Context, tx *ent.Tx, o *ent.Order, p *ent.Payment) (*Notice, error) {
	client := tx.Client()
	amount := FormatAmount(p.Amount, p.CurrencyCode)
	failed := p.Status == entpayment.StatusFAILURE
	reason := ""
	if failed && p.ErrorMessage != nil {
		reason = ": " + *p.ErrorMessage
	}
	u := tx.Order.Update().Where(entorder.ID(o.ID))
	captured, refunded := o.TotalCaptured, o.TotalRefunded
	var notice *Notice
	switch {
	case p.Kind == entpayment.KindCAPTURE && failed:
		if err := Timeline(ctx, client, o.ID, EventCaptureFailed, "Capture of "+amount+" failed"+reason); err != nil {
			return nil, err
		}
	case p.Kind == entpayment.KindCAPTURE:
		captured += p.Amount
		u.SetTotalCaptured(captured)
		if err := Timeline(ctx, client, o.ID, EventCaptured, "Captured "+amount); err != nil {
			return nil, err
		}
	case p.Kind == entpayment.KindVOID && failed:
		if err := Timeline(ctx, client, o.ID, EventVoidFailed, "Void of the authorization failed"+reason); err != nil {
			return nil, err
		}
	case p.Kind == entpayment.KindVOID:
		if err := Timeline(ctx, client, o.ID, EventVoided, "Authorization voided"); err != nil {
			return nil, err
		}
	case p.Kind == entpayment.KindREFUND:
		n, err := s.applyRefund(ctx, tx, o, p, failed, reason)
		if err != nil {
			return nil, err
		}
		notice = n
		if !failed {
			refunded += p.Amount
			u.SetTotalRefunded(refunded)
		}
	}
	m, err := totals(ctx, client, o.ID)
	if err != nil {
		return nil, err
	}
	due, err := providerDue(ctx, client, o)
	if err != nil {
		return nil, err
	}
	status := FinancialStatus(due, m, o.FinancialStatus)
	u.SetFinancialStatus(status)
	if err := u.Exec(ctx); err != nil {
		return nil, fmt.Errorf("update order %d money: %w", o.ID, err)
	}
	if !failed && status != o.FinancialStatus {
		topic := TopicUpdated
		if status == entorder.FinancialStatusPAID {
			topic = TopicPaid
		}
		if err := Emit(ctx, client, topic, o.ID, map[string]any{"financialStatus": string(status), "totalCaptured": captured, "totalRefunded": refunded}); err != nil {
			return nil, err
		}
	}
	return notice, nil
}

// applyRefund finishes a refund whose payment settled: on success its lines are refunded
// and restocked through the inventory ledger; on failure it is marked failed.
func (s *Service) applyRefund(ctx context.Context, tx *ent.Tx, o *ent.Order, p *ent.Payment, failed bool, reason string) (*Notice, error) {
	if p.RefundID == nil {
		return nil, nil
	}
	r, err := tx.Refund.Get(ctx, *p.RefundID)
	if err != nil {
		return nil, fmt.Errorf("read refund %d: %w", *p.RefundID, err)
	}
	if r.Status != refund.StatusPENDING {
		return nil, nil
	}
	if failed {
		if err := tx.Refund.UpdateOne(r).SetStatus(refund.StatusFAILURE).Exec(ctx); err != nil {
			return nil, fmt.Errorf("fail refund %d: %w", r.ID, err)
		}
		return nil, Timeline(ctx, tx.Client(), o.ID, EventRefundFailed, "Refund of "+FormatAmount(r.Amount, r.CurrencyCode)+" failed"+reason)
	}
	return s.completeRefund(ctx, tx, o, r)
}

// completeRefund marks a refund successful and writes its effects inside tx.
func (s *Service) completeRefund(ctx context.Context, tx *ent.Tx, o *ent.Order, r *ent.Refund) (*Notice, error) {
	if err := tx.Refund.UpdateOne(r).SetStatus(refund.StatusSUCCESS).Exec(ctx); err != nil {
		return nil, fmt.Errorf("complete refund %d: %w", r.ID, err)
	}
	if err := s.refundLines(ctx, tx, r.Lines); err != nil {
		return nil, err
	}
	amount := FormatAmount(r.Amount, r.CurrencyCode)
	if err := Timeline(ctx, tx.Client(), o.ID, EventRefunded, "Refunded "+amount); err != nil {
		return nil, err
	}
	if err := Emit(ctx, tx.Client(), TopicRefundCreate, o.ID, map[string]any{"refundId": r.ID, "amount": r.Amount, "currency": r.CurrencyCode}); err != nil {
		return nil, err
	}
	return &Notice{Kind: MailRefund, OrderID: o.ID, Amount: r.Amount}, nil
}

// refundLines counts refunded units on their order lines and restocks those asked for,
// variants in ID order.
func (s *Service) refundLines(ctx context.Context, tx *ent.Tx, lines []schema.RefundLine) error {
	restock := map[int]int{}
	for _, l := range lines {
		ol, err := tx.OrderLine.Get(ctx, l.OrderLineID)
		if err != nil {
			return fmt.Errorf("read order line %d: %w", l.OrderLineID, err)
		}
		if err := tx.OrderLine.UpdateOne(ol).AddRefundedQuantity(l.Quantity).
			SetCurrentQuantity(max(0, ol.CurrentQuantity-l.Quantity)).Exec(ctx); err != nil {
			return fmt.Errorf("refund order line %d: %w", l.OrderLineID, err)
		}
		if l.Restock && ol.VariantID != nil {
			restock[*ol.VariantID] += l.Quantity
		}
	}
	return s.restock(ctx, tx, restock)
}

// restock returns units to variants through the inventory ledger, in variant ID order.
// A variant deleted since is skipped.
func (s *Service) restock(ctx context.Context, tx *ent.Tx, units map[int]int) error {
	for _, id := range sortedKeys(units) {
		if units[id] == 0 {
			continue
		}
		if _, err := inventory.Adjust(ctx, tx, s.db.Dialect, id, units[id], "restock"); err != nil && !ent.IsNotFound(err) {
			return fmt.Errorf("restock variant %d: %w", id, err)
		}
	}
	return nil
}

// Reconcile finishes payments left PENDING for longer than olderThan (their server stopped
// between the provider call and recording its answer): each capture, void or refund is
// issued again with its idempotency key, so the provider answers with what it did the first
// time without moving money twice, and the answer is recorded. Authorizations are the
// checkout's: an interrupted attempt voids its own. It returns how many were settled.
func (s *Service) Reconcile(ctx context.Context, olderThan time.Duration) (int, error) {
	ps, err := s.db.Payment.Query().Where(entpayment.StatusEQ(entpayment.StatusPENDING),
		entpayment.KindNEQ(entpayment.KindAUTHORIZATION),
		entpayment.CreatedAtLT(time.Now().UTC().Add(-olderThan))).
		Order(ent.Asc(entpayment.FieldID)).Limit(100).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("find pending payments: %w", err)
	}
	return s.reissue(ctx, ps)
}

// ReconcileOrder is Reconcile for one order's pending payments once their call can no longer
// be under way (older than CallTimeout, not ReconcileAfter): the gateway just said what
// happened to the order's authorization (a webhook), so each whose answer was lost is issued
// again with its key and its answer recorded. A younger one is left to the request making
// its call (checkout issues the capture it recorded as the order was placed right after the
// commit, and the gateway's event can arrive first): issuing it here too would call the
// gateway twice for one payment.
func (s *Service) ReconcileOrder(ctx context.Context, orderID int) (int, error) {
	ps, err := s.db.Payment.Query().Where(entpayment.OrderID(orderID), entpayment.StatusEQ(entpayment.StatusPENDING),
		entpayment.KindNEQ(entpayment.KindAUTHORIZATION), entpayment.CreatedAtLT(time.Now().UTC().Add(-CallTimeout))).
		Order(ent.Asc(entpayment.FieldID)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("find pending payments of order %d: %w", orderID, err)
	}
	return s.reissue(ctx, ps)
}

// reissue calls the provider again for pending payments, with their idempotency keys, and
// records the answers; a transient failure leaves a payment pending for the next pass.
func (s *Service) reissue(ctx context.Context, ps []*ent.Payment) (int, error) {
	n := 0
	for _, p := range ps {
		ref, callErr := s.call(ctx, p)
		if callErr != nil {
			if e, ok := payment.AsError(callErr); ok && e.Transient {
				continue // try again next time
			}
		}
		if _, err := s.Settle(ctx, p.ID, ref, callErr); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RunReconciler runs Reconcile every interval until ctx ends.
func (s *Service) RunReconciler(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Reconcile(ctx, ReconcileAfter); err != nil {
				s.log().ErrorContext(ctx, "reconcile payments", "error", err.Error())
			} else if n > 0 {
				s.log().InfoContext(ctx, "reconciled pending payments", "count", n)
			}
		}
	}
}
