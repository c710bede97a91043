package cart

import (
	"context"
	"fmt"
	"strings"

	"storefront/ent"
	"storefront/ent/cartline"
	"storefront/ent/collection"
	"storefront/ent/collectionproduct"
	"storefront/ent/discountcode"
	"storefront/ent/discountredemption"
	"storefront/ent/product"
	"storefront/ent/taxrate"
	"storefront/internal/pricing"
)

// Cart is a cart as the API shows it: its lines with their merchandise, and its costs
// computed from current prices, discount codes and tax rates.
type Cart struct {
	*ent.Cart
	Key          string
	CheckoutURL  string
	Currency     string
	Lines        []*Line
	Cost         pricing.Result
	Codes        []CodeStatus
	discountWarn []Warning
}

// Line is a cart line with its merchandise and cost.
type Line struct {
	*ent.CartLine
	Variant *ent.ProductVariant
	Cost    pricing.LineCost
}

// CodeStatus says whether an entered discount code applies to the cart.
type CodeStatus struct {
	Code       string
	Applicable bool
}

// GlobalID is the cart's ID, which includes its secret key.
func (c *Cart) GlobalID() string { return FormatID(c.Token, c.Key) }

// TotalQuantity is the number of units over all lines.
func (c *Cart) TotalQuantity() int {
	n := 0
	for _, l := range c.Lines {
		n += l.Quantity
	}
	return n
}

// DiscountWarnings explains each entered code that does not apply.
func (c *Cart) DiscountWarnings() []Warning { return c.discountWarn }

// view loads what the cart's costs depend on — a constant number of statements whatever
// the number of lines — and computes them.
func (s *Service) view(ctx context.Context, c *ent.Cart, key string) (*Cart, error) {
	lines, err := s.db.CartLine.Query().Where(cartline.CartID(c.ID)).
		Order(ent.Asc(cartline.FieldID)).WithVariant().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load cart lines: %w", err)
	}
	shop, err := s.db.Shop.Query().Order(ent.Asc("id")).First(ctx)
	if err != nil {
		return nil, fmt.Errorf("load shop: %w", err)
	}
	out := &Cart{Cart: c, Key: key, CheckoutURL: s.CheckoutURL(c.Token, key), Currency: shop.CurrencyCode}
	plines := make([]pricing.Line, len(lines))
	productIDs := make([]int, 0, len(lines))
	for i, l := range lines {
		v := l.Edges.Variant
		out.Lines = append(out.Lines, &Line{CartLine: l, Variant: v})
		plines[i] = pricing.Line{ID: l.ID, ProductID: v.ProductID, Quantity: l.Quantity, UnitPrice: v.Price}
		productIDs = append(productIDs, v.ProductID)
	}
	discounts, statuses, err := s.discounts(ctx, c, plines, productIDs)
	if err != nil {
		return nil, err
	}
	rate, err := s.taxRate(ctx, c, shop)
	if err != nil {
		return nil, err
	}
	out.Cost = pricing.Compute(plines, discounts, rate)
	for i := range out.Lines {
		out.Lines[i].Cost = out.Cost.Lines[i]
	}
	var warnings []Warning
	target := out.GlobalID()
	for i, st := range statuses {
		if st.warning == "" {
			switch {
			case out.Cost.NotReached[st.code]:
				st.warning = WarnDiscountNotInRange
			case out.Cost.NoEntitled[st.code] || !out.Cost.Applied[st.code]:
				st.warning = WarnDiscountNoEntitledLines
			}
			statuses[i] = st
		}
		out.Codes = append(out.Codes, CodeStatus{Code: st.code, Applicable: st.warning == ""})
		if st.warning != "" {
			warnings = append(warnings, Warning{Code: st.warning, Target: target, Message: discountMessage(st.code, st.warning)})
		}
	}
	out.discountWarn = warnings
	return out, nil
}

type codeStatus struct {
	code    string
	warning string
}

// discounts finds the entered codes, checks dates, limits and customer eligibility, and
// returns the ones pricing should try, with a status per entered code.
func (s *Service) discounts(ctx context.Context, c *ent.Cart, lines []pricing.Line, productIDs []int) ([]pricing.Discount, []codeStatus, error) {
	if len(c.DiscountCodes) == 0 {
		return nil, nil, nil
	}
	keys := make([]string, len(c.DiscountCodes))
	for i, code := range c.DiscountCodes {
		keys[i] = strings.ToUpper(code)
	}
	found, err := s.db.DiscountCode.Query().Where(discountcode.CodeKeyIn(keys...)).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		WithCollections(func(q *ent.CollectionQuery) { q.Select(collection.FieldID) }).
		All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load discount codes: %w", err)
	}
	byKey := map[string]*ent.DiscountCode{}
	needCollections, needRedemptions := false, false
	for _, d := range found {
		byKey[d.CodeKey] = d
		needCollections = needCollections || d.AppliesTo == discountcode.AppliesToCOLLECTIONS
		needRedemptions = needRedemptions || d.OncePerCustomer
	}
	if needCollections && len(productIDs) > 0 {
		ms, err := s.db.CollectionProduct.Query().Where(collectionproduct.ProductIDIn(productIDs...)).All(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("load collections of cart products: %w", err)
		}
		cols := map[int][]int{}
		for _, m := range ms {
			cols[m.ProductID] = append(cols[m.ProductID], m.CollectionID)
		}
		for i := range lines {
			lines[i].CollectionIDs = cols[lines[i].ProductID]
		}
	}
	redeemed := map[int]bool{}
	identified := c.CustomerID != nil || c.Email != nil && *c.Email != ""
	if needRedemptions && identified {
		q := s.db.DiscountRedemption.Query()
		switch {
		case c.CustomerID != nil && c.Email != nil:
			q = q.Where(discountredemption.Or(discountredemption.CustomerID(*c.CustomerID), discountredemption.Email(strings.ToLower(*c.Email))))
		case c.CustomerID != nil:
			q = q.Where(discountredemption.CustomerID(*c.CustomerID))
		default:
			q = q.Where(discountredemption.Email(strings.ToLower(*c.Email)))
		}
		rs, err := q.All(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("load discount redemptions: %w", err)
		}
		for _, r := range rs {
			redeemed[r.DiscountCodeID] = true
		}
	}
	now := s.now()
	var ds []pricing.Discount
	statuses := make([]codeStatus, 0, len(c.DiscountCodes))
	for _, code := range c.DiscountCodes {
		d := byKey[strings.ToUpper(code)]
		st := codeStatus{code: code}
		switch {
		case d == nil:
			st.warning = WarnDiscountNotFound
		case !d.Enabled || d.StartsAt != nil && now.Before(*d.StartsAt) || d.EndsAt != nil && !now.Before(*d.EndsAt):
			st.warning = WarnDiscountInactive
		case d.UsageLimit != nil && d.UsageCount >= *d.UsageLimit:
			st.warning = WarnDiscountUsageLimit
		case d.OncePerCustomer && !identified:
			st.warning = WarnDiscountCustomerMissing
		case d.OncePerCustomer && redeemed[d.ID]:
			st.warning = WarnDiscountCustomerLimit
		}
		statuses = append(statuses, st)
		if st.warning != "" {
			continue
		}
		pd := pricing.Discount{Code: code, Value: d.Value, MinimumSubtotal: d.MinimumSubtotal, OrderLevel: d.AppliesTo == discountcode.AppliesToORDER}
		if d.Kind == discountcode.KindFIXED_AMOUNT {
			pd.Kind = pricing.FixedAmount
		}
		pd.ProductIDs = map[int]bool{}
		for _, p := range d.Edges.Products {
			pd.ProductIDs[p.ID] = true
		}
		pd.CollectionIDs = map[int]bool{}
		for _, col := range d.Edges.Collections {
			pd.CollectionIDs[col.ID] = true
		}
		ds = append(ds, pd)
	}
	return ds, statuses, nil
}

// taxRate is the rate that applies to the buyer's country (the shop's when the buyer has
// not said), nil when none is configured. Provinces are not known before a delivery
// address, so only country-wide rates count here.
func (s *Service) taxRate(ctx context.Context, c *ent.Cart, shop *ent.Shop) (*int64, error) {
	country := shop.CountryCode
	if c.CountryCode != nil && *c.CountryCode != "" {
		country = *c.CountryCode
	}
	r, err := s.db.TaxRate.Query().Where(taxrate.CountryCode(country), taxrate.ProvinceCodeIsNil()).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load tax rate: %w", err)
	}
	ppm := int64(r.RatePpm)
	return &ppm, nil
}

func discountMessage(code, warning string) string {
	switch warning {
	case WarnDiscountNotFound:
		return fmt.Sprintf("The discount code %q does not exist.", code)
	case WarnDiscountInactive:
		return fmt.Sprintf("The discount code %q is not active.", code)
	case WarnDiscountUsageLimit:
		return fmt.Sprintf("The discount code %q has reached its usage limit.", code)
	case WarnDiscountCustomerLimit:
		return fmt.Sprintf("The discount code %q has already been used by this customer.", code)
	case WarnDiscountCustomerMissing:
		return fmt.Sprintf("The discount code %q needs the buyer's email or customer account.", code)
	case WarnDiscountNotInRange:
		return fmt.Sprintf("The cart subtotal does not reach the minimum of the discount code %q.", code)
	default:
		return fmt.Sprintf("The discount code %q does not apply to any item in the cart.", code)
	}
}
