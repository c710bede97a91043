// Package payment is the boundary to payment gateways: a Provider authorizes, captures,
// voids and refunds; the built-in test provider decides by session ID so every path can
// be exercised offline.
package payment

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
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
	// Reference is our ID of what is paid for (the completion attempt's public ID), kept
	// with the payment at the gateway so its notifications can be matched to it.
	Reference string
	// ReturnURL is where a buyer who had to act at the gateway (3-D Secure) comes back to.
	ReturnURL string
}

// ActionRequired is an authorization that waits for the buyer: they must visit URL (a
// 3-D Secure challenge) and come back. Authorization is the gateway's ID of it; a Resumer
// tells whether it went through once the buyer is back.
type ActionRequired struct {
	Authorization string
	URL           string
}

func (a *ActionRequired) Error() string { return "the payment needs the buyer's action" }

// Resumer is a Provider whose authorizations can wait for the buyer (ActionRequired).
type Resumer interface {
	// Resume reports how an authorization that waited for the buyer stands: nil when it is
	// authorized, *ActionRequired while it still waits, an *Error when it failed.
	Resume(ctx context.Context, authorization string) error
}

// Op is a capture, void or refund of an authorization.
type Op struct {
	Authorization string
	Amount        int64 // minor units; a void releases the whole authorization
	Currency      string
	// IdempotencyKey lets the gateway recognize a retried call: the same key never moves
	// money twice.
	IdempotencyKey string
}

// Provider is a payment gateway. Capture, Void and Refund return the gateway's reference
// of what they did (a charge or refund ID), kept on the payment record.
type Provider interface {
	// Name is the gateway's name as recorded on payments, e.g. "test" or "stripe".
	Name() string
	// Authorize reserves the amount and returns the authorization's ID.
	Authorize(ctx context.Context, r Request) (string, error)
	// Capture collects (part of) an authorized amount.
	Capture(ctx context.Context, op Op) (string, error)
	// Void releases an authorization that will not be captured.
	Void(ctx context.Context, op Op) (string, error)
	// Refund returns (part of) the captured money.
	Refund(ctx context.Context, op Op) (string, error)
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

// Name implements Provider.
func (TestProvider) Name() string { return "test" }

// Capture implements Provider.
func (TestProvider) Capture(_ context.Context, op Op) (string, error) {
	return reference("test_capture_", op)
}

// Void implements Provider.
func (TestProvider) Void(_ context.Context, op Op) (string, error) {
	return reference("test_void_", op)
}

// Refund implements Provider.
func (TestProvider) Refund(_ context.Context, op Op) (string, error) {
	return reference("test_refund_", op)
}

// reference checks that op is on a test authorization and names what was done: the same
// idempotency key gives the same reference, as a gateway answers a retried call.
func reference(prefix string, op Op) (string, error) {
	if err := checkAuth(op.Authorization); err != nil {
		return "", err
	}
	if op.IdempotencyKey != "" {
		sum := sha256.Sum256([]byte(op.Authorization + "\x00" + op.IdempotencyKey))
		return prefix + hex.EncodeToString(sum[:8]), nil
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:]), nil
}

func checkAuth(auth string) error {
	if len(auth) < len("test_auth_") || auth[:len("test_auth_")] != "test_auth_" {
		return fmt.Errorf("unknown test authorization %q", auth)
	}
	return nil
}

// State is where a gateway says an authorization stands.
type State string

// States of an authorization as a gateway reports them.
const (
	StatePending        State = "PENDING"         // not decided yet
	StateActionRequired State = "ACTION_REQUIRED" // waits for the buyer
	StateAuthorized     State = "AUTHORIZED"      // reserved, not captured
	StateCaptured       State = "CAPTURED"        // (partly) collected; see Update.Captured and Refunded
	StateCanceled       State = "CANCELED"        // released without capture
	StateFailed         State = "FAILED"          // declined; nothing reserved
)

// Update is what a gateway reports out of band (a webhook) about an authorization, read
// from the gateway as it stands now.
type Update struct {
	// Reference is the Request.Reference the authorization was made with ("" when it is
	// not ours).
	Reference     string
	Authorization string
	State         State
	Amount        int64 // authorized
	Captured      int64
	Refunded      int64
	Currency      string
}
