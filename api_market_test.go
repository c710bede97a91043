package main

import (
	"context"
	"strings"
	"sync"
	"testing"

	"storefront/internal/storetest"
)

type moneyJSON struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

func (m moneyJSON) String() string { return m.Amount + " " + m.CurrencyCode }

// createMarkets sets up the markets the market tests share: CA in CAD at 1.35 rounded to
// .99, GB in GBP at 0.79 rounded to whole pounds, and the US in the shop currency.
func createMarkets(t testing.TB, api *testAPI, key string) {
	t.Helper()
	for _, in := range []string{
		`{name: "Canada", currencyCode: "CAD", countries: ["CA"], exchangeRate: "1.35", priceRounding: NINETY_NINE}`,
		`{name: "United Kingdom", currencyCode: "GBP", countries: ["GB"], exchangeRate: "0.79", priceRounding: WHOLE}`,
		`{name: "United States", currencyCode: "USD", countries: ["US"]}`,
	} {
		var out struct {
			MarketCreate struct {
				Market     *struct{ ID string }
				UserErrors []adminUserError
			}
		}
		api.adminPost(t, key, `mutation { marketCreate(input: `+in+`) { market { id } userErrors { field code message } } }`, nil).decode(t, &out)
		if out.MarketCreate.Market == nil || len(out.MarketCreate.UserErrors) > 0 {
			t.Fatalf("marketCreate %s: %+v", in, out.MarketCreate)
		}
	}
}

// TestMarketPrices: the same product read for the US, Canada and the UK shows USD, CAD and
// GBP prices by the markets' rates and rounding; localization and paymentSettings list the
// markets' currencies; the response cache keeps the countries apart.
func TestMarketPrices(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		const q = `query($c: CountryCode) @inContext(country: $c) { product(handle: "tee") {
			priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
			compareAtPriceRange { maxVariantPrice { amount currencyCode } }
			variants(first: 3) { nodes { title price { amount currencyCode } compareAtPrice { amount currencyCode } } } } }`
		type productJSON struct {
			Product struct {
				PriceRange          struct{ MinVariantPrice, MaxVariantPrice moneyJSON }
				CompareAtPriceRange struct{ MaxVariantPrice moneyJSON }
				Variants            struct {
					Nodes []struct {
						Title          string
						Price          moneyJSON
						CompareAtPrice *moneyJSON
					}
				}
			}
		}
		// The tee: S 15.00 (compare at 20.00), M 15.00, L 17.50.
		for _, c := range []struct {
			country                 any
			min, max, large, cmpAtS string
		}{
			{nil, "15.00 USD", "17.50 USD", "17.50 USD", "20.00 USD"},
			{"US", "15.00 USD", "17.50 USD", "17.50 USD", "20.00 USD"},
			// 15.00 × 1.35 = 20.25 → 20.99; 17.50 × 1.35 = 23.625 → 23.63 → 23.99; 27.00 → 27.99.
			{"CA", "20.99 CAD", "23.99 CAD", "23.99 CAD", "27.99 CAD"},
			// 15.00 × 0.79 = 11.85 → 12.00; 17.50 × 0.79 = 13.825 → 13.83 → 14.00; 15.80 → 16.00.
			{"GB", "12.00 GBP", "14.00 GBP", "14.00 GBP", "16.00 GBP"},
			// A country in no market is priced in the shop currency.
			{"FR", "15.00 USD", "17.50 USD", "17.50 USD", "20.00 USD"},
			{"CA", "20.99 CAD", "23.99 CAD", "23.99 CAD", "27.99 CAD"}, // again: not a cached US answer
		} {
			var got productJSON
			api.post(t, q, map[string]any{"c": c.country}).decode(t, &got)
			p := got.Product
			if p.PriceRange.MinVariantPrice.String() != c.min || p.PriceRange.MaxVariantPrice.String() != c.max ||
				p.Variants.Nodes[2].Price.String() != c.large || p.Variants.Nodes[0].CompareAtPrice == nil ||
				p.Variants.Nodes[0].CompareAtPrice.String() != c.cmpAtS || p.CompareAtPriceRange.MaxVariantPrice.String() != c.cmpAtS {
				t.Errorf("country %v: %+v, want %s–%s, L %s, compare at %s", c.country, p, c.min, c.max, c.large, c.cmpAtS)
			}
		}

		var loc struct {
			Localization struct {
				Country struct {
					IsoCode  string
					Currency struct{ IsoCode string }
				}
				AvailableCountries []struct {
					IsoCode  string
					Currency struct{ IsoCode string }
				}
			}
			Shop struct {
				PaymentSettings struct {
					CurrencyCode                 string
					EnabledPresentmentCurrencies []string
				}
			}
		}
		api.post(t, `query @inContext(country: GB) { localization { country { isoCode currency { isoCode } } availableCountries { isoCode currency { isoCode } } }
			shop { paymentSettings { currencyCode enabledPresentmentCurrencies } } }`, nil).decode(t, &loc)
		if c := loc.Localization.Country; c.IsoCode != "GB" || c.Currency.IsoCode != "GBP" {
			t.Errorf("localization country %+v, want GB in GBP", c)
		}
		currencies := map[string]string{}
		for _, c := range loc.Localization.AvailableCountries {
			currencies[c.IsoCode] = c.Currency.IsoCode
		}
		if currencies["US"] != "USD" || currencies["CA"] != "CAD" || currencies["GB"] != "GBP" {
			t.Errorf("available countries %v", currencies)
		}
		if ps := loc.Shop.PaymentSettings; ps.CurrencyCode != "USD" || strings.Join(ps.EnabledPresentmentCurrencies, ",") != "USD,CAD,GBP" {
			t.Errorf("paymentSettings %+v", ps)
		}
	})
}

// TestMarketCart: a cart created for Canada is in CAD; changing the buyer's country
// re-prices it; it checks out in CAD and the order records the USD amounts too.
func TestMarketCart(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		ctx := context.Background()
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		teeS := variantID(t, api.DB, "tee", "S / Black")
		type costJSON struct {
			SubtotalAmount, TotalAmount moneyJSON
			TotalTaxAmount              *moneyJSON
		}
		type cartJSON struct {
			ID            string
			BuyerIdentity struct{ CountryCode *string }
			Cost          costJSON
			Lines         struct {
				Nodes []struct {
					Cost struct{ AmountPerQuantity, CompareAtAmountPerQuantity, SubtotalAmount moneyJSON }
				}
			}
		}
		const sel = `cart { id buyerIdentity { countryCode } cost { subtotalAmount { amount currencyCode } totalAmount { amount currencyCode } totalTaxAmount { amount currencyCode } }
			lines(first: 5) { nodes { cost { amountPerQuantity { amount currencyCode } compareAtAmountPerQuantity { amount currencyCode } subtotalAmount { amount currencyCode } } } } }
			userErrors { code field message }`
		var created struct {
			CartCreate struct {
				Cart       *cartJSON
				UserErrors []userError
			}
		}
		api.post(t, `mutation($l: [CartLineInput!]!) @inContext(country: CA) { cartCreate(input: {lines: $l}) { `+sel+` } }`,
			map[string]any{"l": []map[string]any{line(teeS, 2)}}).decode(t, &created)
		c := created.CartCreate.Cart
		if c == nil {
			t.Fatalf("cartCreate: %+v", created.CartCreate)
		}
		// 2 × 20.99 = 41.98 CAD; the fixture's 5% GST on Canada: 2.099 → 2.10.
		if c.BuyerIdentity.CountryCode == nil || *c.BuyerIdentity.CountryCode != "CA" || c.Cost.SubtotalAmount.String() != "41.98 CAD" ||
			c.Cost.TotalTaxAmount == nil || c.Cost.TotalTaxAmount.String() != "2.10 CAD" || c.Cost.TotalAmount.String() != "44.08 CAD" ||
			c.Lines.Nodes[0].Cost.AmountPerQuantity.String() != "20.99 CAD" || c.Lines.Nodes[0].Cost.CompareAtAmountPerQuantity.String() != "27.99 CAD" {
			t.Fatalf("CA cart: %+v", c)
		}
		reprice := func(country string) cartJSON {
			t.Helper()
			var out struct {
				CartBuyerIdentityUpdate struct {
					Cart       *cartJSON
					UserErrors []userError
				}
			}
			api.post(t, `mutation($id: ID!, $c: CountryCode) { cartBuyerIdentityUpdate(cartId: $id, buyerIdentity: {countryCode: $c}) { `+sel+` } }`,
				map[string]any{"id": c.ID, "c": country}).decode(t, &out)
			if out.CartBuyerIdentityUpdate.Cart == nil {
				t.Fatalf("cartBuyerIdentityUpdate %s: %+v", country, out.CartBuyerIdentityUpdate)
			}
			return *out.CartBuyerIdentityUpdate.Cart
		}
		if got := reprice("GB"); got.Cost.SubtotalAmount.String() != "24.00 GBP" || got.Lines.Nodes[0].Cost.AmountPerQuantity.String() != "12.00 GBP" || got.Cost.TotalAmount.String() != "24.00 GBP" {
			t.Errorf("re-priced for GB: %+v", got.Cost)
		}
		if got := reprice("US"); got.Cost.SubtotalAmount.String() != "30.00 USD" {
			t.Errorf("re-priced for US: %+v", got.Cost)
		}
		reprice("CA")

		// Delivery to Toronto: the 10.00 USD rate is 13.50 CAD; Ontario's 13% on goods and
		// shipping: 5.4574 → 5.46 and 1.755 → 1.76.
		p := addAddress(t, api, c.ID, map[string]any{"firstName": "Ada", "lastName": "L", "address1": "1 King St", "city": "Toronto", "provinceCode": "ON", "zip": "M5H 1A1", "countryCode": "CA"}, true)
		if len(p.UserErrors) > 0 || len(p.Cart.DeliveryGroups.Nodes) != 1 {
			t.Fatalf("address: %+v", p)
		}
		g := p.Cart.DeliveryGroups.Nodes[0]
		if len(g.DeliveryOptions) != 1 || g.DeliveryOptions[0].EstimatedCost.Amount != "13.50" {
			t.Fatalf("delivery options: %+v", g.DeliveryOptions)
		}
		p = selectOption(t, api, c.ID, g.ID, "ca-light")
		if p.Cart.Cost.TotalTaxAmount == nil || p.Cart.Cost.TotalTaxAmount.Amount != "7.22" || p.Cart.Cost.TotalAmount.Amount != "62.70" {
			t.Fatalf("Ontario cost: %+v", p.Cart.Cost)
		}
		// A payment in USD is refused: the cart is charged in CAD.
		payment := func(cur string) payload {
			return api.mutate(t, "cartPaymentUpdate", "cartId: $id, payment: $payment", map[string]any{"id": c.ID, "payment": map[string]any{
				"amount":              map[string]any{"amount": "62.70", "currencyCode": cur},
				"directPaymentMethod": map[string]any{"sessionId": "test_success", "billingAddress": map[string]any{"lastName": "L", "address1": "1 King St", "city": "Toronto", "country": "CA"}},
			}})
		}
		if pay := payment("USD"); len(pay.UserErrors) == 0 {
			t.Errorf("a USD payment for a CAD cart was accepted")
		}
		if pay := payment("CAD"); len(pay.UserErrors) > 0 {
			t.Fatalf("payment: %+v", pay.UserErrors)
		}
		api.mutate(t, "cartBuyerIdentityUpdate", "cartId: $id, buyerIdentity: $buyer", map[string]any{"id": c.ID, "buyer": map[string]any{"email": "ada@example.com"}})
		s := submit(t, api, c.ID, "ca-1")
		if s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit: %+v", s.R)
		}
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt: %+v", a.A)
		}
		o := api.DB.Order.Query().OnlyX(ctx)
		// 62.70 CAD / 1.35 = 46.444… → 46.44 USD.
		if o.CurrencyCode != "CAD" || o.Total != 6270 || o.Subtotal != 4198 || o.TotalShipping != 1350 || o.TotalTax != 722 ||
			o.ShopCurrencyCode == nil || *o.ShopCurrencyCode != "USD" || o.ExchangeRate == nil || *o.ExchangeRate != "1.35" ||
			o.ShopTotal == nil || *o.ShopTotal != 4644 || o.ShopSubtotal == nil || *o.ShopSubtotal != 3110 || o.ShopTotalShipping == nil || *o.ShopTotalShipping != 1000 {
			t.Fatalf("order: %s total %d subtotal %d shipping %d tax %d; shop %v %v total %v subtotal %v shipping %v",
				o.CurrencyCode, o.Total, o.Subtotal, o.TotalShipping, o.TotalTax, o.ShopCurrencyCode, o.ExchangeRate, o.ShopTotal, o.ShopSubtotal, o.ShopTotalShipping)
		}
		if l := o.QueryLines().OnlyX(ctx); l.UnitPrice != 2099 || l.OriginalTotal != 4198 {
			t.Errorf("order line unit price %d total %d, want 2099 and 4198 CAD cents", l.UnitPrice, l.OriginalTotal)
		}
		// The Admin API shows both.
		var admin struct {
			Orders struct {
				Edges []struct {
					Node struct {
						CurrencyCode     string
						ShopCurrencyCode *string
						Total, ShopTotal int
					}
				}
			}
		}
		api.adminPost(t, adminKey(t, api.DB, "orders:read"), `{ orders(first: 1) { edges { node { currencyCode shopCurrencyCode total shopTotal } } } }`, nil).decode(t, &admin)
		if n := admin.Orders.Edges; len(n) != 1 || n[0].Node.CurrencyCode != "CAD" || n[0].Node.ShopTotal != 4644 || n[0].Node.ShopCurrencyCode == nil || *n[0].Node.ShopCurrencyCode != "USD" {
			t.Errorf("admin order: %+v", n)
		}
	})
}

// TestMarketAdminInput: bad market input is refused with codes, and two writes racing to put
// one country in two markets leave it in one.
func TestMarketAdminInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		key := adminKey(t, api.DB, "settings:write")
		createMarkets(t, api, key)
		type errsOnly struct{ UserErrors []adminUserError }
		for _, c := range []struct{ in, code, field string }{
			{`{name: "X", currencyCode: "XYZ", countries: ["FR"]}`, "UNSUPPORTED_CURRENCY", "input.currencyCode"},
			{`{name: "X", currencyCode: "euro", countries: ["FR"]}`, "UNSUPPORTED_CURRENCY", "input.currencyCode"},
			{`{name: "X", currencyCode: "EUR", countries: ["FR", "CA"]}`, "TAKEN", "input.countries.1"},
			{`{name: "X", currencyCode: "EUR", countries: ["FR"], exchangeRate: "-0.9"}`, "INVALID", "input.exchangeRate"},
			{`{name: "X", currencyCode: "EUR", countries: ["FR"], exchangeRate: "0"}`, "INVALID", "input.exchangeRate"},
			{`{name: "X", currencyCode: "EUR", countries: ["FR"], exchangeRate: "1e3"}`, "INVALID", "input.exchangeRate"},
			{`{name: "X", currencyCode: "EUR", countries: ["France"]}`, "INVALID", "input.countries.0"},
			{`{currencyCode: "EUR", countries: ["FR"]}`, "BLANK", "input.name"},
			{`{name: "X", countries: ["FR"]}`, "BLANK", "input.currencyCode"},
		} {
			var out struct{ MarketCreate errsOnly }
			api.adminPost(t, key, `mutation { marketCreate(input: `+c.in+`) { userErrors { field code message } } }`, nil).decode(t, &out)
			if u := out.MarketCreate.UserErrors; len(u) != 1 || u[0].Code != c.code || strings.Join(u[0].Field, ".") != c.field {
				t.Errorf("marketCreate %s: %+v, want %s at %s", c.in, u, c.code, c.field)
			}
		}
		// The US market may not leave the shop currency; an unknown market is NOT_FOUND.
		var us struct {
			Markets struct {
				Edges []struct{ Node struct{ ID, Name string } }
			}
		}
		api.adminPost(t, adminKey(t, api.DB, "settings:read"), `{ markets(first: 10) { edges { node { id name } } } }`, nil).decode(t, &us)
		ids := map[string]string{}
		for _, e := range us.Markets.Edges {
			ids[e.Node.Name] = e.Node.ID
		}
		var upd struct{ MarketUpdate errsOnly }
		api.adminPost(t, key, `mutation($id: ID!) { marketUpdate(id: $id, input: {currencyCode: "EUR"}) { userErrors { field code } } }`, map[string]any{"id": ids["United States"]}).decode(t, &upd)
		if u := upd.MarketUpdate.UserErrors; len(u) != 1 || u[0].Code != "INVALID" || strings.Join(u[0].Field, ".") != "input.countries.0" {
			t.Errorf("US market to EUR: %+v", u)
		}
		api.adminPost(t, key, `mutation { marketUpdate(id: "gid://storefront/Market/999", input: {name: "Y"}) { userErrors { field code } } }`, nil).decode(t, &upd)
		if u := upd.MarketUpdate.UserErrors; len(u) != 1 || u[0].Code != "NOT_FOUND" {
			t.Errorf("unknown market: %+v", u)
		}

		// Two markets created at once for the same country: exactly one gets it.
		var wg sync.WaitGroup
		taken := make([]int, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out struct{ MarketCreate errsOnly }
				api.adminPost(t, key, `mutation { marketCreate(input: {name: "Eurozone", currencyCode: "EUR", countries: ["DE", "FR"], exchangeRate: "0.92"}) { userErrors { field code } } }`, nil).decode(t, &out)
				for _, u := range out.MarketCreate.UserErrors {
					if u.Code == "TAKEN" {
						taken[i]++
					}
				}
			}()
		}
		wg.Wait()
		if n := api.DB.Market.Query().CountX(context.Background()); n != 4 || taken[0]+taken[1] != 2 {
			t.Errorf("racing creates: %d markets, TAKEN errors %v; want 4 markets and one loser with 2", n, taken)
		}

		// Deleting the Canadian market prices Canada in the shop currency again.
		var del struct {
			MarketDelete struct {
				DeletedID  *string
				UserErrors []adminUserError
			}
		}
		api.adminPost(t, key, `mutation($id: ID!) { marketDelete(id: $id) { deletedId userErrors { field code } } }`, map[string]any{"id": ids["Canada"]}).decode(t, &del)
		if del.MarketDelete.DeletedID == nil {
			t.Fatalf("marketDelete: %+v", del.MarketDelete)
		}
		var got struct {
			Product struct {
				PriceRange struct{ MinVariantPrice moneyJSON }
			}
		}
		api.post(t, `query @inContext(country: CA) { product(handle: "tee") { priceRange { minVariantPrice { amount currencyCode } } } }`, nil).decode(t, &got)
		if m := got.Product.PriceRange.MinVariantPrice.String(); m != "15.00 USD" {
			t.Errorf("CA after its market was deleted: %s", m)
		}
	})
}
