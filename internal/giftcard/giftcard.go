// Package giftcard owns gift cards: issuing them through the Admin API (the code is shown
// once and only its SHA-256 hash and last four characters are kept), changing and
// disabling them, finding a card by the code a buyer enters, and debiting a card for an
// order inside the transaction that places it, with a ledger entry per change.
package giftcard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"storefront/ent"
	"storefront/ent/giftcard"
	"storefront/ent/giftcardtransaction"
	"storefront/ent/shop"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/money"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// GlobalIDType is the type name of gift cards in global IDs.
const GlobalIDType = "GiftCard"

// Code lengths: generated codes have GeneratedLength characters; a merchant's own code,
// without spaces and dashes, MinCodeLength to MaxCodeLength letters and digits.
const (
	GeneratedLength = 16
	MinCodeLength   = 8
	MaxCodeLength   = 20
)

// codeAlphabet leaves out characters that are easily misread (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// Normalize is the form a code is hashed in: upper case, without spaces and dashes, so
// "abcd-efgh 1234" and "ABCDEFGH1234" are the same code.
func Normalize(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

// Hash is the SHA-256 (hex) of a code's normalized form: what is stored and looked up.
func Hash(code string) string {
	sum := sha256.Sum256([]byte(Normalize(code)))
	return hex.EncodeToString(sum[:])
}

// LastCharacters are the last four characters of a code's normalized form.
func LastCharacters(code string) string {
	n := Normalize(code)
	if len(n) <= 4 {
		return n
	}
	return n[len(n)-4:]
}

// NewCode returns a random code of GeneratedLength characters (80 bits).
func NewCode() string {
	b := make([]byte, GeneratedLength)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

func validCode(n string) bool {
	if len(n) < MinCodeLength || len(n) > MaxCodeLength {
		return false
	}
	for _, r := range n {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Usable reports whether card can pay for a cart in currency at now: not disabled, not
// expired, in that currency and with something left on it.
func Usable(card *ent.GiftCard, currency string, now time.Time) bool {
	return card.DisabledAt == nil && (card.ExpiresAt == nil || now.Before(*card.ExpiresAt)) &&
		card.CurrencyCode == currency && card.Balance > 0
}

// Optional is an input value that may be absent, null (Set with a nil Value) or given.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// CreateInput is a gift card as giftCardCreate takes it.
type CreateInput struct {
	// InitialValue is an amount such as "50.00" in the card's currency.
	InitialValue string
	// Code is the merchant's own code; a random one is generated when nil.
	Code *string
	// CurrencyCode is the card's currency; the shop's when nil.
	CurrencyCode *string
	ExpiresAt    *time.Time
	Note         *string
}

// UpdateInput changes a gift card; absent fields stay as they are.
type UpdateInput struct {
	ExpiresAt Optional[time.Time]
	Note      Optional[string]
}

// Service issues and changes gift cards. It is safe for concurrent use.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns the gift card service over db.
func New(db *store.DB) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC() }}
}

func (s *Service) write(ctx context.Context, f func(tx *ent.Tx) (id int, changes map[string]any, uerrs []usererror.Error, err error)) (*ent.GiftCard, []usererror.Error, error) {
	var id int
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		n, changes, ue, err := f(tx)
		id = n
		return gid.Format(GlobalIDType, n), changes, ue, err
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	g, err := s.db.GiftCard.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read gift card %d back: %w", id, err)
	}
	return g, nil, nil
}

// Create issues a gift card and returns it with its code, which is never shown again.
// The card's ledger starts with a CREDIT of its initial value.
//
// User error codes: INVALID (initialValue, code, currencyCode, expiresAt), GREATER_THAN
// (initialValue), TAKEN (code).
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.GiftCard, string, []usererror.Error, error) {
	code := NewCode()
	if in.Code != nil {
		code = Normalize(*in.Code)
	}
	g, uerrs, err := s.write(ctx, func(tx *ent.Tx) (int, map[string]any, []usererror.Error, error) {
		var uerrs []usererror.Error
		fail := func(c, msg string, path ...any) {
			uerrs = append(uerrs, usererror.New(c, msg, append([]any{"input"}, path...)...))
		}
		currency := ""
		if in.CurrencyCode != nil {
			currency = strings.ToUpper(strings.TrimSpace(*in.CurrencyCode))
			if len(currency) != 3 || !validCode(currency+"XXXXX") {
				fail(usererror.Invalid, "The currency must be an ISO 4217 code such as USD.", "currencyCode")
			}
		} else if cs, err := tx.Shop.Query().Select(shop.FieldCurrencyCode).Strings(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("read shop currency: %w", err)
		} else if len(cs) > 0 {
			currency = cs[0]
		} else {
			currency = "USD"
		}
		value, err := money.Parse(in.InitialValue, currency)
		switch {
		case err != nil:
			fail(usererror.Invalid, fmt.Sprintf("%q is not an amount in %s.", in.InitialValue, currency), "initialValue")
		case value <= 0:
			fail(usererror.GreaterThan, "The initial value must be more than zero.", "initialValue")
		}
		if in.Code != nil && !validCode(code) {
			fail(usererror.Invalid, fmt.Sprintf("A code has %d to %d letters and digits (spaces and dashes are ignored).", MinCodeLength, MaxCodeLength), "code")
		}
		if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
			fail(usererror.Invalid, "The expiry must be in the future.", "expiresAt")
		}
		if len(uerrs) > 0 {
			return 0, nil, uerrs, nil
		}
		g, err := tx.GiftCard.Create().SetCodeHash(Hash(code)).SetLastCharacters(LastCharacters(code)).
			SetInitialValue(value).SetBalance(value).SetCurrencyCode(currency).
			SetNillableExpiresAt(in.ExpiresAt).SetNillableNote(in.Note).Save(ctx)
		if ent.IsConstraintError(err) {
			return 0, nil, []usererror.Error{usererror.New(usererror.Taken, "A gift card with this code already exists.", "input", "code")}, nil
		}
		if err != nil {
			return 0, nil, nil, fmt.Errorf("create gift card: %w", err)
		}
		if err := tx.GiftCardTransaction.Create().SetGiftCardID(g.ID).SetKind(giftcardtransaction.KindCREDIT).SetAmount(value).Exec(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("record gift card credit: %w", err)
		}
		// The audit record names the card by its last characters, never by its code.
		return g.ID, map[string]any{"created": true, "lastCharacters": g.LastCharacters, "initialValue": in.InitialValue, "currencyCode": currency}, nil, nil
	})
	if g == nil {
		return nil, "", uerrs, err
	}
	return g, code, nil, nil
}

func load(ctx context.Context, tx *ent.Tx, id string) (*ent.GiftCard, []usererror.Error, error) {
	n, ok := gid.ParseAs(id, GlobalIDType)
	if !ok {
		return nil, []usererror.Error{usererror.New(usererror.NotFound, "No such gift card.", "id")}, nil
	}
	g, err := tx.GiftCard.Get(ctx, n)
	if ent.IsNotFound(err) {
		return nil, []usererror.Error{usererror.New(usererror.NotFound, "No such gift card.", "id")}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load gift card %d: %w", n, err)
	}
	return g, nil, nil
}

// Update changes a gift card's expiry and note.
//
// User error codes: NOT_FOUND (id), INVALID (expiresAt).
func (s *Service) Update(ctx context.Context, id string, in UpdateInput) (*ent.GiftCard, []usererror.Error, error) {
	return s.write(ctx, func(tx *ent.Tx) (int, map[string]any, []usererror.Error, error) {
		g, uerrs, err := load(ctx, tx, id)
		if g == nil {
			return 0, nil, uerrs, err
		}
		u := tx.GiftCard.UpdateOne(g)
		changes := map[string]any{}
		if in.ExpiresAt.Set {
			if v := in.ExpiresAt.Value; v == nil {
				u.ClearExpiresAt()
			} else if !v.After(s.now()) {
				return 0, nil, []usererror.Error{usererror.New(usererror.Invalid, "The expiry must be in the future.", "input", "expiresAt")}, nil
			} else {
				u.SetExpiresAt(*v)
			}
			changes["expiresAt"] = in.ExpiresAt.Value
		}
		if in.Note.Set {
			if in.Note.Value == nil {
				u.ClearNote()
			} else {
				u.SetNote(*in.Note.Value)
			}
			changes["note"] = in.Note.Value
		}
		if err := u.Exec(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("update gift card %d: %w", g.ID, err)
		}
		return g.ID, changes, nil, nil
	})
}

// Disable disables a gift card for good: carts stop taking it, and an order being placed
// with it fails. Disabling a disabled card changes nothing.
//
// User error codes: NOT_FOUND (id).
func (s *Service) Disable(ctx context.Context, id string) (*ent.GiftCard, []usererror.Error, error) {
	return s.write(ctx, func(tx *ent.Tx) (int, map[string]any, []usererror.Error, error) {
		g, uerrs, err := load(ctx, tx, id)
		if g == nil || g.DisabledAt != nil {
			if g != nil {
				return g.ID, nil, nil, nil
			}
			return 0, nil, uerrs, err
		}
		if err := tx.GiftCard.UpdateOne(g).SetDisabledAt(s.now()).Exec(ctx); err != nil {
			return 0, nil, nil, fmt.Errorf("disable gift card %d: %w", g.ID, err)
		}
		return g.ID, map[string]any{"disabled": true}, nil, nil
	})
}

// Debit takes amount from the card for the order inside tx, the transaction that places
// the order, and writes the ledger entry. The statement itself refuses to take more than
// is left or to take from a disabled card; ok is false then (the caller fails the order).
// Callers lock cards in ID order before calling.
func Debit(ctx context.Context, tx *ent.Tx, cardID int, amount int64, orderID int, now time.Time) (ok bool, err error) {
	n, err := tx.GiftCard.Update().
		Where(giftcard.ID(cardID), giftcard.BalanceGTE(amount), giftcard.DisabledAtIsNil(),
			giftcard.Or(giftcard.ExpiresAtIsNil(), giftcard.ExpiresAtGT(now))).
		AddBalance(-amount).Save(ctx)
	if err != nil {
		return false, fmt.Errorf("debit gift card %d: %w", cardID, err)
	}
	if n != 1 {
		return false, nil
	}
	if err := tx.GiftCardTransaction.Create().SetGiftCardID(cardID).SetKind(giftcardtransaction.KindDEBIT).
		SetAmount(-amount).SetOrderID(orderID).Exec(ctx); err != nil {
		return false, fmt.Errorf("record gift card debit: %w", err)
	}
	return true, nil
}
