package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"storefront/ent/productoptionvalue"
	"storefront/ent/schema"
	"storefront/internal/demo"
	"storefront/internal/store"
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

// TestVariantSelectionFields: the product page fields of Hydrogen's skeleton on the
// fixture's tee (Size S, M, L × Color Black; L sold out).
func TestVariantSelectionFields(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			fixture(t, db)
			ctx := context.Background()
			db.ProductOptionValue.Update().Where(productoptionvalue.Name("Black")).SetSwatchColor("#111111").ExecX(ctx)
		})
		s, m, l := variantID(t, api.DB, "tee", "S / Black"), variantID(t, api.DB, "tee", "M / Black"), variantID(t, api.DB, "tee", "L / Black")
		q := `query($sel: [SelectedOptionInput!], $ignore: Boolean, $fold: Boolean) {
			product(handle: "tee") {
				encodedVariantExistence encodedVariantAvailability
				selectedOrFirstAvailableVariant(selectedOptions: $sel, ignoreUnknownOptions: $ignore, caseInsensitiveMatch: $fold) { id unitPrice { amount } }
				adjacentVariants(selectedOptions: $sel, ignoreUnknownOptions: $ignore, caseInsensitiveMatch: $fold) { id }
				options { name optionValues { name firstSelectableVariant { id } swatch { color image { id previewImage { url } } } } }
				trackingParameters
			}
		}`
		type result struct {
			Product struct {
				EncodedVariantExistence, EncodedVariantAvailability string
				SelectedOrFirstAvailableVariant                     struct {
					ID        string
					UnitPrice *amount
				}
				AdjacentVariants []struct{ ID string }
				Options          []struct {
					Name         string
					OptionValues []struct {
						Name                   string
						FirstSelectableVariant *struct{ ID string }
						Swatch                 *struct {
							Color *string
							Image *struct{ ID string }
						}
					}
				}
				TrackingParameters *string
			}
		}
		sel := func(kv ...string) []map[string]string {
			out := []map[string]string{}
			for i := 0; i < len(kv); i += 2 {
				out = append(out, map[string]string{"name": kv[i], "value": kv[i+1]})
			}
			return out
		}
		for _, c := range []struct {
			name        string
			vars        map[string]any
			want        string
			wantAdjacnt []string
		}{
			{"nothing selected", nil, s, []string{m, l}},
			{"selected", map[string]any{"sel": sel("Size", "M", "Color", "Black")}, m, []string{s, l}},
			{"sold out selected", map[string]any{"sel": sel("Size", "L", "Color", "Black")}, l, []string{s, m}},
			// selectedOrFirstAvailableVariant ignores unknown options by default, adjacentVariants does not.
			{"unknown option ignored by default", map[string]any{"sel": sel("Size", "M", "utm_source", "x")}, m, []string{m, l}},
			{"unknown option not ignored", map[string]any{"sel": sel("Size", "M", "utm_source", "x"), "ignore": false}, s, []string{m, l}},
			{"case differs", map[string]any{"sel": sel("size", "m")}, s, []string{m, l}},
			{"case-insensitive", map[string]any{"sel": sel("size", "m"), "fold": true}, m, []string{s, l}},
		} {
			var got result
			api.post(t, q, c.vars).decode(t, &got)
			p := got.Product
			if p.SelectedOrFirstAvailableVariant.ID != c.want || p.SelectedOrFirstAvailableVariant.UnitPrice != nil {
				t.Errorf("%s: selected %+v, want %s", c.name, p.SelectedOrFirstAvailableVariant, c.want)
			}
			var adj []string
			for _, a := range p.AdjacentVariants {
				adj = append(adj, a.ID)
			}
			if strings.Join(adj, " ") != strings.Join(c.wantAdjacnt, " ") {
				t.Errorf("%s: adjacent %v, want %v", c.name, adj, c.wantAdjacnt)
			}
			// Size S, M, L × Black: all three exist, S and M are for sale.
			if p.EncodedVariantExistence != "v1_0:0,1:0,2:0," || p.EncodedVariantAvailability != "v1_0:0,1:0," {
				t.Errorf("%s: encoded %q %q", c.name, p.EncodedVariantExistence, p.EncodedVariantAvailability)
			}
			if p.TrackingParameters != nil {
				t.Errorf("%s: trackingParameters outside search: %q", c.name, *p.TrackingParameters)
			}
			size, color := p.Options[0].OptionValues, p.Options[1].OptionValues
			if size[1].FirstSelectableVariant == nil || size[1].FirstSelectableVariant.ID != m || size[2].FirstSelectableVariant.ID != l || color[0].FirstSelectableVariant.ID != s {
				t.Errorf("%s: firstSelectableVariant %+v %+v", c.name, size, color)
			}
			if size[0].Swatch != nil || color[0].Swatch == nil || *color[0].Swatch.Color != "#111111" || color[0].Swatch.Image != nil {
				t.Errorf("%s: swatches %+v %+v", c.name, size[0].Swatch, color[0].Swatch)
			}
		}

		// Results of search and predictive search carry tracking parameters.
		var found struct {
			Search struct {
				Nodes []struct{ TrackingParameters *string }
			}
			PredictiveSearch struct {
				Products []struct{ TrackingParameters *string }
				Queries  []struct{ TrackingParameters *string }
			}
		}
		api.post(t, `{ search(query: "tee", first: 2) { nodes { ... on Product { trackingParameters } } }
			predictiveSearch(query: "cla") { products { trackingParameters } queries { trackingParameters } } }`, nil).decode(t, &found)
		if len(found.Search.Nodes) == 0 || found.Search.Nodes[0].TrackingParameters == nil || !strings.HasPrefix(*found.Search.Nodes[0].TrackingParameters, "_pos=1&_sid=") {
			t.Errorf("search tracking: %+v", found.Search.Nodes)
		}
		ps := found.PredictiveSearch.Products
		if len(ps) == 0 || ps[0].TrackingParameters == nil || *ps[0].TrackingParameters != "_pos=1&_psq=cla&_ss=e&_v=1.0" {
			t.Errorf("predictive tracking: %+v", ps)
		}
	})
}

// TestEncodedVariantsDecodeWithHydrogenReact decodes encodedVariantExistence and
// encodedVariantAvailability of every demo product, and of a product whose variants leave
// gaps, with hydrogen-react's own decoder (.ci/hydrogen/decode.mjs).
func TestEncodedVariantsDecodeWithHydrogenReact(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("needs node to run hydrogen-react's decoder (CI installs it)")
	}
	if _, err := os.Stat(filepath.Join(".ci", "hydrogen", "node_modules", "@shopify", "hydrogen-react")); err != nil {
		t.Skip("needs `npm ci --prefix .ci/hydrogen` (.ci/run does it)")
	}
	api := startAPI(t, storetest.SQLite(t), func(t testing.TB, db *store.DB) {
		ctx := context.Background()
		if err := demo.Load(ctx, db, "http://shop.test"); err != nil {
			t.Fatal(err)
		}
		// Three options with gaps and runs: 4 × 3 × 5 values, some combinations missing
		// and some sold out.
		p := db.Product.Create().SetHandle("gappy").SetTitle("Gappy").SetPublished(true).SaveX(ctx)
		names := []string{"A", "B", "C"}
		counts := []int{4, 3, 5}
		for i, n := range names {
			o := db.ProductOption.Create().SetProduct(p).SetName(n).SetPosition(i).SaveX(ctx)
			for k := 0; k < counts[i]; k++ {
				db.ProductOptionValue.Create().SetOption(o).SetName(fmt.Sprint(n, k)).SetPosition(k).ExecX(ctx)
			}
		}
		pos := 0
		for a := 0; a < 4; a++ {
			for b := 0; b < 3; b++ {
				for c := 0; c < 5; c++ {
					if (a*7+b*3+c)%4 == 1 || a == 2 && b == 1 {
						continue
					}
					db.ProductVariant.Create().SetProduct(p).SetPosition(pos).SetTitle(fmt.Sprint(a, b, c)).SetPrice(100).
						SetAvailable((a + b + c) % 3).SetSelectedOptions([]schema.SelectedOption{{Name: "A", Value: fmt.Sprint("A", a)}, {Name: "B", Value: fmt.Sprint("B", b)}, {Name: "C", Value: fmt.Sprint("C", c)}}).ExecX(ctx)
					pos++
				}
			}
		}
	})
	out, err := exec.Command(node, filepath.Join(".ci", "hydrogen", "decode.mjs"), api.URL+"/graphql").CombinedOutput()
	if err != nil {
		t.Fatalf("hydrogen-react's decoder disagrees: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestCartDeliveryAddressesUpdateRemoveReplace: changing a delivery address re-prices the
// cart's delivery (US → Canada), removing the selected one selects the next, replacing
// leaves only the new ones; unknown and foreign address IDs are INVALID_DELIVERY_ADDRESS_ID.
func TestCartDeliveryAddressesUpdateRemoveReplace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		teeS := variantID(t, api.DB, "tee", "S / Black")
		c := api.newCart(t, line(teeS, 2))
		other := api.newCart(t, line(teeS, 1))
		us := map[string]any{"firstName": "Ada", "lastName": "L", "address1": "1 Main St", "city": "Springfield", "provinceCode": "IL", "zip": "62701", "countryCode": "US"}
		p := addAddress(t, api, c.ID, us, true)
		p = addAddress(t, api, c.ID, map[string]any{"city": "Portland", "countryCode": "US", "provinceCode": "OR"}, false)
		if len(p.Cart.Delivery.Addresses) != 2 || !p.Cart.Delivery.Addresses[0].Selected {
			t.Fatalf("two addresses: %+v", p.Cart.Delivery)
		}
		first, second := p.Cart.Delivery.Addresses[0].ID, p.Cart.Delivery.Addresses[1].ID
		foreign := addAddress(t, api, other.ID, us, true).Cart.Delivery.Addresses[0].ID

		update := func(addrs []map[string]any) deliveryPayload {
			return api.deliveryOp(t, `mutation($id: ID!, $a: [CartSelectableAddressUpdateInput!]!) { r: cartDeliveryAddressesUpdate(cartId: $id, addresses: $a) { `+deliverySel+` } }`,
				map[string]any{"id": c.ID, "a": addrs})
		}
		// The selected address moves to Ontario: Canada's rate and taxes apply.
		p = update([]map[string]any{{"id": first, "address": map[string]any{"deliveryAddress": map[string]any{"city": "Toronto", "countryCode": "CA", "provinceCode": "ON"}}}})
		if len(p.UserErrors) > 0 || len(p.Cart.DeliveryGroups.Nodes) != 1 || p.Cart.DeliveryGroups.Nodes[0].DeliveryOptions[0].Handle != "ca-light" {
			t.Fatalf("update to Canada: %+v", p)
		}
		// Selecting the second unselects the first.
		p = update([]map[string]any{{"id": second, "selected": true}})
		if len(p.UserErrors) > 0 || p.Cart.Delivery.Addresses[0].Selected || !p.Cart.Delivery.Addresses[1].Selected || p.Cart.DeliveryGroups.Nodes[0].DeliveryOptions[0].Handle != "standard" {
			t.Fatalf("select second: %+v", p.Cart.Delivery)
		}
		for _, id := range []string{foreign, "gid://storefront/CartSelectableAddress/999999", "nonsense"} {
			if p := update([]map[string]any{{"id": id, "selected": true}}); p.Cart != nil || len(p.UserErrors) == 0 || p.UserErrors[0].Code != "INVALID_DELIVERY_ADDRESS_ID" {
				t.Errorf("update %s: %+v", id, p.UserErrors)
			}
		}

		remove := func(ids ...string) deliveryPayload {
			return api.deliveryOp(t, `mutation($id: ID!, $a: [ID!]!) { r: cartDeliveryAddressesRemove(cartId: $id, addressIds: $a) { `+deliverySel+` } }`,
				map[string]any{"id": c.ID, "a": ids})
		}
		if p := remove(foreign); p.Cart != nil || len(p.UserErrors) == 0 || p.UserErrors[0].Code != "INVALID_DELIVERY_ADDRESS_ID" {
			t.Errorf("remove another cart's address: %+v", p.UserErrors)
		}
		p = remove(second)
		if len(p.UserErrors) > 0 || len(p.Cart.Delivery.Addresses) != 1 || p.Cart.Delivery.Addresses[0].ID != first || !p.Cart.Delivery.Addresses[0].Selected {
			t.Fatalf("remove the selected address: %+v", p)
		}

		p = api.deliveryOp(t, `mutation($id: ID!, $a: [CartSelectableAddressInput!]!) { r: cartDeliveryAddressesReplace(cartId: $id, addresses: $a) { `+deliverySel+` } }`,
			map[string]any{"id": c.ID, "a": []map[string]any{{"address": map[string]any{"deliveryAddress": us}}, {"address": map[string]any{"deliveryAddress": map[string]any{"city": "Toronto", "countryCode": "CA", "provinceCode": "ON"}}, "selected": true}}})
		if len(p.UserErrors) > 0 || len(p.Cart.Delivery.Addresses) != 2 || p.Cart.Delivery.Addresses[0].ID == first || p.Cart.Delivery.Addresses[0].Selected || !p.Cart.Delivery.Addresses[1].Selected {
			t.Fatalf("replace: %+v", p)
		}
		// The other cart kept its address.
		var o struct {
			Cart struct {
				Delivery struct{ Addresses []struct{ ID string } }
			}
		}
		api.post(t, `query($id: ID!) { cart(id: $id) { delivery { addresses { id } } } }`, map[string]any{"id": other.ID}).decode(t, &o)
		if len(o.Cart.Delivery.Addresses) != 1 || o.Cart.Delivery.Addresses[0].ID != foreign {
			t.Errorf("other cart's addresses: %+v", o.Cart.Delivery.Addresses)
		}
	})
}

// TestShopContent: the demo's brand, policies and URL redirects, in the shapes Hydrogen's
// header, policy pages and not-found route read them; a shop without them answers null.
func TestShopContent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			if err := demo.Load(context.Background(), db, "http://shop.test"); err != nil {
				t.Fatal(err)
			}
		})
		var got struct {
			Shop struct {
				Brand *struct {
					Logo *struct {
						ID    string
						Image struct{ URL string }
					}
					SquareLogo *struct{ ID string }
					Slogan     *string
					Colors     struct {
						Primary []struct{ Background, Foreground *string }
					}
				}
				PrivacyPolicy, RefundPolicy, ShippingPolicy, TermsOfService *struct{ ID, Handle, Title, Body, URL string }
				SubscriptionPolicy                                          *struct{ Handle string }
			}
			UrlRedirects struct {
				Edges []struct{ Node struct{ Target string } }
			}
			All struct {
				Nodes    []struct{ Path, Target string }
				PageInfo struct{ HasNextPage bool }
			}
		}
		api.post(t, `query @inContext(country: US, language: EN) {
			shop {
				brand { logo { id image { url } } squareLogo { id } slogan colors { primary { background foreground } } }
				privacyPolicy { ...P } refundPolicy { ...P } shippingPolicy { ...P } termsOfService { ...P }
				subscriptionPolicy { handle }
			}
			urlRedirects(first: 1, query: "path:/products/organic-tee") { edges { node { target } } }
			all: urlRedirects(first: 2) { nodes { path target } pageInfo { hasNextPage } }
		}
		fragment P on ShopPolicy { id handle title body url }`, nil).decode(t, &got)
		br := got.Shop.Brand
		if br == nil || br.Logo == nil || br.Logo.Image.URL != "http://shop.test/images/demo/storefront-demo-logo-1.svg" || br.SquareLogo == nil || br.Slogan == nil ||
			len(br.Colors.Primary) != 1 || *br.Colors.Primary[0].Background != "#1F2A44" || !strings.HasPrefix(br.Logo.ID, "gid://storefront/MediaImage/") {
			t.Errorf("brand: %+v", br)
		}
		p := got.Shop.ShippingPolicy
		if p == nil || p.Handle != "shipping-policy" || p.Title != "Shipping Policy" || !strings.Contains(p.Body, "<p>") || p.URL != "http://shop.test/policies/shipping-policy" || !strings.HasPrefix(p.ID, "gid://storefront/ShopPolicy/") {
			t.Errorf("shipping policy: %+v", p)
		}
		if got.Shop.PrivacyPolicy == nil || got.Shop.RefundPolicy.Handle != "refund-policy" || got.Shop.TermsOfService.Handle != "terms-of-service" || got.Shop.SubscriptionPolicy != nil {
			t.Errorf("policies: %+v", got.Shop)
		}
		if len(got.UrlRedirects.Edges) != 1 || got.UrlRedirects.Edges[0].Node.Target != "/products/classic-organic-tee" {
			t.Errorf("redirect by path: %+v", got.UrlRedirects)
		}
		if len(got.All.Nodes) != 2 || !got.All.PageInfo.HasNextPage {
			t.Errorf("redirects page: %+v", got.All)
		}
		if r := api.post(t, `{ urlRedirects(first: 1, query: "anything") { edges { node { target } } } }`, nil); len(r.Errors) == 0 {
			t.Errorf("free text in urlRedirects' query accepted: %s", r.Raw)
		}
	})
	// A shop with none of it: nulls and an empty list.
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		bare := startAPI(t, b, fixture)
		var none struct {
			Shop struct {
				Brand         *struct{ Slogan *string }
				PrivacyPolicy *struct{ Title string }
			}
			UrlRedirects struct{ Edges []struct{} }
		}
		bare.post(t, `{ shop { brand { slogan } privacyPolicy { title } } urlRedirects(first: 1, query: "path:/x") { edges { node { target } } } }`, nil).decode(t, &none)
		if none.Shop.Brand != nil || none.Shop.PrivacyPolicy != nil || len(none.UrlRedirects.Edges) != 0 {
			t.Errorf("bare shop: %+v", none)
		}
	})
}

// TestBlogsAndArticles: the demo's blogs and articles as Hydrogen's blog routes read them,
// paginated per blog, and predictive search's pages and articles.
func TestBlogsAndArticles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			if err := demo.Load(context.Background(), db, "http://shop.test"); err != nil {
				t.Fatal(err)
			}
		})
		type articleJSON struct {
			Handle, Title, ContentHtml, Content string
			Author                              *struct{ Name string }
			Image                               *struct{ URL string }
			Blog                                struct{ Handle string }
		}
		var got struct {
			Blogs struct {
				Nodes []struct {
					Handle   string
					Articles struct {
						Nodes    []articleJSON
						PageInfo struct{ HasNextPage bool }
					}
				}
			}
			Blog *struct {
				Title           string
				ArticleByHandle *articleJSON
				Missing         *articleJSON
			}
		}
		api.post(t, `query @inContext(language: EN) {
			blogs(first: 5) { nodes { handle articles(first: 1) { nodes { ...A } pageInfo { hasNextPage } } } }
			blog(handle: "journal") { title articleByHandle(handle: "caring-for-linen") { ...A } missing: articleByHandle(handle: "nope") { ...A } }
		}
		fragment A on Article { handle title contentHtml content(truncateAt: 20) author: authorV2 { name } image { url } blog { handle } }`, nil).decode(t, &got)
		if len(got.Blogs.Nodes) != 2 || got.Blogs.Nodes[0].Handle != "news" || len(got.Blogs.Nodes[0].Articles.Nodes) != 1 || !got.Blogs.Nodes[0].Articles.PageInfo.HasNextPage ||
			got.Blogs.Nodes[1].Articles.PageInfo.HasNextPage || got.Blogs.Nodes[0].Articles.Nodes[0].Blog.Handle != "news" {
			t.Errorf("blogs: %+v", got.Blogs)
		}
		a := got.Blog.ArticleByHandle
		if got.Blog == nil || a == nil || a.Title != "Caring for Linen" || a.Author == nil || a.Author.Name != "Sam Rivera" || a.Image == nil ||
			!strings.HasPrefix(a.ContentHtml, "<p>") || len([]rune(a.Content)) != 20 || got.Blog.Missing != nil {
			t.Errorf("article: %+v", got.Blog)
		}
		// Blogs and articles are nodes too.
		var ids struct {
			Blog struct {
				ID              string
				ArticleByHandle struct{ ID string }
			}
		}
		api.post(t, `{ blog(handle: "journal") { id articleByHandle(handle: "caring-for-linen") { id } } }`, nil).decode(t, &ids)
		var nodes struct {
			Nodes []*struct{ Title string }
		}
		api.post(t, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Blog { title } ... on Article { title } } }`,
			map[string]any{"ids": []string{ids.Blog.ID, ids.Blog.ArticleByHandle.ID}}).decode(t, &nodes)
		if len(nodes.Nodes) != 2 || nodes.Nodes[0] == nil || nodes.Nodes[0].Title != "Journal" || nodes.Nodes[1] == nil || nodes.Nodes[1].Title != "Caring for Linen" {
			t.Errorf("nodes: %+v", nodes.Nodes)
		}
		var pred struct {
			PredictiveSearch struct {
				Articles []struct {
					Handle             string
					TrackingParameters *string
				}
				Pages    []struct{ Handle string }
				Products []struct{ Handle string }
			}
		}
		api.post(t, `{ predictiveSearch(query: "linen", limitScope: EACH, types: [ARTICLE, PAGE, PRODUCT]) { articles { handle trackingParameters } pages { handle } products { handle } } }`, nil).decode(t, &pred)
		// The title match first; articles that mention linen in their text follow.
		if len(pred.PredictiveSearch.Articles) == 0 || pred.PredictiveSearch.Articles[0].Handle != "caring-for-linen" || pred.PredictiveSearch.Articles[0].TrackingParameters == nil || len(pred.PredictiveSearch.Products) == 0 {
			t.Errorf("predictive articles: %+v", pred.PredictiveSearch)
		}
		api.post(t, `{ predictiveSearch(query: "shipping", types: [PAGE]) { articles { handle } pages { handle } products { handle } } }`, nil).decode(t, &pred)
		if len(pred.PredictiveSearch.Pages) == 0 || len(pred.PredictiveSearch.Articles) != 0 || len(pred.PredictiveSearch.Products) != 0 {
			t.Errorf("predictive pages: %+v", pred.PredictiveSearch)
		}
		api.post(t, `{ predictiveSearch(query: "linen", limit: 2, limitScope: ALL) { articles { handle } pages { handle } products { handle } } }`, nil).decode(t, &pred)
		if n := len(pred.PredictiveSearch.Articles) + len(pred.PredictiveSearch.Pages) + len(pred.PredictiveSearch.Products); n != 2 {
			t.Errorf("limitScope ALL: %d results, want 2: %+v", n, pred.PredictiveSearch)
		}
	})
}

// TestHydrogenSkeletonQueries runs every Storefront API operation of Hydrogen's skeleton
// template (as @shopify/cli-hydrogen 13.0.4 ships it) the way its loaders send them, with
// @inContext and their variables, against the demo catalog: each must return data without
// errors. .ci/hydrogen/skeleton.mjs reads the operations from the template's source.
func TestHydrogenSkeletonQueries(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("needs node to read Hydrogen's skeleton (CI installs it)")
	}
	app := filepath.Join(".ci", "hydrogen", "cli-hydrogen", "package", "dist", "assets", "hydrogen", "starter", "app")
	if _, err := os.Stat(app); err != nil {
		t.Skip("needs the skeleton unpacked from @shopify/cli-hydrogen@13.0.4 into .ci/hydrogen/cli-hydrogen (.ci/run does it)")
	}
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			if err := demo.Load(context.Background(), db, "http://shop.test"); err != nil {
				t.Fatal(err)
			}
		})
		out, err := exec.Command(node, filepath.Join(".ci", "hydrogen", "skeleton.mjs"), app, api.URL+"/api/2026-04/graphql.json").CombinedOutput()
		if err != nil {
			t.Fatalf("Hydrogen's skeleton operations: %v\n%s", err, out)
		}
		t.Logf("%s", out)
	})
}

// TestSitemap: page counts and pages of each resource type, in the shape Hydrogen's
// sitemap routes read (articles as <blog>/<article>).
func TestSitemap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			if err := demo.Load(context.Background(), db, "http://shop.test"); err != nil {
				t.Fatal(err)
			}
		})
		type sm struct {
			PagesCount *struct{ Count int }
			Resources  *struct {
				HasNextPage bool
				Items       []struct {
					Handle, UpdatedAt string
					Title             *string
					Type              *string
				}
			}
		}
		var got struct{ Products, Articles, Blogs, Metaobjects sm }
		api.post(t, `query {
			products: sitemap(type: PRODUCT) { ...S }
			articles: sitemap(type: ARTICLE) { ...S }
			blogs: sitemap(type: BLOG) { ...S }
			metaobjects: sitemap(type: METAOBJECT) { ...S }
		}
		fragment S on Sitemap { pagesCount { count } resources(page: 1) { hasNextPage items { handle updatedAt ... on SitemapResource { title } ... on SitemapResourceMetaobject { type } } } }`, nil).decode(t, &got)
		n := api.DB.Product.Query().CountX(context.Background())
		if got.Products.PagesCount.Count != 1 || len(got.Products.Resources.Items) == 0 || len(got.Products.Resources.Items) > n || got.Products.Resources.HasNextPage {
			t.Errorf("products: %+v", got.Products)
		}
		if len(got.Articles.Resources.Items) != 3 || got.Articles.Resources.Items[0].Handle != "news/spring-collection" || got.Articles.Resources.Items[0].UpdatedAt == "" {
			t.Errorf("articles: %+v", got.Articles.Resources)
		}
		if len(got.Blogs.Resources.Items) != 2 || got.Metaobjects.PagesCount.Count != 0 || len(got.Metaobjects.Resources.Items) != 0 {
			t.Errorf("blogs %+v metaobjects %+v", got.Blogs, got.Metaobjects)
		}
		var empty struct {
			Sitemap struct {
				Resources struct{ Items []struct{ Handle string } }
			}
		}
		api.post(t, `{ sitemap(type: PRODUCT) { resources(page: 2) { items { handle } } } }`, nil).decode(t, &empty)
		if len(empty.Sitemap.Resources.Items) != 0 {
			t.Errorf("page 2: %+v", empty)
		}
	})
}

// TestCartMetafields: cartMetafieldsSet creates and replaces, the cart reads them back by
// key, cartMetafieldDelete removes; bad types and values, unknown carts and missing
// metafields are user errors, and a refused batch writes nothing.
func TestCartMetafields(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		c := api.newCart(t, line(variantID(t, api.DB, "mug", "Default Title"), 1))
		type setResult struct {
			CartMetafieldsSet struct {
				Metafields []struct{ ID, Key, Namespace, Type, Value string }
				UserErrors []struct {
					Code         string
					ElementIndex *int
					Field        []string
				}
			}
		}
		set := func(ms ...map[string]any) setResult {
			var out setResult
			api.post(t, `mutation($m: [CartMetafieldsSetInput!]!) { cartMetafieldsSet(metafields: $m) { metafields { id key namespace type value } userErrors { code elementIndex field } } }`, map[string]any{"m": ms}).decode(t, &out)
			return out
		}
		mf := func(key, typ, value string) map[string]any {
			return map[string]any{"ownerId": c.ID, "key": key, "type": typ, "value": value}
		}
		r := set(mf("gift_note", "single_line_text_field", "Happy birthday"), mf("app.prefs", "json", `{"wrap":true}`))
		if len(r.CartMetafieldsSet.UserErrors) > 0 || len(r.CartMetafieldsSet.Metafields) != 2 || r.CartMetafieldsSet.Metafields[0].Namespace != "custom" || r.CartMetafieldsSet.Metafields[1].Namespace != "app" {
			t.Fatalf("set: %+v", r)
		}
		r = set(mf("gift_note", "single_line_text_field", "Happy birthday, Ada"))
		if len(r.CartMetafieldsSet.UserErrors) > 0 || r.CartMetafieldsSet.Metafields[0].Value != "Happy birthday, Ada" {
			t.Fatalf("replace: %+v", r)
		}
		for _, tc := range []struct {
			in   map[string]any
			code string
		}{
			{mf("n", "single_line_text_field", "x"), "TOO_SHORT"},
			{mf("count", "number_integer", "1.5"), "INVALID_VALUE"},
			{mf("count", "weird_type", "1"), "INVALID_TYPE"},
			{map[string]any{"ownerId": "gid://shopify/Cart/aaaaaaaaaaaaaaaaaaaa?key=bbbbbbbbbbbbbbbbbbbb", "key": "xx", "type": "boolean", "value": "true"}, "INVALID_OWNER"},
		} {
			// The valid first input is not written when the second is refused.
			r := set(mf("fresh", "boolean", "true"), tc.in)
			if len(r.CartMetafieldsSet.UserErrors) != 1 || r.CartMetafieldsSet.UserErrors[0].Code != tc.code || *r.CartMetafieldsSet.UserErrors[0].ElementIndex != 1 || r.CartMetafieldsSet.Metafields != nil {
				t.Errorf("%v: %+v", tc.in, r)
			}
		}
		var got struct {
			Cart struct {
				Note  *struct{ Value string } `json:"note"`
				Prefs *struct{ Value string }
				Fresh *struct{ Value string }
				All   []*struct{ Key string }
			}
		}
		q := `query($id: ID!) { cart(id: $id) { note: metafield(key: "gift_note") { value } prefs: metafield(key: "prefs", namespace: "app") { value }
			fresh: metafield(key: "custom.fresh") { value } all: metafields(identifiers: [{key: "gift_note"}, {key: "nope"}, {key: "app.prefs"}]) { key } } }`
		api.post(t, q, map[string]any{"id": c.ID}).decode(t, &got)
		if got.Cart.Note == nil || got.Cart.Note.Value != "Happy birthday, Ada" || got.Cart.Prefs == nil || got.Cart.Fresh != nil ||
			len(got.Cart.All) != 3 || got.Cart.All[0] == nil || got.Cart.All[1] != nil || got.Cart.All[2] == nil {
			t.Fatalf("read: %+v", got.Cart)
		}
		type delResult struct {
			CartMetafieldDelete struct {
				DeletedID  *string
				UserErrors []struct{ Code string }
			}
		}
		del := func(key string) delResult {
			var out delResult
			api.post(t, `mutation($in: CartMetafieldDeleteInput!) { cartMetafieldDelete(input: $in) { deletedId userErrors { code } } }`, map[string]any{"in": map[string]any{"ownerId": c.ID, "key": key}}).decode(t, &out)
			return out
		}
		if d := del("gift_note"); d.CartMetafieldDelete.DeletedID == nil || len(d.CartMetafieldDelete.UserErrors) > 0 {
			t.Errorf("delete: %+v", d)
		}
		if d := del("gift_note"); d.CartMetafieldDelete.DeletedID != nil || len(d.CartMetafieldDelete.UserErrors) != 1 || d.CartMetafieldDelete.UserErrors[0].Code != "METAFIELD_DOES_NOT_EXIST" {
			t.Errorf("delete again: %+v", d)
		}
	})
}
