package graph

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/99designs/gqlgen/graphql"

	"storefront/graph/model"
	"storefront/internal/customer"
	"storefront/internal/incontext"
	"storefront/internal/locale"
)

// inContext is the @inContext directive: it puts the operation's buyer context into the
// request's context for every field under the operation.
func inContext(ctx context.Context, _ any, next graphql.Resolver, buyer *model.BuyerInput, country *model.CountryCode, language *model.LanguageCode, preferredLocationID *string, consent *model.VisitorConsent) (any, error) {
	var b incontext.Buyer
	if buyer != nil {
		b.CustomerAccessToken = buyer.CustomerAccessToken
	}
	if country != nil {
		b.Country = string(*country)
	}
	if language != nil {
		b.Language = string(*language)
	}
	if preferredLocationID != nil {
		b.PreferredLocationID = *preferredLocationID
	}
	if consent != nil {
		b.Consent = &incontext.Consent{Analytics: consent.Analytics, Marketing: consent.Marketing, Preferences: consent.Preferences, SaleOfData: consent.SaleOfData}
	}
	return next(incontext.With(ctx, b))
}

func toCountry(c locale.Country) *model.Country {
	unit := model.UnitSystemMetricSystem
	if locale.ImperialUnits(c.Code) {
		unit = model.UnitSystemImperialSystem
	}
	return &model.Country{
		IsoCode:            model.CountryCode(c.Code),
		Name:               customer.CountryName(c.Code),
		Currency:           &model.Currency{IsoCode: model.CurrencyCode(c.Currency), Name: locale.CurrencyName(c.Currency), Symbol: locale.CurrencySymbol(c.Currency)},
		AvailableLanguages: toLanguages(c.Languages),
		DefaultLanguage:    toLanguage(c.Languages[0]),
		UnitSystem:         unit,
	}
}

func toLanguage(code string) *model.Language {
	return &model.Language{IsoCode: model.LanguageCode(code), Name: locale.LanguageName(code), EndonymName: locale.LanguageEndonym(code)}
}

func toLanguages(codes []string) []*model.Language {
	out := make([]*model.Language, len(codes))
	for i, c := range codes {
		out[i] = toLanguage(c)
	}
	return out
}

// trackingConsentCookie serializes a visitor's consent as the `_tracking_consent` cookie:
// URI-encoded JSON, each purpose "1" (accepted), "0" (declined) or "" (no preference).
func trackingConsentCookie(c *model.VisitorConsent) string {
	if c == nil {
		c = &model.VisitorConsent{}
	}
	purpose := func(b *bool) string {
		switch {
		case b == nil:
			return ""
		case *b:
			return "1"
		}
		return "0"
	}
	v := struct {
		Con struct {
			CMP struct {
				A string `json:"a"`
				M string `json:"m"`
				P string `json:"p"`
				S string `json:"s"`
			} `json:"CMP"`
		} `json:"con"`
		V string `json:"v"`
	}{V: "2.1"}
	v.Con.CMP.A, v.Con.CMP.M, v.Con.CMP.P, v.Con.CMP.S = purpose(c.Analytics), purpose(c.Marketing), purpose(c.Preferences), purpose(c.SaleOfData)
	b, _ := json.Marshal(v)
	return url.QueryEscape(string(b))
}
