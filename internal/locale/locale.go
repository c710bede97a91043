// Package locale owns the buyer's localization: which countries the shop sells to (with the
// currency of each), which languages its texts are offered in, and which country and
// language one request is served in, from the @inContext of the request.
package locale

import (
	"context"
	"slices"
	"strings"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"

	"storefront/ent"
	"storefront/internal/incontext"
	"storefront/internal/market"
)

// Country is a country the shop sells to.
type Country struct {
	// Code is the ISO 3166-1 alpha-2 code.
	Code string
	// Currency is the ISO 4217 code prices are shown and charged in for the country.
	Currency string
	// Languages are the LanguageCodes the shop's texts are offered in, the default first.
	Languages []string
}

// Localization is the answer for one request: its country and language, and what the shop offers.
type Localization struct {
	Country   Country
	Language  string
	Countries []Country
	Languages []string
}

// Countries lists the countries the shop sells to: its ships-to countries, the countries of
// its markets, and its own country (always among them). A country in a market is priced in
// the market's currency, any other in the shop currency.
func Countries(shop *ent.Shop, markets market.Set, languages []string) []Country {
	codes := slices.Clone(shop.ShipsToCountries)
	codes = append(codes, markets.Countries()...)
	codes = append(codes, shop.CountryCode)
	slices.Sort(codes)
	codes = slices.Compact(codes)
	out := make([]Country, 0, len(codes))
	for _, c := range codes {
		out = append(out, Country{Code: c, Currency: markets.For(c).Currency, Languages: languages})
	}
	return out
}

// Languages lists the languages the shop's texts are offered in: its own language first,
// then those it has translations in (translated, a LanguageCode list).
func Languages(shop *ent.Shop, translated []string) []string {
	out := []string{shop.LanguageCode}
	for _, l := range translated {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// For returns the localization of the request ctx: the @inContext country when the shop
// sells there, else the shop's own country; the @inContext language when the country
// offers it, else the country's default language.
func For(ctx context.Context, shop *ent.Shop, markets market.Set, translated []string) Localization {
	b := incontext.From(ctx)
	languages := Languages(shop, translated)
	countries := Countries(shop, markets, languages)
	l := Localization{Countries: countries, Languages: languages}
	for _, c := range countries {
		if c.Code == b.Country {
			l.Country = c
		}
		if c.Code == shop.CountryCode && l.Country.Code == "" {
			l.Country = c
		}
	}
	l.Language = l.Country.Languages[0]
	if slices.Contains(l.Country.Languages, b.Language) {
		l.Language = b.Language
	}
	return l
}

// ImperialUnits reports whether the country measures in the imperial system.
func ImperialUnits(country string) bool {
	return country == "US" || country == "LR" || country == "MM"
}

// tag is the BCP 47 tag of a Storefront API LanguageCode (PT_BR → pt-BR).
func tag(code string) language.Tag {
	t, err := language.Parse(strings.ReplaceAll(code, "_", "-"))
	if err != nil {
		return language.Und
	}
	return t
}

// LanguageName is the English name of a LanguageCode ("German").
func LanguageName(code string) string {
	if n := display.English.Tags().Name(tag(code)); n != "" {
		return n
	}
	return code
}

// LanguageEndonym is a LanguageCode's name in that language ("Deutsch").
func LanguageEndonym(code string) string {
	if n := display.Self.Name(tag(code)); n != "" {
		return n
	}
	return LanguageName(code)
}

// CurrencySymbol is the narrow symbol of an ISO 4217 currency ("$", "€", "£").
func CurrencySymbol(code string) string {
	u, err := currency.ParseISO(code)
	if err != nil {
		return code
	}
	return message.NewPrinter(language.English).Sprint(currency.NarrowSymbol(u))
}

// CurrencyName is the English name of an ISO 4217 currency, or its code when unlisted.
func CurrencyName(code string) string {
	if n, ok := currencyNames[code]; ok {
		return n
	}
	return code
}

var currencyNames = map[string]string{
	"AED": "United Arab Emirates Dirham", "ARS": "Argentine Peso", "AUD": "Australian Dollar",
	"BRL": "Brazilian Real", "CAD": "Canadian Dollar", "CHF": "Swiss Franc", "CLP": "Chilean Peso",
	"CNY": "Chinese Yuan", "COP": "Colombian Peso", "CZK": "Czech Koruna", "DKK": "Danish Krone",
	"EUR": "Euro", "GBP": "British Pound", "HKD": "Hong Kong Dollar", "HUF": "Hungarian Forint",
	"IDR": "Indonesian Rupiah", "ILS": "Israeli New Shekel", "INR": "Indian Rupee",
	"ISK": "Icelandic Króna", "JPY": "Japanese Yen", "KRW": "South Korean Won",
	"MXN": "Mexican Peso", "MYR": "Malaysian Ringgit", "NOK": "Norwegian Krone",
	"NZD": "New Zealand Dollar", "PHP": "Philippine Peso", "PLN": "Polish Złoty",
	"RON": "Romanian Leu", "SAR": "Saudi Riyal", "SEK": "Swedish Krona", "SGD": "Singapore Dollar",
	"THB": "Thai Baht", "TRY": "Turkish Lira", "TWD": "New Taiwan Dollar", "USD": "US Dollar",
	"ZAR": "South African Rand",
}
