package market

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"slices"

	"entgo.io/ent/dialect"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"

	"storefront/ent"
	entmarket "storefront/ent/market"
	"storefront/internal/audit"
	"storefront/internal/gid"
	"storefront/internal/store"
	"storefront/internal/usererror"
)

// GlobalIDType is the type name of markets in global IDs.
const GlobalIDType = "Market"

// User error codes of market writes, besides usererror's BLANK, INVALID, TAKEN and NOT_FOUND.
const (
	// UnsupportedCurrency is a currency code that is not an ISO 4217 currency.
	UnsupportedCurrency = "UNSUPPORTED_CURRENCY"
)

var (
	countryRE  = regexp.MustCompile(`^[A-Z]{2}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	rateRE     = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,6})?$`)
)

// Service writes markets. It is safe for concurrent use.
type Service struct{ db *store.DB }

// NewService returns the market service over db.
func NewService(db *store.DB) *Service { return &Service{db: db} }

// Input is a market as marketCreate and marketUpdate take it; nil fields stay as they are.
type Input struct {
	Name         *string
	CurrencyCode *string
	Countries    []string
	HasCountries bool
	// ExchangeRate is a positive decimal with at most six decimals, e.g. "1.35".
	ExchangeRate  *string
	PriceRounding *string
	Enabled       *bool
}

type errs []usererror.Error

func (e *errs) add(code, msg string, path ...any) {
	*e = append(*e, usererror.New(code, msg, append([]any{"input"}, path...)...))
}

// Save creates a market (id "") or changes one. Every write locks the shop row first, so
// two writes that would put one country in two markets are serialized and the second sees
// the first. User error codes: BLANK, INVALID (a malformed country or exchange rate, the
// shop's own country in a market of another currency, an unknown rounding), TAKEN (a
// country already in another market), UNSUPPORTED_CURRENCY, NOT_FOUND (id).
func (s *Service) Save(ctx context.Context, id string, in Input) (*ent.Market, []usererror.Error, error) {
	var mid int
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		q := tx.Shop.Query().Order(ent.Asc("id"))
		if s.db.Dialect == dialect.Postgres {
			q = q.ForUpdate() // SQLite's immediate transactions already hold the write lock
		}
		shop, err := q.First(ctx)
		if err != nil {
			return "", nil, nil, fmt.Errorf("lock shop: %w", err)
		}
		var m *ent.Market
		if id != "" {
			if n, ok := gid.ParseAs(id, GlobalIDType); ok {
				if m, err = tx.Market.Get(ctx, n); err != nil && !ent.IsNotFound(err) {
					return "", nil, nil, fmt.Errorf("load market %d: %w", n, err)
				}
			}
			if m == nil {
				return "", nil, []usererror.Error{usererror.New(usererror.NotFound, "No such market.", "id")}, nil
			}
		}
		var e errs
		if m == nil && in.Name == nil {
			e.add(usererror.Blank, "A new market needs a name.", "name")
		}
		if m == nil && in.CurrencyCode == nil {
			e.add(usererror.Blank, "A new market needs a currency.", "currencyCode")
		}
		if in.Name != nil && (*in.Name == "" || len(*in.Name) > 255) {
			e.add(usererror.Invalid, "The name must be 1 to 255 characters.", "name")
		}
		if in.CurrencyCode != nil {
			if _, err := currency.ParseISO(*in.CurrencyCode); err != nil || !currencyRE.MatchString(*in.CurrencyCode) {
				e.add(UnsupportedCurrency, "The currency is not an ISO 4217 currency such as CAD.", "currencyCode")
			}
		}
		for i, c := range in.Countries {
			if r, err := language.ParseRegion(c); err != nil || !countryRE.MatchString(c) || !r.IsCountry() {
				e.add(usererror.Invalid, "A country is an ISO 3166-1 alpha-2 code such as CA.", "countries", i)
			}
			if slices.Index(in.Countries, c) != i {
				e.add(usererror.Invalid, "A country is listed twice.", "countries", i)
			}
		}
		if in.ExchangeRate != nil {
			r, ok := new(big.Rat).SetString(*in.ExchangeRate)
			if !rateRE.MatchString(*in.ExchangeRate) || !ok || r.Sign() <= 0 {
				e.add(usererror.Invalid, "The exchange rate is a positive decimal with at most six decimals, e.g. 1.35.", "exchangeRate")
			}
		}
		if in.PriceRounding != nil && entmarket.PriceRoundingValidator(entmarket.PriceRounding(*in.PriceRounding)) != nil {
			e.add(usererror.Invalid, "The rounding is NONE, WHOLE or NINETY_NINE.", "priceRounding")
		}
		cur, countries := "", []string(nil)
		if m != nil {
			cur, countries = m.CurrencyCode, m.Countries
		}
		if in.CurrencyCode != nil {
			cur = *in.CurrencyCode
		}
		if in.HasCountries {
			countries = in.Countries
		}
		if len(e) == 0 && cur != shop.CurrencyCode && slices.Contains(countries, shop.CountryCode) {
			e.add(usererror.Invalid, fmt.Sprintf("The shop's own country %s is sold in the shop currency %s.", shop.CountryCode, shop.CurrencyCode), "countries", slices.Index(countries, shop.CountryCode))
		}
		if len(e) == 0 && in.HasCountries && len(countries) > 0 {
			others, err := tx.Market.Query().All(ctx)
			if err != nil {
				return "", nil, nil, fmt.Errorf("load markets: %w", err)
			}
			for _, o := range others {
				if m != nil && o.ID == m.ID {
					continue
				}
				for i, c := range countries {
					if slices.Contains(o.Countries, c) {
						e.add(usererror.Taken, fmt.Sprintf("%s is already in the market %q.", c, o.Name), "countries", i)
					}
				}
			}
		}
		if len(e) > 0 {
			return "", nil, e, nil
		}
		changes := map[string]any{}
		if m == nil {
			if m, err = tx.Market.Create().SetName(*in.Name).SetCurrencyCode(cur).SetCountries(nonNil(countries)).Save(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("create market: %w", err)
			}
			changes["created"], changes["name"], changes["currencyCode"], changes["countries"] = true, *in.Name, cur, nonNil(countries)
		}
		u := tx.Market.UpdateOne(m)
		before := len(changes)
		set := func(field string, differs bool, v any, apply func()) {
			if differs {
				apply()
				changes[field] = v
			}
		}
		if in.Name != nil {
			set("name", *in.Name != m.Name, *in.Name, func() { u.SetName(*in.Name) })
		}
		set("currencyCode", cur != m.CurrencyCode, cur, func() { u.SetCurrencyCode(cur) })
		set("countries", !slices.Equal(countries, m.Countries), nonNil(countries), func() { u.SetCountries(nonNil(countries)) })
		if in.ExchangeRate != nil {
			set("exchangeRate", *in.ExchangeRate != m.ExchangeRate, *in.ExchangeRate, func() { u.SetExchangeRate(*in.ExchangeRate) })
		}
		if in.PriceRounding != nil {
			r := entmarket.PriceRounding(*in.PriceRounding)
			set("priceRounding", r != m.PriceRounding, *in.PriceRounding, func() { u.SetPriceRounding(r) })
		}
		if in.Enabled != nil {
			set("enabled", *in.Enabled != m.Enabled, *in.Enabled, func() { u.SetEnabled(*in.Enabled) })
		}
		if len(changes) > before {
			if err := u.Exec(ctx); err != nil {
				return "", nil, nil, fmt.Errorf("update market %d: %w", m.ID, err)
			}
		}
		mid = m.ID
		return gid.Format(GlobalIDType, m.ID), changes, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return nil, uerrs, err
	}
	m, err := s.db.Market.Get(ctx, mid)
	if err != nil {
		return nil, nil, fmt.Errorf("read market back: %w", err)
	}
	return m, nil, nil
}

// Delete deletes a market; its countries are priced in the shop currency again. User error
// codes: NOT_FOUND (id).
func (s *Service) Delete(ctx context.Context, id string) (string, []usererror.Error, error) {
	notFound := []usererror.Error{usererror.New(usererror.NotFound, "No such market.", "id")}
	n, ok := gid.ParseAs(id, GlobalIDType)
	if !ok {
		return "", notFound, nil
	}
	uerrs, err := audit.Write(ctx, s.db, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		err := tx.Market.DeleteOneID(n).Exec(ctx)
		if ent.IsNotFound(err) {
			return "", nil, notFound, nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("delete market %d: %w", n, err)
		}
		return id, map[string]any{"deleted": true}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(GlobalIDType, n), nil, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
