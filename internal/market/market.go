// Package market owns the shop's markets: which currency each country is sold in, and how
// prices in the shop currency become prices in that currency (an exchange rate and a
// rounding rule). A Pricer is one buyer's side of it, chosen by country; the Admin API's
// writes of markets live here too.
package market

import (
	"context"
	"fmt"
	"math/big"
	"slices"

	"storefront/ent"
	entmarket "storefront/ent/market"
	"storefront/internal/money"
)

// Rounding rules of converted product prices.
const (
	RoundNone       = "NONE"
	RoundWhole      = "WHOLE"
	RoundNinetyNine = "NINETY_NINE"
)

// Pricer converts amounts of the shop currency into one market's currency. The zero-rate
// Pricer of the shop's own currency (ShopPricer) leaves amounts as they are.
type Pricer struct {
	// MarketID is the market's database ID, 0 when amounts stay in the shop currency.
	MarketID int
	// Currency is the ISO 4217 code amounts come out in.
	Currency string
	// ShopCurrency is the ISO 4217 code amounts go in in.
	ShopCurrency string
	rate         *big.Rat // nil: the shop currency itself
	rateText     string
	rounding     string
}

// ShopPricer is the Pricer of the shop currency.
func ShopPricer(shopCurrency string) Pricer {
	return Pricer{Currency: shopCurrency, ShopCurrency: shopCurrency}
}

// AtRate is the Pricer of an order placed in currency at a recorded exchange rate (presentment
// units per shop-currency unit, e.g. "1.35"): its ToShop turns the order's amounts into the
// shop currency as the order recorded its own totals. The shop currency itself, or a rate
// that is not a positive decimal, leaves amounts as they are.
func AtRate(currency, shopCurrency, rate string) Pricer {
	r, ok := new(big.Rat).SetString(rate)
	if currency == shopCurrency || !ok || r.Sign() <= 0 {
		return Pricer{Currency: currency, ShopCurrency: currency}
	}
	return Pricer{Currency: currency, ShopCurrency: shopCurrency, rate: r, rateText: rate}
}

// Converts reports whether amounts change currency.
func (p Pricer) Converts() bool { return p.rate != nil }

// Rate is the exchange rate as a decimal string ("1" for the shop currency).
func (p Pricer) Rate() string {
	if p.rate == nil {
		return "1"
	}
	return p.rateText
}

// scale is 10^(market minor digits − shop minor digits) times the rate: the factor from
// shop minor units to market minor units.
func (p Pricer) scale() *big.Rat {
	f := new(big.Rat).Set(p.rate)
	d := money.MinorDigits(p.Currency) - money.MinorDigits(p.ShopCurrency)
	pow := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(d))), nil))
	if d >= 0 {
		return f.Mul(f, pow)
	}
	return f.Quo(f, pow)
}

// Convert turns an amount of the shop currency into the market currency by the exchange
// rate, rounded half up to the minor unit: for shipping, discounts and thresholds.
func (p Pricer) Convert(amount int64) int64 {
	if p.rate == nil {
		return amount
	}
	return roundHalfUp(new(big.Rat).Mul(new(big.Rat).SetInt64(amount), p.scale()))
}

// Price turns a product price of the shop currency into the market currency: converted,
// then rounded up by the market's rule (12.34 is 13.00 with WHOLE, 12.99 with NINETY_NINE).
// Zero stays zero; rounding never lowers a price.
func (p Pricer) Price(amount int64) int64 {
	v := p.Convert(amount)
	if p.rate == nil || v <= 0 {
		return v
	}
	unit := pow10(money.MinorDigits(p.Currency))
	switch p.rounding {
	case RoundWhole:
		return (v + unit - 1) / unit * unit
	case RoundNinetyNine:
		if unit == 1 {
			// No minor unit: end in 9 (1234 → 1239).
			return (v+1+9)/10*10 - 1
		}
		step := unit / 100 // one hundredth of a unit: .99 is unit − step
		return (v+step+unit-1)/unit*unit - step
	}
	return v
}

// ToShop turns an amount of the market currency back into the shop currency by the same
// rate, rounded half up: the shop-currency amounts an order records.
func (p Pricer) ToShop(amount int64) int64 {
	if p.rate == nil {
		return amount
	}
	return roundHalfUp(new(big.Rat).Quo(new(big.Rat).SetInt64(amount), p.scale()))
}

// Set is the shop's enabled markets, as one request reads them.
type Set struct {
	ShopCurrency string
	ShopCountry  string
	Markets      []*ent.Market
}

// Load reads the enabled markets (one statement).
func Load(ctx context.Context, client *ent.Client, shop *ent.Shop) (Set, error) {
	ms, err := client.Market.Query().Where(entmarket.Enabled(true)).Order(ent.Asc(entmarket.FieldID)).All(ctx)
	if err != nil {
		return Set{}, fmt.Errorf("load markets: %w", err)
	}
	return Set{ShopCurrency: shop.CurrencyCode, ShopCountry: shop.CountryCode, Markets: ms}, nil
}

// Of returns the market a country belongs to, nil when none.
func (s Set) Of(country string) *ent.Market {
	for _, m := range s.Markets {
		if slices.Contains(m.Countries, country) {
			return m
		}
	}
	return nil
}

// For returns the Pricer of a country: its market's, or the shop currency's when it is in
// no market (or country is "").
func (s Set) For(country string) Pricer {
	m := s.Of(country)
	if m == nil || m.CurrencyCode == s.ShopCurrency {
		p := ShopPricer(s.ShopCurrency)
		if m != nil {
			p.MarketID = m.ID
		}
		return p
	}
	rate, ok := new(big.Rat).SetString(m.ExchangeRate)
	if !ok || rate.Sign() <= 0 {
		return ShopPricer(s.ShopCurrency) // writes refuse such a rate; never price by it
	}
	return Pricer{MarketID: m.ID, Currency: m.CurrencyCode, ShopCurrency: s.ShopCurrency, rate: rate, rateText: m.ExchangeRate, rounding: string(m.PriceRounding)}
}

// Currencies lists the currencies buyers can see and pay in: the shop's first, then the
// markets' in order, each once.
func (s Set) Currencies() []string {
	out := []string{s.ShopCurrency}
	for _, m := range s.Markets {
		if !slices.Contains(out, m.CurrencyCode) {
			out = append(out, m.CurrencyCode)
		}
	}
	return out
}

// Countries lists the countries of the enabled markets.
func (s Set) Countries() []string {
	var out []string
	for _, m := range s.Markets {
		out = append(out, m.Countries...)
	}
	return out
}

func roundHalfUp(r *big.Rat) int64 {
	num, den := new(big.Int).Set(r.Num()), r.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q.Int64()
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ShopBounds turns a price range of the market currency (lo, and hi when hi ≥ 0) into the
// range of shop prices whose converted and rounded price (Price) falls in it: the smallest
// shop amount priced at lo or more, and the largest priced at hi or less (-1 when hi < 0).
// Price never decreases as the shop amount grows, so the shop range holds exactly the
// prices the market shows within the bounds. empty is true when no shop amount does.
func (p Pricer) ShopBounds(lo, hi int64) (shopLo, shopHi int64, empty bool) {
	if p.rate == nil {
		return lo, hi, hi >= 0 && hi < lo
	}
	// firstAtLeast is the smallest amount whose Price is at least v (binary search).
	firstAtLeast := func(v int64) int64 {
		a, b := int64(0), int64(1)<<53
		for a < b {
			m := a + (b-a)/2
			if p.Price(m) >= v {
				b = m
			} else {
				a = m + 1
			}
		}
		return a
	}
	shopLo, shopHi = firstAtLeast(lo), -1
	if hi >= 0 {
		shopHi = firstAtLeast(hi+1) - 1
		empty = shopHi < shopLo
	}
	return shopLo, shopHi, empty
}

// SQLPrice is an SQL expression of Price over expr, an integer expression of shop prices in
// minor units (a column), in integer arithmetic that SQLite and PostgreSQL evaluate alike:
// for sorting by the prices a market shows. ok is false when the rate's fraction is too
// large for 64-bit arithmetic on prices up to 10^9 minor units.
func (p Pricer) SQLPrice(expr string) (sql string, ok bool) {
	if p.rate == nil {
		return expr, true
	}
	sc := p.scale()
	if !sc.Num().IsInt64() || !sc.Denom().IsInt64() || sc.Num().Int64() > 1<<30 || sc.Denom().Int64() > 1<<30 {
		return "", false
	}
	num, den := sc.Num().Int64(), sc.Denom().Int64()
	// Convert: half up, for the non-negative amounts prices are.
	c := fmt.Sprintf("((%s) * %d + %d) / %d", expr, 2*num, den, 2*den)
	unit := pow10(money.MinorDigits(p.Currency))
	rounded := c
	switch p.rounding {
	case RoundWhole:
		rounded = fmt.Sprintf("(%s + %d) / %d * %d", c, unit-1, unit, unit)
	case RoundNinetyNine:
		if unit == 1 {
			rounded = fmt.Sprintf("(%s + 10) / 10 * 10 - 1", c)
		} else {
			step := unit / 100
			rounded = fmt.Sprintf("(%s + %d) / %d * %d - %d", c, step+unit-1, unit, unit, step)
		}
	}
	return fmt.Sprintf("CASE WHEN %s <= 0 THEN %s ELSE %s END", c, c, rounded), true
}
