package order

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"storefront/ent"
	"storefront/ent/fulfillment"
	entorder "storefront/ent/order"
	"storefront/ent/orderline"
	entpayment "storefront/ent/payment"
	"storefront/ent/refund"
	"storefront/ent/schema"
	"storefront/internal/audit"
	"storefront/internal/contact"
	"storefront/internal/gid"
	"storefront/internal/money"
	"storefront/internal/outbox"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// User error codes of order management besides usererror's.
const (
	CodeCancelled          = "ORDER_CANCELLED"             // the order is cancelled
	CodeAlreadyCancelled   = "ORDER_ALREADY_CANCELLED"     // cancelling a cancelled order
	CodeHasFulfillments    = "ORDER_HAS_FULFILLMENTS"      // cancelling an order with fulfilled lines
	CodeNoAuthorization    = "NO_AUTHORIZATION"            // nothing was authorized to capture
	CodeVoided             = "AUTHORIZATION_VOIDED"        // capturing a voided authorization
	CodeExceedsCapturable  = "AMOUNT_EXCEEDS_CAPTURABLE"   // capturing more than authorized and not yet captured
	CodeExceedsOrdered     = "QUANTITY_EXCEEDS_ORDERED"    // fulfilling more than ordered and not yet fulfilled
	CodeExceedsRefundable  = "QUANTITY_EXCEEDS_REFUNDABLE" // refunding more units than bought and not yet refunded
	CodeAmountExceeds      = "AMOUNT_EXCEEDS_REFUNDABLE"   // refunding more money than captured and not yet refunded
	CodeFulfilled          = "ALREADY_FULFILLED"           // nothing left to fulfil
	CodeFulfillmentCancel  = "FULFILLMENT_CANCELLED"       // changing a cancelled fulfillment
	CodeNothingToRefund    = "NOTHING_TO_REFUND"           // a refund of no lines and no shipping
	CodePaymentFailed      = "PAYMENT_FAILED"              // the provider refused the call
	CodeIdempotencyReused  = "IDEMPOTENCY_KEY_REUSED"      // the key belongs to another order's refund
	CodeQuantityNotPositve = "QUANTITY_NOT_POSITIVE"       // a line quantity below 1
)

// errUserInput rolls back a change whose user errors are reported instead.
var errUserInput = errors.New("rolled back for user errors")

// write runs one order change in one transaction: f returns user errors (which roll it
// back and are returned) or the audit record's subject and changes (recorded when the
// context has an actor, as every Admin API write does).
func (s *Service) write(ctx context.Context, f func(tx *ent.Tx) (subject string, changes map[string]any, uerrs []usererror.Error, err error)) ([]usererror.Error, error) {
	var uerrs []usererror.Error
	err := s.withTx(ctx, func(tx *ent.Tx) error {
		subject, changes, ue, err := f(tx)
		if err != nil {
			return err
		}
		if len(ue) > 0 {
			uerrs = ue
			return errUserInput
		}
		if _, ok := audit.ActorFrom(ctx); ok && len(changes) > 0 {
			return audit.Record(ctx, tx.Client(), subject, changes)
		}
		return nil
	})
	if errors.Is(err, errUserInput) {
		return uerrs, nil
	}
	return nil, err
}

// withTx runs f in one transaction, again when it loses a deadlock or serialization
// conflict.
func (s *Service) withTx(ctx context.Context, f func(tx *ent.Tx) error) error {
	return s.retryTx(ctx, store.WithTx, f)
}

// retryTx runs f in one transaction begun by with (store.WithTx or store.WithLazyTx), again
// when it loses a deadlock or serialization conflict.
func (s *Service) retryTx(ctx context.Context, with func(context.Context, *store.DB, func(*ent.Tx) error) error, f func(tx *ent.Tx) error) error {
	var err error
	for try := 1; try <= 5; try++ {
		err = with(ctx, s.db, f)
		if err == nil || !store.Retryable(err) {
			return err
		}
	}
	return err
}

func notFound(path ...any) []usererror.Error {
	return []usererror.Error{usererror.New(usererror.NotFound, "No such order.", path...)}
}

// Get returns an order by database ID.
func (s *Service) Get(ctx context.Context, id int) (*ent.Order, error) {
	return s.db.Order.Get(ctx, id)
}

// FormatAmount shows minor units as a decimal with the currency code, e.g. "12.50 USD".
func FormatAmount(amount int64, currency string) string {
	return money.Format(amount, currency) + " " + currency
}

// Capture captures amount (nil: everything authorized and not yet captured) of an order's
// authorization. User error codes: NOT_FOUND, ORDER_CANCELLED, NO_AUTHORIZATION,
// AUTHORIZATION_VOIDED, AMOUNT_EXCEEDS_CAPTURABLE, INVALID (amount), PAYMENT_FAILED (the
// provider refused; recorded on the order).
func (s *Service) Capture(ctx context.Context, orderID string, amount *string) (*ent.Order, []usererror.Error, error) {
	id, ok := gid.ParseAs(orderID, gid.Order)
	if !ok {
		return nil, notFound("id"), nil
	}
	return s.capture(ctx, id, amount, "", true)
}

// CaptureAll captures what an order has authorized and not captured, under key (a fresh
// one when empty); checkout calls it for the AUTOMATIC capture policy. It reports nothing
// when there is nothing to capture.
func (s *Service) CaptureAll(ctx context.Context, orderID int, key string) error {
	_, uerrs, err := s.capture(ctx, orderID, nil, key, false)
	if err == nil && len(uerrs) > 0 && uerrs[0].Code != CodeNoAuthorization && uerrs[0].Code != CodeExceedsCapturable {
		return fmt.Errorf("capture order %d: %s", orderID, uerrs[0].Message)
	}
	return err
}

// capture captures amount of the order's authorization and, when readBack, returns the order
// as the capture left it.
func (s *Service) capture(ctx context.Context, id int, amount *string, key string, readBack bool) (*ent.Order, []usererror.Error, error) {
	var p *ent.Payment
	uerrs, err := s.write(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		o, err := s.lock(ctx, tx, id)
		if ent.IsNotFound(err) {
			return "", nil, notFound("id"), nil
		} else if err != nil {
			return "", nil, nil, err
		}
		p, err = s.pendingCapture(ctx, tx, o, amount, key)
		if err != nil {
			var ue uerr
			if errors.As(err, &ue) {
				return "", nil, []usererror.Error{ue.ue}, nil
			}
			return "", nil, nil, err
		}
		return GlobalID(o.ID), map[string]any{"capture": p.Amount}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	if p, err = s.execute(ctx, p); err != nil {
		return nil, nil, err
	}
	var o *ent.Order
	if readBack {
		if o, err = s.db.Order.Get(ctx, id); err != nil {
			return nil, nil, fmt.Errorf("read order back: %w", err)
		}
	}
	if p.Status == entpayment.StatusFAILURE {
		return o, []usererror.Error{usererror.New(CodePaymentFailed, "The payment provider refused the capture: "+deref(p.ErrorMessage), "id")}, nil
	}
	return o, nil, nil
}

// uerr carries a user error out of a helper.
type uerr struct{ ue usererror.Error }

func (e uerr) Error() string { return e.ue.Message }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// pendingCapture validates a capture of the locked order o and writes its PENDING payment.
func (s *Service) pendingCapture(ctx context.Context, tx *ent.Tx, o *ent.Order, amount *string, key string) (*ent.Payment, error) {
	m, err := totals(ctx, tx.Client(), o.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case m.Voided || m.PendingVoid:
		return nil, uerr{usererror.New(CodeVoided, "The authorization was voided; nothing can be captured.", "id")}
	case o.CanceledAt != nil:
		return nil, uerr{usererror.New(CodeCancelled, "The order is cancelled.", "id")}
	case m.Authorization == nil:
		return nil, uerr{usererror.New(CodeNoAuthorization, "The order has no authorized payment to capture.", "id")}
	}
	capturable := m.Capturable()
	want := capturable
	if amount != nil {
		v, err := money.Parse(*amount, o.CurrencyCode)
		if err != nil || v <= 0 {
			return nil, uerr{usererror.New(usererror.Invalid, "The amount must be a positive decimal in the order's currency.", "amount")}
		}
		want = v
	}
	if want <= 0 || want > capturable {
		return nil, uerr{usererror.New(CodeExceedsCapturable, fmt.Sprintf("At most %s can be captured.", FormatAmount(capturable, o.CurrencyCode)), "amount")}
	}
	if key == "" {
		key = NewKey(fmt.Sprintf("order-%d-capture", o.ID))
	}
	return RecordPending(ctx, tx.Client(), Pending{Kind: entpayment.KindCAPTURE, OrderID: &o.ID, Authorization: deref(m.Authorization.Authorization),
		Amount: want, Currency: o.CurrencyCode, Key: key, Provider: m.Provider, Test: m.Authorization.Test})
}

// PendingAutomaticCapture writes, inside the transaction that placed the order o
// (checkout's), the PENDING capture of everything it authorized under key when the shop's
// capture policy is AUTOMATIC, for Execute to issue after the commit; nil under MANUAL or
// when there is nothing to capture.
func (s *Service) PendingAutomaticCapture(ctx context.Context, tx *ent.Tx, o *ent.Order, key string) (*ent.Payment, error) {
	if s.capturePolicy(ctx, tx) != "AUTOMATIC" {
		return nil, nil
	}
	p, err := s.pendingCapture(ctx, tx, o, nil, key)
	var ue uerr
	if errors.As(err, &ue) {
		if ue.ue.Code == CodeNoAuthorization || ue.ue.Code == CodeExceedsCapturable {
			return nil, nil
		}
		return nil, fmt.Errorf("capture order %d: %s", o.ID, ue.ue.Message)
	}
	return p, err
}

// LineQuantity is an order line and a number of its units.
type LineQuantity struct {
	LineItemID string
	Quantity   int
	Restock    bool
}

// Tracking is a shipment's tracking details.
type Tracking struct {
	Company, Number, URL *string
}

// FulfillmentInput is what fulfillmentCreate takes.
type FulfillmentInput struct {
	OrderID        string
	Lines          []LineQuantity // empty: everything unfulfilled
	Tracking       *Tracking
	NotifyCustomer bool
}

func checkTracking(t *Tracking, path ...any) []usererror.Error {
	if t == nil || t.URL == nil {
		return nil
	}
	if u, err := url.Parse(*t.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return []usererror.Error{usererror.New(usererror.Invalid, "The tracking URL must be an absolute http(s) URL.", append(path, "url")...)}
	}
	return nil
}

// CreateFulfillment ships lines of an order (all that is unfulfilled when none are given),
// moving it to PARTIALLY_FULFILLED or FULFILLED. Under the MANUAL capture policy the first
// fulfillment captures what is authorized. User error codes: NOT_FOUND (order, line),
// ORDER_CANCELLED, QUANTITY_EXCEEDS_ORDERED, QUANTITY_NOT_POSITIVE, ALREADY_FULFILLED,
// INVALID (tracking URL).
func (s *Service) CreateFulfillment(ctx context.Context, in FulfillmentInput) (*ent.Fulfillment, []usererror.Error, error) {
	id, ok := gid.ParseAs(in.OrderID, gid.Order)
	if !ok {
		return nil, notFound("input", "orderId"), nil
	}
	if ue := checkTracking(in.Tracking, "input", "tracking"); ue != nil {
		return nil, ue, nil
	}
	var f *ent.Fulfillment
	var capture *ent.Payment
	uerrs, err := s.write(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		o, err := s.lock(ctx, tx, id)
		if ent.IsNotFound(err) {
			return "", nil, notFound("input", "orderId"), nil
		} else if err != nil {
			return "", nil, nil, err
		}
		if o.CanceledAt != nil {
			return "", nil, []usererror.Error{usererror.New(CodeCancelled, "The order is cancelled.", "input", "orderId")}, nil
		}
		lines, err := tx.OrderLine.Query().Where(orderline.OrderID(o.ID)).Order(ent.Asc(orderline.FieldID)).All(ctx)
		if err != nil {
			return "", nil, nil, fmt.Errorf("read order lines: %w", err)
		}
		byID := map[int]*ent.OrderLine{}
		for _, l := range lines {
			byID[l.ID] = l
		}
		want := map[int]int{}
		var ue []usererror.Error
		if len(in.Lines) == 0 {
			for _, l := range lines {
				if n := l.CurrentQuantity - l.FulfilledQuantity; n > 0 {
					want[l.ID] = n
				}
			}
			if len(want) == 0 {
				ue = append(ue, usererror.New(CodeFulfilled, "Every line is fulfilled already.", "input", "lines"))
			}
		}
		for i, in := range in.Lines {
			lid, ok := gid.ParseAs(in.LineItemID, gid.OrderLine)
			l := byID[lid]
			switch {
			case !ok || l == nil:
				ue = append(ue, usererror.New(usererror.NotFound, "No such line item in this order.", "input", "lines", i, "lineItemId"))
			case in.Quantity < 1:
				ue = append(ue, usererror.New(CodeQuantityNotPositve, "The quantity must be at least 1.", "input", "lines", i, "quantity"))
			case want[lid]+in.Quantity > l.CurrentQuantity-l.FulfilledQuantity:
				ue = append(ue, usererror.New(CodeExceedsOrdered, fmt.Sprintf("Only %d of this line are left to fulfil.", max(0, l.CurrentQuantity-l.FulfilledQuantity)), "input", "lines", i, "quantity"))
			default:
				want[lid] += in.Quantity
			}
		}
		if len(ue) > 0 {
			return "", nil, ue, nil
		}
		var fl []schema.FulfillmentLine
		first := true
		for _, l := range lines {
			if l.FulfilledQuantity > 0 {
				first = false
			}
			if want[l.ID] == 0 {
				continue
			}
			fl = append(fl, schema.FulfillmentLine{OrderLineID: l.ID, Quantity: want[l.ID]})
			l.FulfilledQuantity += want[l.ID]
			if err := tx.OrderLine.UpdateOneID(l.ID).AddFulfilledQuantity(want[l.ID]).Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("fulfil order line %d: %w", l.ID, err)
			}
		}
		fc := tx.Fulfillment.Create().SetOrderID(o.ID).SetLines(fl)
		if t := in.Tracking; t != nil {
			fc.SetNillableTrackingCompany(t.Company)
			if t.Number != nil {
				fc.SetTrackingNumbers([]string{*t.Number})
				fc.SetTrackingUrls([]string{deref(t.URL)})
			} else if t.URL != nil {
				fc.SetTrackingNumbers([]string{""}).SetTrackingUrls([]string{*t.URL})
			}
		}
		if f, err = fc.Save(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("create fulfillment: %w", err)
		}
		status := fulfillmentStatus(lines)
		if err := tx.Order.UpdateOne(o).SetFulfillmentStatus(status).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("update fulfillment status: %w", err)
		}
		units := 0
		for _, l := range fl {
			units += l.Quantity
		}
		msg := fmt.Sprintf("Fulfilled %d item(s)", units)
		if in.Tracking != nil && in.Tracking.Number != nil {
			msg += " with tracking number " + *in.Tracking.Number
		}
		if err := Timeline(ctx, tx.Client(), o.ID, EventFulfilled, msg); err != nil {
			return "", nil, nil, err
		}
		fgid := gid.Format(gid.Fulfillment, f.ID)
		if err := outbox.Emit(ctx, tx, TopicFulfillmentCreate, fgid, map[string]any{"orderId": GlobalID(o.ID), "lines": fl}); err != nil {
			return "", nil, nil, fmt.Errorf("write event: %w", err)
		}
		topic := TopicPartiallyFulfilled
		if status == entorder.FulfillmentStatusFULFILLED {
			topic = TopicFulfilled
		}
		if err := Emit(ctx, tx.Client(), topic, o.ID, map[string]any{"fulfillmentStatus": string(status)}); err != nil {
			return "", nil, nil, err
		}
		if first && s.capturePolicy(ctx, tx) == "MANUAL" {
			// The first fulfillment captures what the order has authorized.
			capture, err = s.pendingCapture(ctx, tx, o, nil, "")
			var ue uerr
			if errors.As(err, &ue) {
				capture, err = nil, nil
			}
			if err != nil {
				return "", nil, nil, err
			}
		}
		return fgid, map[string]any{"orderId": GlobalID(o.ID), "lines": fl}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	if capture != nil {
		_, _ = s.execute(ctx, capture) // recorded on the order either way
	}
	if in.NotifyCustomer {
		s.Notify(ctx, Notice{Kind: MailShipping, OrderID: id, FulfillmentID: f.ID})
	}
	return f, nil, nil
}

// capturePolicy is the shop's capture policy, AUTOMATIC or MANUAL.
func (s *Service) capturePolicy(ctx context.Context, tx *ent.Tx) string {
	sh, err := tx.Shop.Query().First(ctx)
	if err != nil {
		return "AUTOMATIC"
	}
	return string(sh.CapturePolicy)
}

// CapturePolicy is the shop's capture policy, AUTOMATIC or MANUAL.
func (s *Service) CapturePolicy(ctx context.Context) string {
	sh, err := s.db.Shop.Query().First(ctx)
	if err != nil {
		return "AUTOMATIC"
	}
	return string(sh.CapturePolicy)
}

// fulfillmentStatus is what an order's lines make its fulfillment status.
func fulfillmentStatus(lines []*ent.OrderLine) entorder.FulfillmentStatus {
	some, all := false, true
	for _, l := range lines {
		if l.FulfilledQuantity > 0 {
			some = true
		}
		if l.FulfilledQuantity < l.CurrentQuantity {
			all = false
		}
	}
	switch {
	case some && all:
		return entorder.FulfillmentStatusFULFILLED
	case some:
		return entorder.FulfillmentStatusPARTIALLY_FULFILLED
	}
	return entorder.FulfillmentStatusUNFULFILLED
}

// UpdateTracking changes a fulfillment's tracking details. User error codes: NOT_FOUND,
// FULFILLMENT_CANCELLED, INVALID (URL).
func (s *Service) UpdateTracking(ctx context.Context, fulfillmentID string, t Tracking, notify bool) (*ent.Fulfillment, []usererror.Error, error) {
	fid, ok := gid.ParseAs(fulfillmentID, gid.Fulfillment)
	nf := []usererror.Error{usererror.New(usererror.NotFound, "No such fulfillment.", "fulfillmentId")}
	if !ok {
		return nil, nf, nil
	}
	if ue := checkTracking(&t, "trackingInfo"); ue != nil {
		return nil, ue, nil
	}
	var f *ent.Fulfillment
	uerrs, err := s.write(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		orderID, err := tx.Fulfillment.Query().Where(fulfillment.ID(fid)).Select(fulfillment.FieldOrderID).Int(ctx)
		if ent.IsNotFound(err) {
			return "", nil, nf, nil
		} else if err != nil {
			return "", nil, nil, err
		}
		if _, err := s.lock(ctx, tx, orderID); err != nil {
			return "", nil, nil, err
		}
		if f, err = tx.Fulfillment.Get(ctx, fid); err != nil {
			return "", nil, nil, err
		}
		if f.Status == fulfillment.StatusCANCELLED {
			return "", nil, []usererror.Error{usererror.New(CodeFulfillmentCancel, "The fulfillment is cancelled.", "fulfillmentId")}, nil
		}
		u := tx.Fulfillment.UpdateOne(f)
		if t.Company != nil {
			u.SetTrackingCompany(*t.Company)
		}
		if t.Number != nil || t.URL != nil {
			u.SetTrackingNumbers([]string{deref(t.Number)}).SetTrackingUrls([]string{deref(t.URL)})
		}
		if f, err = u.Save(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("update tracking: %w", err)
		}
		if err := Timeline(ctx, tx.Client(), orderID, EventTrackingUpdated, "Tracking updated: "+strings.TrimSpace(deref(t.Company)+" "+deref(t.Number))); err != nil {
			return "", nil, nil, err
		}
		fgid := gid.Format(gid.Fulfillment, f.ID)
		if err := outbox.Emit(ctx, tx, TopicFulfillmentUpdate, fgid, map[string]any{"orderId": GlobalID(orderID), "trackingNumbers": f.TrackingNumbers}); err != nil {
			return "", nil, nil, fmt.Errorf("write event: %w", err)
		}
		return fgid, map[string]any{"tracking": f.TrackingNumbers}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	if notify {
		s.Notify(ctx, Notice{Kind: MailShipping, OrderID: f.OrderID, FulfillmentID: f.ID})
	}
	return f, nil, nil
}

// CancelFulfillment cancels a fulfillment: its units count as unfulfilled again. User error
// codes: NOT_FOUND, FULFILLMENT_CANCELLED.
func (s *Service) CancelFulfillment(ctx context.Context, fulfillmentID string) (*ent.Fulfillment, []usererror.Error, error) {
	fid, ok := gid.ParseAs(fulfillmentID, gid.Fulfillment)
	nf := []usererror.Error{usererror.New(usererror.NotFound, "No such fulfillment.", "id")}
	if !ok {
		return nil, nf, nil
	}
	var f *ent.Fulfillment
	uerrs, err := s.write(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		orderID, err := tx.Fulfillment.Query().Where(fulfillment.ID(fid)).Select(fulfillment.FieldOrderID).Int(ctx)
		if ent.IsNotFound(err) {
			return "", nil, nf, nil
		} else if err != nil {
			return "", nil, nil, err
		}
		o, err := s.lock(ctx, tx, orderID)
		if err != nil {
			return "", nil, nil, err
		}
		if f, err = tx.Fulfillment.Get(ctx, fid); err != nil {
			return "", nil, nil, err
		}
		if f.Status == fulfillment.StatusCANCELLED {
			return "", nil, []usererror.Error{usererror.New(CodeFulfillmentCancel, "The fulfillment is cancelled already.", "id")}, nil
		}
		for _, l := range f.Lines {
			if err := tx.OrderLine.UpdateOneID(l.OrderLineID).AddFulfilledQuantity(-l.Quantity).Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("unfulfil order line %d: %w", l.OrderLineID, err)
			}
		}
		if f, err = tx.Fulfillment.UpdateOne(f).SetStatus(fulfillment.StatusCANCELLED).Save(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("cancel fulfillment: %w", err)
		}
		lines, err := tx.OrderLine.Query().Where(orderline.OrderID(orderID)).All(ctx)
		if err != nil {
			return "", nil, nil, err
		}
		if err := tx.Order.UpdateOne(o).SetFulfillmentStatus(fulfillmentStatus(lines)).Exec(ctx); err != nil {
			return "", nil, nil, err
		}
		if err := Timeline(ctx, tx.Client(), orderID, EventFulfillmentCancelled, "Fulfillment cancelled"); err != nil {
			return "", nil, nil, err
		}
		fgid := gid.Format(gid.Fulfillment, f.ID)
		if err := outbox.Emit(ctx, tx, TopicFulfillmentUpdate, fgid, map[string]any{"orderId": GlobalID(orderID), "status": "CANCELLED"}); err != nil {
			return "", nil, nil, fmt.Errorf("write event: %w", err)
		}
		return fgid, map[string]any{"status": "CANCELLED"}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	return f, nil, nil
}

// CancelInput is what orderCancel takes.
type CancelInput struct {
	OrderID        string
	Reason         string
	Restock        bool
	Refund         bool
	NotifyCustomer bool
}

// Cancel cancels an order in one transaction: its unfulfilled units are restocked through
// the inventory ledger (when Restock), an uncaptured authorization is voided and, when
// Refund, what was captured is refunded — the provider calls after the commit, recorded
// as PENDING payments first. User error codes: NOT_FOUND, ORDER_ALREADY_CANCELLED,
// ORDER_HAS_FULFILLMENTS, INVALID (reason).
func (s *Service) Cancel(ctx context.Context, in CancelInput) (*ent.Order, []usererror.Error, error) {
	id, ok := gid.ParseAs(in.OrderID, gid.Order)
	if !ok {
		return nil, notFound("id"), nil
	}
	if entorder.CancelReasonValidator(entorder.CancelReason(in.Reason)) != nil {
		return nil, []usererror.Error{usererror.New(usererror.Invalid, "Unknown cancel reason.", "reason")}, nil
	}
	var calls []*ent.Payment
	uerrs, err := s.write(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		calls = nil
		o, err := s.lock(ctx, tx, id)
		if ent.IsNotFound(err) {
			return "", nil, notFound("id"), nil
		} else if err != nil {
			return "", nil, nil, err
		}
		if o.CanceledAt != nil {
			return "", nil, []usererror.Error{usererror.New(CodeAlreadyCancelled, "The order is cancelled already.", "id")}, nil
		}
		lines, err := tx.OrderLine.Query().Where(orderline.OrderID(o.ID)).Order(ent.Asc(orderline.FieldID)).All(ctx)
		if err != nil {
			return "", nil, nil, err
		}
		restock := map[int]int{}
		for _, l := range lines {
			if l.FulfilledQuantity > 0 {
				return "", nil, []usererror.Error{usererror.New(CodeHasFulfillments, "The order has fulfilled items: cancel its fulfillments first, or refund instead.", "id")}, nil
			}
			if l.VariantID != nil && l.CurrentQuantity > 0 {
				restock[*l.VariantID] += l.CurrentQuantity
			}
		}
		now := s.now()
		if err := tx.Order.UpdateOne(o).SetCanceledAt(now).SetCancelReason(entorder.CancelReason(in.Reason)).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("cancel order: %w", err)
		}
		if in.Restock {
			if err := s.restock(ctx, tx, restock); err != nil {
				return "", nil, nil, err
			}
		}
		m, err := totals(ctx, tx.Client(), o.ID)
		if err != nil {
			return "", nil, nil, err
		}
		if m.Capturable() > 0 {
			p, err := RecordPending(ctx, tx.Client(), Pending{Kind: entpayment.KindVOID, OrderID: &o.ID, Authorization: deref(m.Authorization.Authorization),
				Amount: m.Capturable(), Currency: o.CurrencyCode, Key: NewKey(fmt.Sprintf("order-%d-void", o.ID)), Provider: m.Provider, Test: m.Authorization.Test})
			if err != nil {
				return "", nil, nil, err
			}
			calls = append(calls, p)
		}
		if in.Refund && m.Refundable() > 0 {
			var rl []schema.RefundLine
			for _, l := range lines {
				if n := l.CurrentQuantity; n > 0 {
					rl = append(rl, schema.RefundLine{OrderLineID: l.ID, Quantity: n})
				}
			}
			p, err := s.pendingRefund(ctx, tx, o, m, m.Refundable(), o.TotalShipping, rl, nil, "")
			if err != nil {
				return "", nil, nil, err
			}
			calls = append(calls, p)
		}
		if err := Timeline(ctx, tx.Client(), o.ID, EventCancelled, "Order cancelled ("+strings.ToLower(in.Reason)+")"); err != nil {
			return "", nil, nil, err
		}
		if err := Emit(ctx, tx.Client(), TopicCancelled, o.ID, map[string]any{"cancelReason": in.Reason, "restock": in.Restock, "refund": in.Refund}); err != nil {
			return "", nil, nil, err
		}
		return GlobalID(o.ID), map[string]any{"cancelReason": in.Reason, "restock": in.Restock, "refund": in.Refund}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	for _, p := range calls {
		_, _ = s.execute(ctx, p) // recorded on the order either way
	}
	if in.NotifyCustomer {
		s.Notify(ctx, Notice{Kind: MailCancel, OrderID: id})
	}
	o, err := s.db.Order.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return o, nil, nil
}

// RefundInput is what refundCreate takes.
type RefundInput struct {
	OrderID        string
	Lines          []LineQuantity
	Shipping       *string
	Note           *string
	IdempotencyKey *string
}

// CreateRefund refunds lines (their share of what was paid, discounts and taxes included)
// and shipping. The amount is the server's and never exceeds what was captured and not yet
// refunded; the same idempotency key returns the same refund. Lines are counted and
// restocked when the provider confirms the refund. User error codes: NOT_FOUND,
// QUANTITY_EXCEEDS_REFUNDABLE, QUANTITY_NOT_POSITIVE, AMOUNT_EXCEEDS_REFUNDABLE,
// NOTHING_TO_REFUND, INVALID (shipping), IDEMPOTENCY_KEY_REUSED, PAYMENT_FAILED.
func (s *Service) CreateRefund(ctx context.Context, in RefundInput) (*ent.Refund, []usererror.Error, error) {
	id, ok := gid.ParseAs(in.OrderID, gid.Order)
	if !ok {
		return nil, notFound("input", "orderId"), nil
	}
	if in.IdempotencyKey != nil && (*in.IdempotencyKey == "" || len(*in.IdempotencyKey) > 255) {
		return nil, []usererror.Error{usererror.New(usererror.Invalid, "The idempotency key must be 1 to 255 characters.", "input", "idempotencyKey")}, nil
	}
	if in.IdempotencyKey != nil {
		if r, ue, err := s.refundByKey(ctx, id, *in.IdempotencyKey); r != nil || ue != nil || err != nil {
			return r, ue, err
		}
	}
	var r *ent.Refund
	var p *ent.Payment
	var notice *Notice
	uerrs, err := s.write(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		p, notice = nil, nil
		o, err := s.lock(ctx, tx, id)
		if ent.IsNotFound(err) {
			return "", nil, notFound("input", "orderId"), nil
		} else if err != nil {
			return "", nil, nil, err
		}
		lines, err := tx.OrderLine.Query().Where(orderline.OrderID(o.ID)).Order(ent.Asc(orderline.FieldPosition), ent.Asc(orderline.FieldID)).All(ctx)
		if err != nil {
			return "", nil, nil, err
		}
		// Units in refunds still waiting for the provider count as refunded.
		held := map[int]int{}
		var shippingHeld int64
		prior, err := tx.Refund.Query().Where(refund.OrderID(o.ID), refund.StatusIn(refund.StatusPENDING, refund.StatusSUCCESS)).All(ctx)
		if err != nil {
			return "", nil, nil, err
		}
		for _, pr := range prior {
			shippingHeld += pr.Shipping
			if pr.Status == refund.StatusPENDING {
				for _, l := range pr.Lines {
					held[l.OrderLineID] += l.Quantity
				}
			}
		}
		byID := map[int]*ent.OrderLine{}
		for _, l := range lines {
			byID[l.ID] = l
		}
		var ue []usererror.Error
		want := map[int]LineQuantity{}
		for i, in := range in.Lines {
			lid, ok := gid.ParseAs(in.LineItemID, gid.OrderLine)
			l := byID[lid]
			switch {
			case !ok || l == nil:
				ue = append(ue, usererror.New(usererror.NotFound, "No such line item in this order.", "input", "lines", i, "lineItemId"))
			case in.Quantity < 1:
				ue = append(ue, usererror.New(CodeQuantityNotPositve, "The quantity must be at least 1.", "input", "lines", i, "quantity"))
			case want[lid].Quantity+in.Quantity > l.Quantity-l.RefundedQuantity-held[lid]:
				ue = append(ue, usererror.New(CodeExceedsRefundable, fmt.Sprintf("Only %d of this line can still be refunded.", max(0, l.Quantity-l.RefundedQuantity-held[lid])), "input", "lines", i, "quantity"))
			default:
				w := want[lid]
				w.Quantity += in.Quantity
				w.Restock = w.Restock || in.Restock
				want[lid] = w
			}
		}
		var shipping int64
		if in.Shipping != nil {
			v, err := money.Parse(*in.Shipping, o.CurrencyCode)
			switch {
			case err != nil || v < 0:
				ue = append(ue, usererror.New(usererror.Invalid, "Shipping must be a non-negative decimal in the order's currency.", "input", "shipping"))
			case v > o.TotalShipping-shippingHeld:
				ue = append(ue, usererror.New(CodeAmountExceeds, fmt.Sprintf("At most %s of shipping can still be refunded.", FormatAmount(max(0, o.TotalShipping-shippingHeld), o.CurrencyCode)), "input", "shipping"))
			default:
				shipping = v
			}
		}
		if len(ue) > 0 {
			return "", nil, ue, nil
		}
		if len(want) == 0 && shipping == 0 {
			return "", nil, []usererror.Error{usererror.New(CodeNothingToRefund, "Give lines or shipping to refund.", "input", "lines")}, nil
		}
		amounts := lineAmounts(o, lines)
		var rl []schema.RefundLine
		amount := shipping
		for _, l := range lines {
			w, ok := want[l.ID]
			if !ok {
				continue
			}
			before := l.RefundedQuantity + held[l.ID]
			// The line's share for units before..before+q, so the last unit takes the remainder.
			a := amounts[l.ID]*int64(before+w.Quantity)/int64(l.Quantity) - amounts[l.ID]*int64(before)/int64(l.Quantity)
			rl = append(rl, schema.RefundLine{OrderLineID: l.ID, Quantity: w.Quantity, Restock: w.Restock, Amount: a})
			amount += a
		}
		m, err := totals(ctx, tx.Client(), o.ID)
		if err != nil {
			return "", nil, nil, err
		}
		if m.Authorization != nil && amount > m.Refundable() {
			return "", nil, []usererror.Error{usererror.New(CodeAmountExceeds, fmt.Sprintf("The refund of %s exceeds what can still be refunded (%s).", FormatAmount(amount, o.CurrencyCode), FormatAmount(m.Refundable(), o.CurrencyCode)), "input", "lines")}, nil
		}
		if m.Authorization == nil || amount == 0 {
			// Nothing to pay out through a provider (an order paid otherwise, or free):
			// the refund is complete in this transaction.
			rc := tx.Refund.Create().SetOrderID(o.ID).SetAmount(0).SetShipping(shipping).SetCurrencyCode(o.CurrencyCode).
				SetNillableNote(in.Note).SetNillableIdempotencyKey(in.IdempotencyKey).SetLines(rl)
			if r, err = rc.Save(ctx); err != nil {
				return "", nil, nil, err
			}
			if notice, err = s.completeRefund(ctx, tx, o, r); err != nil {
				return "", nil, nil, err
			}
			return gid.Format(gid.Refund, r.ID), map[string]any{"orderId": GlobalID(o.ID), "amount": 0}, nil, nil
		}
		if p, err = s.pendingRefund(ctx, tx, o, m, amount, shipping, rl, in.Note, deref(in.IdempotencyKey)); err != nil {
			if ent.IsConstraintError(err) {
				return "", nil, nil, errKeyTaken
			}
			return "", nil, nil, err
		}
		r, err = tx.Refund.Get(ctx, *p.RefundID)
		if err != nil {
			return "", nil, nil, err
		}
		return gid.Format(gid.Refund, r.ID), map[string]any{"orderId": GlobalID(o.ID), "amount": amount, "lines": rl, "shipping": shipping}, nil, nil
	})
	if errors.Is(err, errKeyTaken) && in.IdempotencyKey != nil {
		// The same key, created concurrently: answer with that refund.
		return s.refundByKey(ctx, id, *in.IdempotencyKey)
	}
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	if notice != nil {
		s.Notify(ctx, *notice)
	}
	if p != nil {
		settled, err := s.execute(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		if r, err = s.db.Refund.Get(ctx, r.ID); err != nil {
			return nil, nil, err
		}
		if settled.Status == entpayment.StatusFAILURE {
			return r, []usererror.Error{usererror.New(CodePaymentFailed, "The payment provider refused the refund: "+deref(settled.ErrorMessage), "input", "orderId")}, nil
		}
	}
	return r, nil, nil
}

var errKeyTaken = errors.New("idempotency key taken")

// refundByKey returns the refund made under key (nil when none), refusing a key used for
// another order.
func (s *Service) refundByKey(ctx context.Context, orderID int, key string) (*ent.Refund, []usererror.Error, error) {
	r, err := s.db.Refund.Query().Where(refund.IdempotencyKey(key)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if r.OrderID != orderID {
		return nil, []usererror.Error{usererror.New(CodeIdempotencyReused, "This idempotency key was used for another order's refund.", "input", "idempotencyKey")}, nil
	}
	return r, nil, nil
}

// pendingRefund writes a PENDING refund and its PENDING payment inside tx.
func (s *Service) pendingRefund(ctx context.Context, tx *ent.Tx, o *ent.Order, m Money, amount, shipping int64, rl []schema.RefundLine, note *string, key string) (*ent.Payment, error) {
	rc := tx.Refund.Create().SetOrderID(o.ID).SetAmount(amount).SetShipping(shipping).SetCurrencyCode(o.CurrencyCode).
		SetNillableNote(note).SetLines(rl)
	if key != "" {
		rc.SetIdempotencyKey(key)
	}
	r, err := rc.Save(ctx)
	if err != nil {
		return nil, err
	}
	return RecordPending(ctx, tx.Client(), Pending{Kind: entpayment.KindREFUND, OrderID: &o.ID, RefundID: &r.ID,
		Authorization: deref(m.Authorization.Authorization), Amount: amount, Currency: o.CurrencyCode,
		Key: fmt.Sprintf("refund-%d", r.ID) + keySuffix(key), Provider: m.Provider, Test: m.Authorization.Test})
}

func keySuffix(key string) string {
	if key == "" {
		return ""
	}
	return ":" + key
}

// lineAmounts is what each line was paid, its share of the order's goods (the total less
// shipping: line prices after every discount, with taxes added on top), divided by the
// lines' discounted totals; the last line takes the remainder so the shares add up.
func lineAmounts(o *ent.Order, lines []*ent.OrderLine) map[int]int64 {
	goods := max(0, o.Total-o.TotalShipping)
	var sum int64
	for _, l := range lines {
		sum += l.DiscountedTotal
	}
	out := make(map[int]int64, len(lines))
	var given int64
	for i, l := range lines {
		switch {
		case sum == 0:
			out[l.ID] = 0
		case i == len(lines)-1:
			out[l.ID] = goods - given
		default:
			out[l.ID] = goods * l.DiscountedTotal / sum
		}
		given += out[l.ID]
	}
	return out
}

// UpdateInput is what orderUpdate takes; nil fields stay as they are.
type UpdateInput struct {
	ID    string
	Note  *string
	Tags  []string
	Email *string
}

// Update changes an order's note, tags and email. User error codes: NOT_FOUND, INVALID
// (email, tags), TOO_LONG (note).
func (s *Service) Update(ctx context.Context, in UpdateInput) (*ent.Order, []usererror.Error, error) {
	id, ok := gid.ParseAs(in.ID, gid.Order)
	if !ok {
		return nil, notFound("input", "id"), nil
	}
	var ue []usererror.Error
	if in.Email != nil && !contact.ValidEmail(*in.Email) {
		ue = append(ue, usererror.New(usererror.Invalid, "The email address is invalid.", "input", "email"))
	}
	if in.Note != nil && len(*in.Note) > 5000 {
		ue = append(ue, usererror.New(usererror.TooLong, "The note is at most 5000 characters.", "input", "note"))
	}
	tags := []string{}
	for i, t := range in.Tags {
		t = strings.TrimSpace(t)
		if t == "" || len(t) > 255 {
			ue = append(ue, usererror.New(usererror.Invalid, "A tag is 1 to 255 characters.", "input", "tags", i))
		}
		if !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	sort.Strings(tags)
	if len(ue) > 0 {
		return nil, ue, nil
	}
	uerrs, err := s.write(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		o, err := s.lock(ctx, tx, id)
		if ent.IsNotFound(err) {
			return "", nil, notFound("input", "id"), nil
		} else if err != nil {
			return "", nil, nil, err
		}
		changes := map[string]any{}
		u := tx.Order.UpdateOne(o)
		if in.Note != nil && *in.Note != deref(o.Note) {
			u.SetNote(*in.Note)
			changes["note"] = *in.Note
		}
		if in.Tags != nil && strings.Join(tags, ",") != strings.Join(o.Tags, ",") {
			u.SetTags(tags)
			changes["tags"] = tags
		}
		if in.Email != nil && *in.Email != deref(o.Email) {
			u.SetEmail(*in.Email)
			changes["email"] = *in.Email
		}
		if len(changes) == 0 {
			return GlobalID(o.ID), nil, nil, nil
		}
		if err := u.Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("update order: %w", err)
		}
		var what []string
		for k := range changes {
			what = append(what, k)
		}
		sort.Strings(what)
		msg := "Updated " + strings.Join(what, ", ")
		if n, ok := changes["note"]; ok {
			msg = "Note: " + n.(string)
			if len(what) > 1 {
				msg = "Updated " + strings.Join(what, ", ") + ". " + msg
			}
		}
		if err := Timeline(ctx, tx.Client(), o.ID, EventUpdated, msg); err != nil {
			return "", nil, nil, err
		}
		if err := Emit(ctx, tx.Client(), TopicUpdated, o.ID, changes); err != nil {
			return "", nil, nil, err
		}
		return GlobalID(o.ID), changes, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	o, err := s.db.Order.Get(ctx, id)
	return o, nil, err
}

// ProviderName is the configured provider's name ("" when none).
func (s *Service) ProviderName() string {
	if s.Provider == nil {
		return ""
	}
	return s.Provider.Name()
}
