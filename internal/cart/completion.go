package cart

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"storefront/ent"
	entcart "storefront/ent/cart"
	"storefront/ent/completionattempt"
	"storefront/internal/store"
)

// CompletionHold is how long a running completion attempt holds its cart: changes to the
// cart are refused meanwhile. An attempt still running after this is taken as interrupted
// (its server stopped) and no longer holds the cart.
const CompletionHold = time.Minute

// errCartCompleting refuses a change to a cart whose completion attempt is running: the
// order is being placed from the cart as it was submitted.
func errCartCompleting() UserError {
	return UserError{Code: CodeInvalid, Field: path("cartId"),
		Message: "The cart is being checked out and cannot change until the completion attempt ends."}
}

// HoldForCompletion marks the cart with the given ID as held by the completion attempt
// with the given public ID: until that attempt ends, every change to the cart is refused
// with INVALID on cartId. A later attempt on the same cart takes the hold over. An unknown
// cart or wrong key holds nothing.
func (s *Service) HoldForCompletion(ctx context.Context, id, attemptID string) error {
	token, key, ok := ParseID(id)
	if !ok {
		return nil
	}
	hold := func(c *ent.CartClient) error {
		return c.Update().Where(entcart.Token(token), entcart.KeyHash(hashKey(key)), entcart.CompletedAtIsNil()).
			SetCompletionAttempt(attemptID).Exec(ctx)
	}
	var err error
	if s.db.Dialect == dialect.Postgres {
		// The hold protects nothing until its attempt is recorded, a synchronous commit that
		// makes it durable too: it need not wait for its own flush.
		err = store.WithLazyTx(ctx, s.db, func(tx *ent.Tx) error { return hold(tx.Cart) })
	} else {
		err = hold(s.db.Cart)
	}
	if err != nil {
		return fmt.Errorf("hold cart for completion: %w", err)
	}
	return nil
}

// held reports whether a running completion attempt holds the locked cart c.
func (s *Service) held(ctx context.Context, tx *ent.Tx, c *ent.Cart) (bool, error) {
	if c.CompletionAttempt == nil {
		return false, nil
	}
	ok, err := tx.CompletionAttempt.Query().Where(completionattempt.PublicID(*c.CompletionAttempt),
		completionattempt.StatusEQ(completionattempt.StatusPROCESSING),
		completionattempt.CreatedAtGT(s.now().Add(-CompletionHold))).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("check completion attempt: %w", err)
	}
	return ok, nil
}

// LockForCompletion locks the cart with the given row ID inside tx, then its discount
// codes in ID order, then its gift cards in ID order, and computes the cart as the transaction sees it: current prices,
// discount rules (dates, usage limits, once per customer, minimum subtotal, entitled
// lines) and rates, so what an order is placed from is checked inside the transaction
// that places it. A cart that was completed or expired reads as nil.
func (s *Service) LockForCompletion(ctx context.Context, tx *ent.Tx, id int) (*Cart, error) {
	q := tx.Cart.Query().Where(entcart.ID(id))
	if s.db.Dialect == dialect.Postgres {
		q = q.ForUpdate() // SQLite's immediate transactions already hold the write lock
	}
	c, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock cart: %w", err)
	}
	if c.CompletedAt != nil || s.now().Sub(c.UpdatedAt) >= s.cfg.TTL {
		return nil, nil
	}
	in := *s
	in.db = &store.DB{Client: tx.Client(), Dialect: s.db.Dialect}
	in.lockCodes = s.db.Dialect == dialect.Postgres // SQLite's writer lock covers them
	return in.view(ctx, c, "")
}

// Fingerprint identifies what the buyer is asked to pay for: lines, prices, discounts,
// delivery, taxes, totals, and what each applied gift card pays and the charge left. Two views of a cart with the same fingerprint charge the
// same amount for the same things; a change to any of them changes it.
func (c *Cart) Fingerprint() string {
	var b strings.Builder
	w := func(parts ...any) {
		for _, p := range parts {
			fmt.Fprint(&b, p, "|")
		}
		b.WriteByte('\n')
	}
	w("cart", c.ID, c.Currency, c.Cost.Subtotal, c.Cost.Shipping, c.Cost.Total, c.TaxesIncluded)
	if c.Cost.Tax != nil {
		w("tax", *c.Cost.Tax, c.Cost.ShippingTax)
	}
	if c.Email != nil {
		w("email", strings.ToLower(*c.Email))
	}
	for i, l := range c.Lines {
		w("line", l.ID, l.VariantID, l.Quantity, l.UnitPrice, l.AttributesKey, c.Cost.Lines[i].Subtotal, c.Cost.Lines[i].Total, c.Cost.Lines[i].OrderShare)
		for _, a := range c.Cost.Lines[i].Allocations {
			w("line discount", a.Code, a.Amount)
		}
	}
	for _, a := range c.Cost.OrderAllocations {
		w("order discount", a.Code, a.Amount)
	}
	for _, code := range c.Codes {
		w("code", code.Code, strconv.FormatBool(code.Applicable))
	}
	for _, g := range c.GiftCards {
		w("gift card", g.Card.ID, g.AmountUsed)
	}
	w("charge", c.Charge)
	if c.Group != nil {
		a := Snapshot(c.Group.Address)
		w("address", c.Group.Address.ID, a.FirstName, a.LastName, a.Company, a.Address1, a.Address2, a.City, a.ProvinceCode, a.Zip, a.CountryCode, a.Phone)
		if c.Group.Selected != nil {
			w("delivery", c.Group.Selected.Handle, c.Group.Selected.Cost)
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:16])
}

// ForAttempt returns the cart with the given token for the completion attempt that was
// submitted with its whole ID (the attempt proved the key then), or nil when it has been
// completed or has expired. It serves an attempt that continues after the buyer's action.
func (s *Service) ForAttempt(ctx context.Context, token string) (*Cart, error) {
	c, err := s.db.Cart.Query().Where(entcart.Token(token)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read cart: %w", err)
	}
	if c.CompletedAt != nil || s.now().Sub(c.UpdatedAt) >= s.cfg.TTL {
		return nil, nil
	}
	return s.view(ctx, c, "")
}
