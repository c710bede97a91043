package main

import (
	"testing"

	"storefront/internal/storetest"
)

// TestMarketCartMerchandise: everything priced inside a cart follows the cart's buyer
// identity country, not the request's @inContext country: a CA cart read without
// @inContext, or with another country, shows its lines' merchandise (variant price,
// compare-at price, fixed prices included, and the product's price range) in CAD like its
// costs; re-pricing the cart for GB moves all of it to GBP; outside the cart the request's
// country still rules, in the same request.
func TestMarketCartMerchandise(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		markets := marketIDs(t, api)
		teeS, teeM := variantID(t, api.DB, "tee", "S / Black"), variantID(t, api.DB, "tee", "M / Black")
		// M has a fixed price in Canada: 22.00; S converts: 15.00 × 1.35 → 20.99 (compare at
		// 27.99), L 17.50 → 23.99.
		if p := addFixedPrices(t, api, adminKey(t, api.DB, "catalog:write"), markets["Canada"], []map[string]any{{"variantId": teeM, "price": "22.00"}}).MarketFixedPricesAdd; len(p.UserErrors) > 0 {
			t.Fatalf("marketFixedPricesAdd: %+v", p.UserErrors)
		}
		var created struct {
			CartCreate struct {
				Cart       *struct{ ID string }
				UserErrors []userError
			}
		}
		api.post(t, `mutation($l: [CartLineInput!]!) { cartCreate(input: {lines: $l, buyerIdentity: {countryCode: CA}}) { cart { id } userErrors { code field message } } }`,
			map[string]any{"l": []map[string]any{line(teeS, 1), line(teeM, 1)}}).decode(t, &created)
		if created.CartCreate.Cart == nil || len(created.CartCreate.UserErrors) > 0 {
			t.Fatalf("cartCreate: %+v", created.CartCreate)
		}
		id := created.CartCreate.Cart.ID
		const sel = `lines(first: 5) { nodes { cost { amountPerQuantity { amount currencyCode } }
			merchandise { ... on ProductVariant { price { amount currencyCode } priceV2 { amount currencyCode } compareAtPrice { amount currencyCode }
				product { priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } } } } } } }`
		type cartJSON struct {
			Lines struct {
				Nodes []struct {
					Cost        struct{ AmountPerQuantity moneyJSON }
					Merchandise struct {
						Price, PriceV2 moneyJSON
						CompareAtPrice *moneyJSON
						Product        struct {
							PriceRange struct{ MinVariantPrice, MaxVariantPrice moneyJSON }
						}
					}
				}
			}
		}
		summary := func(c *cartJSON) string {
			t.Helper()
			if c == nil {
				t.Fatal("no cart")
			}
			var s string
			for _, n := range c.Lines.Nodes {
				m := n.Merchandise
				cmp := "-"
				if m.CompareAtPrice != nil {
					cmp = m.CompareAtPrice.String()
				}
				s += "[" + n.Cost.AmountPerQuantity.String() + " " + m.Price.String() + " " + m.PriceV2.String() + " " + cmp + " " +
					m.Product.PriceRange.MinVariantPrice.String() + ".." + m.Product.PriceRange.MaxVariantPrice.String() + "]"
			}
			return s
		}
		read := func(country any) (string, string) {
			t.Helper()
			var out struct {
				Cart    *cartJSON
				Product struct {
					Variants struct{ Nodes []struct{ Price moneyJSON } }
				}
			}
			api.post(t, `query($id: ID!, $c: CountryCode) @inContext(country: $c) { cart(id: $id) { `+sel+` }
				product(handle: "tee") { variants(first: 1) { nodes { price { amount currencyCode } } } } }`,
				map[string]any{"id": id, "c": country}).decode(t, &out)
			return summary(out.Cart), out.Product.Variants.Nodes[0].Price.String()
		}
		const ca = "[20.99 CAD 20.99 CAD 20.99 CAD 27.99 CAD 20.99 CAD..23.99 CAD][22.00 CAD 22.00 CAD 22.00 CAD - 20.99 CAD..23.99 CAD]"
		for _, c := range []struct {
			country     any
			outsideCart string
		}{{nil, "15.00 USD"}, {"US", "15.00 USD"}, {"GB", "12.00 GBP"}, {"CA", "20.99 CAD"}} {
			if got, outside := read(c.country); got != ca || outside != c.outsideCart {
				t.Errorf("@inContext(country: %v):\n got %s, outside the cart %s\nwant %s, %s", c.country, got, outside, ca, c.outsideCart)
			}
		}
		// Re-priced for GB (0.79, whole pounds): S and M 15.00 → 12, compare at 20.00 → 16; L 17.50 → 14.
		var updated struct {
			CartBuyerIdentityUpdate struct {
				Cart       *cartJSON
				UserErrors []userError
			}
		}
		api.post(t, `mutation($id: ID!) @inContext(country: CA) { cartBuyerIdentityUpdate(cartId: $id, buyerIdentity: {countryCode: GB}) { cart { `+sel+` } userErrors { code field message } } }`,
			map[string]any{"id": id}).decode(t, &updated)
		const gb = "[12.00 GBP 12.00 GBP 12.00 GBP 16.00 GBP 12.00 GBP..14.00 GBP][12.00 GBP 12.00 GBP 12.00 GBP - 12.00 GBP..14.00 GBP]"
		if got := summary(updated.CartBuyerIdentityUpdate.Cart); got != gb {
			t.Errorf("re-priced for GB:\n got %s\nwant %s", got, gb)
		}
	})
}
