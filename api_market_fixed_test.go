package main

import (
	"context"
	"strings"
	"sync"
	"testing"

	"storefront/ent"
	"storefront/ent/market"
	"storefront/ent/productvariant"
	"storefront/internal/gid"
	"storefront/internal/storetest"
)

// marketIDs reads the markets' IDs by name through the Admin API.
func marketIDs(t testing.TB, api *testAPI) map[string]string {
	t.Helper()
	var out struct {
		Markets struct {
			Edges []struct{ Node struct{ ID, Name string } }
		}
	}
	api.adminPost(t, adminKey(t, api.DB, "settings:read"), `{ markets(first: 10) { edges { node { id name } } } }`, nil).decode(t, &out)
	ids := map[string]string{}
	for _, e := range out.Markets.Edges {
		ids[e.Node.Name] = e.Node.ID
	}
	return ids
}

type fixedPricesAddJSON struct {
	MarketFixedPricesAdd struct {
		Prices []struct {
			VariantID      string
			Price          int
			CompareAtPrice *int
		}
		UserErrors []adminUserError
	}
}

func addFixedPrices(t testing.TB, api *testAPI, key, marketID string, prices []map[string]any) fixedPricesAddJSON {
	t.Helper()
	var out fixedPricesAddJSON
	api.adminPost(t, key, `mutation($m: ID!, $p: [MarketFixedPriceInput!]!) { marketFixedPricesAdd(marketId: $m, prices: $p) {
		prices { variantID price compareAtPrice } userErrors { field code message } } }`, map[string]any{"m": marketID, "p": prices}).decode(t, &out)
	return out
}

// TestMarketFixedPrices: a variant's fixed price in a market wins over the converted one in
// every place the Storefront API shows prices for that market — the variant, the product's
// price ranges, cart lines and costs, checkout and the order — and nowhere else; deleting it
// brings the converted price back.
func TestMarketFixedPrices(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		ctx := context.Background()
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		markets := marketIDs(t, api)
		key := adminKey(t, api.DB, "catalog:write")
		teeS, teeM, teeL := variantID(t, api.DB, "tee", "S / Black"), variantID(t, api.DB, "tee", "M / Black"), variantID(t, api.DB, "tee", "L / Black")

		// The tee: S 15.00 (compare at 20.00), M 15.00, L 17.50; in Canada 20.99, 20.99, 23.99
		// converted. Fix S at 19.00 (compare at 25.00) and L at 30.00.
		out := addFixedPrices(t, api, key, markets["Canada"], []map[string]any{
			{"variantId": teeS, "price": "19.00", "compareAtPrice": "25"},
			{"variantId": teeL, "price": "30"},
		})
		if p := out.MarketFixedPricesAdd; len(p.UserErrors) > 0 || len(p.Prices) != 2 || p.Prices[0].Price != 1900 || p.Prices[0].CompareAtPrice == nil ||
			*p.Prices[0].CompareAtPrice != 2500 || p.Prices[1].Price != 3000 || p.Prices[1].CompareAtPrice != nil || p.Prices[0].VariantID != teeS {
			t.Fatalf("marketFixedPricesAdd: %+v", p)
		}
		// Setting it again replaces it (an upsert, not a second row).
		if p := addFixedPrices(t, api, key, markets["Canada"], []map[string]any{{"variantId": teeL, "price": "29.00", "compareAtPrice": "35.00"}}).MarketFixedPricesAdd; len(p.UserErrors) > 0 {
			t.Fatalf("replace: %+v", p.UserErrors)
		}
		if n := api.DB.MarketPrice.Query().CountX(ctx); n != 2 {
			t.Errorf("%d fixed prices stored, want 2", n)
		}

		const q = `query($c: CountryCode) @inContext(country: $c) { product(handle: "tee") {
			priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
			compareAtPriceRange { minVariantPrice { amount } maxVariantPrice { amount currencyCode } }
			selectedOrFirstAvailableVariant(selectedOptions: [{name: "Size", value: "S"}]) { price { amount currencyCode } }
			variants(first: 3) { nodes { title price { amount currencyCode } compareAtPrice { amount currencyCode } } } } }`
		type productJSON struct {
			Product struct {
				PriceRange                      struct{ MinVariantPrice, MaxVariantPrice moneyJSON }
				CompareAtPriceRange             struct{ MinVariantPrice, MaxVariantPrice moneyJSON }
				SelectedOrFirstAvailableVariant struct{ Price moneyJSON }
				Variants                        struct {
					Nodes []struct {
						Title          string
						Price          moneyJSON
						CompareAtPrice *moneyJSON
					}
				}
			}
		}
		read := func(country string) productJSON {
			t.Helper()
			var got productJSON
			var c any
			if country != "" {
				c = country
			}
			api.post(t, q, map[string]any{"c": c}).decode(t, &got)
			return got
		}
		str := func(m *moneyJSON) string {
			if m == nil {
				return "none"
			}
			return m.String()
		}
		ca := read("CA").Product
		v := ca.Variants.Nodes
		if len(v) != 3 || v[0].Price.String() != "19.00 CAD" || str(v[0].CompareAtPrice) != "25.00 CAD" || v[1].Price.String() != "20.99 CAD" ||
			str(v[1].CompareAtPrice) != "none" || v[2].Price.String() != "29.00 CAD" || str(v[2].CompareAtPrice) != "35.00 CAD" {
			t.Errorf("CA variants: %+v", v)
		}
		if ca.PriceRange.MinVariantPrice.String() != "19.00 CAD" || ca.PriceRange.MaxVariantPrice.String() != "29.00 CAD" ||
			ca.CompareAtPriceRange.MaxVariantPrice.String() != "35.00 CAD" || ca.CompareAtPriceRange.MinVariantPrice.Amount != "0.00" ||
			ca.SelectedOrFirstAvailableVariant.Price.String() != "19.00 CAD" {
			t.Errorf("CA ranges: %+v", ca)
		}
		// Other markets and no market are untouched.
		for country, want := range map[string]string{"US": "15.00 USD", "GB": "12.00 GBP", "": "15.00 USD"} {
			if got := read(country).Product; got.Variants.Nodes[0].Price.String() != want || got.PriceRange.MinVariantPrice.String() != want {
				t.Errorf("country %q: %+v, want %s", country, got, want)
			}
		}

		// The shop's own country can have fixed prices too, in its market of the shop
		// currency; a request without a country keeps the shop's prices.
		if p := addFixedPrices(t, api, key, markets["United States"], []map[string]any{{"variantId": teeM, "price": "14.00"}}).MarketFixedPricesAdd; len(p.UserErrors) > 0 {
			t.Fatalf("US fixed price: %+v", p.UserErrors)
		}
		if us := read("US").Product; us.Variants.Nodes[1].Price.String() != "14.00 USD" || us.PriceRange.MinVariantPrice.String() != "14.00 USD" {
			t.Errorf("US with a fixed price: %+v", us)
		}
		if none := read("").Product; none.Variants.Nodes[1].Price.String() != "15.00 USD" {
			t.Errorf("no country: %+v", none)
		}

		// A Canadian cart is priced by the fixed prices and checks out with them.
		type cartJSON struct {
			ID    string
			Cost  struct{ SubtotalAmount, TotalAmount moneyJSON }
			Lines struct {
				Nodes []struct {
					Cost struct {
						AmountPerQuantity          moneyJSON
						CompareAtAmountPerQuantity *moneyJSON
					}
				}
			}
		}
		var created struct {
			CartCreate struct {
				Cart       *cartJSON
				UserErrors []userError
			}
		}
		api.post(t, `mutation($l: [CartLineInput!]!) @inContext(country: CA) { cartCreate(input: {lines: $l}) { cart { id
			cost { subtotalAmount { amount currencyCode } totalAmount { amount currencyCode } }
			lines(first: 5) { nodes { cost { amountPerQuantity { amount currencyCode } compareAtAmountPerQuantity { amount currencyCode } } } } }
			userErrors { code field message } } }`, map[string]any{"l": []map[string]any{line(teeS, 2), line(teeM, 1)}}).decode(t, &created)
		c := created.CartCreate.Cart
		// 2 × 19.00 + 20.99 = 58.99 CAD.
		if c == nil || c.Cost.SubtotalAmount.String() != "58.99 CAD" || c.Lines.Nodes[0].Cost.AmountPerQuantity.String() != "19.00 CAD" ||
			str(c.Lines.Nodes[0].Cost.CompareAtAmountPerQuantity) != "25.00 CAD" || c.Lines.Nodes[1].Cost.AmountPerQuantity.String() != "20.99 CAD" {
			t.Fatalf("CA cart: %+v", created.CartCreate)
		}
		p := addAddress(t, api, c.ID, map[string]any{"firstName": "Ada", "lastName": "L", "address1": "1 King St", "city": "Toronto", "provinceCode": "ON", "zip": "M5H 1A1", "countryCode": "CA"}, true)
		if len(p.UserErrors) > 0 || len(p.Cart.DeliveryGroups.Nodes) != 1 {
			t.Fatalf("address: %+v", p)
		}
		p = selectOption(t, api, c.ID, p.Cart.DeliveryGroups.Nodes[0].ID, "ca-light")
		total := p.Cart.Cost.TotalAmount
		if total.Amount == "" {
			t.Fatalf("cost with delivery: %+v", p.Cart.Cost)
		}
		if pay := api.mutate(t, "cartPaymentUpdate", "cartId: $id, payment: $payment", map[string]any{"id": c.ID, "payment": map[string]any{
			"amount":              map[string]any{"amount": total.Amount, "currencyCode": "CAD"},
			"directPaymentMethod": map[string]any{"sessionId": "test_success", "billingAddress": map[string]any{"lastName": "L", "address1": "1 King St", "city": "Toronto", "country": "CA"}},
		}}); len(pay.UserErrors) > 0 {
			t.Fatalf("payment: %+v", pay.UserErrors)
		}
		api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"email": "ada@example.com"}})
		s := submit(t, api, c.ID, "fixed-1")
		if s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit: %+v", s.R)
		}
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt: %+v", a.A)
		}
		o := api.DB.Order.Query().OnlyX(ctx)
		if o.CurrencyCode != "CAD" || o.Subtotal != 5899 {
			t.Errorf("order: %s subtotal %d, want CAD 5899", o.CurrencyCode, o.Subtotal)
		}
		sID, _ := gid.ParseAs(teeS, gid.ProductVariant)
		for _, l := range o.QueryLines().AllX(ctx) {
			if l.VariantID != nil && *l.VariantID == sID && (l.UnitPrice != 1900 || l.OriginalTotal != 3800) {
				t.Errorf("order line of S: unit %d total %d, want 1900 and 3800", l.UnitPrice, l.OriginalTotal)
			}
		}

		// Deleting S's fixed price brings back the converted one; M never had one.
		var del struct {
			MarketFixedPricesDelete struct {
				DeletedFixedPriceVariantIds []string
				UserErrors                  []adminUserError
			}
		}
		const delQ = `mutation($m: ID!, $v: [ID!]!) { marketFixedPricesDelete(marketId: $m, variantIds: $v) { deletedFixedPriceVariantIds userErrors { field code } } }`
		api.adminPost(t, key, delQ, map[string]any{"m": markets["Canada"], "v": []string{teeS, teeM}}).decode(t, &del)
		if u := del.MarketFixedPricesDelete.UserErrors; len(u) != 1 || u[0].Code != "PRICE_NOT_FIXED" || strings.Join(u[0].Field, ".") != "variantIds.1" {
			t.Errorf("delete with an unfixed variant: %+v", del.MarketFixedPricesDelete)
		}
		api.adminPost(t, key, delQ, map[string]any{"m": markets["Canada"], "v": []string{teeS}}).decode(t, &del)
		if d := del.MarketFixedPricesDelete; len(d.UserErrors) > 0 || len(d.DeletedFixedPriceVariantIds) != 1 || d.DeletedFixedPriceVariantIds[0] != teeS {
			t.Fatalf("delete: %+v", d)
		}
		if got := read("CA").Product; got.Variants.Nodes[0].Price.String() != "20.99 CAD" || got.PriceRange.MinVariantPrice.String() != "20.99 CAD" ||
			got.PriceRange.MaxVariantPrice.String() != "29.00 CAD" {
			t.Errorf("CA after delete: %+v", got)
		}

		// A variant that is deleted takes its fixed prices with it; a market too.
		lID, _ := gid.ParseAs(teeL, gid.ProductVariant)
		api.DB.ProductVariant.DeleteOneID(lID).ExecX(ctx)
		if n := api.DB.MarketPrice.Query().CountX(ctx); n != 1 {
			t.Errorf("%d fixed prices left after L was deleted, want M's in the US", n)
		}
	})
}

// TestMarketFixedPricesInput: bad fixed-price input is refused with codes and writes
// nothing; two writers racing on one variant's price leave one row.
func TestMarketFixedPricesInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		markets := marketIDs(t, api)
		key := adminKey(t, api.DB, "catalog:write")
		teeS, teeM := variantID(t, api.DB, "tee", "S / Black"), variantID(t, api.DB, "tee", "M / Black")
		for _, c := range []struct {
			market string
			prices []map[string]any
			code   string
			field  string
		}{
			{"gid://storefront/Market/999", []map[string]any{{"variantId": teeS, "price": "1"}}, "NOT_FOUND", "marketId"},
			{markets["Canada"], []map[string]any{{"variantId": teeS, "price": "1"}, {"variantId": "gid://storefront/ProductVariant/99999", "price": "1"}}, "VARIANT_NOT_FOUND", "prices.1.variantId"},
			{markets["Canada"], []map[string]any{{"variantId": "gid://storefront/Product/1", "price": "1"}}, "VARIANT_NOT_FOUND", "prices.0.variantId"},
			{markets["Canada"], []map[string]any{{"variantId": teeS, "price": "1.234"}}, "INVALID", "prices.0.price"},
			{markets["Canada"], []map[string]any{{"variantId": teeS, "price": "-1"}}, "INVALID", "prices.0.price"},
			{markets["Canada"], []map[string]any{{"variantId": teeS, "price": "1", "compareAtPrice": "abc"}}, "INVALID", "prices.0.compareAtPrice"},
			{markets["Canada"], []map[string]any{{"variantId": teeS, "price": "1"}, {"variantId": teeS, "price": "2"}}, "TAKEN", "prices.1.variantId"},
		} {
			u := addFixedPrices(t, api, key, c.market, c.prices).MarketFixedPricesAdd.UserErrors
			if len(u) != 1 || u[0].Code != c.code || strings.Join(u[0].Field, ".") != c.field {
				t.Errorf("%v: %+v, want %s at %s", c.prices, u, c.code, c.field)
			}
		}
		if n := api.DB.MarketPrice.Query().CountX(context.Background()); n != 0 {
			t.Errorf("refused input wrote %d fixed prices", n)
		}
		// Without catalog:write the mutation is refused.
		r := api.adminPost(t, adminKey(t, api.DB, "settings:write"), `mutation($m: ID!) { marketFixedPricesAdd(marketId: $m, prices: []) { userErrors { code } } }`, map[string]any{"m": markets["Canada"]})
		if len(r.Errors) == 0 {
			t.Errorf("marketFixedPricesAdd without catalog:write was allowed")
		}

		// Two writers set the same variant's price at once: one row, one of the two prices.
		var wg sync.WaitGroup
		for _, price := range []string{"11.00", "12.00"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if u := addFixedPrices(t, api, key, markets["Canada"], []map[string]any{{"variantId": teeM, "price": price}, {"variantId": teeS, "price": price}}).MarketFixedPricesAdd.UserErrors; len(u) > 0 {
					t.Errorf("racing add %s: %+v", price, u)
				}
			}()
		}
		wg.Wait()
		ps := api.DB.MarketPrice.Query().AllX(context.Background())
		if len(ps) != 2 || ps[0].Price != ps[1].Price {
			t.Errorf("racing adds left %d rows: %+v; want 2 rows of one writer's price", len(ps), ps)
		}

		// The Admin API lists a market's fixed prices.
		var listed struct {
			Markets struct {
				Edges []struct {
					Node struct {
						Name        string
						FixedPrices struct {
							TotalCount int
							Edges      []struct{ Node struct{ VariantID string } }
						}
					}
				}
			}
		}
		api.adminPost(t, adminKey(t, api.DB, "settings:read", "catalog:read"), `{ markets(first: 5) { edges { node { name fixedPrices(first: 5) { totalCount edges { node { variantID } } } } } } }`, nil).decode(t, &listed)
		for _, e := range listed.Markets.Edges {
			if want := map[string]int{"Canada": 2}[e.Node.Name]; e.Node.FixedPrices.TotalCount != want || len(e.Node.FixedPrices.Edges) != want {
				t.Errorf("market %s lists %+v, want %d fixed prices", e.Node.Name, e.Node.FixedPrices, want)
			}
		}
		// Deleting the market deletes its fixed prices.
		var del struct {
			MarketDelete struct{ UserErrors []adminUserError }
		}
		api.adminPost(t, adminKey(t, api.DB, "settings:write"), `mutation($id: ID!) { marketDelete(id: $id) { userErrors { code } } }`, map[string]any{"id": markets["Canada"]}).decode(t, &del)
		if n := api.DB.MarketPrice.Query().CountX(context.Background()); len(del.MarketDelete.UserErrors) > 0 || n != 0 {
			t.Errorf("after marketDelete: %+v, %d fixed prices left", del.MarketDelete.UserErrors, n)
		}
	})
}

// TestMarketFixedPricesStatements: listings in a market with fixed prices read them for all
// listed products in one statement, so statements do not grow with page size.
func TestMarketFixedPricesStatements(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, manyProducts(120))
		ctx := context.Background()
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		ca := api.DB.Market.Query().Where(market.Name("Canada")).OnlyX(ctx)
		// Every other product has a fixed price on its first variant.
		for i, v := range api.DB.ProductVariant.Query().Where(productvariant.Position(0)).Order(ent.Asc(productvariant.FieldID)).AllX(ctx) {
			if i%2 == 0 {
				api.DB.MarketPrice.Create().SetMarketID(ca.ID).SetVariantID(v.ID).SetProductID(v.ProductID).SetPrice(999).ExecX(ctx)
			}
		}
		inCA := func(q string) string {
			return strings.Replace(q, "query($n: Int!)", "query($n: Int!) @inContext(country: CA)", 1)
		}
		for _, q := range []struct{ name, query string }{
			{"products listing", inCA(listingQuery)},
			{"price ranges only", inCA(`query($n: Int!) { products(first: $n) { nodes { priceRange { minVariantPrice { amount } maxVariantPrice { amount } } } } }`)},
			{"collections with products", inCA(collectionsQuery)},
			{"search", inCA(searchQueryPerf)},
		} {
			t.Run(q.name, func(t *testing.T) {
				small := statements(t, api, q.query, map[string]any{"n": 5})
				large := statements(t, api, q.query, map[string]any{"n": 100})
				t.Logf("statements: first 5 → %d, first 100 → %d", small, large)
				if small != large || large > 14 {
					t.Errorf("statements: first 5 → %d, first 100 → %d; want equal and at most 14", small, large)
				}
			})
		}
		// The listing shows the fixed prices: the first product's first variant is 9.99 CAD.
		var got struct {
			Products struct {
				Nodes []struct {
					PriceRange struct{ MinVariantPrice moneyJSON }
					Variants   struct{ Nodes []struct{ Price moneyJSON } }
				}
			}
		}
		api.post(t, `query @inContext(country: CA) { products(first: 2) { nodes { priceRange { minVariantPrice { amount currencyCode } } variants(first: 1) { nodes { price { amount currencyCode } } } } } }`, nil).decode(t, &got)
		if n := got.Products.Nodes; len(n) != 2 || n[0].PriceRange.MinVariantPrice.String() != "9.99 CAD" || n[0].Variants.Nodes[0].Price.String() != "9.99 CAD" ||
			n[1].Variants.Nodes[0].Price.String() == "9.99 CAD" {
			t.Errorf("listing in CA: %+v", n)
		}
	})
}
