package main

import (
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// TestAdminDiscountCodes: create, change, deactivate and delete codes; the cart applies
// exactly what the Admin API set.
func TestAdminDiscountCodes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "discounts:write")
		type payload struct {
			DiscountCode *struct {
				ID, Code, Kind string
				Value          int
				Enabled        bool
			}
			UserErrors []adminUserError
		}
		create := func(in map[string]any) payload {
			var out struct{ DiscountCodeCreate payload }
			api.adminPost(t, key, `mutation($in: DiscountCodeInput!) { discountCodeCreate(input: $in) { discountCode { id code kind value enabled } userErrors { field code message } } }`,
				map[string]any{"in": in}).decode(t, &out)
			return out.DiscountCodeCreate
		}
		p := create(map[string]any{"code": "Summer20", "title": "20% off", "kind": "PERCENTAGE", "value": "20", "minimumSubtotal": "10.00"})
		if p.DiscountCode == nil || p.DiscountCode.Value != 2000 || !p.DiscountCode.Enabled {
			t.Fatalf("create: %+v", p)
		}
		id := p.DiscountCode.ID
		mug := variantID(t, api.DB, "mug", "Default Title") // 9.99
		applicable := func(qty int) (bool, string) {
			var out struct {
				CartCreate struct {
					Cart struct {
						DiscountCodes []struct {
							Code       string
							Applicable bool
						}
						Cost struct{ SubtotalAmount struct{ Amount string } }
					}
				}
			}
			api.post(t, `mutation($v: ID!, $q: Int!) { cartCreate(input: {lines: [{merchandiseId: $v, quantity: $q}], discountCodes: ["SUMMER20"]}) {
				cart { discountCodes { code applicable } cost { subtotalAmount { amount } } } } }`, map[string]any{"v": mug, "q": qty}).decode(t, &out)
			c := out.CartCreate.Cart
			return len(c.DiscountCodes) == 1 && c.DiscountCodes[0].Applicable, c.Cost.SubtotalAmount.Amount
		}
		if ok, _ := applicable(2); !ok {
			t.Fatal("the new code does not apply to a 19.98 cart")
		}
		if ok, _ := applicable(1); ok {
			t.Error("the code applies below its 10.00 minimum")
		}
		for _, c := range []struct {
			name  string
			in    map[string]any
			code  string
			field string
		}{
			{"same code, other case", map[string]any{"code": "summer20", "kind": "PERCENTAGE", "value": "5"}, "TAKEN", "input.code"},
			{"over 100%", map[string]any{"code": "BIG", "kind": "PERCENTAGE", "value": "150"}, "INVALID", "input.value"},
			{"products without products", map[string]any{"code": "P", "kind": "FIXED_AMOUNT", "value": "5.00", "appliesTo": "PRODUCTS"}, "INVALID", "input.productIds"},
			{"unknown collection", map[string]any{"code": "C", "kind": "FIXED_AMOUNT", "value": "5.00", "appliesTo": "COLLECTIONS", "collectionIds": []string{"gid://storefront/Collection/999999"}}, "NOT_FOUND", "input.collectionIds.0"},
			{"ends before it starts", map[string]any{"code": "D", "kind": "FIXED_AMOUNT", "value": "5.00", "startsAt": "2030-02-01T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z"}, "INVALID", "input.endsAt"},
			{"zero", map[string]any{"code": "Z", "kind": "FIXED_AMOUNT", "value": "0"}, "GREATER_THAN", "input.value"},
		} {
			p := create(c.in)
			if p.DiscountCode != nil || len(p.UserErrors) == 0 || p.UserErrors[0].Code != c.code || strings.Join(p.UserErrors[0].Field, ".") != c.field {
				t.Errorf("%s: %+v, want %s at %s", c.name, p, c.code, c.field)
			}
		}
		var upd struct{ DiscountCodeUpdate payload }
		api.adminPost(t, key, `mutation($id: ID!) { discountCodeUpdate(id: $id, input: {minimumSubtotal: null}) { discountCode { id } userErrors { field code } } }`,
			map[string]any{"id": id}).decode(t, &upd)
		if ok, _ := applicable(1); !ok || len(upd.DiscountCodeUpdate.UserErrors) > 0 {
			t.Errorf("after clearing the minimum the code does not apply to a 9.99 cart: %+v", upd.DiscountCodeUpdate)
		}
		var off struct{ DiscountCodeDeactivate payload }
		api.adminPost(t, key, `mutation($id: ID!) { discountCodeDeactivate(id: $id) { discountCode { id enabled } userErrors { code } } }`, map[string]any{"id": id}).decode(t, &off)
		if off.DiscountCodeDeactivate.DiscountCode == nil || off.DiscountCodeDeactivate.DiscountCode.Enabled {
			t.Fatalf("deactivate: %+v", off.DiscountCodeDeactivate)
		}
		if ok, _ := applicable(2); ok {
			t.Error("a deactivated code still applies")
		}
		var del struct {
			DiscountCodeDelete struct {
				DeletedDiscountCodeID *string
				UserErrors            []adminUserError
			}
		}
		api.adminPost(t, key, `mutation($id: ID!) { discountCodeDelete(id: $id) { deletedDiscountCodeId userErrors { code } } }`, map[string]any{"id": id}).decode(t, &del)
		if del.DiscountCodeDelete.DeletedDiscountCodeID == nil || *del.DiscountCodeDelete.DeletedDiscountCodeID != id {
			t.Fatalf("delete: %+v", del.DiscountCodeDelete)
		}
		api.adminPost(t, key, `mutation($id: ID!) { discountCodeDelete(id: $id) { deletedDiscountCodeId userErrors { code } } }`, map[string]any{"id": id}).decode(t, &del)
		if u := del.DiscountCodeDelete.UserErrors; len(u) != 1 || u[0].Code != "NOT_FOUND" {
			t.Errorf("deleting twice: %+v", del.DiscountCodeDelete)
		}
	})
}
