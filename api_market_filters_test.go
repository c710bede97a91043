package main

import (
	"encoding/json"
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// TestMarketPriceFilters: with a market country, price filters of collection.products and
// search are in the market's currency and match the prices that market shows (converted
// and rounded, or fixed), and the PRICE_RANGE facet's range is in that currency too.
func TestMarketPriceFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		type resultJSON struct {
			Nodes   []struct{ Handle string }
			Filters []struct {
				ID, Type string
				Values   []struct {
					Count int
					Input string
				}
			}
		}
		list := func(r resultJSON) (string, string) {
			var hs []string
			for _, n := range r.Nodes {
				hs = append(hs, n.Handle)
			}
			priceMax := ""
			for _, f := range r.Filters {
				if f.Type == "PRICE_RANGE" && len(f.Values) == 1 {
					var in struct {
						Price struct{ Min, Max json.Number }
					}
					if err := json.Unmarshal([]byte(f.Values[0].Input), &in); err != nil {
						t.Fatalf("price facet input %q: %v", f.Values[0].Input, err)
					}
					priceMax = in.Price.Max.String()
				}
			}
			return strings.Join(hs, ","), priceMax
		}
		collection := func(country string, price map[string]any) (string, string) {
			t.Helper()
			var out struct {
				Collection struct{ Products resultJSON }
			}
			api.post(t, `query($c: CountryCode, $f: [ProductFilter!]) @inContext(country: $c) { collection(handle: "home") {
				products(first: 10, filters: $f) { nodes { handle } filters { id type values { count input } } } } }`,
				map[string]any{"c": country, "f": []map[string]any{{"price": price}}}).decode(t, &out)
			return list(out.Collection.Products)
		}
		search := func(country string, price map[string]any) (string, string) {
			t.Helper()
			var out struct{ Search resultJSON }
			api.post(t, `query($c: CountryCode, $f: [ProductFilter!]) @inContext(country: $c) { search(query: "mug", first: 10, productFilters: $f) {
				nodes { ... on Product { handle } } filters: productFilters { id type values { count input } } } }`,
				map[string]any{"c": country, "f": []map[string]any{{"price": price}}}).decode(t, &out)
			return list(out.Search)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(api.Log.String())
			}
		})
		// Home: mug 9.99 USD (13.99 CAD, 8.00 GBP), lamp 45.00 USD (60.99 CAD, 36.00 GBP).
		for _, c := range []struct {
			country    string
			price      map[string]any
			want, max  string
			searchWant string
		}{
			{"US", map[string]any{"min": 9, "max": 10}, "mug", "45", "mug"},
			{"CA", map[string]any{"min": 13.99, "max": 20}, "mug", "60.99", "mug"},
			{"CA", map[string]any{"max": 13.98}, "", "60.99", ""},
			{"CA", map[string]any{"min": 14}, "lamp", "60.99", ""},
			{"CA", map[string]any{"min": 60.99, "max": 60.99}, "lamp", "60.99", ""},
			{"GB", map[string]any{"max": 8}, "mug", "36", "mug"},
			{"GB", map[string]any{"max": 7.99}, "", "36", ""},
			{"GB", map[string]any{"min": 8.01, "max": 36}, "lamp", "36", ""},
		} {
			got, max := collection(c.country, c.price)
			if got != c.want || max != c.max {
				t.Errorf("home in %s with price %v: %q, facet max %s; want %q, %s", c.country, c.price, got, max, c.want, c.max)
			}
			if got, _ := search(c.country, c.price); got != c.searchWant {
				t.Errorf("search mug in %s with price %v: %q, want %q", c.country, c.price, got, c.searchWant)
			}
		}
		// A fixed price wins: the lamp at 50.00 CAD is found at 50, no longer at 60.99, and
		// the facet's top is the mug's 13.99 or the lamp's 50.00, whichever is higher.
		lamp := variantID(t, api.DB, "lamp", "Default Title")
		if u := addFixedPrices(t, api, adminKey(t, api.DB, "catalog:write"), marketIDs(t, api)["Canada"], []map[string]any{{"variantId": lamp, "price": "50.00"}}).MarketFixedPricesAdd.UserErrors; len(u) > 0 {
			t.Fatalf("fixed price: %+v", u)
		}
		for _, c := range []struct {
			price     map[string]any
			want, max string
		}{
			{map[string]any{"min": 49, "max": 51}, "lamp", "50"},
			{map[string]any{"min": 60}, "", "50"},
			{map[string]any{"max": 14}, "mug", "50"},
		} {
			if got, max := collection("CA", c.price); got != c.want || max != c.max {
				t.Errorf("home in CA with the lamp fixed, price %v: %q, facet max %s; want %q, %s", c.price, got, max, c.want, c.max)
			}
		}
		// Other markets do not see it.
		if got, _ := collection("GB", map[string]any{"min": 36, "max": 36}); got != "lamp" {
			t.Errorf("GB after a CA fixed price: %q", got)
		}
	})
}
