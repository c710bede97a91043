// Package checkout completes carts into orders: it validates what a purchase needs,
// authorizes the payment, and places the order in one transaction — stock taken with
// conditional updates, discount usage counted, numbers assigned, the cart completed and an
// outbox event written — or keeps nothing. Attempt tokens make submissions idempotent.
package checkout

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
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
	"storefront/ent/product"
	"storefront/ent/schema"
	"storefront/internal/cart"
	"storefront/internal/contact"
	"storefront/internal/gid"
	"storefront/internal/inventory"
	"storefront/internal/order"
	"storefront/internal/payment"
	"storefront/internal/store"
)

// StaleAttempt is how long an attempt may stay PROCESSING before it is taken as
// interrupted (its server stopped between accepting and placing).
const StaleAttempt = time.Minute

// Service completes carts.
type Service struct {
	db       *store.DB
	carts    *cart.Service
	orders   *order.Service
	provider payment.Provider // nil: direct payments are not available
	baseURL  string
	now      func() time.Time
}

// New returns a checkout service; provider nil switches direct payments off.
func New(db *store.DB, carts *cart.Service, orders *order.Service, provider payment.Provider, publicURL string) *Service {
	return &Service{db: db, carts: carts, orders: orders, provider: provider, baseURL: strings.TrimRight(publicURL, "/"),
		now: func() time.Time { return time.Now().UTC() }}
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
// refused.
//
// User error codes: INVALID (unknown cart, bad or reused attempt token). Submission error
// codes: BUYER_IDENTITY_EMAIL_REQUIRED, BUYER_IDENTITY_EMAIL_IS_INVALID,
// DELIVERY_ADDRESS_REQUIRED, DELIVERY_ADDRESS1_REQUIRED, DELIVERY_CITY_REQUIRED,
// DELIVERY_LAST_NAME_REQUIRED, DELIVERY_COUNTRY_REQUIRED, NO_DELIVERY_GROUP_SELECTED,
// PAYMENTS_METHOD_REQUIRED, PAYMENTS_METHOD_UNAVAILABLE, PAYMENTS_UNACCEPTABLE_PAYMENT_AMOUNT,
// MERCHANDISE_OUT_OF_STOCK, MERCHANDISE_NOT_ENOUGH_STOCK_AVAILABLE,
// MERCHANDISE_PRODUCT_NOT_PUBLISHED, MERCHANDISE_LINE_LIMIT_REACHED (empty cart).
func (s *Service) Submit(ctx context.Context, cartID, attemptToken string) (Submission, error) {
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
	c, err := s.carts.Get(ctx, cartID)
	if err != nil {
		return Submission{}, err
	}
	if c == nil {
		return Submission{UserErrors: []cart.UserError{{Code: cart.CodeInvalid, Field: []string{"cartId"}, Message: "The specified cart does not exist."}}}, nil
	}
	if errs := s.validate(ctx, c); len(errs) > 0 {
		return Submission{Errors: errs, CheckoutURL: c.CheckoutURL}, nil
	}
	attempt, err := s.db.CompletionAttempt.Create().SetAttemptToken(attemptToken).SetPublicID(newID()).SetCartToken(c.Token).Save(ctx)
	if ent.IsConstraintError(err) { // the same token, submitted concurrently
		return s.Submit(ctx, cartID, attemptToken)
	}
	if err != nil {
		return Submission{}, fmt.Errorf("record attempt: %w", err)
	}
	if err := s.complete(ctx, c, attempt); err != nil {
		return Submission{}, err
	}
	attempt, err = s.db.CompletionAttempt.Get(ctx, attempt.ID)
	if err != nil {
		return Submission{}, fmt.Errorf("read attempt: %w", err)
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
	case c.PaymentAmount == nil || *c.PaymentAmount != c.Cost.Total:
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

// complete pays and places the order for an accepted attempt, recording the outcome on it.
func (s *Service) complete(ctx context.Context, c *cart.Cart, attempt *ent.CompletionAttempt) error {
	var auth string
	if c.PaymentMethod != nil && *c.PaymentMethod == entcart.PaymentMethodDIRECT && c.Cost.Total > 0 {
		var err error
		auth, err = s.provider.Authorize(ctx, payment.Request{SessionID: *c.PaymentSessionID, Amount: c.Cost.Total, Currency: c.Currency, IdempotencyKey: attempt.AttemptToken})
		if err != nil {
			e, ok := payment.AsError(err)
			if !ok {
				e = &payment.Error{Code: "PAYMENT_ERROR", Message: "The payment could not be processed."}
			}
			return s.fail(ctx, attempt, schema.CompletionError{Code: e.Code, Message: e.Message})
		}
		// Kept until the attempt ends: if this server stops before placing the order, the
		// attempt is settled later and the authorization voided.
		if err := s.db.CompletionAttempt.UpdateOneID(attempt.ID).SetAuthorization(auth).Exec(ctx); err != nil {
			_ = s.provider.Void(ctx, auth)
			_ = s.fail(ctx, attempt, schema.CompletionError{Code: "ERROR", Message: "The order could not be placed."})
			return fmt.Errorf("record authorization: %w", err)
		}
	}
	orderID, err := s.place(ctx, c, attempt)
	var failed errFailed
	switch {
	case errors.As(err, &failed):
		if auth != "" {
			_ = s.provider.Void(ctx, auth)
		}
		return s.fail(ctx, attempt, failed.CompletionError)
	case err != nil:
		if auth != "" {
			_ = s.provider.Void(ctx, auth)
		}
		_ = s.fail(ctx, attempt, schema.CompletionError{Code: "ERROR", Message: "The order could not be placed."})
		return err
	}
	status := "PAID"
	if auth != "" {
		if err := s.provider.Capture(ctx, auth, c.Cost.Total); err != nil {
			status = "AUTHORIZED" // captured later, by the merchant
		}
	}
	return s.db.Order.UpdateOneID(orderID).SetFinancialStatus(entorder.FinancialStatus(status)).Exec(ctx)
}

// fail ends a running attempt as failed (an attempt that already ended keeps its outcome).
func (s *Service) fail(ctx context.Context, a *ent.CompletionAttempt, e schema.CompletionError) error {
	_, err := s.end(ctx, a, e)
	return err
}

// end ends a running attempt as failed and reports whether it was still running. The
// attempt's authorization is forgotten unless keepAuth (it could not be voided).
func (s *Service) end(ctx context.Context, a *ent.CompletionAttempt, e schema.CompletionError, keepAuth ...bool) (bool, error) {
	u := s.db.CompletionAttempt.Update().
		Where(completionattempt.ID(a.ID), completionattempt.StatusEQ(completionattempt.StatusPROCESSING)).
		SetStatus(completionattempt.StatusFAILED).SetErrors([]schema.CompletionError{e}).SetCompletedAt(s.now())
	if len(keepAuth) == 0 || !keepAuth[0] {
		u.ClearAuthorization()
	}
	n, err := u.Save(ctx)
	if err != nil {
		return false, fmt.Errorf("end attempt: %w", err)
	}
	return n == 1, nil
}

// settle ends an attempt left PROCESSING longer than StaleAttempt: its server stopped
// between accepting and placing (placing and marking the attempt are one transaction, so
// no order exists). The authorization it took is voided first, so the buyer is not charged
// for an order that was never placed; one the provider refuses to void stays recorded on
// the failed attempt for the merchant to release. The buyer can submit again with a new
// token. It reports whether it settled the attempt.
func (s *Service) settle(ctx context.Context, a *ent.CompletionAttempt) (bool, error) {
	if a.Status != completionattempt.StatusPROCESSING || s.now().Sub(a.CreatedAt) <= StaleAttempt {
		return false, nil
	}
	voidFailed := false
	if a.Authorization != nil && s.provider != nil {
		voidFailed = s.provider.Void(ctx, *a.Authorization) != nil
	}
	return s.end(ctx, a, schema.CompletionError{Code: "ERROR", Message: "The attempt was interrupted; submit again with a new attempt token."}, voidFailed)
}

// place writes the order in one transaction and returns its ID.
func (s *Service) place(ctx context.Context, c *cart.Cart, attempt *ent.CompletionAttempt) (int, error) {
	tx, err := s.db.Tx(ctx)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	id, err := s.placeTx(ctx, tx, c, attempt)
	if err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit order: %w", err)
	}
	return id, nil
}

func (s *Service) placeTx(ctx context.Context, tx *ent.Tx, c *cart.Cart, attempt *ent.CompletionAttempt) (int, error) {
	q := tx.Cart.Query().Where(entcart.ID(c.ID))
	if s.db.Dialect == dialect.Postgres {
		q = q.ForUpdate()
	}
	locked, err := q.Only(ctx)
	if err != nil {
		return 0, fmt.Errorf("lock cart: %w", err)
	}
	if locked.CompletedAt != nil {
		return 0, errFailed{schema.CompletionError{Code: "ERROR", Message: "The cart was already completed."}}
	}
	// Take stock, in variant order so concurrent orders never deadlock.
	lines := append([]*cart.Line(nil), c.Lines...)
	sort.Slice(lines, func(i, j int) bool { return lines[i].VariantID < lines[j].VariantID })
	for _, l := range lines {
		res, err := tx.ExecContext(ctx, s.sql(`UPDATE product_variants SET available = available - ? WHERE id = ? AND available >= ?`), l.Quantity, l.VariantID, l.Quantity)
		if err != nil {
			return 0, fmt.Errorf("take stock of variant %d: %w", l.VariantID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return 0, errFailed{schema.CompletionError{Code: "INVENTORY_RESERVATION_ERROR", Message: l.Variant.Title + " sold out while you were checking out."}}
		}
		// Every stock change goes into the inventory ledger, in the same transaction.
		if err := inventory.RecordSold(ctx, tx, l.VariantID, l.Quantity); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, s.sql(`UPDATE products SET units_sold = units_sold + ? WHERE id = ?`), l.Quantity, l.Variant.ProductID); err != nil {
			return 0, fmt.Errorf("count units sold: %w", err)
		}
	}
	// Count discount usage against limits.
	var discounts []schema.OrderDiscount
	for _, code := range c.Codes {
		if !code.Applicable {
			continue
		}
		d, err := tx.DiscountCode.Query().Where(discountcode.CodeKey(strings.ToUpper(code.Code))).Only(ctx)
		if err != nil {
			return 0, fmt.Errorf("load discount %s: %w", code.Code, err)
		}
		res, err := tx.ExecContext(ctx, s.sql(`UPDATE discount_codes SET usage_count = usage_count + 1 WHERE id = ? AND (usage_limit IS NULL OR usage_count < usage_limit)`), d.ID)
		if err != nil {
			return 0, fmt.Errorf("count discount use: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, errFailed{schema.CompletionError{Code: "ERROR", Message: "The discount code " + code.Code + " has reached its usage limit."}}
		}
		email := ""
		if c.Email != nil {
			email = strings.ToLower(*c.Email)
		}
		if err := tx.DiscountRedemption.Create().SetDiscountCodeID(d.ID).SetNillableCustomerID(c.CustomerID).SetEmail(email).Exec(ctx); err != nil {
			return 0, fmt.Errorf("record discount use: %w", err)
		}
		sel := "ALL"
		if d.AppliesTo != discountcode.AppliesToORDER {
			sel = "ENTITLED"
		}
		discounts = append(discounts, schema.OrderDiscount{Code: d.Code, Kind: string(d.Kind), Value: d.Value, TargetSelection: sel})
	}
	number, err := s.nextNumber(ctx, tx)
	if err != nil {
		return 0, err
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
	ob := tx.Order.Create().SetNumber(number).SetName(fmt.Sprintf("#%d", number)).
		SetNillableEmail(c.Email).SetNillablePhone(c.Phone).SetNillableCustomerID(c.CustomerID).
		SetCurrencyCode(c.Currency).SetSubtotal(c.Cost.Subtotal).SetTotalDiscounts(totalDiscounts).
		SetTotalShipping(c.Cost.Shipping).SetTotalTax(tax).SetTotal(c.Cost.Total).
		SetFinancialStatus("PENDING").SetProcessedAt(s.now()).SetStatusToken(newID()).
		SetCustomAttributes(c.Attributes).SetDiscounts(discounts)
	var snapshots []int
	if c.Group != nil {
		a, err := snapshotAddress(ctx, tx, cart.Snapshot(c.Group.Address))
		if err != nil {
			return 0, err
		}
		ob.SetShippingAddressID(a.ID)
		snapshots = append(snapshots, a.ID)
	}
	if c.BillingAddress != nil && c.BillingAddress.CountryCode != "" {
		a, err := snapshotAddress(ctx, tx, *c.BillingAddress)
		if err != nil {
			return 0, err
		}
		ob.SetBillingAddressID(a.ID)
		snapshots = append(snapshots, a.ID)
	}
	o, err := ob.Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("create order: %w", err)
	}
	if len(snapshots) > 0 {
		if _, err := tx.MailingAddress.Update().Where(mailingaddress.IDIn(snapshots...)).SetOrderID(o.ID).Save(ctx); err != nil {
			return 0, fmt.Errorf("link order addresses: %w", err)
		}
	}
	ids := make([]int, len(c.Lines))
	for i, l := range c.Lines {
		ids[i] = l.Variant.ProductID
	}
	ps, err := tx.Product.Query().Where(product.IDIn(ids...)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("load products: %w", err)
	}
	products := map[int]string{}
	for _, p := range ps {
		products[p.ID] = p.Title
	}
	rows := make([]*ent.OrderLineCreate, len(c.Lines))
	for i, l := range c.Lines {
		lc := c.Cost.Lines[i]
		variantTitle := l.Variant.Title
		rows[i] = tx.OrderLine.Create().SetOrderID(o.ID).SetVariantID(l.VariantID).SetTitle(products[l.Variant.ProductID]).
			SetVariantTitle(variantTitle).SetNillableSku(l.Variant.Sku).SetQuantity(l.Quantity).SetCurrentQuantity(l.Quantity).
			SetUnitPrice(l.Variant.Price).SetOriginalTotal(lc.Subtotal).SetDiscountedTotal(lc.Total - lc.OrderShare).SetPosition(i)
	}
	if err := tx.OrderLine.CreateBulk(rows...).Exec(ctx); err != nil {
		return 0, fmt.Errorf("create order lines: %w", err)
	}
	if err := tx.Event.Create().SetTopic("orders/create").SetSubjectID(order.GlobalID(o.ID)).
		SetPayload(map[string]any{"orderNumber": number, "total": c.Cost.Total, "currency": c.Currency}).Exec(ctx); err != nil {
		return 0, fmt.Errorf("write event: %w", err)
	}
	if err := tx.Cart.UpdateOneID(c.ID).SetCompletedAt(s.now()).Exec(ctx); err != nil {
		return 0, fmt.Errorf("complete cart: %w", err)
	}
	n, err := tx.CompletionAttempt.Update().
		Where(completionattempt.ID(attempt.ID), completionattempt.StatusEQ(completionattempt.StatusPROCESSING)).
		SetStatus(completionattempt.StatusSUCCESS).SetOrderID(o.ID).SetCompletedAt(s.now()).ClearAuthorization().Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("record attempt: %w", err)
	}
	if n == 0 { // settled as interrupted meanwhile: its buyer was told it failed
		return 0, errFailed{schema.CompletionError{Code: "ERROR", Message: "The attempt was interrupted; submit again with a new attempt token."}}
	}
	return o.ID, nil
}

// sql rewrites ? placeholders for the dialect.
func (s *Service) sql(q string) string {
	if s.db.Dialect != dialect.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nextNumber takes the next order number (1001, 1002, …) inside the transaction: the
// counter row is locked until commit, so numbers never repeat.
func (s *Service) nextNumber(ctx context.Context, tx *ent.Tx) (int, error) {
	if err := tx.Counter.Create().SetName("order").OnConflictColumns(counter.FieldName).Ignore().Exec(ctx); err != nil {
		return 0, fmt.Errorf("create order counter: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.sql(`UPDATE counters SET value = value + 1 WHERE name = ?`), "order"); err != nil {
		return 0, fmt.Errorf("increment order counter: %w", err)
	}
	c, err := tx.Counter.Query().Where(counter.Name("order")).Only(ctx)
	if err != nil {
		return 0, fmt.Errorf("read order counter: %w", err)
	}
	return 1000 + int(c.Value), nil
}

func snapshotAddress(ctx context.Context, tx *ent.Tx, a cart.Address) (*ent.MailingAddress, error) {
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
	m, err := b.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("snapshot address: %w", err)
	}
	return m, nil
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
	if settled, err := s.settle(ctx, a); err != nil {
		return nil, "", err
	} else if settled {
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
