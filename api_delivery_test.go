package main

import (
	"context"
	"strings"
	"testing"

	"storefront/ent/shop"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// deliveryFixture adds shipping rates to the cart fixture: US standard $5 (free from $50),
// US pickup, Canada by weight, and 5% GST in Canada plus 8% in Ontario with shipping taxed.
func deliveryFixture(t testing.TB, db *store.DB) {
	cartFixture(t, db)
	ctx := context.Background()
	free := int64(5000)
	max := int64(1000)
	db.ShippingRate.Create().SetHandle("standard").SetTitle("Standard").SetCountries([]string{"US"}).SetPrice(500).SetFreeAbove(free).ExecX(ctx)
	db.ShippingRate.Create().SetHandle("pickup").SetTitle("Pickup").SetMethodType("PICK_UP").SetCountries([]string{"US"}).SetPrice(0).SetPosition(1).ExecX(ctx)
	db.ShippingRate.Create().SetHandle("ca-light").SetTitle("Canada light").SetCountries([]string{"CA"}).SetCondition("WEIGHT").SetMax(max).SetPrice(1000).ExecX(ctx)
	db.TaxRate.Create().SetCountryCode("CA").SetProvinceCode("ON").SetName("HST").SetRatePpm(130000).SetAppliesToShipping(true).ExecX(ctx)
}

const deliverySel = `cart { id cost { subtotalAmount { amount } totalAmount { amount } checkoutChargeAmount { amount } totalTaxAmount { amount } }
	delivery { addresses { id selected oneTimeUse address { ... on CartDeliveryAddress { city countryCode provinceCode } } } }
	deliveryGroups(first: 5) { nodes { id groupType deliveryAddress { city formatted } cartLines(first: 10) { nodes { quantity } }
		deliveryOptions { handle title deliveryMethodType estimatedCost { amount } } selectedDeliveryOption { handle } } } }
	userErrors { code field message } warnings { code target }`

type deliveryPayload struct {
	Cart *struct {
		ID   string `json:"id"`
		Cost struct {
			SubtotalAmount       amount  `json:"subtotalAmount"`
			TotalAmount          amount  `json:"totalAmount"`
			CheckoutChargeAmount amount  `json:"checkoutChargeAmount"`
			TotalTaxAmount       *amount `json:"totalTaxAmount"`
		} `json:"cost"`
		Delivery struct {
			Addresses []struct {
				ID       string `json:"id"`
				Selected bool   `json:"selected"`
			} `json:"addresses"`
		} `json:"delivery"`
		DeliveryGroups struct {
			Nodes []struct {
				ID              string `json:"id"`
				DeliveryOptions []struct {
					Handle             string `json:"handle"`
					DeliveryMethodType string `json:"deliveryMethodType"`
					EstimatedCost      amount `json:"estimatedCost"`
				} `json:"deliveryOptions"`
				SelectedDeliveryOption *struct{ Handle string } `json:"selectedDeliveryOption"`
			} `json:"nodes"`
		} `json:"deliveryGroups"`
	} `json:"cart"`
	UserErrors []userError `json:"userErrors"`
	Warnings   []warning   `json:"warnings"`
}

func (a *testAPI) deliveryOp(t testing.TB, query string, vars map[string]any) deliveryPayload {
	t.Helper()
	var out struct {
		R deliveryPayload `json:"r"`
	}
	a.post(t, query, vars).decode(t, &out)
	return out.R
}

func addAddress(t testing.TB, api *testAPI, cartID string, addr map[string]any, selected bool) deliveryPayload {
	t.Helper()
	return api.deliveryOp(t, `mutation($id: ID!, $a: [CartSelectableAddressInput!]!) { r: cartDeliveryAddressesAdd(cartId: $id, addresses: $a) { `+deliverySel+` } }`,
		map[string]any{"id": cartID, "a": []map[string]any{{"address": map[string]any{"deliveryAddress": addr}, "selected": selected}}})
}

func selectOption(t testing.TB, api *testAPI, cartID, group, handle string) deliveryPayload {
	t.Helper()
	return api.deliveryOp(t, `mutation($id: ID!, $s: [CartSelectedDeliveryOptionInput!]!) { r: cartSelectedDeliveryOptionsUpdate(cartId: $id, selectedDeliveryOptions: $s) { `+deliverySel+` } }`,
		map[string]any{"id": cartID, "s": []map[string]any{{"deliveryGroupId": group, "deliveryOptionHandle": handle}}})
}

func TestCartDelivery(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		teeS := variantID(t, api.DB, "tee", "S / Black") // 15.00
		c := api.newCart(t, line(teeS, 2))               // 30.00

		// Address errors.
		for name, tt := range map[string]struct {
			addr  map[string]any
			code  string
			field string
		}{
			"no country": {map[string]any{"city": "Springfield"}, "ADDRESS_FIELD_IS_REQUIRED", "addresses.0.address.deliveryAddress.countryCode"},
			"html":       {map[string]any{"countryCode": "US", "address1": "<b>1</b> Main"}, "ADDRESS_FIELD_CONTAINS_HTML_TAGS", "addresses.0.address.deliveryAddress.address1"},
			"too long":   {map[string]any{"countryCode": "US", "city": strings.Repeat("a", 300)}, "ADDRESS_FIELD_IS_TOO_LONG", "addresses.0.address.deliveryAddress.city"},
			"emoji":      {map[string]any{"countryCode": "US", "firstName": "Ada 🎉"}, "ADDRESS_FIELD_CONTAINS_EMOJIS", "addresses.0.address.deliveryAddress.firstName"},
		} {
			p := addAddress(t, api, c.ID, tt.addr, true)
			if p.Cart != nil || len(p.UserErrors) == 0 || p.UserErrors[0].Code != tt.code || joinField(p.UserErrors[0].Field) != tt.field {
				t.Errorf("%s: %+v", name, p.UserErrors)
			}
		}

		// A US address: standard shipping and pickup; selecting standard adds $5.
		p := addAddress(t, api, c.ID, map[string]any{"firstName": "Ada", "lastName": "L", "address1": "1 Main St", "city": "Springfield", "provinceCode": "IL", "zip": "62701", "countryCode": "US"}, true)
		if len(p.UserErrors) > 0 || len(p.Cart.DeliveryGroups.Nodes) != 1 {
			t.Fatalf("US address: %+v", p)
		}
		g := p.Cart.DeliveryGroups.Nodes[0]
		if len(g.DeliveryOptions) != 2 || g.DeliveryOptions[0].Handle != "standard" || g.DeliveryOptions[0].EstimatedCost.Amount != "5.00" || g.DeliveryOptions[1].DeliveryMethodType != "PICK_UP" || g.SelectedDeliveryOption != nil {
			t.Fatalf("US options: %+v", g)
		}
		p = selectOption(t, api, c.ID, g.ID, "standard")
		if len(p.UserErrors) > 0 || p.Cart.Cost.TotalAmount.Amount != "35.00" || p.Cart.DeliveryGroups.Nodes[0].SelectedDeliveryOption.Handle != "standard" {
			t.Fatalf("select standard: %+v", p)
		}
		if p := selectOption(t, api, c.ID, g.ID, "ca-light"); len(p.UserErrors) == 0 || p.UserErrors[0].Code != "INVALID_DELIVERY_OPTION" {
			t.Errorf("option of another country: %+v", p.UserErrors)
		}
		if p := selectOption(t, api, c.ID, "gid://storefront/CartDeliveryGroup/999999", "standard"); len(p.UserErrors) == 0 || p.UserErrors[0].Code != "INVALID_DELIVERY_GROUP" {
			t.Errorf("unknown group: %+v", p.UserErrors)
		}
		// Free above $50: adding more makes standard free.
		add := api.mutate(t, "cartLinesAdd", "cartId: $id, lines: $lines", map[string]any{"id": c.ID, "lines": []map[string]any{line(teeS, 2)}})
		if add.Cart.Cost.TotalAmount.Amount != "60.00" {
			t.Errorf("free shipping above $50: total %s, want 60.00", add.Cart.Cost.TotalAmount.Amount)
		}
		// The same address again is a duplicate; more than one selected is refused.
		dup := addAddress(t, api, c.ID, map[string]any{"firstName": "Ada", "lastName": "L", "address1": "1 Main St", "city": "Springfield", "provinceCode": "IL", "zip": "62701", "countryCode": "US"}, false)
		wantDeliveryWarning(t, dup, "DUPLICATE_DELIVERY_ADDRESS")
		two := api.deliveryOp(t, `mutation($id: ID!, $a: [CartSelectableAddressInput!]!) { r: cartDeliveryAddressesAdd(cartId: $id, addresses: $a) { `+deliverySel+` } }`,
			map[string]any{"id": c.ID, "a": []map[string]any{
				{"address": map[string]any{"deliveryAddress": map[string]any{"countryCode": "US", "city": "A"}}, "selected": true},
				{"address": map[string]any{"deliveryAddress": map[string]any{"countryCode": "US", "city": "B"}}, "selected": true}}})
		if len(two.UserErrors) == 0 || two.UserErrors[0].Code != "ONLY_ONE_DELIVERY_ADDRESS_CAN_BE_SELECTED" {
			t.Errorf("two selected: %+v", two.UserErrors)
		}

		// Switching to Toronto: Canada's light rate (the tees weigh nothing), and Ontario's
		// 13% HST on goods and shipping replaces the 5% GST.
		p = addAddress(t, api, c.ID, map[string]any{"lastName": "L", "address1": "1 King St", "city": "Toronto", "provinceCode": "ON", "countryCode": "CA"}, true)
		g = p.Cart.DeliveryGroups.Nodes[0]
		if len(p.Cart.Delivery.Addresses) != 2 || len(g.DeliveryOptions) != 1 || g.DeliveryOptions[0].Handle != "ca-light" || g.SelectedDeliveryOption != nil {
			t.Fatalf("Toronto: %+v", p.Cart)
		}
		p = selectOption(t, api, c.ID, g.ID, "ca-light")
		// 60.00 goods + 10.00 shipping; 13% of both = 9.10.
		if p.Cart.Cost.TotalTaxAmount == nil || p.Cart.Cost.TotalTaxAmount.Amount != "9.10" || p.Cart.Cost.TotalAmount.Amount != "79.10" {
			t.Fatalf("Ontario tax: %+v", p.Cart.Cost)
		}

		// Prices that include tax (VAT style) do not raise the total.
		api.DB.Shop.Update().Where(shop.IDGT(0)).SetTaxesIncluded(true).ExecX(context.Background())
		var got struct {
			Cart struct {
				Cost struct {
					TotalAmount    amount `json:"totalAmount"`
					TotalTaxAmount amount `json:"totalTaxAmount"`
				} `json:"cost"`
			} `json:"cart"`
		}
		api.post(t, `query($id: ID!) { cart(id: $id) { cost { totalAmount { amount } totalTaxAmount { amount } } } }`, map[string]any{"id": c.ID}).decode(t, &got)
		// 70.00 including 13%: 60×0.13/1.13 = 6.90, 10×0.13/1.13 = 1.15.
		if got.Cart.Cost.TotalAmount.Amount != "70.00" || got.Cart.Cost.TotalTaxAmount.Amount != "8.05" {
			t.Fatalf("taxes included: %+v", got.Cart.Cost)
		}
	})
}

func wantDeliveryWarning(t *testing.T, p deliveryPayload, code string) {
	t.Helper()
	for _, w := range p.Warnings {
		if w.Code == code {
			return
		}
	}
	t.Errorf("warnings %+v; want %s", p.Warnings, code)
}

func joinField(f []string) string {
	out := ""
	for i, s := range f {
		if i > 0 {
			out += "."
		}
		out += s
	}
	return out
}

func TestCartPayment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		mug := variantID(t, api.DB, "mug", "Default Title") // 9.99
		c := api.newCart(t, line(mug, 1))
		pay := func(payment map[string]any) payload {
			return api.mutate(t, "cartPaymentUpdate", "cartId: $id, payment: $payment", map[string]any{"id": c.ID, "payment": payment})
		}
		billing := map[string]any{"firstName": "Ada", "lastName": "L", "address1": "1 Main St", "city": "Springfield", "province": "IL", "country": "United States", "zip": "62701"}
		for name, tt := range map[string]struct {
			payment map[string]any
			code    string
		}{
			"wrong amount":    {map[string]any{"amount": map[string]any{"amount": "5.00", "currencyCode": "USD"}, "directPaymentMethod": map[string]any{"sessionId": "test_success", "billingAddress": billing}}, "INVALID_PAYMENT"},
			"wrong currency":  {map[string]any{"amount": map[string]any{"amount": "9.99", "currencyCode": "EUR"}, "directPaymentMethod": map[string]any{"sessionId": "test_success", "billingAddress": billing}}, "INVALID_PAYMENT"},
			"free not free":   {map[string]any{"amount": map[string]any{"amount": "9.99", "currencyCode": "USD"}, "freePaymentMethod": map[string]any{"billingAddress": billing}}, "PAYMENT_METHOD_NOT_APPLICABLE"},
			"both methods":    {map[string]any{"amount": map[string]any{"amount": "9.99", "currencyCode": "USD"}, "freePaymentMethod": map[string]any{"billingAddress": billing}, "directPaymentMethod": map[string]any{"sessionId": "x", "billingAddress": billing}}, "INVALID_PAYMENT"},
			"billing no land": {map[string]any{"amount": map[string]any{"amount": "9.99", "currencyCode": "USD"}, "directPaymentMethod": map[string]any{"sessionId": "test_success", "billingAddress": map[string]any{"city": "Nowhere"}}}, "ADDRESS_FIELD_IS_REQUIRED"},
		} {
			if p := pay(tt.payment); p.Cart != nil || len(p.UserErrors) == 0 || p.UserErrors[0].Code != tt.code {
				t.Errorf("%s: %+v", name, p.UserErrors)
			}
		}
		if p := pay(map[string]any{"amount": map[string]any{"amount": "9.99", "currencyCode": "USD"}, "directPaymentMethod": map[string]any{"sessionId": "test_success", "billingAddress": billing}}); p.Cart == nil || len(p.UserErrors) > 0 {
			t.Fatalf("valid payment: %+v", p.UserErrors)
		}
		empty := api.newCart(t)
		p := api.mutate(t, "cartPaymentUpdate", "cartId: $id, payment: $payment", map[string]any{"id": empty.ID, "payment": map[string]any{"amount": map[string]any{"amount": "0", "currencyCode": "USD"}, "freePaymentMethod": map[string]any{"billingAddress": billing}}})
		if len(p.UserErrors) == 0 || p.UserErrors[0].Code != "INVALID_PAYMENT_EMPTY_CART" {
			t.Errorf("empty cart: %+v", p.UserErrors)
		}
	})
}
