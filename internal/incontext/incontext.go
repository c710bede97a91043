// Package incontext carries the buyer's context of one request — the country and language
// a storefront asks for with @inContext, the customer it acts for and the visitor's
// tracking consent — from the API's edge to the services that depend on them.
package incontext

import "context"

// Consent is a visitor's tracking consent by purpose; nil means not given.
type Consent struct {
	Analytics, Marketing, Preferences, SaleOfData *bool
}

// Buyer is the context of one request. Zero fields were not given.
type Buyer struct {
	// Country is an ISO 3166-1 alpha-2 code.
	Country string
	// Language is a Storefront API LanguageCode (EN, PT_BR, …).
	Language string
	// CustomerAccessToken is the token of the customer the request acts for.
	CustomerAccessToken string
	// PreferredLocationID is the global ID of the buyer's preferred pickup location.
	PreferredLocationID string
	// Consent is the visitor's tracking consent, nil when not given.
	Consent *Consent
}

type key struct{}

// With returns ctx carrying b.
func With(ctx context.Context, b Buyer) context.Context { return context.WithValue(ctx, key{}, b) }

// From returns the buyer context carried by ctx (zero when none).
func From(ctx context.Context) Buyer {
	b, _ := ctx.Value(key{}).(Buyer)
	return b
}
