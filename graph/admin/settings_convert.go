package admin

import (
	"github.com/99designs/gqlgen/graphql"

	"storefront/graph/admin/model"
	"storefront/internal/market"
	"storefront/internal/settings"
)

func opt[T any](o graphql.Omittable[*T]) settings.Optional[T] {
	v, ok := o.ValueOK()
	return settings.Optional[T]{Set: ok, Value: v}
}

func optInt64(o graphql.Omittable[*int]) settings.Optional[int64] {
	v, ok := o.ValueOK()
	if !ok || v == nil {
		return settings.Optional[int64]{Set: ok}
	}
	n := int64(*v)
	return settings.Optional[int64]{Set: true, Value: &n}
}

func toShopInput(in model.ShopInput) settings.ShopInput {
	return settings.ShopInput{
		Name: in.Name, Description: in.Description, CurrencyCode: in.CurrencyCode, CountryCode: in.CountryCode, IANATimezone: in.IanaTimezone,
		ShipsToCountries: in.ShipsToCountries, HasShipsTo: in.ShipsToCountries != nil, TaxesIncluded: in.TaxesIncluded,
		PrimaryDomain: opt(in.PrimaryDomain), ContactEmail: opt(in.ContactEmail), PrivacyPolicy: opt(in.PrivacyPolicy),
		RefundPolicy: opt(in.RefundPolicy), ShippingPolicy: opt(in.ShippingPolicy), TermsOfService: opt(in.TermsOfService),
		OrderNumberStart: in.OrderNumberStart, CapturePolicy: capturePolicy(in),
	}
}

func capturePolicy(in model.ShopInput) *string {
	if in.CapturePolicy == nil {
		return nil
	}
	p := string(*in.CapturePolicy)
	return &p
}

func toShippingRateInput(in model.ShippingRateInput) settings.ShippingRateInput {
	out := settings.ShippingRateInput{
		Handle: in.Handle, Title: in.Title, Description: opt(in.Description),
		Countries: in.Countries, HasCountries: in.Countries != nil, Provinces: in.Provinces, HasProvinces: in.Provinces != nil,
		Min: optInt64(in.Min), Max: optInt64(in.Max), Price: in.Price, FreeAbove: opt(in.FreeAbove), Position: in.Position,
	}
	if in.MethodType != nil {
		m := string(*in.MethodType)
		out.MethodType = &m
	}
	if in.Condition != nil {
		c := string(*in.Condition)
		out.Condition = &c
	}
	return out
}

func toTaxRateInput(in model.TaxRateInput) settings.TaxRateInput {
	return settings.TaxRateInput{CountryCode: in.CountryCode, ProvinceCode: opt(in.ProvinceCode), Name: in.Name,
		Rate: in.Rate, AppliesToShipping: in.AppliesToShipping}
}

func toMarketInput(in model.MarketInput) market.Input {
	out := market.Input{Name: in.Name, CurrencyCode: in.CurrencyCode, Countries: in.Countries, HasCountries: in.Countries != nil,
		ExchangeRate: in.ExchangeRate, Enabled: in.Enabled}
	if in.PriceRounding != nil {
		r := string(*in.PriceRounding)
		out.PriceRounding = &r
	}
	return out
}
