package cart

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"storefront/ent"
	"storefront/ent/giftcard"
	"storefront/ent/shop"
	"storefront/internal/gid"
	gc "storefront/internal/giftcard"
)

// MaxGiftCards is how many gift cards one cart can hold.
const MaxGiftCards = 5

// appliedGiftCardType is the type of applied gift cards in global IDs.
const appliedGiftCardType = "AppliedGiftCard"

// AppliedGiftCard is a gift card on a cart with what the cart takes from it.
type AppliedGiftCard struct {
	Card *ent.GiftCard
	// AmountUsed is what the cart takes from the card, in minor units of its currency.
	AmountUsed int64
}

// AppliedGiftCardID is the global ID of the gift card with the given row ID as applied to
// carts.
func AppliedGiftCardID(cardID int) string { return gid.Format(appliedGiftCardType, cardID) }

// giftCards applies the cart's usable gift cards, in the order they were entered, to what
// the cart costs: each takes what it can of what is left to pay. Inside the placing
// transaction on PostgreSQL the cards stay locked, in ID order, until it commits, so the
// balances read are final. Cards that cannot pay (disabled, expired, empty, in another
// currency) are left out.
func (s *Service) giftCards(ctx context.Context, c *ent.Cart, out *Cart) error {
	out.Charge = out.Cost.Total
	if len(c.GiftCardIds) == 0 {
		return nil
	}
	q := s.db.GiftCard.Query().Where(giftcard.IDIn(c.GiftCardIds...))
	if s.lockCodes {
		q = q.Order(ent.Asc(giftcard.FieldID)).ForUpdate()
	}
	cards, err := q.All(ctx)
	if err != nil {
		return fmt.Errorf("load gift cards: %w", err)
	}
	byID := make(map[int]*ent.GiftCard, len(cards))
	for _, g := range cards {
		byID[g.ID] = g
	}
	now := s.now()
	for _, id := range c.GiftCardIds {
		g := byID[id]
		if g == nil || !gc.Usable(g, out.Currency, now) {
			continue
		}
		used := min(g.Balance, out.Charge)
		out.Charge -= used
		out.GiftCards = append(out.GiftCards, AppliedGiftCard{Card: g, AmountUsed: used})
	}
	return nil
}

// AddGiftCardCodes applies gift cards by their codes, after those already applied; a code
// already applied is not applied twice.
//
// User error codes: INVALID (unknown cart; a code that is unknown, disabled, expired,
// used up or in another currency than the cart), MAXIMUM_EXCEEDED (more than MaxGiftCards
// cards).
func (s *Service) AddGiftCardCodes(ctx context.Context, id string, codes []string) (Result, error) {
	return s.setGiftCards(ctx, id, codes, true)
}

// UpdateGiftCardCodes replaces the cart's gift cards with the cards of the given codes
// (none removes them all). User error codes: those of AddGiftCardCodes.
func (s *Service) UpdateGiftCardCodes(ctx context.Context, id string, codes []string) (Result, error) {
	return s.setGiftCards(ctx, id, codes, false)
}

func (s *Service) setGiftCards(ctx context.Context, id string, codes []string, keep bool) (Result, error) {
	if len(codes) > MaxGiftCards {
		return Result{UserErrors: []UserError{{Code: CodeMaximumExceeded, Field: path("giftCardCodes"), Message: fmt.Sprintf("A cart can hold at most %d gift cards.", MaxGiftCards)}}}, nil
	}
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		currency, err := cartCurrency(ctx, tx)
		if err != nil {
			return nil, nil, err
		}
		hashes := make([]string, len(codes))
		for i, code := range codes {
			hashes[i] = gc.Hash(code)
		}
		found, err := tx.GiftCard.Query().Where(giftcard.CodeHashIn(hashes...)).All(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("find gift cards: %w", err)
		}
		byHash := make(map[string]*ent.GiftCard, len(found))
		for _, g := range found {
			byHash[g.CodeHash] = g
		}
		var ids []int
		if keep {
			ids = append(ids, c.GiftCardIds...)
		}
		var errs []UserError
		now := s.now()
		for i, code := range codes {
			g := byHash[hashes[i]]
			field := path("giftCardCodes", i)
			switch {
			case g == nil || strings.TrimSpace(code) == "":
				errs = append(errs, UserError{Code: CodeInvalid, Field: field, Message: "The gift card code is not valid."})
			case g.DisabledAt != nil:
				errs = append(errs, UserError{Code: CodeInvalid, Field: field, Message: "The gift card ending in " + g.LastCharacters + " is disabled."})
			case g.ExpiresAt != nil && !now.Before(*g.ExpiresAt):
				errs = append(errs, UserError{Code: CodeInvalid, Field: field, Message: "The gift card ending in " + g.LastCharacters + " has expired."})
			case g.CurrencyCode != currency:
				errs = append(errs, UserError{Code: CodeInvalid, Field: field, Message: fmt.Sprintf("The gift card ending in %s is in %s; the cart is in %s.", g.LastCharacters, g.CurrencyCode, currency)})
			case g.Balance <= 0:
				errs = append(errs, UserError{Code: CodeInvalid, Field: field, Message: "The gift card ending in " + g.LastCharacters + " has no balance left."})
			case !slices.Contains(ids, g.ID):
				ids = append(ids, g.ID)
			}
		}
		if len(errs) > 0 {
			return errs, nil, nil
		}
		if len(ids) > MaxGiftCards {
			return []UserError{{Code: CodeMaximumExceeded, Field: path("giftCardCodes"), Message: fmt.Sprintf("A cart can hold at most %d gift cards.", MaxGiftCards)}}, nil, nil
		}
		return nil, nil, tx.Cart.UpdateOne(c).SetGiftCardIds(ids).Exec(ctx)
	})
}

// RemoveGiftCards takes applied gift cards off the cart by their AppliedGiftCard IDs.
//
// User error codes: INVALID (unknown cart, an ID that is not a gift card on the cart).
func (s *Service) RemoveGiftCards(ctx context.Context, id string, appliedIDs []string) (Result, error) {
	return s.change(ctx, id, func(tx *ent.Tx, c *ent.Cart) ([]UserError, []Warning, error) {
		var errs []UserError
		remove := map[int]bool{}
		for i, a := range appliedIDs {
			n, ok := gid.ParseAs(a, appliedGiftCardType)
			if !ok || !slices.Contains(c.GiftCardIds, n) {
				errs = append(errs, UserError{Code: CodeInvalid, Field: path("appliedGiftCardIds", i), Message: "The gift card with id " + a + " is not applied to the cart."})
				continue
			}
			remove[n] = true
		}
		if len(errs) > 0 {
			return errs, nil, nil
		}
		ids := []int{}
		for _, n := range c.GiftCardIds {
			if !remove[n] {
				ids = append(ids, n)
			}
		}
		return nil, nil, tx.Cart.UpdateOne(c).SetGiftCardIds(ids).Exec(ctx)
	})
}

// cartCurrency is the currency carts are priced in: the shop's.
func cartCurrency(ctx context.Context, tx *ent.Tx) (string, error) {
	cs, err := tx.Shop.Query().Order(ent.Asc(shop.FieldID)).Limit(1).Select(shop.FieldCurrencyCode).Strings(ctx)
	if err != nil {
		return "", fmt.Errorf("read shop currency: %w", err)
	}
	if len(cs) == 0 {
		return "USD", nil
	}
	return cs[0], nil
}
