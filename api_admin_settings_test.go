package main

import (
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// TestAdminSettings: shop settings, shipping and tax rates through the Admin API; the cart
// prices delivery and tax with them at once, and orders are numbered from the start set.
func TestAdminSettings(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		key := adminKey(t, api.DB, "settings:write")
		type errsOnly struct{ UserErrors []adminUserError }
		var shop struct {
			ShopUpdate struct {
				Shop *struct {
					Name         string
					ContactEmail *string
				}
				UserErrors []adminUserError
			}
		}
		api.adminPost(t, key, `mutation { shopUpdate(input: {name: "Renamed", contactEmail: "hi@shop.example", refundPolicy: "<p>30 days</p>", orderNumberStart: 5000}) {
			shop { name contactEmail } userErrors { field code message } } }`, nil).decode(t, &shop)
		if s := shop.ShopUpdate.Shop; s == nil || s.Name != "Renamed" || s.ContactEmail == nil || *s.ContactEmail != "hi@shop.example" {
			t.Fatalf("shopUpdate: %+v", shop.ShopUpdate)
		}
		var sf struct {
			Shop struct {
				Name         string
				RefundPolicy *struct{ Title, Body string }
			}
		}
		api.post(t, `{ shop { name refundPolicy { title body } } }`, nil).decode(t, &sf)
		if sf.Shop.Name != "Renamed" {
			t.Errorf("storefront shop name %q", sf.Shop.Name)
		}
		// The policy set through the Admin API is the one the Storefront API serves.
		if p := sf.Shop.RefundPolicy; p == nil || p.Body != "<p>30 days</p>" {
			t.Errorf("storefront refund policy %+v, want the one shopUpdate set", p)
		}
		api.adminPost(t, key, `mutation { shopUpdate(input: {refundPolicy: null}) { userErrors { field code } } }`, nil)
		api.post(t, `{ shop { name refundPolicy { title body } } }`, nil).decode(t, &sf)
		if sf.Shop.RefundPolicy != nil {
			t.Errorf("storefront refund policy %+v after it was removed", sf.Shop.RefundPolicy)
		}
		for _, c := range []struct{ in, code, field string }{
			{`{contactEmail: "not an email"}`, "INVALID", "input.contactEmail"},
			{`{currencyCode: "dollars"}`, "INVALID", "input.currencyCode"},
			{`{orderNumberStart: 10}`, "INVALID", "input.orderNumberStart"},
			{`{shipsToCountries: ["US", "Canada"]}`, "INVALID", "input.shipsToCountries.1"},
		} {
			var out struct{ ShopUpdate errsOnly }
			api.adminPost(t, key, `mutation { shopUpdate(input: `+c.in+`) { userErrors { field code } } }`, nil).decode(t, &out)
			if u := out.ShopUpdate.UserErrors; len(u) != 1 || u[0].Code != c.code || strings.Join(u[0].Field, ".") != c.field {
				t.Errorf("shopUpdate %s: %+v, want %s at %s", c.in, u, c.code, c.field)
			}
		}

		// A new US rate, and a tax on US orders.
		var rate struct {
			ShippingRateCreate struct {
				ShippingRate *struct{ ID string }
				UserErrors   []adminUserError
			}
		}
		api.adminPost(t, key, `mutation { shippingRateCreate(input: {handle: "overnight", title: "Overnight", countries: ["US"], price: "30.00", position: 5}) {
			shippingRate { id } userErrors { field code } } }`, nil).decode(t, &rate)
		if rate.ShippingRateCreate.ShippingRate == nil {
			t.Fatalf("shippingRateCreate: %+v", rate.ShippingRateCreate)
		}
		var dup struct{ ShippingRateCreate errsOnly }
		api.adminPost(t, key, `mutation { shippingRateCreate(input: {handle: "standard", title: "Again", price: "1.00"}) { userErrors { field code } } }`, nil).decode(t, &dup)
		if u := dup.ShippingRateCreate.UserErrors; len(u) != 1 || u[0].Code != "TAKEN" {
			t.Errorf("duplicate rate handle: %+v", u)
		}
		var tax struct {
			TaxRateCreate struct {
				TaxRate *struct {
					ID      string
					RatePpm int
				}
				UserErrors []adminUserError
			}
		}
		api.adminPost(t, key, `mutation { taxRateCreate(input: {countryCode: "US", name: "Sales tax", rate: "10"}) { taxRate { id ratePpm } userErrors { field code } } }`, nil).decode(t, &tax)
		if tax.TaxRateCreate.TaxRate == nil || tax.TaxRateCreate.TaxRate.RatePpm != 100000 {
			t.Fatalf("taxRateCreate: %+v", tax.TaxRateCreate)
		}
		teeS := variantID(t, api.DB, "tee", "S / Black") // 15.00
		c := api.newCart(t, line(teeS, 2))               // 30.00
		p := addAddress(t, api, c.ID, map[string]any{"city": "Springfield", "provinceCode": "IL", "zip": "62701", "countryCode": "US"}, true)
		if p.Cart == nil || len(p.Cart.DeliveryGroups.Nodes) != 1 {
			t.Fatalf("address: %+v", p)
		}
		var handles []string
		for _, o := range p.Cart.DeliveryGroups.Nodes[0].DeliveryOptions {
			handles = append(handles, o.Handle+"="+o.EstimatedCost.Amount)
		}
		if got := strings.Join(handles, ","); !strings.Contains(got, "overnight=30.00") {
			t.Errorf("delivery options %s lack the new rate", got)
		}
		p = selectOption(t, api, c.ID, p.Cart.DeliveryGroups.Nodes[0].ID, "overnight")
		if p.Cart.Cost.TotalTaxAmount == nil || p.Cart.Cost.TotalTaxAmount.Amount != "3.00" {
			t.Errorf("tax on a 30.00 US cart at the new 10%% rate: %+v", p.Cart.Cost.TotalTaxAmount)
		}
		var upd struct{ TaxRateUpdate errsOnly }
		api.adminPost(t, key, `mutation($id: ID!) { taxRateUpdate(id: $id, input: {rate: "8.25"}) { userErrors { field code } } }`,
			map[string]any{"id": tax.TaxRateCreate.TaxRate.ID}).decode(t, &upd)
		p = selectOption(t, api, c.ID, p.Cart.DeliveryGroups.Nodes[0].ID, "overnight")
		if p.Cart.Cost.TotalTaxAmount == nil || p.Cart.Cost.TotalTaxAmount.Amount != "2.48" {
			t.Errorf("tax at 8.25%%: %+v, want 2.48", p.Cart.Cost.TotalTaxAmount)
		}
		var del struct {
			ShippingRateDelete struct{ DeletedID *string }
			TaxRateDelete      struct{ DeletedID *string }
		}
		api.adminPost(t, key, `mutation($r: ID!, $t: ID!) { shippingRateDelete(id: $r) { deletedId } taxRateDelete(id: $t) { deletedId } }`,
			map[string]any{"r": rate.ShippingRateCreate.ShippingRate.ID, "t": tax.TaxRateCreate.TaxRate.ID}).decode(t, &del)
		if del.ShippingRateDelete.DeletedID == nil || del.TaxRateDelete.DeletedID == nil {
			t.Fatalf("deletes: %+v", del)
		}

		// Orders are numbered from the start set above.
		cartID := readyCart(t, api, "test_success", line(teeS, 1))
		s := submit(t, api, cartID, "numbered")
		if s.R.Result == nil || s.R.Result.AttemptID == "" {
			t.Fatalf("submit: %+v", s)
		}
		if o := api.DB.Order.Query().OnlyX(t.Context()); o.Number != 5000 {
			t.Errorf("first order number %d, want 5000", o.Number)
		}
	})
}
