package market

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/marketprice"
	"storefront/ent/productvariant"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/money"
	"storefront/internal/usererror"
)

// MaxFixedPrices is how many fixed prices one marketFixedPricesAdd or Delete takes.
const MaxFixedPrices = 250

// User error codes of fixed-price writes (Shopify's PriceListPriceUserErrorCode names where
// they fit), besides usererror's NOT_FOUND, INVALID and TAKEN.
const (
	VariantNotFound = "VARIANT_NOT_FOUND"
	PriceNotFixed   = "PRICE_NOT_FIXED"
	TooMany         = "TOO_MANY"
)

// Fixed is a variant's fixed price in a market, in minor units of the market currency.
type Fixed struct {
	Price int64
	// CompareAtPrice is nil when the variant's own compare-at price, converted, is shown.
	CompareAtPrice *int64
}

// FixedPrices are fixed prices by variant ID, in one market.
type FixedPrices map[int]Fixed

// VariantPrice is a variant's price in the Pricer's market: its fixed price there, or its
// shop price converted and rounded by the market's rule.
func (p Pricer) VariantPrice(v *ent.ProductVariant, fixed FixedPrices) int64 {
	if f, ok := fixed[v.ID]; ok {
		return f.Price
	}
	return p.Price(v.Price)
}

// VariantCompareAtPrice is a variant's compare-at price in the Pricer's market, nil when it
// has none: the fixed one, else its own converted and rounded.
func (p Pricer) VariantCompareAtPrice(v *ent.ProductVariant, fixed FixedPrices) *int64 {
	if f, ok := fixed[v.ID]; ok && f.CompareAtPrice != nil {
		c := *f.CompareAtPrice
		return &c
	}
	if v.CompareAtPrice == nil {
		return nil
	}
	c := p.Price(*v.CompareAtPrice)
	return &c
}

// Range is the lowest and highest prices and compare-at prices (a missing compare-at price
// counting as 0) of a product's variants in the Pricer's market, as the products table keeps
// them for the shop currency.
type Range struct {
	MinPrice, MaxPrice, MinCompareAtPrice, MaxCompareAtPrice int64
}

// PriceRange computes a product's Range in the market from its variants and their fixed
// prices; ok is false for a product without variants.
func (p Pricer) PriceRange(variants []*ent.ProductVariant, fixed FixedPrices) (r Range, ok bool) {
	for i, v := range variants {
		price := p.VariantPrice(v, fixed)
		var cmp int64
		if c := p.VariantCompareAtPrice(v, fixed); c != nil {
			cmp = *c
		}
		if i == 0 {
			r = Range{price, price, cmp, cmp}
			continue
		}
		r.MinPrice, r.MaxPrice = min(r.MinPrice, price), max(r.MaxPrice, price)
		r.MinCompareAtPrice, r.MaxCompareAtPrice = min(r.MinCompareAtPrice, cmp), max(r.MaxCompareAtPrice, cmp)
	}
	return r, len(variants) > 0
}

// FixedPricesOfProducts reads a market's fixed prices of the variants of products, by
// product ID: one statement for all of them.
func FixedPricesOfProducts(ctx context.Context, c *ent.Client, marketID int, productIDs []int) (map[int]FixedPrices, error) {
	out := make(map[int]FixedPrices, len(productIDs))
	for _, id := range productIDs {
		out[id] = FixedPrices{}
	}
	if marketID == 0 || len(productIDs) == 0 {
		return out, nil
	}
	ps, err := c.MarketPrice.Query().Where(marketprice.MarketID(marketID), marketprice.ProductIDIn(productIDs...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load fixed prices of market %d: %w", marketID, err)
	}
	for _, p := range ps {
		out[p.ProductID][p.VariantID] = Fixed{Price: p.Price, CompareAtPrice: p.CompareAtPrice}
	}
	return out, nil
}

// FixedPricesOfVariants reads a market's fixed prices of variants (one statement).
func FixedPricesOfVariants(ctx context.Context, c *ent.Client, marketID int, variantIDs []int) (FixedPrices, error) {
	out := FixedPrices{}
	if marketID == 0 || len(variantIDs) == 0 {
		return out, nil
	}
	ps, err := c.MarketPrice.Query().Where(marketprice.MarketID(marketID), marketprice.VariantIDIn(variantIDs...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load fixed prices of market %d: %w", marketID, err)
	}
	for _, p := range ps {
		out[p.VariantID] = Fixed{Price: p.Price, CompareAtPrice: p.CompareAtPrice}
	}
	return out, nil
}

// FixedPriceInput is one fixed price as marketFixedPricesAdd takes it: decimal amounts of
// the market currency.
type FixedPriceInput struct {
	VariantID      string
	Price          string
	CompareAtPrice *string
}

var errMarketNotFound = errors.New("market not found")

func marketOf(ctx context.Context, tx *ent.Tx, id string) (*ent.Market, error) {
	n, ok := gid.ParseAs(id, GlobalIDType)
	if !ok {
		return nil, errMarketNotFound
	}
	m, err := tx.Market.Get(ctx, n)
	if ent.IsNotFound(err) {
		return nil, errMarketNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load market %d: %w", n, err)
	}
	return m, nil
}

// variantsOf resolves variant global IDs to variants (one statement); path names the input
// list in user errors.
func variantsOf(ctx context.Context, tx *ent.Tx, ids []string, path func(i int) []any) (map[int]*ent.ProductVariant, []int, []usererror.Error, error) {
	var e []usererror.Error
	nums := make([]int, len(ids))
	for i, id := range ids {
		n, ok := gid.ParseAs(id, gid.ProductVariant)
		switch {
		case !ok:
			e = append(e, usererror.New(VariantNotFound, "No such variant.", path(i)...))
		case slices.Contains(nums[:i], n):
			e = append(e, usererror.New(usererror.Taken, "The variant is listed twice.", path(i)...))
		}
		nums[i] = n
	}
	vs, err := tx.ProductVariant.Query().Where(productvariant.IDIn(nums...)).All(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("load variants: %w", err)
	}
	byID := make(map[int]*ent.ProductVariant, len(vs))
	for _, v := range vs {
		byID[v.ID] = v
	}
	for i, n := range nums {
		if n != 0 && byID[n] == nil {
			e = append(e, usererror.New(VariantNotFound, "No such variant.", path(i)...))
		}
	}
	return byID, nums, e, nil
}

// AddFixedPrices sets fixed prices of variants in a market, replacing those the variants had
// there, all or none in one transaction. User error codes: NOT_FOUND (marketId),
// VARIANT_NOT_FOUND, INVALID (an amount that is not a non-negative decimal of the market
// currency), TAKEN (a variant listed twice), TOO_MANY (more than MaxFixedPrices).
func (s *Service) AddFixedPrices(ctx context.Context, marketID string, in []FixedPriceInput) ([]*ent.MarketPrice, []usererror.Error, error) {
	if len(in) > MaxFixedPrices {
		return nil, []usererror.Error{usererror.New(TooMany, fmt.Sprintf("At most %d prices at once.", MaxFixedPrices), "prices")}, nil
	}
	var ids []int
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		m, err := marketOf(ctx, tx, marketID)
		if errors.Is(err, errMarketNotFound) {
			return "", nil, []usererror.Error{usererror.New(usererror.NotFound, "No such market.", "marketId")}, nil
		}
		if err != nil {
			return "", nil, nil, err
		}
		vids := make([]string, len(in))
		for i, p := range in {
			vids[i] = p.VariantID
		}
		variants, nums, e, err := variantsOf(ctx, tx, vids, func(i int) []any { return []any{"prices", i, "variantId"} })
		if err != nil {
			return "", nil, nil, err
		}
		amount := func(s string, i int, field string) int64 {
			v, err := money.Parse(s, m.CurrencyCode)
			if err != nil || v < 0 {
				e = append(e, usererror.New(usererror.Invalid, fmt.Sprintf("The amount is a non-negative decimal in %s with at most %d decimals.", m.CurrencyCode, money.MinorDigits(m.CurrencyCode)), "prices", i, field))
			}
			return v
		}
		prices := make([]Fixed, len(in))
		for i, p := range in {
			prices[i].Price = amount(p.Price, i, "price")
			if p.CompareAtPrice != nil {
				c := amount(*p.CompareAtPrice, i, "compareAtPrice")
				prices[i].CompareAtPrice = &c
			}
		}
		if len(e) > 0 {
			return "", nil, e, nil
		}
		changes := map[string]any{}
		ids = make([]int, len(in))
		for i, n := range nums {
			f := prices[i]
			c := tx.MarketPrice.Create().SetMarketID(m.ID).SetVariantID(n).SetProductID(variants[n].ProductID).
				SetPrice(f.Price).SetNillableCompareAtPrice(f.CompareAtPrice)
			id, err := c.OnConflict(sql.ConflictColumns(marketprice.FieldMarketID, marketprice.FieldVariantID)).
				Update(func(u *ent.MarketPriceUpsert) {
					u.UpdatePrice().UpdateUpdatedAt()
					if f.CompareAtPrice != nil {
						u.UpdateCompareAtPrice()
					} else {
						u.ClearCompareAtPrice()
					}
				}).ID(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("save fixed price of variant %d: %w", n, err)
			}
			ids[i] = id
			change := map[string]any{"price": money.Format(f.Price, m.CurrencyCode)}
			if f.CompareAtPrice != nil {
				change["compareAtPrice"] = money.Format(*f.CompareAtPrice, m.CurrencyCode)
			}
			changes[gid.Format(gid.ProductVariant, n)] = change
		}
		return gid.Format(GlobalIDType, m.ID), map[string]any{"fixedPrices": changes}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	ps, err := s.db.MarketPrice.Query().Where(marketprice.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read fixed prices back: %w", err)
	}
	byID := make(map[int]*ent.MarketPrice, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	out := make([]*ent.MarketPrice, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil, nil
}

// DeleteFixedPrices deletes fixed prices of variants in a market, all or none, and returns
// the variants' global IDs. User error codes: NOT_FOUND (marketId), VARIANT_NOT_FOUND,
// PRICE_NOT_FIXED (a variant without a fixed price in the market), TAKEN, TOO_MANY.
func (s *Service) DeleteFixedPrices(ctx context.Context, marketID string, variantIDs []string) ([]string, []usererror.Error, error) {
	if len(variantIDs) > MaxFixedPrices {
		return nil, []usererror.Error{usererror.New(TooMany, fmt.Sprintf("At most %d variants at once.", MaxFixedPrices), "variantIds")}, nil
	}
	var out []string
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		m, err := marketOf(ctx, tx, marketID)
		if errors.Is(err, errMarketNotFound) {
			return "", nil, []usererror.Error{usererror.New(usererror.NotFound, "No such market.", "marketId")}, nil
		}
		if err != nil {
			return "", nil, nil, err
		}
		_, nums, e, err := variantsOf(ctx, tx, variantIDs, func(i int) []any { return []any{"variantIds", i} })
		if err != nil {
			return "", nil, nil, err
		}
		if len(e) > 0 {
			return "", nil, e, nil
		}
		fixed, err := tx.MarketPrice.Query().Where(marketprice.MarketID(m.ID), marketprice.VariantIDIn(nums...)).
			Select(marketprice.FieldVariantID).Ints(ctx)
		if err != nil {
			return "", nil, nil, fmt.Errorf("load fixed prices: %w", err)
		}
		for i, n := range nums {
			if !slices.Contains(fixed, n) {
				e = append(e, usererror.New(PriceNotFixed, "The variant has no fixed price in the market.", "variantIds", i))
			}
		}
		if len(e) > 0 {
			return "", nil, e, nil
		}
		if _, err := tx.MarketPrice.Delete().Where(marketprice.MarketID(m.ID), marketprice.VariantIDIn(nums...)).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete fixed prices: %w", err)
		}
		out = make([]string, len(nums))
		for i, n := range nums {
			out[i] = gid.Format(gid.ProductVariant, n)
		}
		return gid.Format(GlobalIDType, m.ID), map[string]any{"fixedPricesDeleted": out}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	return out, nil, nil
}
