package cart

import (
	"context"
	"fmt"
	"math"
	"strings"

	"storefront/ent"
	"storefront/ent/cartline"
	"storefront/ent/collection"
	"storefront/ent/collectionproduct"
	"storefront/ent/discountcode"
	"storefront/ent/discountredemption"
	"storefront/ent/mailingaddress"
	"storefront/ent/product"
	"storefront/ent/shippingrate"
	"storefront/ent/taxrate"
	"storefront/internal/market"
	"storefront/internal/pricing"
)

// Cart is a cart as the API shows it: its lines with their merchandise, and its costs
// computed from current prices, discount codes and tax rates.
type Cart struct {
	*ent.Cart
	// Addresses are the cart's delivery addresses, oldest first.
	Addresses []*ent.MailingAddress
	// Group is the delivery group (the lines that need shipping, to the selected
	// address), nil when nothing needs shipping or no address is selected.
	Group         *DeliveryGroup
	TaxesIncluded bool
	Key           string
	CheckoutURL   string
	// Currency is the ISO 4217 code of every amount of the cart: its country's market's.
	Currency string
	// Pricer converts the shop's prices into Currency; checkout records its rate.
	Pricer market.Pricer
	Lines  []*Line
	Cost   pricing.Result
	Codes  []CodeStatus
	// GiftCards are the usable gift cards applied to the cart with what each pays.
	GiftCards []AppliedGiftCard
	// Charge is what is left for the payment provider: the total less what gift cards pay
	// (checkoutChargeAmount).
	Charge       int64
	discountWarn []Warning
}

// DeliveryGroup is the set of lines shipped together to one address, with the ways it can
// be delivered.
type DeliveryGroup struct {
	// Currency is the cart's currency, which the options cost in.
	Currency string
	Address  *ent.MailingAddress
	Lines    []*Line
	Options  []DeliveryOption
	Selected *DeliveryOption
}

// DeliveryOption is one way to deliver a group, with its cost for this cart.
type DeliveryOption struct {
	Handle      string
	Title       string
	Description *string
	MethodType  string
	// Cost is in the cart's currency.
	Cost int64
}

// NeedsShipping reports whether any line requires shipping.
func (c *Cart) NeedsShipping() bool {
	for _, l := range c.Lines {
		if l.Variant.RequiresShipping {
			return true
		}
	}
	return false
}

// Line is a cart line with its merchandise and cost.
type Line struct {
	*ent.CartLine
	Variant *ent.ProductVariant
	// Currency is the cart's currency; UnitPrice and CompareAtPrice are the variant's prices
	// in it.
	Currency       string
	UnitPrice      int64
	CompareAtPrice *int64
	Cost           pricing.LineCost
}

// CodeStatus says whether an entered discount code applies to the cart.
type CodeStatus struct {
	Code       string
	Applicable bool
	// Warning is the DISCOUNT_* warning code saying why a code does not apply ("" when it
	// does).
	Warning  string
	discount *ent.DiscountCode
}

// Discount is the discount code behind an entered code, nil when there is none.
func (s CodeStatus) Discount() *ent.DiscountCode { return s.discount }

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
	markets, err := market.Load(ctx, s.db.Client, shop)
	if err != nil {
		return nil, err
	}
	country := ""
	if c.CountryCode != nil {
		country = *c.CountryCode
	}
	pr := markets.For(country)
	out := &Cart{Cart: c, Key: key, CheckoutURL: s.CheckoutURL(c.Token, key), Currency: pr.Currency, Pricer: pr}
	variantIDs := make([]int, len(lines))
	for i, l := range lines {
		variantIDs[i] = l.VariantID
	}
	// The market's fixed prices win over converted ones (one statement, none outside markets).
	fixed, err := market.FixedPricesOfVariants(ctx, s.db.Client, pr.MarketID, variantIDs)
	if err != nil {
		return nil, err
	}
	plines := make([]pricing.Line, len(lines))
	productIDs := make([]int, 0, len(lines))
	for i, l := range lines {
		v := l.Edges.Variant
		line := &Line{CartLine: l, Variant: v, Currency: pr.Currency, UnitPrice: pr.VariantPrice(v, fixed)}
		line.CompareAtPrice = pr.VariantCompareAtPrice(v, fixed)
		out.Lines = append(out.Lines, line)
		plines[i] = pricing.Line{ID: l.ID, ProductID: v.ProductID, Quantity: l.Quantity, UnitPrice: line.UnitPrice}
		productIDs = append(productIDs, v.ProductID)
	}
	discounts, statuses, err := s.discounts(ctx, c, plines, productIDs, pr)
	if err != nil {
		return nil, err
	}
	addresses, err := s.db.MailingAddress.Query().Where(mailingaddress.CartID(c.ID)).Order(ent.Asc(mailingaddress.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load delivery addresses: %w", err)
	}
	out.Addresses = addresses
	out.TaxesIncluded = shop.TaxesIncluded
	var selectedAddr *ent.MailingAddress
	for _, a := range addresses {
		if a.Selected {
			selectedAddr = a
		}
	}
	rate, err := s.taxRate(ctx, c, shop, selectedAddr)
	if err != nil {
		return nil, err
	}
	tax := pricing.Tax{RatePPM: rate, Included: shop.TaxesIncluded}
	out.Cost = pricing.Compute(plines, discounts, nil, tax)
	if selectedAddr != nil && out.NeedsShipping() {
		g, err := s.deliveryGroup(ctx, c, out, selectedAddr)
		if err != nil {
			return nil, err
		}
		out.Group = g
		if g.Selected != nil {
			cost := g.Selected.Cost
			tax.OnShipping = rate != nil && s.shippingTaxed(ctx, selectedAddr)
			out.Cost = pricing.Compute(plines, discounts, &cost, tax)
		}
	}
	for i := range out.Lines {
		out.Lines[i].Cost = out.Cost.Lines[i]
	}
	if err := s.giftCards(ctx, c, out); err != nil {
		return nil, err
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
		out.Codes = append(out.Codes, CodeStatus{Code: st.code, Applicable: st.warning == "", Warning: st.warning, discount: st.d})
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
	d       *ent.DiscountCode // nil when unknown
}

// discounts finds the entered codes, checks dates, limits and customer eligibility, and
// returns the ones pricing should try, with a status per entered code.
func (s *Service) discounts(ctx context.Context, c *ent.Cart, lines []pricing.Line, productIDs []int, pr market.Pricer) ([]pricing.Discount, []codeStatus, error) {
	if len(c.DiscountCodes) == 0 {
		return nil, nil, nil
	}
	keys := make([]string, len(c.DiscountCodes))
	for i, code := range c.DiscountCodes {
		keys[i] = strings.ToUpper(code)
	}
	q := s.db.DiscountCode.Query().Where(discountcode.CodeKeyIn(keys...)).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		WithCollections(func(q *ent.CollectionQuery) { q.Select(collection.FieldID) })
	if s.lockCodes {
		// Placing an order: the codes stay locked, in ID order, until it commits, so their
		// usage and redemptions read below are final.
		q = q.Order(ent.Asc(discountcode.FieldID)).ForUpdate()
	}
	found, err := q.All(ctx)
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
		st := codeStatus{code: code, d: d}
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
		pd := pricing.Discount{Code: code, Value: d.Value, OrderLevel: d.AppliesTo == discountcode.AppliesToORDER}
		if d.MinimumSubtotal != nil {
			// Amounts of the shop currency, converted into the cart's.
			m := pr.Convert(*d.MinimumSubtotal)
			pd.MinimumSubtotal = &m
		}
		if d.Kind == discountcode.KindFIXED_AMOUNT {
			pd.Kind = pricing.FixedAmount
			pd.Value = pr.Convert(d.Value)
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

// taxRate is the rate for where the cart goes: the selected delivery address (a rate of
// its province wins over its country's), else the buyer's country, else the shop's; nil
// when none is configured.
func (s *Service) taxRate(ctx context.Context, c *ent.Cart, shop *ent.Shop, addr *ent.MailingAddress) (*int64, error) {
	country, province := shop.CountryCode, ""
	if c.CountryCode != nil && *c.CountryCode != "" {
		country = *c.CountryCode
	}
	if addr != nil && addr.CountryCode != nil {
		country = *addr.CountryCode
		if addr.ProvinceCode != nil {
			province = *addr.ProvinceCode
		}
	}
	rates, err := s.db.TaxRate.Query().Where(taxrate.CountryCode(country)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load tax rates: %w", err)
	}
	var best *ent.TaxRate
	for _, r := range rates {
		switch {
		case r.ProvinceCode != nil && province != "" && strings.EqualFold(*r.ProvinceCode, province):
			best = r
		case r.ProvinceCode == nil && (best == nil || best.ProvinceCode == nil):
			best = r
		}
	}
	if best == nil {
		return nil, nil
	}
	ppm := int64(best.RatePpm)
	return &ppm, nil
}

// shippingTaxed reports whether the rate that applies to the address taxes shipping.
func (s *Service) shippingTaxed(ctx context.Context, addr *ent.MailingAddress) bool {
	if addr.CountryCode == nil {
		return false
	}
	n, err := s.db.TaxRate.Query().Where(taxrate.CountryCode(*addr.CountryCode), taxrate.AppliesToShipping(true)).Count(ctx)
	return err == nil && n > 0
}

// deliveryGroup works out the delivery options for the lines that need shipping.
func (s *Service) deliveryGroup(ctx context.Context, c *ent.Cart, view *Cart, addr *ent.MailingAddress) (*DeliveryGroup, error) {
	g := &DeliveryGroup{Address: addr, Currency: view.Currency}
	pr := view.Pricer
	var grams int64
	for _, l := range view.Lines {
		if l.Variant.RequiresShipping {
			g.Lines = append(g.Lines, l)
			grams += int64(l.Quantity) * weightGrams(l.Variant)
		}
	}
	rates, err := s.db.ShippingRate.Query().Order(ent.Asc(shippingrate.FieldPosition), ent.Asc(shippingrate.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load shipping rates: %w", err)
	}
	subtotal := view.Cost.Subtotal
	for _, r := range rates {
		if !rateApplies(r, addr, grams, subtotal, pr) {
			continue
		}
		// Rates are in the shop currency: converted into the cart's.
		cost := pr.Convert(r.Price)
		if r.FreeAbove != nil && subtotal >= pr.Convert(*r.FreeAbove) {
			cost = 0
		}
		g.Options = append(g.Options, DeliveryOption{Handle: r.Handle, Title: r.Title, Description: r.Description, MethodType: string(r.MethodType), Cost: cost})
	}
	if c.DeliveryOption != nil {
		for i := range g.Options {
			if g.Options[i].Handle == *c.DeliveryOption {
				g.Selected = &g.Options[i]
			}
		}
	}
	return g, nil
}

// rateApplies reports whether a rate serves the address and the cart's weight or subtotal
// (in the cart's currency; a rate's subtotal bounds are in the shop's, converted by pr).
func rateApplies(r *ent.ShippingRate, addr *ent.MailingAddress, grams, subtotal int64, pr market.Pricer) bool {
	country, province := "", ""
	if addr.CountryCode != nil {
		country = *addr.CountryCode
	}
	if addr.ProvinceCode != nil {
		province = *addr.ProvinceCode
	}
	if len(r.Countries) > 0 && !containsFold(r.Countries, country) {
		return false
	}
	if len(r.Provinces) > 0 && !containsFold(r.Provinces, province) {
		return false
	}
	var v int64
	conv := func(n int64) int64 { return n }
	switch r.Condition {
	case shippingrate.ConditionWEIGHT:
		v = grams
	case shippingrate.ConditionSUBTOTAL:
		v, conv = subtotal, pr.Convert
	default:
		return true
	}
	return (r.Min == nil || v >= conv(*r.Min)) && (r.Max == nil || v <= conv(*r.Max))
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// weightGrams is a variant's weight in grams, rounded.
func weightGrams(v *ent.ProductVariant) int64 {
	factor := map[string]float64{"GRAMS": 1, "KILOGRAMS": 1000, "OUNCES": 28.349523125, "POUNDS": 453.59237}[string(v.WeightUnit)]
	return int64(math.Round(v.Weight * factor))
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
