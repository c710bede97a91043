package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// Tests of what public Shopify storefronts (Hydrogen, hydrogen-react, Astro and SvelteKit
// starters) ask for beyond Next.js Commerce: @inContext, localization, Shopify's global IDs.

type localizationJSON struct {
	Localization struct {
		Country struct {
			IsoCode    string
			Name       string
			UnitSystem string
			Currency   struct{ IsoCode, Name, Symbol string }
		}
		Language           struct{ IsoCode, Name, EndonymName string }
		AvailableCountries []struct {
			IsoCode  string
			Currency struct{ IsoCode string }
		}
		AvailableLanguages []struct{ IsoCode string }
	}
}

const localizationQuery = `query L($country: CountryCode, $language: LanguageCode) @inContext(country: $country, language: $language) {
	localization {
		country { isoCode name unitSystem currency { isoCode name symbol } }
		language { isoCode name endonymName }
		availableCountries { isoCode currency { isoCode } }
		availableLanguages { isoCode }
	}
}`

// TestInContextLocalization: @inContext's country and language choose localization's
// country and language among those the shop sells to and offers; others fall back to the
// shop's own. Without the directive the shop's country is answered.
func TestInContextLocalization(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture) // ships to US and CA, USD
		cases := []struct {
			name                string
			vars                map[string]any
			country, unit, lang string
		}{
			{"none", nil, "US", "IMPERIAL_SYSTEM", "EN"},
			{"canada", map[string]any{"country": "CA", "language": "EN"}, "CA", "METRIC_SYSTEM", "EN"},
			{"not sold to", map[string]any{"country": "FR"}, "US", "IMPERIAL_SYSTEM", "EN"},
			{"language not offered", map[string]any{"country": "CA", "language": "FR"}, "CA", "METRIC_SYSTEM", "EN"},
		}
		for _, c := range cases {
			var got localizationJSON
			api.post(t, localizationQuery, c.vars).decode(t, &got)
			l := got.Localization
			if l.Country.IsoCode != c.country || l.Country.UnitSystem != c.unit || l.Language.IsoCode != c.lang {
				t.Errorf("%s: got %+v %+v; want %s %s %s", c.name, l.Country, l.Language, c.country, c.unit, c.lang)
			}
			if l.Country.Currency.IsoCode != "USD" || l.Country.Currency.Symbol != "$" || l.Country.Currency.Name != "US Dollar" || l.Language.Name != "English" {
				t.Errorf("%s: currency %+v language %+v", c.name, l.Country.Currency, l.Language)
			}
			if len(l.AvailableCountries) != 2 || l.AvailableCountries[0].IsoCode != "CA" || l.AvailableCountries[1].IsoCode != "US" || l.AvailableCountries[0].Currency.IsoCode != "USD" {
				t.Errorf("%s: availableCountries %+v", c.name, l.AvailableCountries)
			}
			if len(l.AvailableLanguages) != 1 || l.AvailableLanguages[0].IsoCode != "EN" {
				t.Errorf("%s: availableLanguages %+v", c.name, l.AvailableLanguages)
			}
		}
		// The country name comes from the country code.
		var got localizationJSON
		api.post(t, localizationQuery, map[string]any{"country": "CA"}).decode(t, &got)
		if got.Localization.Country.Name != "Canada" {
			t.Errorf("name %q, want Canada", got.Localization.Country.Name)
		}
		// Mutations take the directive too, and an unknown enum value is a validation error.
		r := api.post(t, `mutation M($country: CountryCode) @inContext(country: $country) { cartCreate(input: {}) { cart { id } userErrors { code } } }`, map[string]any{"country": "CA"})
		var m struct {
			CartCreate struct{ Cart *struct{ ID string } }
		}
		r.decode(t, &m)
		if m.CartCreate.Cart == nil {
			t.Fatalf("cartCreate under @inContext: %s", r.Raw)
		}
		if r := api.post(t, `query @inContext(language: XX) { shop { name } }`, nil); len(r.Errors) == 0 {
			t.Errorf("unknown language accepted: %s", r.Raw)
		}
	})
}

// TestInContextBuyer: @inContext(buyer: {customerAccessToken}) presents the token as the
// X-Customer-Access-Token header does: an order reads through node only for its owner.
func TestInContextBuyer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		createCustomer(t, api, "a@example.com", "password-a-123")
		createCustomer(t, api, "b@example.com", "password-b-123")
		ta, tb := signIn(t, api, "a@example.com", "password-a-123"), signIn(t, api, "b@example.com", "password-b-123")
		placeOrders(t, api.DB, "a@example.com", 1001, 3000)
		o := api.DB.Order.Query().OnlyX(context.Background())
		q := fmt.Sprintf(`query($t: String!) @inContext(buyer: {customerAccessToken: $t}) { node(id: "gid://storefront/Order/%d") { ... on Order { name } } }`, o.ID)
		for _, c := range []struct {
			token string
			want  bool
		}{{ta, true}, {tb, false}, {"made-up", false}} {
			var got struct{ Node *struct{ Name string } }
			api.post(t, q, map[string]any{"t": c.token}).decode(t, &got)
			if (got.Node != nil) != c.want {
				t.Errorf("token of owner=%v: node %+v", c.want, got.Node)
			}
		}
	})
}

// TestShopifyGlobalIDs: gid://shopify/<Type>/… names the same object as gid://storefront/…
// wherever an ID is taken, carts included (Hydrogen rebuilds a cart's ID from its cookie
// with Shopify's prefix).
func TestShopifyGlobalIDs(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		shopify := func(id string) string { return strings.Replace(id, "gid://storefront/", "gid://shopify/", 1) }
		tee := variantID(t, api.DB, "tee", "S / Black")
		c := api.newCart(t, line(shopify(tee), 1))
		if len(c.Lines.Edges) != 1 || c.Lines.Edges[0].Node.Merchandise.ID != tee {
			t.Fatalf("cartCreate with a Shopify variant ID: %+v", c.Lines)
		}
		p := api.mutate(t, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": shopify(c.ID), "lines": []map[string]any{line(shopify(variantID(t, api.DB, "mug", "Default Title")), 2)}})
		if p.Cart == nil || p.Cart.TotalQuantity != 3 || p.Cart.ID != c.ID {
			t.Fatalf("cartLinesAdd on a Shopify cart ID: %+v", p)
		}
		var got struct {
			Cart *struct {
				ID            string
				TotalQuantity int
			}
			Product    *struct{ Handle string }
			Collection *struct{ Handle string }
			Node       *struct{ ID string }
			Nodes      []*struct{ ID string }
			Variant    *struct{ ID string } `json:"variant"`
		}
		var prod, coll struct {
			Product    *struct{ ID string }
			Collection *struct{ ID string }
		}
		api.post(t, `{ product(handle: "tee") { id } collection(handle: "apparel") { id } }`, nil).decode(t, &prod)
		coll.Collection = prod.Collection
		q := `query($cart: ID!, $p: ID!, $c: ID!, $v: ID!) {
			cart(id: $cart) { id totalQuantity }
			product(id: $p) { handle }
			collection(id: $c) { handle }
			node(id: $p) { id }
			nodes(ids: [$p, $c]) { id }
			variant: node(id: $v) { id }
		}`
		api.post(t, q, map[string]any{"cart": shopify(c.ID), "p": shopify(prod.Product.ID), "c": shopify(coll.Collection.ID), "v": shopify(tee)}).decode(t, &got)
		if got.Cart == nil || got.Cart.TotalQuantity != 3 || got.Cart.ID != c.ID {
			t.Errorf("cart by Shopify ID: %+v", got.Cart)
		}
		if got.Product == nil || got.Product.Handle != "tee" || got.Collection == nil || got.Collection.Handle != "apparel" {
			t.Errorf("product/collection by Shopify ID: %+v %+v", got.Product, got.Collection)
		}
		if got.Node == nil || got.Node.ID != prod.Product.ID || len(got.Nodes) != 2 || got.Nodes[1] == nil || got.Variant == nil || got.Variant.ID != tee {
			t.Errorf("node/nodes by Shopify ID: %+v %+v %+v", got.Node, got.Nodes, got.Variant)
		}
		// A Shopify-prefixed ID with a wrong key is as unknown as ours.
		var none struct{ Cart *struct{ ID string } }
		api.post(t, `query($id: ID!) { cart(id: $id) { id } }`, map[string]any{"id": shopify(c.ID[:strings.Index(c.ID, "?key=")]) + "?key=AAAAAAAAAAAAAAAAAAAAAAAA"}).decode(t, &none)
		if none.Cart != nil {
			t.Errorf("cart read with a wrong key")
		}
	})
}

// TestDeprecatedFieldsStorefrontsAskFor: the deprecated fields public storefronts still
// select answer the same data as their replacements.
func TestDeprecatedFieldsStorefrontsAskFor(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		var got struct {
			Product struct {
				Images struct {
					Nodes []struct{ URL, OriginalSrc string }
					Edges []struct{ Node struct{ URL string } }
				}
				Variants struct {
					PageInfo struct{ HasNextPage bool }
					Nodes    []struct {
						Price, PriceV2                   amount
						CompareAtPrice, CompareAtPriceV2 *amount
					}
				}
			}
			Search struct {
				Nodes []struct{ Handle string }
				Edges []struct{ Node struct{ Handle string } }
			}
		}
		api.post(t, `{
			product(handle: "tee") {
				images(first: 5) { nodes { url originalSrc } edges { node { url } } }
				variants(first: 2) { pageInfo { hasNextPage } nodes { price { amount } priceV2 { amount } compareAtPrice { amount } compareAtPriceV2 { amount } } }
			}
			search(query: "tee", first: 5) { nodes { ... on Product { handle } ... on Page { handle } } edges { node { ... on Product { handle } ... on Page { handle } } } }
		}`, nil).decode(t, &got)
		p := got.Product
		if len(p.Images.Nodes) != 2 || p.Images.Nodes[0].OriginalSrc != p.Images.Nodes[0].URL || p.Images.Nodes[1].URL != p.Images.Edges[1].Node.URL {
			t.Errorf("images: %+v", p.Images)
		}
		if !p.Variants.PageInfo.HasNextPage || len(p.Variants.Nodes) != 2 {
			t.Errorf("variants page: %+v", p.Variants)
		}
		for _, v := range p.Variants.Nodes {
			if v.Price != v.PriceV2 || (v.CompareAtPrice == nil) != (v.CompareAtPriceV2 == nil) || v.CompareAtPrice != nil && *v.CompareAtPrice != *v.CompareAtPriceV2 {
				t.Errorf("variant prices: %+v", v)
			}
		}
		if len(got.Search.Nodes) == 0 || len(got.Search.Nodes) != len(got.Search.Edges) || got.Search.Nodes[0].Handle != got.Search.Edges[0].Node.Handle {
			t.Errorf("search nodes %+v edges %+v", got.Search.Nodes, got.Search.Edges)
		}

		c := api.newCart(t, line(variantID(t, api.DB, "tee", "S / Black"), 2))
		var cart struct {
			Cart struct {
				Cost struct {
					SubtotalAmount, TotalAmount amount
					TotalDutyAmount             *amount
				}
				EstimatedCost struct {
					SubtotalAmount, TotalAmount, CheckoutChargeAmount amount
					TotalDutyAmount                                   *amount
				}
				Lines struct {
					Nodes []struct {
						Cost struct {
							AmountPerQuantity, SubtotalAmount, TotalAmount amount
							CompareAtAmountPerQuantity                     *amount
						}
						EstimatedCost struct {
							Amount, SubtotalAmount, TotalAmount amount
							CompareAtAmount                     *amount
						}
						ParentRelationship *struct{ Parent struct{ ID string } }
					}
				}
			}
		}
		api.post(t, `query($id: ID!) { cart(id: $id) {
			cost { subtotalAmount { amount } totalAmount { amount } totalDutyAmount { amount } }
			estimatedCost { subtotalAmount { amount } totalAmount { amount } checkoutChargeAmount { amount } totalDutyAmount { amount } }
			lines(first: 5) { nodes { cost { amountPerQuantity { amount } subtotalAmount { amount } totalAmount { amount } compareAtAmountPerQuantity { amount } }
				estimatedCost { amount { amount } subtotalAmount { amount } totalAmount { amount } compareAtAmount { amount } }
				... on CartLine { parentRelationship { parent { id } } } } }
		} }`, map[string]any{"id": c.ID}).decode(t, &cart)
		ct := cart.Cart
		if ct.EstimatedCost.SubtotalAmount != ct.Cost.SubtotalAmount || ct.EstimatedCost.TotalAmount != ct.Cost.TotalAmount || ct.EstimatedCost.SubtotalAmount.Amount != "30.00" || ct.Cost.TotalDutyAmount != nil || ct.EstimatedCost.TotalDutyAmount != nil {
			t.Errorf("cart cost %+v estimated %+v", ct.Cost, ct.EstimatedCost)
		}
		l := ct.Lines.Nodes[0]
		if l.EstimatedCost.Amount != l.Cost.AmountPerQuantity || l.EstimatedCost.SubtotalAmount != l.Cost.SubtotalAmount || l.EstimatedCost.TotalAmount != l.Cost.TotalAmount ||
			l.EstimatedCost.CompareAtAmount == nil || *l.EstimatedCost.CompareAtAmount != *l.Cost.CompareAtAmountPerQuantity || l.ParentRelationship != nil {
			t.Errorf("line cost %+v estimated %+v parent %+v", l.Cost, l.EstimatedCost, l.ParentRelationship)
		}
	})
}
