package checkoutpage

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"storefront/ent"
	"storefront/internal/customer"
	"storefront/internal/store"
)

// region is a country or province offered in an address form.
type region struct {
	Code, Name string
}

// provinceGroup lists the provinces of one country, for a select's optgroup.
type provinceGroup struct {
	Country   region
	Provinces []region
}

// provinces are the subdivisions the address form offers, for the countries where a
// delivery address needs one (the codes shipping and tax rates use).
var provinces = map[string][]region{
	"US": parseRegions(`AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware|DC District of Columbia|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky|LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi|MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico|NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania|PR Puerto Rico|RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming`),
	"CA": parseRegions(`AB Alberta|BC British Columbia|MB Manitoba|NB New Brunswick|NL Newfoundland and Labrador|NT Northwest Territories|NS Nova Scotia|NU Nunavut|ON Ontario|PE Prince Edward Island|QC Quebec|SK Saskatchewan|YT Yukon`),
	"AU": parseRegions(`ACT Australian Capital Territory|NSW New South Wales|NT Northern Territory|QLD Queensland|SA South Australia|TAS Tasmania|VIC Victoria|WA Western Australia`),
}

func parseRegions(s string) []region {
	var out []region
	for _, p := range strings.Split(s, "|") {
		code, name, _ := strings.Cut(p, " ")
		out = append(out, region{Code: code, Name: name})
	}
	return out
}

// provinceKnown reports whether code is a province of country in the list above.
func provinceKnown(country, code string) bool {
	for _, p := range provinces[country] {
		if p.Code == code {
			return true
		}
	}
	return false
}

// allCountries is every ISO country with its English name, by name.
var allCountries = func() []region {
	var out []region
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			if name := customer.CountryName(code); name != "" {
				out = append(out, region{Code: code, Name: name})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}()

// shipCountries are the countries a delivery address may be in: the shop's list, else the
// countries its shipping rates name, else (a rate without countries) every country.
func shipCountries(ctx context.Context, db *store.DB, shop *ent.Shop) ([]region, error) {
	codes := map[string]bool{}
	if shop != nil {
		for _, c := range shop.ShipsToCountries {
			codes[strings.ToUpper(c)] = true
		}
	}
	if len(codes) == 0 {
		rates, err := db.ShippingRate.Query().All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load shipping rates: %w", err)
		}
		for _, r := range rates {
			if len(r.Countries) == 0 {
				return allCountries, nil
			}
			for _, c := range r.Countries {
				codes[strings.ToUpper(c)] = true
			}
		}
	}
	if len(codes) == 0 {
		return allCountries, nil
	}
	var out []region
	for _, r := range allCountries {
		if codes[r.Code] {
			out = append(out, r)
		}
	}
	return out, nil
}

// provinceGroups are the province lists of the given countries that have one.
func provinceGroups(countries []region) []provinceGroup {
	var out []provinceGroup
	for _, c := range countries {
		if ps := provinces[c.Code]; len(ps) > 0 {
			out = append(out, provinceGroup{Country: c, Provinces: ps})
		}
	}
	return out
}

func hasRegion(list []region, code string) bool {
	for _, r := range list {
		if r.Code == code {
			return true
		}
	}
	return false
}
