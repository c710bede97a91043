package cart

import (
	"context"
	"fmt"

	"storefront/ent"
	"storefront/internal/money"
)

// Payment user error codes (CartErrorCode).
const (
	CodeInvalidPayment          = "INVALID_PAYMENT"
	CodeInvalidPaymentEmptyCart = "INVALID_PAYMENT_EMPTY_CART"
	CodePaymentNotApplicable    = "PAYMENT_METHOD_NOT_APPLICABLE"
)

// PaymentInput is how the buyer will pay: a direct payment with the provider's session,
// or nothing for a free cart, and the amount the buyer saw.
type PaymentInput struct {
	Amount         string // decimal
	Currency       string
	Direct         bool
	SessionID      string
	BillingAddress Address
}

// UpdatePayment records how the buyer pays. The amount must equal the cart's
// checkoutChargeAmount (the total less what gift cards pay); a free payment is only for
// carts whose charge is zero.
//
// User error codes: INVALID (unknown cart), INVALID_PAYMENT, INVALID_PAYMENT_EMPTY_CART,
// PAYMENT_METHOD_NOT_APPLICABLE, ADDRESS_FIELD_*.
func (s *Service) UpdatePayment(ctx context.Context, id string, in PaymentInput) (Result, error) {
	current, err := s.Get(ctx, id)
	if err != nil {
		return Result{}, err
	}
	if current == nil {
		return Result{UserErrors: []UserError{errCartNotFound()}}, nil
	}
	field := "freePaymentMethod"
	if in.Direct {
		field = "directPaymentMethod"
	}
	billing := CheckAddress(in.BillingAddress, false, path("payment", field, "billingAddress"))
	if len(billing) > 0 {
		return Result{UserErrors: billing}, nil
	}
	if len(current.Lines) == 0 {
		return Result{UserErrors: []UserError{{Code: CodeInvalidPaymentEmptyCart, Field: path("payment"), Message: "The cart is empty."}}}, nil
	}
	amount, err := money.Parse(in.Amount, current.Currency)
	if err != nil || in.Currency != current.Currency || amount != current.Charge {
		return Result{UserErrors: []UserError{{Code: CodeInvalidPayment, Field: path("payment", "amount"),
			Message: fmt.Sprintf("The amount must equal the cart's checkout charge of %s %s.", money.Format(current.Charge, current.Currency), current.Currency)}}}, nil
	}
	if !in.Direct && amount != 0 {
		return Result{UserErrors: []UserError{{Code: CodePaymentNotApplicable, Field: path("payment", "freePaymentMethod"), Message: "A free payment is only possible when the cart costs nothing or its gift cards pay all of it."}}}, nil
	}
	if in.Direct && in.SessionID == "" {
		return Result{UserErrors: []UserError{{Code: CodeInvalidPayment, Field: path("payment", "directPaymentMethod", "sessionId"), Message: "A payment session is required."}}}, nil
	}
	if samePayment(current, in, amount) {
		// Nothing to change (a payment form posted twice): the cart may be held by the
		// completion attempt the first post started.
		return Result{Cart: current}, nil
	}
	billingAddr := in.BillingAddress
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		u := tx.Cart.UpdateOne(c).SetPaymentAmount(amount).SetBillingAddress(&billingAddr)
		if in.Direct {
			u.SetPaymentMethod("DIRECT").SetPaymentSessionID(in.SessionID)
		} else {
			u.SetPaymentMethod("FREE").ClearPaymentSessionID()
		}
		return nil, nil, u.Exec(ctx)
	})
}

// samePayment reports whether the cart already has the payment in.
func samePayment(c *Cart, in PaymentInput, amount int64) bool {
	method := "FREE"
	if in.Direct {
		method = "DIRECT"
	}
	return c.PaymentMethod != nil && string(*c.PaymentMethod) == method && c.PaymentAmount != nil && *c.PaymentAmount == amount &&
		(!in.Direct || c.PaymentSessionID != nil && *c.PaymentSessionID == in.SessionID) &&
		c.BillingAddress != nil && *c.BillingAddress == in.BillingAddress
}
