package main

import (
	"context"
	"strings"
	"testing"

	"storefront/internal/gid"
	"storefront/internal/storetest"
)

// TestMarketPriceSort: products, collection products and search sorted by PRICE follow the
// prices the @inContext country's market shows, fixed prices included, forwards, reversed
// and page by page; the shop's order elsewhere.
func TestMarketPriceSort(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		markets := marketIDs(t, api)
		// Shop prices: bulk 1.00, mug 9.99, tee 15.00, lamp 45.00 (USD); in Canada converted
		// 1.99, 13.99, 20.99, 60.99 — but the mug is fixed at 70.00 CAD and the lamp at 5.00 CAD.
		mug, lamp := variantID(t, api.DB, "mug", "Default Title"), variantID(t, api.DB, "lamp", "Default Title")
		if p := addFixedPrices(t, api, adminKey(t, api.DB, "catalog:write"), markets["Canada"], []map[string]any{
			{"variantId": mug, "price": "70.00"}, {"variantId": lamp, "price": "5.00"},
		}).MarketFixedPricesAdd; len(p.UserErrors) > 0 {
			t.Fatalf("marketFixedPricesAdd: %+v", p.UserErrors)
		}
		type listJSON struct {
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
			Nodes []struct {
				Handle     string
				PriceRange struct{ MinVariantPrice moneyJSON }
			}
		}
		const nodes = `pageInfo { hasNextPage endCursor } nodes { handle priceRange { minVariantPrice { amount currencyCode } } }`
		list := func(country any, field string, reverse bool) string {
			t.Helper()
			var out []string
			var after any
			for range 5 {
				var got struct {
					Products   listJSON
					Collection struct{ Products listJSON }
					Search     listJSON
				}
				var q string
				switch field {
				case "products":
					q = `products(first: 2, after: $a, sortKey: PRICE, reverse: $r) { ` + nodes + ` }`
				case "collection":
					q = `collection(handle: "home") { products(first: 1, after: $a, sortKey: PRICE, reverse: $r) { ` + nodes + ` } }`
				case "search":
					q = `search(query: "Globex OR Acme", first: 2, after: $a, sortKey: PRICE, reverse: $r, types: [PRODUCT], unavailableProducts: SHOW) { pageInfo { hasNextPage endCursor } nodes { ... on Product { handle priceRange { minVariantPrice { amount currencyCode } } } } }`
				}
				api.post(t, `query($c: CountryCode, $a: String, $r: Boolean) @inContext(country: $c) { `+q+` }`,
					map[string]any{"c": country, "a": after, "r": reverse}).decode(t, &got)
				l := map[string]listJSON{"products": got.Products, "collection": got.Collection.Products, "search": got.Search}[field]
				for _, n := range l.Nodes {
					out = append(out, n.Handle+" "+n.PriceRange.MinVariantPrice.String())
				}
				if !l.PageInfo.HasNextPage || l.PageInfo.EndCursor == nil {
					break
				}
				after = *l.PageInfo.EndCursor
			}
			return strings.Join(out, ", ")
		}
		for _, c := range []struct {
			country                      any
			products, collection, search string
		}{
			{nil, "bulk 1.00 USD, mug 9.99 USD, tee 15.00 USD, lamp 45.00 USD", "mug 9.99 USD, lamp 45.00 USD", "mug 9.99 USD, tee 15.00 USD, lamp 45.00 USD"},
			{"CA", "bulk 1.99 CAD, lamp 5.00 CAD, tee 20.99 CAD, mug 70.00 CAD", "lamp 5.00 CAD, mug 70.00 CAD", "lamp 5.00 CAD, tee 20.99 CAD, mug 70.00 CAD"},
			{"GB", "bulk 1.00 GBP, mug 8.00 GBP, tee 12.00 GBP, lamp 36.00 GBP", "mug 8.00 GBP, lamp 36.00 GBP", "mug 8.00 GBP, tee 12.00 GBP, lamp 36.00 GBP"},
		} {
			want := map[string]string{"products": c.products, "collection": c.collection, "search": c.search}
			for _, field := range []string{"products", "collection", "search"} {
				if got := list(c.country, field, false); got != want[field] {
					t.Errorf("%s sorted by price in %v:\n got %s\nwant %s", field, c.country, got, want[field])
				}
				parts := strings.Split(want[field], ", ")
				for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
					parts[i], parts[j] = parts[j], parts[i]
				}
				if got, w := list(c.country, field, true), strings.Join(parts, ", "); got != w {
					t.Errorf("%s reversed in %v:\n got %s\nwant %s", field, c.country, got, w)
				}
			}
		}
	})
}

// TestMarketPriceSortStatements: sorting by a market's prices is part of the listing's
// statement: the same number of statements whatever the page size.
func TestMarketPriceSortStatements(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, manyProducts(120))
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		v := api.DB.ProductVariant.Query().FirstX(context.Background())
		if p := addFixedPrices(t, api, adminKey(t, api.DB, "catalog:write"), marketIDs(t, api)["Canada"], []map[string]any{
			{"variantId": gid.Format(gid.ProductVariant, v.ID), "price": "1.00"},
		}).MarketFixedPricesAdd; len(p.UserErrors) > 0 {
			t.Fatalf("marketFixedPricesAdd: %+v", p.UserErrors)
		}
		const q = `query($n: Int!) @inContext(country: CA) { products(first: $n, sortKey: PRICE) { nodes { handle priceRange { minVariantPrice { amount } } } } }`
		small := statements(t, api, q, map[string]any{"n": 5})
		large := statements(t, api, q, map[string]any{"n": 100})
		t.Logf("statements: first 5 → %d, first 100 → %d", small, large)
		if small != large || large > 8 {
			t.Errorf("statements: first 5 → %d, first 100 → %d; want equal and at most 8", small, large)
		}
		var got struct {
			Products struct {
				Nodes []struct {
					PriceRange struct{ MinVariantPrice struct{ Amount string } }
				}
			}
		}
		api.post(t, q, map[string]any{"n": 3}).decode(t, &got)
		if n := got.Products.Nodes; len(n) != 3 || n[0].PriceRange.MinVariantPrice.Amount != "1.00" {
			t.Errorf("cheapest in Canada: %+v, want the fixed 1.00 first", n)
		}
	})
}
