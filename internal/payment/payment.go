// Package payment is the boundary to payment gateways: a Provider authorizes, captures,
// voids and refunds; the built-in test provider decides by session ID so every path can
// be exercised offline.
package payment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
)

// Error is a payment failure with the API's CompletionErrorCode.
type Error struct {
	Code      string // e.g. PAYMENT_CARD_DECLINED
	Message   string
	Transient bool // retrying later may succeed
}

func (e *Error) Error() string { return e.Message }

// Errors the test provider returns.
var (
	ErrDeclined          = &Error{Code: "PAYMENT_CARD_DECLINED", Message: "The card was declined."}
	ErrInsufficientFunds = &Error{Code: "PAYMENT_INSUFFICIENT_FUNDS", Message: "The card has insufficient funds."}
	ErrTransient         = &Error{Code: "PAYMENT_TRANSIENT_ERROR", Message: "The payment gateway is unavailable; try again.", Transient: true}
	ErrInvalidMethod     = &Error{Code: "PAYMENT_INVALID_PAYMENT_METHOD", Message: "The payment session is not valid."}
)

// AsError returns the payment Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Request is an authorization request.
type Request struct {
	SessionID string
	Amount    int64 // minor units
	Currency  string
	// IdempotencyKey lets a gateway recognize a retried request.
	IdempotencyKey string
}

// Provider is a payment gateway.
type Provider interface {
	// Authorize reserves the amount and returns the authorization's ID.
	Authorize(ctx context.Context, r Request) (string, error)
	// Capture collects an authorized amount.
	Capture(ctx context.Context, authorization string, amount int64) error
	// Void releases an authorization that will not be captured.
	Void(ctx context.Context, authorization string) error
	// Refund returns captured money.
	Refund(ctx context.Context, authorization string, amount int64) error
}

// Tester is a Provider whose payments move no money (the test provider); orders it pays
// are test orders.
type Tester interface {
	Test() bool
}

// IsTest reports whether p moves no money.
func IsTest(p Provider) bool {
	t, ok := p.(Tester)
	return ok && t.Test()
}

// Test implements Tester: the test provider moves no money.
func (TestProvider) Test() bool { return true }

// TestProvider decides by session ID: test_success succeeds, test_declined is declined,
// test_insufficient_funds reports insufficient funds, test_transient fails transiently;
// anything else is an invalid payment method.
type TestProvider struct{}

// Authorize implements Provider.
func (TestProvider) Authorize(_ context.Context, r Request) (string, error) {
	switch r.SessionID {
	case "test_success":
		var b [8]byte
		_, _ = rand.Read(b[:])
		return "test_auth_" + hex.EncodeToString(b[:]), nil
	case "test_declined":
		return "", ErrDeclined
	case "test_insufficient_funds":
		return "", ErrInsufficientFunds
	case "test_transient":
		return "", ErrTransient
	}
	return "", ErrInvalidMethod
}

// Capture implements Provider.
func (TestProvider) Capture(_ context.Context, auth string, _ int64) error { return checkAuth(auth) }

// Void implements Provider.
func (TestProvider) Void(_ context.Context, auth string) error { return checkAuth(auth) }

// Refund implements Provider.
func (TestProvider) Refund(_ context.Context, auth string, _ int64) error { return checkAuth(auth) }

func checkAuth(auth string) error {
	if len(auth) < len("test_auth_") || auth[:len("test_auth_")] != "test_auth_" {
		return fmt.Errorf("unknown test authorization %q", auth)
	}
	return nil
}
