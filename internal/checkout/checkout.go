// Package checkout completes carts into orders: it validates what a purchase needs,
// authorizes the payment, and places the order in one transaction — stock taken with
// conditional updates, discount usage counted, numbers assigned, the cart completed and an
// outbox event written — or keeps nothing. Attempt tokens make submissions idempotent.
package checkout

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"sort"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"storefront/ent"
	entcart "storefront/ent/cart"
	"storefront/ent/completionattempt"
	"storefront/ent/counter"
	"storefront/ent/discountcode"
	"storefront/ent/mailingaddress"
	entorder "storefront/ent/order"
	entpayment "storefront/ent/payment"
	"storefront/ent/product"
	"storefront/ent/schema"
	"storefront/internal/analytics"
	"storefront/internal/cart"
	"storefront/internal/contact"
	"storefront/internal/gid"
	"storefront/internal/giftcard"
	"storefront/internal/inventory"
	"storefront/internal/order"
	"storefront/internal/outbox"
	"storefront/internal/payment"
	"storefront/internal/sales"
	"storefront/internal/store"
)

// StaleAttempt is how long an attempt may stay PROCESSING before it is taken as
// interrupted (its server stopped between accepting and placing); it holds its cart
// against changes for as long.
const StaleAttempt = cart.CompletionHold

// CleanupTimeout bounds the work that runs after a request's own context is done with:
// ending a failed attempt, voiding its authorization, capturing a placed order's payment
// and recording its financial status. It runs detached from the request, so a request
// that times out still leaves its attempt ended and its money released.
const CleanupTimeout = 30 * time.Second

// maxPlaceTries bounds how often the placing transaction runs when it loses a deadlock or
// serialization conflict to another one.
const maxPlaceTries = 5

// Service completes carts.
type Service struct {
	db       *store.DB
	carts    *cart.Service
	orders   *order.Service
	provider payment.Provider // nil: direct payments are not available
	baseURL  string
	now      func() time.Time
	// Log receives payment clean-up failures (a void or capture the provider refused, an
	// attempt that could not be ended); slog.Default() when nil.
	Log *slog.Logger
	// Events records placed orders as analytics events; nil records none.
	Events *analytics.Recorder
}

// New returns a checkout service; provider nil switches direct payments off.
func New(db *store.DB, carts *cart.Service, orders *order.Service, provider payment.Provider, publicURL string) *Service {
	return &Service{db: db, carts: carts, orders: orders, provider: provider, baseURL: strings.TrimRight(publicURL, "/"),
		now: func() time.Time { return time.Now().UTC() }}
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// detached returns a context for clean-up: ctx's values without its cancellation, under
// CleanupTimeout.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), CleanupTimeout)
}

// SubmissionError is why a cart cannot be submitted yet (SubmissionErrorCode).
type SubmissionError struct {
	Code    string
	Message string
}

// Submission is the outcome of Submit: user errors (bad arguments), submission errors
// (the cart is not ready: SubmitFailed), or an accepted attempt (SubmitSuccess).
type Submission struct {
	UserErrors  []cart.UserError
	Errors      []SubmissionError
	CheckoutURL string
	AttemptID   string
	RedirectURL string
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Submit validates the cart and, when it is ready, completes it under the attempt token:
// the same token returns the same attempt, and a token already used for another cart is
// refused. From submission until the attempt ends the cart is held: changes to it are
// refused, and the order is placed from the cart as it was submitted (re-priced inside
// the placing transaction, and refused when that differs from what was authorized).
//
// User error codes: INVALID (unknown cart, bad or reused attempt token). Submission error
// codes: BUYER_IDENTITY_EMAIL_REQUIRED, BUYER_IDENTITY_EMAIL_IS_INVALID,
// DELIVERY_ADDRESS_REQUIRED, DELIVERY_ADDRESS1_REQUIRED, DELIVERY_CITY_REQUIRED,
// DELIVERY_LAST_NAME_REQUIRED, DELIVERY_COUNTRY_REQUIRED, NO_DELIVERY_GROUP_SELECTED,
// PAYMENTS_METHOD_REQUIRED, PAYMENTS_METHOD_UNAVAILABLE, PAYMENTS_UNACCEPTABLE_PAYMENT_AMOUNT,
// MERCHANDISE_OUT_OF_STOCK, MERCHANDISE_NOT_ENOUGH_STOCK_AVAILABLE,
// MERCHANDISE_PRODUCT_NOT_PUBLISHED, MERCHANDISE_LINE_LIMIT_REACHED (empty cart).
// Completion error codes (on the attempt): the payment's, INVENTORY_RESERVATION_ERROR,
// PAYMENT_ERROR (the cart's price changed after the payment was authorized: a discount
// can no longer be used, a price or rate changed), ERROR.
func (s *Service) Submit(ctx context.Context, cartID, attemptToken string) (Submission, error) {
	return s.submit(ctx, cartID, attemptToken, "")
}

// SubmitConfirmed is Submit for a buyer who confirmed the cart as it was when it had the
// given Fingerprint (a hosted checkout page posts back the fingerprint of the cart it
// showed). When the cart has changed since, nothing is submitted: the submission fails
// with PAYMENTS_UNACCEPTABLE_PAYMENT_AMOUNT so the buyer can review it.
func (s *Service) SubmitConfirmed(ctx context.Context, cartID, attemptToken, fingerprint string) (Submission, error) {
	if fingerprint == "" {
		return Submission{Errors: []SubmissionError{errChanged}}, nil
	}
	return s.submit(ctx, cartID, attemptToken, fingerprint)
}

var errChanged = SubmissionError{Code: "PAYMENTS_UNACCEPTABLE_PAYMENT_AMOUNT", Message: "The cart changed since it was shown: review it and pay again."}

func (s *Service) submit(ctx context.Context, cartID, attemptToken, fingerprint string) (Submission, error) {
	if attemptToken == "" || len(attemptToken) > 255 {
		return Submission{UserErrors: []cart.UserError{{Code: cart.CodeInvalid, Field: []string{"attemptToken"}, Message: "The attempt token must be 1 to 255 characters."}}}, nil
	}
	token, _, ok := cart.ParseID(cartID)
	if prev, err := s.db.CompletionAttempt.Query().Where(completionattempt.AttemptToken(attemptToken)).Only(ctx); err == nil {
		if !ok || prev.CartToken != token {
			return Submission{UserErrors: []cart.UserError{{Code: cart.CodeInvalid, Field: []string{"attemptToken"}, Message: "This attempt token was used for another cart."}}}, nil
		}
		if _, err := s.settle(ctx, prev); err != nil {
			return Submission{}, err
		}
		return s.accepted(prev), nil
	} else if !ent.IsNotFound(err) {
		return Submission{}, fmt.Errorf("find attempt: %w", err)
	}
	// Hold the cart before reading it: a change that lands before the hold is in what is
	// read below, one after it is refused while the attempt runs.
	publicID := newID()
	if err := s.carts.HoldForCompletion(ctx, cartID, publicID); err != nil {
		return Submission{}, err
	}
	c, err := s.carts.Get(ctx, cartID)
	if err != nil {
		return Submission{}, err
	}
	if c == nil {
		return Submission{UserErrors: []cart.UserError{{Code: cart.CodeInvalid, Field: []string{"cartId"}, Message: "The specified cart does not exist."}}}, nil
	}
	if err := s.checkCustomer(ctx, c); err != nil {
		return Submission{}, err
	}
	if errs := s.validate(ctx, c); len(errs) > 0 {
		return Submission{Errors: errs, CheckoutURL: c.CheckoutURL}, nil
	}
	if fingerprint != "" && c.Fingerprint() != fingerprint {
		return Submission{Errors: []SubmissionError{errChanged}, CheckoutURL: c.CheckoutURL}, nil
	}
	attempt, pending, err := s.record(ctx, c, attemptToken, publicID)
	if ent.IsConstraintError(err) { // the same token, submitted concurrently
		return s.submit(ctx, cartID, attemptToken, fingerprint)
	}
	if err != nil {
		return Submission{}, err
	}
	if err := s.complete(ctx, c, attempt, pending); err != nil {
		return Submission{}, err
	}
	return s.accepted(attempt), nil
}

func (s *Service) accepted(a *ent.CompletionAttempt) Submission {
	return Submission{AttemptID: a.PublicID, RedirectURL: s.baseURL + "/checkout/attempts/" + a.PublicID}
}

// validate lists what stops the cart from being purchased.
func (s *Service) validate(ctx context.Context, c *cart.Cart) []SubmissionError {
	var errs []SubmissionError
	add := func(code, msg string) { errs = append(errs, SubmissionError{Code: code, Message: msg}) }
	if len(c.Lines) == 0 {
		add("MERCHANDISE_LINE_LIMIT_REACHED", "The cart is empty.")
	}
	switch {
	case c.Email == nil || *c.Email == "":
		add("BUYER_IDENTITY_EMAIL_REQUIRED", "An email address is required.")
	case !contact.ValidEmail(*c.Email):
		add("BUYER_IDENTITY_EMAIL_IS_INVALID", "The email address is invalid.")
	}
	if c.NeedsShipping() {
		var selected *ent.MailingAddress
		for _, a := range c.Addresses {
			if a.Selected {
				selected = a
			}
		}
		switch {
		case selected == nil:
			add("DELIVERY_ADDRESS_REQUIRED", "A delivery address is required.")
		default:
			a := cart.Snapshot(selected)
			for _, req := range []struct{ v, code, msg string }{
				{a.LastName, "DELIVERY_LAST_NAME_REQUIRED", "The last name is required."},
				{a.Address1, "DELIVERY_ADDRESS1_REQUIRED", "The street address is required."},
				{a.City, "DELIVERY_CITY_REQUIRED", "The city is required."},
				{a.CountryCode, "DELIVERY_COUNTRY_REQUIRED", "The country is required."},
			} {
				if strings.TrimSpace(req.v) == "" {
					add(req.code, req.msg)
				}
			}
			if c.Group == nil || len(c.Group.Options) == 0 {
				add("DELIVERY_NO_DELIVERY_AVAILABLE", "There is no way to deliver to this address.")
			} else if c.Group.Selected == nil {
				add("NO_DELIVERY_GROUP_SELECTED", "Choose a delivery option.")
			}
		}
	}
	switch {
	case c.PaymentMethod == nil:
		add("PAYMENTS_METHOD_REQUIRED", "A payment method is required.")
	case *c.PaymentMethod == entcart.PaymentMethodDIRECT && s.provider == nil:
		add("PAYMENTS_METHOD_UNAVAILABLE", "Card payments are not available.")
	case c.PaymentAmount == nil || *c.PaymentAmount != c.Charge:
		add("PAYMENTS_UNACCEPTABLE_PAYMENT_AMOUNT", "The cart total changed since the payment was set: update the payment.")
	}
	for _, l := range c.Lines {
		switch {
		case l.Variant.Available <= 0:
			add("MERCHANDISE_OUT_OF_STOCK", fmt.Sprintf("%s is out of stock.", l.Variant.Title))
		case l.Variant.Available < l.Quantity:
			add("MERCHANDISE_NOT_ENOUGH_STOCK_AVAILABLE", fmt.Sprintf("Only %d of %s are available.", l.Variant.Available, l.Variant.Title))
		}
	}
	if len(c.Lines) > 0 {
		ids := make([]int, len(c.Lines))
		for i, l := range c.Lines {
			ids[i] = l.Variant.ProductID
		}
		now := s.now()
		n, err := s.db.Product.Query().Where(product.IDIn(ids...), product.Published(true),
			product.Or(product.PublishedAtIsNil(), product.PublishedAtLTE(now))).Count(ctx)
		if err == nil && n < distinct(ids) {
			add("MERCHANDISE_PRODUCT_NOT_PUBLISHED", "A product in the cart is no longer available.")
		}
	}
	return errs
}

func distinct(ids []int) int {
	seen := map[int]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	return len(seen)
}

// errFailed ends the placing transaction with a completion error.
type errFailed struct{ schema.CompletionError }

func (e errFailed) Error() string { return e.Message }

// errInternal is what the buyer is told when placing failed for a reason of ours.
var errInternal = schema.CompletionError{Code: "ERROR", Message: "The order could not be placed."}

// ActionTimeout is how long an attempt may wait for the buyer's action (a 3-D Secure
// challenge): one still waiting after this is ended as failed and its authorization voided.
const ActionTimeout = time.Hour

// pays reports whether the cart's payment goes through the provider.
func pays(c *cart.Cart) bool {
	return c.PaymentMethod != nil && *c.PaymentMethod == entcart.PaymentMethodDIRECT && c.Charge > 0
}

// record writes the accepted attempt and, when the provider is to be paid, its
// authorization PENDING, in one transaction (one commit) before the provider is called.
func (s *Service) record(ctx context.Context, c *cart.Cart, attemptToken, publicID string) (*ent.CompletionAttempt, *ent.Payment, error) {
	var attempt *ent.CompletionAttempt
	var pending *ent.Payment
	err := store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		var err error
		attempt, err = tx.CompletionAttempt.Create().SetAttemptToken(attemptToken).SetPublicID(publicID).SetCartToken(c.Token).Save(ctx)
		if err != nil {
			return fmt.Errorf("record attempt: %w", err)
		}
		if !pays(c) {
			return nil
		}
		pending, err = order.RecordPending(ctx, tx.Client(), order.Pending{Kind: entpayment.KindAUTHORIZATION, AttemptID: &attempt.ID,
			Amount: c.Charge, Currency: c.Currency, Key: authorizeKey(attempt),
			Provider: s.provider.Name(), Test: payment.IsTest(s.provider)})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return attempt, pending, nil
}

// complete pays and places the order for an accepted attempt, recording the outcome on it.
// Authorizing and placing run on the request's context; what follows a failure (ending the
// attempt, voiding) and what follows the commit (capture, financial status) run detached
// from it, so neither is dropped when the request times out, and nothing after the commit
// reports the placed order as failed. A payment that waits for the buyer's action leaves
// the attempt ACTION_REQUIRED: the order is placed when they are back (resume).
func (s *Service) complete(ctx context.Context, c *cart.Cart, attempt *ent.CompletionAttempt, p *ent.Payment) error {
	var auth string
	// Gift cards pay their part inside the placing transaction; the provider is asked only
	// for what is left (c.Charge), and not at all when the gift cards pay everything. The
	// authorization p was recorded PENDING with the attempt, before the call, and is settled
	// after it (after the buyer's action, when the provider asks for one).
	if p != nil {
		var err error
		auth, err = s.provider.Authorize(ctx, payment.Request{SessionID: *c.PaymentSessionID, Amount: c.Charge, Currency: c.Currency,
			IdempotencyKey: p.IdempotencyKey, Reference: attempt.PublicID, ReturnURL: s.accepted(attempt).RedirectURL})
		var action *payment.ActionRequired
		if errors.As(err, &action) {
			return s.await(ctx, c, attempt, action)
		}
		if err != nil {
			if _, serr := s.orders.Settle(ctx, p.ID, auth, err); serr != nil {
				s.log().ErrorContext(ctx, "record authorization outcome", "attempt", attempt.PublicID, "error", serr.Error())
			}
			e, ok := payment.AsError(err)
			if !ok {
				e = &payment.Error{Code: "PAYMENT_ERROR", Message: "The payment could not be processed."}
			}
			s.abandon(ctx, attempt, "", schema.CompletionError{Code: e.Code, Message: e.Message})
			return nil
		}
		// The authorization is settled and kept on the attempt in one transaction, until the
		// attempt ends: if this server stops before placing the order, the attempt is settled
		// later and the authorization voided.
		if _, err := s.orders.SettleAnd(ctx, p.ID, auth, nil, func(tx *ent.Tx) error {
			return tx.CompletionAttempt.Update().Where(completionattempt.ID(attempt.ID)).SetAuthorization(auth).Exec(ctx)
		}); err != nil {
			s.abandon(ctx, attempt, auth, errInternal)
			return fmt.Errorf("record authorization: %w", err)
		}
	}
	return s.finish(ctx, c, attempt, auth)
}

// finish places the order for an attempt whose payment is authorized (auth, "" when
// nothing is paid), then collects the payment; a failure ends the attempt and voids.
func (s *Service) finish(ctx context.Context, c *cart.Cart, attempt *ent.CompletionAttempt, auth string) error {
	orderID, capture, err := s.place(ctx, c, attempt, auth)
	if err != nil {
		var failed errFailed
		if errors.As(err, &failed) {
			s.abandon(ctx, attempt, auth, failed.CompletionError)
			return nil
		}
		s.abandon(ctx, attempt, auth, errInternal)
		return err
	}
	s.trackOrder(ctx, c, orderID)
	s.collect(ctx, attempt, orderID, auth, capture)
	return nil
}

// trackOrder records a placed order for the analytics (after its commit, queued without
// waiting): its lines, units and revenue, in minor units of the shop currency.
func (s *Service) trackOrder(ctx context.Context, c *cart.Cart, orderID int) {
	if s.Events == nil {
		return
	}
	e := analytics.Event{Name: analytics.CheckoutCompleted, CartKey: analytics.CartKey(c.Token), OrderID: orderID, Amount: c.Pricer.ToShop(c.Cost.Total)}
	if c.CustomerID != nil {
		e.CustomerID = *c.CustomerID
	}
	for i, l := range c.Lines {
		lc := c.Cost.Lines[i]
		e.Lines = append(e.Lines, analytics.Line{ProductID: l.Variant.ProductID, VariantID: l.VariantID, Quantity: l.Quantity, Amount: c.Pricer.ToShop(lc.Total - lc.OrderShare)})
	}
	s.Events.Track(ctx, e)
}

// authorizeKey is the idempotency key of an attempt's authorization (and of its payment
// record).
func authorizeKey(a *ent.CompletionAttempt) string { return "checkout:" + a.PublicID + ":authorize" }

// settleAuthorization records the outcome of an authorization that waited for the buyer's
// action.
func (s *Service) settleAuthorization(ctx context.Context, a *ent.CompletionAttempt, auth string, err error) {
	p, qerr := s.db.Payment.Query().Where(entpayment.IdempotencyKey(authorizeKey(a))).Only(ctx)
	if qerr == nil {
		_, qerr = s.orders.Settle(ctx, p.ID, auth, err)
	}
	if qerr != nil {
		s.log().ErrorContext(ctx, "record authorization outcome", "attempt", a.PublicID, "error", qerr.Error())
	}
}

// await records that the attempt's payment waits for the buyer's action: the attempt
// becomes ACTION_REQUIRED with the authorization, where the buyer must go, the cart it
// pays for and the customer the submission proved. A failure to record it ends the attempt
// and voids.
func (s *Service) await(ctx context.Context, c *cart.Cart, a *ent.CompletionAttempt, action *payment.ActionRequired) error {
	n, err := s.db.CompletionAttempt.Update().
		Where(completionattempt.ID(a.ID), completionattempt.StatusEQ(completionattempt.StatusPROCESSING)).
		SetStatus(completionattempt.StatusACTION_REQUIRED).SetAuthorization(action.Authorization).SetActionURL(action.URL).
		SetCartFingerprint(c.Fingerprint()).SetNillableCustomerID(c.CustomerID).Save(ctx)
	if err != nil {
		s.abandon(ctx, a, action.Authorization, errInternal)
		return fmt.Errorf("record payment action: %w", err)
	}
	if n == 0 { // settled as interrupted meanwhile: release what was authorized
		ctx, cancel := detached(ctx)
		defer cancel()
		s.release(ctx, a, action.Authorization)
	}
	return nil
}

// resume continues an ACTION_REQUIRED attempt when it is polled: the provider says
// whether the buyer's action authorized the payment. Authorized, the attempt is claimed
// back to PROCESSING (one poller wins) and the order placed from the cart, which must be
// the cart that was authorized; declined, or still waiting after ActionTimeout, the
// attempt fails and the authorization is voided; still waiting, or the provider
// unreachable, nothing changes. It reports whether the attempt changed.
func (s *Service) resume(ctx context.Context, a *ent.CompletionAttempt) (bool, error) {
	r, ok := s.provider.(payment.Resumer)
	if a.Status != completionattempt.StatusACTION_REQUIRED || a.Authorization == nil || !ok {
		return false, nil
	}
	auth := *a.Authorization
	err := r.Resume(ctx, auth)
	var action *payment.ActionRequired
	switch {
	case errors.As(err, &action):
		if s.now().Sub(a.UpdatedAt) <= ActionTimeout {
			return false, nil
		}
		err = &payment.Error{Code: "PAYMENT_ERROR", Message: "The payment was not confirmed in time; submit again."}
	case err != nil:
		if e, ok := payment.AsError(err); !ok || e.Transient {
			s.log().WarnContext(ctx, "read payment awaiting action", "attempt", a.PublicID, "error", err.Error())
			return false, nil
		}
	}
	if err != nil {
		e, _ := payment.AsError(err)
		ctx, cancel := detached(ctx)
		defer cancel()
		s.settleAuthorization(ctx, a, auth, err)
		claimed, err := s.endFrom(ctx, a, completionattempt.StatusACTION_REQUIRED, schema.CompletionError{Code: e.Code, Message: e.Message})
		if err != nil || !claimed {
			return err == nil, err
		}
		s.release(ctx, a, auth)
		return true, nil
	}
	n, err := s.db.CompletionAttempt.Update().
		Where(completionattempt.ID(a.ID), completionattempt.StatusEQ(completionattempt.StatusACTION_REQUIRED)).
		SetStatus(completionattempt.StatusPROCESSING).ClearActionURL().Save(ctx)
	if err != nil || n == 0 {
		return err == nil, err
	}
	c, err := s.carts.ForAttempt(ctx, a.CartToken)
	if err != nil {
		s.abandon(ctx, a, auth, errInternal)
		return true, err
	}
	if c == nil || a.CartFingerprint == nil || c.Fingerprint() != *a.CartFingerprint {
		s.abandon(ctx, a, auth, schema.CompletionError{Code: "PAYMENT_ERROR", Message: "The cart changed while the payment was being confirmed; the payment was not taken. Review the cart and pay again."})
		return true, nil
	}
	s.settleAuthorization(ctx, a, auth, nil)
	c.CustomerID = a.CustomerID
	return true, s.finish(ctx, c, a, auth)
}

// collect captures a placed order's payment when the shop's capture policy is AUTOMATIC
// (capture: the PENDING capture the placing transaction wrote; under MANUAL it stays
// AUTHORIZED for orderCapture or the first fulfilment) and emails the order confirmation.
// A capture the provider refuses leaves the order AUTHORIZED, with the failure on its
// timeline and on the attempt. The order stands whatever happens here.
func (s *Service) collect(ctx context.Context, a *ent.CompletionAttempt, orderID int, auth string, capture *ent.Payment) {
	ctx, cancel := detached(ctx)
	defer cancel()
	if capture != nil {
		p, err := s.orders.ExecuteLazily(ctx, capture)
		if err == nil && p.Status == entpayment.StatusFAILURE {
			msg := ""
			if p.ErrorMessage != nil {
				msg = *p.ErrorMessage
			}
			err = fmt.Errorf("capture order %d: The payment provider refused the capture: %s", orderID, msg)
		}
		if err != nil {
			s.paymentFailed(ctx, a, auth, "capture", err)
		}
	}
	s.orders.Notify(ctx, order.Notice{Kind: order.MailConfirmation, OrderID: orderID})
}

// abandon ends a running attempt as failed with e and releases its authorization (auth,
// "" when none was taken). The attempt is claimed first — only the caller that ends it
// voids, so an authorization is never voided twice nor under an order being committed —
// and the work runs detached from ctx.
func (s *Service) abandon(ctx context.Context, a *ent.CompletionAttempt, auth string, e schema.CompletionError) {
	ctx, cancel := detached(ctx)
	defer cancel()
	claimed, err := s.end(ctx, a, e)
	if err != nil {
		// Still PROCESSING with its authorization: settled when polled after StaleAttempt.
		s.log().ErrorContext(ctx, "end checkout attempt", "attempt", a.PublicID, "error", err.Error())
		return
	}
	if claimed && auth != "" {
		s.release(ctx, a, auth)
	}
}

// end ends a running attempt as failed (an attempt that already ended keeps its outcome)
// and reports whether it was still running. Its authorization stays recorded until release.
func (s *Service) end(ctx context.Context, a *ent.CompletionAttempt, e schema.CompletionError) (bool, error) {
	return s.endFrom(ctx, a, completionattempt.StatusPROCESSING, e)
}

// endFrom ends the attempt as failed if it is still in status from, and reports whether it was.
func (s *Service) endFrom(ctx context.Context, a *ent.CompletionAttempt, from completionattempt.Status, e schema.CompletionError) (bool, error) {
	n, err := s.db.CompletionAttempt.Update().
		Where(completionattempt.ID(a.ID), completionattempt.StatusEQ(from)).
		SetStatus(completionattempt.StatusFAILED).SetErrors([]schema.CompletionError{e}).SetCompletedAt(s.now()).Save(ctx)
	if err != nil {
		return false, fmt.Errorf("end attempt: %w", err)
	}
	return n == 1, nil
}

// release voids the authorization of an attempt the caller ended, then forgets it. One the
// provider refuses to void stays recorded on the attempt with the failure, and is logged.
func (s *Service) release(ctx context.Context, a *ent.CompletionAttempt, auth string) {
	op := payment.Op{Authorization: auth, IdempotencyKey: "checkout:" + a.PublicID + ":void"}
	pv := order.Pending{Kind: entpayment.KindVOID, AttemptID: &a.ID, Authorization: auth, Currency: "XXX",
		Key: op.IdempotencyKey, Provider: s.provider.Name(), Test: payment.IsTest(s.provider)}
	if authz, err := s.db.Payment.Query().Where(entpayment.AttemptID(a.ID), entpayment.KindEQ(entpayment.KindAUTHORIZATION)).First(ctx); err == nil {
		pv.Amount, pv.Currency = authz.Amount, authz.CurrencyCode
		op.Amount, op.Currency = authz.Amount, authz.CurrencyCode
	}
	p, err := order.RecordPending(ctx, s.db.Client, pv)
	if ent.IsConstraintError(err) { // voided before under this key: the provider answers the same
		p, err = s.db.Payment.Query().Where(entpayment.IdempotencyKey(op.IdempotencyKey)).Only(ctx)
	}
	if err != nil {
		s.log().ErrorContext(ctx, "record pending void", "attempt", a.PublicID, "error", err.Error())
	}
	ref, err := s.provider.Void(ctx, op)
	if p != nil {
		if _, serr := s.orders.Settle(ctx, p.ID, ref, err); serr != nil {
			s.log().ErrorContext(ctx, "record void outcome", "attempt", a.PublicID, "error", serr.Error())
		}
	}
	if err != nil {
		s.paymentFailed(ctx, a, auth, "void", err)
		return
	}
	if err := s.db.CompletionAttempt.UpdateOneID(a.ID).ClearAuthorization().Exec(ctx); err != nil {
		s.log().ErrorContext(ctx, "forget voided authorization", "attempt", a.PublicID, "error", err.Error())
	}
}

// paymentFailed logs a void or capture the provider refused and records it on the attempt,
// which keeps the authorization so the merchant can act on it.
func (s *Service) paymentFailed(ctx context.Context, a *ent.CompletionAttempt, auth, step string, cause error) {
	s.log().ErrorContext(ctx, "checkout payment "+step+" failed", "attempt", a.PublicID, "error", cause.Error())
	msg := fmt.Sprintf("%s failed: %v", step, cause)
	if err := s.db.CompletionAttempt.UpdateOneID(a.ID).SetAuthorization(auth).SetPaymentError(msg).Exec(ctx); err != nil {
		s.log().ErrorContext(ctx, "record payment "+step+" failure", "attempt", a.PublicID, "error", err.Error())
	}
}

// settle ends an attempt left PROCESSING longer than StaleAttempt: its server stopped
// between accepting and placing (placing and marking the attempt are one transaction, so
// no order exists). The attempt is claimed first, then the authorization it took voided,
// so the buyer is not charged for an order that was never placed and concurrent polls void
// once; one the provider refuses to void stays recorded on the failed attempt for the
// merchant to release. The buyer can submit again with a new token. It reports whether the
// attempt was settled (here or by a concurrent caller), so a should be read again.
func (s *Service) settle(ctx context.Context, a *ent.CompletionAttempt) (bool, error) {
	since := a.CreatedAt
	if a.CartFingerprint != nil { // resumed after the buyer's action: running since then
		since = a.UpdatedAt
	}
	if a.Status != completionattempt.StatusPROCESSING || s.now().Sub(since) <= StaleAttempt {
		return false, nil
	}
	ctx, cancel := detached(ctx)
	defer cancel()
	claimed, err := s.end(ctx, a, schema.CompletionError{Code: "ERROR", Message: "The attempt was interrupted; submit again with a new attempt token."})
	if err != nil || !claimed {
		return err == nil, err
	}
	if a.Authorization != nil && s.provider != nil {
		s.release(ctx, a, *a.Authorization)
	}
	return true, nil
}

// place writes the order in one transaction and returns its ID and, under the AUTOMATIC
// capture policy, the PENDING capture written with it (for collect). A transaction that loses
// a deadlock or serialization conflict runs again, up to maxPlaceTries times.
func (s *Service) place(ctx context.Context, c *cart.Cart, attempt *ent.CompletionAttempt, auth string) (int, *ent.Payment, error) {
	for try := 1; ; try++ {
		id, capture, err := s.placeOnce(ctx, c, attempt, auth)
		if err == nil || try == maxPlaceTries || !store.Retryable(err) {
			return id, capture, err
		}
		s.log().WarnContext(ctx, "placing order conflicted with another transaction; retrying", "attempt", attempt.PublicID, "try", try, "error", err.Error())
		wait := time.Duration(try) * (5*time.Millisecond + mathrand.N(10*time.Millisecond))
		select {
		case <-ctx.Done():
			return 0, nil, fmt.Errorf("place order: %w", ctx.Err())
		case <-time.After(wait):
		}
	}
}

func (s *Service) placeOnce(ctx context.Context, c *cart.Cart, attempt *ent.CompletionAttempt, auth string) (int, *ent.Payment, error) {
	tx, err := s.db.Tx(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("begin: %w", err)
	}
	o, err := s.placeTx(ctx, tx, c, attempt, auth)
	if err != nil {
		_ = tx.Rollback()
		return 0, nil, err
	}
	// Under the AUTOMATIC capture policy the capture is recorded PENDING with the order (one
	// commit for both), before the provider is asked for it after the commit.
	var capture *ent.Payment
	if auth != "" {
		if capture, err = s.orders.PendingAutomaticCapture(ctx, tx, o, "checkout:"+attempt.PublicID+":capture"); err != nil {
			_ = tx.Rollback()
			return 0, nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, nil, fmt.Errorf("commit order: %w", err)
	}
	return o.ID, capture, nil
}

// placeTx places the order from the cart as the transaction sees it. Row locks are taken
// in one order by every checkout, so concurrent ones wait for each other but never
// deadlock: the cart, its discount codes by ID, its gift cards by ID, its variants by ID,
// their products by ID, then the order counter. The cart is re-priced once its codes and
// gift cards are locked (usage limits, once-per-customer redemptions and gift card
// balances read then are final) and must be exactly the cart that was submitted and
// authorized (submitted): otherwise the attempt fails with PAYMENT_ERROR. Gift cards are
// debited here, in the same transaction as the order.
func (s *Service) placeTx(ctx context.Context, tx *ent.Tx, submitted *cart.Cart, attempt *ent.CompletionAttempt, auth string) (*ent.Order, error) {
	c, err := s.carts.LockForCompletion(ctx, tx, submitted.ID)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errFailed{schema.CompletionError{Code: "ERROR", Message: "The cart was already completed."}}
	}
	if c.Fingerprint() != submitted.Fingerprint() || c.Cost.Total != submitted.Cost.Total || c.Charge != submitted.Charge {
		return nil, errFailed{changed(submitted, c)}
	}
	// The order is the customer's only when the submission proved it (checkCustomer).
	c.CustomerID = submitted.CustomerID
	// Take stock, variants by ID, then count units sold, products by ID.
	units := map[int]int{}
	sold := map[int]int{}
	for _, l := range c.Lines {
		units[l.VariantID] += l.Quantity
		sold[l.Variant.ProductID] += l.Quantity
	}
	// The outbox events of the order (its stock changes, then the order), written at the end
	// in one statement.
	var events outbox.Batch
	var taken []inventory.Sale
	for _, id := range sortedKeys(units) {
		sale, ok, err := s.take(ctx, tx, id, units[id])
		if err != nil {
			return nil, err
		}
		if !ok {
			title := ""
			for _, l := range c.Lines {
				if l.VariantID == id {
					title = l.Variant.Title
				}
			}
			return nil, errFailed{schema.CompletionError{Code: "INVENTORY_RESERVATION_ERROR", Message: title + " sold out while you were checking out."}}
		}
		taken = append(taken, sale)
	}
	// Every stock change goes into the inventory ledger, in the same transaction.
	if err := inventory.RecordSales(ctx, tx, taken, &events); err != nil {
		return nil, err
	}
	products := map[int]string{}
	for _, id := range sortedKeys(sold) {
		rows, err := tx.QueryContext(ctx, s.sql(`UPDATE products SET units_sold = units_sold + ? WHERE id = ? RETURNING title`), sold[id], id)
		if err != nil {
			return nil, fmt.Errorf("count units sold of product %d: %w", id, err)
		}
		for rows.Next() {
			var title string
			if err := rows.Scan(&title); err != nil {
				rows.Close()
				return nil, fmt.Errorf("count units sold of product %d: %w", id, err)
			}
			products[id] = title
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("count units sold of product %d: %w", id, err)
		}
	}
	// Count the codes' use. Their rules held when the cart was re-priced under their locks;
	// the usage limit in the statement and the unique once-per-customer redemption are the
	// database's own guard.
	discounts, err := s.redeem(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	number, err := s.nextNumber(ctx, tx)
	if err != nil {
		return nil, err
	}
	var totalDiscounts int64
	for _, l := range c.Cost.Lines {
		for _, a := range l.Allocations {
			totalDiscounts += a.Amount
		}
	}
	for _, a := range c.Cost.OrderAllocations {
		totalDiscounts += a.Amount
	}
	tax := int64(0)
	if c.Cost.Tax != nil {
		tax = *c.Cost.Tax
	}
	// An authorized payment is captured after the commit (AUTOMATIC capture policy) or later;
	// an order with nothing to pay through a provider is paid.
	financialStatus := entorder.FinancialStatusPAID
	if auth != "" {
		financialStatus = entorder.FinancialStatusAUTHORIZED
	}
	ob := tx.Order.Create().SetNumber(number).SetName(fmt.Sprintf("#%d", number)).
		SetNillableEmail(c.Email).SetNillablePhone(c.Phone).SetNillableCustomerID(c.CustomerID).
		SetCurrencyCode(c.Currency).SetSubtotal(c.Cost.Subtotal).SetTotalDiscounts(totalDiscounts).
		SetTotalShipping(c.Cost.Shipping).SetTotalTax(tax).SetTotal(c.Cost.Total).
		SetFinancialStatus(financialStatus).SetProcessedAt(s.now()).SetStatusToken(newID()).
		SetCustomAttributes(c.Attributes).SetDiscounts(discounts).
		SetTest(c.Charge > 0 && c.PaymentMethod != nil && *c.PaymentMethod == entcart.PaymentMethodDIRECT && payment.IsTest(s.provider)).
		// The amounts in the shop currency, at the rate the cart was priced at.
		SetShopCurrencyCode(c.Pricer.ShopCurrency).SetExchangeRate(c.Pricer.Rate()).
		SetShopSubtotal(c.Pricer.ToShop(c.Cost.Subtotal)).SetShopTotalDiscounts(c.Pricer.ToShop(totalDiscounts)).
		SetShopTotalShipping(c.Pricer.ToShop(c.Cost.Shipping)).SetShopTotalTax(c.Pricer.ToShop(tax)).
		SetShopTotal(c.Pricer.ToShop(c.Cost.Total))
	// Snapshots of the shipping and billing addresses, written in one statement.
	var addrs []*ent.MailingAddressCreate
	shipping, billing := -1, -1
	if c.Group != nil {
		shipping = len(addrs)
		addrs = append(addrs, snapshotAddress(tx, cart.Snapshot(c.Group.Address)))
	}
	if c.BillingAddress != nil && c.BillingAddress.CountryCode != "" {
		billing = len(addrs)
		addrs = append(addrs, snapshotAddress(tx, *c.BillingAddress))
	}
	var snapshots []int
	if len(addrs) > 0 {
		saved, err := tx.MailingAddress.CreateBulk(addrs...).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("snapshot addresses: %w", err)
		}
		for _, a := range saved {
			snapshots = append(snapshots, a.ID)
		}
		if shipping >= 0 {
			ob.SetShippingAddressID(saved[shipping].ID)
		}
		if billing >= 0 {
			ob.SetBillingAddressID(saved[billing].ID)
		}
	}
	o, err := ob.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create order: %w", err)
	}
	if len(snapshots) > 0 {
		if _, err := tx.MailingAddress.Update().Where(mailingaddress.IDIn(snapshots...)).SetOrderID(o.ID).Save(ctx); err != nil {
			return nil, fmt.Errorf("link order addresses: %w", err)
		}
	}
	rows := make([]*ent.OrderLineCreate, len(c.Lines))
	for i, l := range c.Lines {
		lc := c.Cost.Lines[i]
		rows[i] = tx.OrderLine.Create().SetOrderID(o.ID).SetVariantID(l.VariantID).SetTitle(products[l.Variant.ProductID]).
			SetVariantTitle(l.Variant.Title).SetNillableSku(l.Variant.Sku).SetQuantity(l.Quantity).SetCurrentQuantity(l.Quantity).
			SetUnitPrice(l.UnitPrice).SetOriginalTotal(lc.Subtotal).SetDiscountedTotal(lc.Total - lc.OrderShare).SetPosition(i)
	}
	if err := tx.OrderLine.CreateBulk(rows...).Exec(ctx); err != nil {
		return nil, fmt.Errorf("create order lines: %w", err)
	}
	// Debit the gift cards (locked in ID order when the cart was re-priced); the statement
	// refuses to take more than is left, whatever the checks before it missed.
	for _, g := range c.GiftCards {
		if g.AmountUsed == 0 {
			continue
		}
		ok, err := giftcard.Debit(ctx, tx, g.Card.ID, g.AmountUsed, o.ID, s.now())
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errFailed{schema.CompletionError{Code: "PAYMENT_ERROR", Message: "A gift card's balance changed while you were checking out; review the cart and pay again."}}
		}
	}
	// The attempt's payments (its authorization) are the order's.
	if err := tx.Payment.Update().Where(entpayment.AttemptID(attempt.ID), entpayment.OrderIDIsNil()).SetOrderID(o.ID).Exec(ctx); err != nil {
		return nil, fmt.Errorf("link payments: %w", err)
	}
	timeline := []order.Entry{{Kind: order.EventPlaced, Message: "Order placed"}}
	if auth != "" {
		timeline = append(timeline, order.Entry{Kind: order.EventAuthorized, Message: "Authorized " + order.FormatAmount(c.Charge, c.Currency)})
	}
	if err := order.TimelineEntries(ctx, tx.Client(), o.ID, timeline...); err != nil {
		return nil, err
	}
	// The sales rollups count the order in its own transaction, in the shop currency.
	soldLines := make([]sales.Line, len(c.Lines))
	for i, l := range c.Lines {
		lc := c.Cost.Lines[i]
		soldLines[i] = sales.Line{VariantID: l.VariantID, ProductID: l.Variant.ProductID, Quantity: l.Quantity, Original: c.Pricer.ToShop(lc.Subtotal), Discounted: c.Pricer.ToShop(lc.Total - lc.OrderShare)}
	}
	if err := sales.RecordOrder(ctx, tx, s.db.Dialect == dialect.Postgres, sales.Order{ProcessedAt: o.ProcessedAt, CustomerID: c.CustomerID, Email: c.Email,
		Discounts: c.Pricer.ToShop(totalDiscounts), Tax: c.Pricer.ToShop(tax), Shipping: c.Pricer.ToShop(c.Cost.Shipping), Total: c.Pricer.ToShop(c.Cost.Total), Lines: soldLines}); err != nil {
		return nil, err
	}
	events.Add(outbox.OrdersCreate, order.GlobalID(o.ID), map[string]any{"orderNumber": number, "total": c.Cost.Total, "currency": c.Currency})
	if err := events.Emit(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Cart.Update().Where(entcart.ID(c.ID)).SetCompletedAt(s.now()).Exec(ctx); err != nil {
		return nil, fmt.Errorf("complete cart: %w", err)
	}
	n, err := tx.CompletionAttempt.Update().
		Where(completionattempt.ID(attempt.ID), completionattempt.StatusEQ(completionattempt.StatusPROCESSING)).
		SetStatus(completionattempt.StatusSUCCESS).SetOrderID(o.ID).SetCompletedAt(s.now()).ClearAuthorization().Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record attempt: %w", err)
	}
	if n == 0 { // settled as interrupted meanwhile: its buyer was told it failed
		return nil, errFailed{schema.CompletionError{Code: "ERROR", Message: "The attempt was interrupted; submit again with a new attempt token."}}
	}
	return o, nil
}

// take takes quantity units of a variant with a conditional update, which returns what is
// left and the SKU for the ledger (no second read); ok is false when there are not enough.
func (s *Service) take(ctx context.Context, tx *ent.Tx, id, quantity int) (inventory.Sale, bool, error) {
	rows, err := tx.QueryContext(ctx, s.sql(`UPDATE product_variants SET available = available - ? WHERE id = ? AND available >= ? RETURNING available, sku`), quantity, id, quantity)
	if err != nil {
		return inventory.Sale{}, false, fmt.Errorf("take stock of variant %d: %w", id, err)
	}
	defer rows.Close()
	sale := inventory.Sale{VariantID: id, Quantity: quantity}
	n := 0
	for rows.Next() {
		var sku sql.NullString
		if err := rows.Scan(&sale.Available, &sku); err != nil {
			return inventory.Sale{}, false, fmt.Errorf("take stock of variant %d: %w", id, err)
		}
		if sku.Valid {
			sale.Sku = &sku.String
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return inventory.Sale{}, false, fmt.Errorf("take stock of variant %d: %w", id, err)
	}
	if err := rows.Close(); err != nil {
		return inventory.Sale{}, false, fmt.Errorf("take stock of variant %d: %w", id, err)
	}
	return sale, n == 1, nil
}

// redeem counts one use of each code that applies to the re-priced cart c (codes in ID
// order, as locked) and records the buyer's redemptions, returning the order's discounts.
func (s *Service) redeem(ctx context.Context, tx *ent.Tx, c *cart.Cart) ([]schema.OrderDiscount, error) {
	var discounts []schema.OrderDiscount
	var ids []int
	var rows []*ent.DiscountRedemptionCreate
	email := ""
	if c.Email != nil {
		email = strings.ToLower(*c.Email)
	}
	for _, code := range c.Codes {
		d := code.Discount()
		if !code.Applicable || d == nil {
			continue
		}
		ids = append(ids, d.ID)
		rows = append(rows, tx.DiscountRedemption.Create().SetDiscountCodeID(d.ID).SetNillableCustomerID(c.CustomerID).
			SetEmail(email).SetOncePerCustomer(d.OncePerCustomer))
		sel := "ALL"
		if d.AppliesTo != discountcode.AppliesToORDER {
			sel = "ENTITLED"
		}
		discounts = append(discounts, schema.OrderDiscount{Code: d.Code, Kind: string(d.Kind), Value: d.Value, TargetSelection: sel})
	}
	if len(ids) == 0 {
		return discounts, nil
	}
	sort.Ints(ids)
	q := `UPDATE discount_codes SET usage_count = usage_count + 1 WHERE (usage_limit IS NULL OR usage_count < usage_limit) AND id IN (` + store.Marks(len(ids)) + `)`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	res, err := tx.ExecContext(ctx, s.sql(q), args...)
	if err != nil {
		return nil, fmt.Errorf("count discount use: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || int(n) != len(ids) {
		return nil, errFailed{schema.CompletionError{Code: "PAYMENT_ERROR", Message: "A discount code reached its usage limit while you were checking out; review the cart and pay again."}}
	}
	if err := tx.DiscountRedemption.CreateBulk(rows...).Exec(ctx); ent.IsConstraintError(err) {
		return nil, errFailed{schema.CompletionError{Code: "PAYMENT_ERROR", Message: "A discount code that can be used once per customer was already used by this buyer; review the cart and pay again."}}
	} else if err != nil {
		return nil, fmt.Errorf("record discount use: %w", err)
	}
	return discounts, nil
}

// changed explains why the cart re-priced in the placing transaction (now) is not the one
// whose payment was authorized (submitted).
func changed(submitted, now *cart.Cart) schema.CompletionError {
	was := map[string]bool{}
	for _, code := range submitted.Codes {
		was[strings.ToUpper(code.Code)] = code.Applicable
	}
	for _, code := range now.Codes {
		if was[strings.ToUpper(code.Code)] && !code.Applicable {
			return schema.CompletionError{Code: "PAYMENT_ERROR", Message: "The discount code " + code.Code + " can no longer be applied to this cart; the payment was not taken. Review the cart and pay again."}
		}
	}
	used := map[int]int64{}
	for _, g := range submitted.GiftCards {
		used[g.Card.ID] = g.AmountUsed
	}
	for _, g := range now.GiftCards {
		if g.AmountUsed != used[g.Card.ID] {
			return schema.CompletionError{Code: "PAYMENT_ERROR", Message: "The gift card ending in " + g.Card.LastCharacters + " no longer covers what it did when you paid (its balance changed); the payment was not taken. Review the cart and pay again."}
		}
		delete(used, g.Card.ID)
	}
	if len(used) > 0 {
		return schema.CompletionError{Code: "PAYMENT_ERROR", Message: "A gift card applied to the cart can no longer be used; the payment was not taken. Review the cart and pay again."}
	}
	return schema.CompletionError{Code: "PAYMENT_ERROR", Message: "The cart's price changed after the payment was authorized; the payment was not taken. Review the cart and pay again."}
}

func sortedKeys(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// sql rewrites ? placeholders for the dialect.
func (s *Service) sql(q string) string { return store.Rebind(s.db.Dialect, q) }

// nextNumber takes the next order number (1001, 1002, …) inside the transaction: the
// counter row is locked until commit, so numbers never repeat.
func (s *Service) nextNumber(ctx context.Context, tx *ent.Tx) (int, error) {
	for range 2 {
		rows, err := tx.QueryContext(ctx, s.sql(`UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value`), "order")
		if err != nil {
			return 0, fmt.Errorf("increment order counter: %w", err)
		}
		var value int64
		found := rows.Next()
		if found {
			err = rows.Scan(&value)
		}
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return 0, fmt.Errorf("increment order counter: %w", err)
		}
		if found {
			return 1000 + int(value), nil
		}
		// The first order: create the counter, then take its first number.
		if err := tx.Counter.Create().SetName("order").OnConflictColumns(counter.FieldName).Ignore().Exec(ctx); err != nil {
			return 0, fmt.Errorf("create order counter: %w", err)
		}
	}
	return 0, errors.New("order counter missing")
}

// snapshotAddress is the creation of a copy of a, kept with the order as it was entered.
func snapshotAddress(tx *ent.Tx, a cart.Address) *ent.MailingAddressCreate {
	b := tx.MailingAddress.Create()
	set := func(v string, f func(string) *ent.MailingAddressCreate) {
		if v != "" {
			f(v)
		}
	}
	set(a.FirstName, b.SetFirstName)
	set(a.LastName, b.SetLastName)
	set(a.Company, b.SetCompany)
	set(a.Address1, b.SetAddress1)
	set(a.Address2, b.SetAddress2)
	set(a.City, b.SetCity)
	set(a.Province, b.SetProvince)
	set(a.ProvinceCode, b.SetProvinceCode)
	set(a.Zip, b.SetZip)
	set(a.CountryCode, b.SetCountryCode)
	set(a.Phone, b.SetPhone)
	return b
}

// Attempt reports a completion attempt by its public ID (nil when unknown), with the
// order's status URL when it succeeded.
func (s *Service) Attempt(ctx context.Context, publicID string) (*ent.CompletionAttempt, string, error) {
	a, err := s.db.CompletionAttempt.Query().Where(completionattempt.PublicID(publicID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read attempt: %w", err)
	}
	changed, err := s.settle(ctx, a)
	if err != nil {
		return nil, "", err
	}
	if !changed {
		if changed, err = s.resume(ctx, a); err != nil {
			return nil, "", err
		}
	}
	if changed {
		if a, err = s.db.CompletionAttempt.Get(ctx, a.ID); err != nil {
			return nil, "", fmt.Errorf("read attempt: %w", err)
		}
	}
	if a.OrderID == nil {
		return a, "", nil
	}
	o, err := s.db.Order.Get(ctx, *a.OrderID)
	if err != nil {
		return nil, "", fmt.Errorf("read order: %w", err)
	}
	return a, s.orders.StatusURL(o), nil
}

// OrderGlobalID is the global ID of an attempt's order.
func OrderGlobalID(id int) string { return gid.Format("Order", id) }
