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

// TestAdminDiscountTargetLists: a code can apply to several products and several
// collections; create and update take the lists and the cart discounts exactly the lines
// they cover.
func TestAdminDiscountTargetLists(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "discounts:write", "catalog:write")
		// Socks: a product in no collection and no list.
		if _, u := productSet(t, api, key, map[string]any{"handle": "socks", "title": "Socks", "status": "ACTIVE",
			"options":  []any{map[string]any{"name": "Title", "values": []string{"Default Title"}}},
			"variants": []any{map[string]any{"sku": "SOCKS", "optionValues": []any{map[string]any{"optionName": "Title", "name": "Default Title"}}, "price": "5.00", "inventoryQuantity": 10}}}); len(u) > 0 {
			t.Fatalf("socks: %+v", u)
		}
		var ids struct {
			Tee, Mug, Socks   struct{ ID string }
			Apparel, HomeCols struct{ ID string }
		}
		api.post(t, `{ tee: product(handle: "tee") { id } mug: product(handle: "mug") { id } socks: product(handle: "socks") { id }
			apparel: collection(handle: "apparel") { id } homeCols: collection(handle: "home") { id } }`, nil).decode(t, &ids)
		lines := []map[string]any{
			{"merchandiseId": variantID(t, api.DB, "tee", "S / Black"), "quantity": 1},       // 15.00, apparel
			{"merchandiseId": variantID(t, api.DB, "mug", "Default Title"), "quantity": 1},   // 9.99, home
			{"merchandiseId": variantID(t, api.DB, "socks", "Default Title"), "quantity": 1}, // 5.00
		}
		// discounted returns each line's discount by handle for a cart with the code.
		discounted := func(code string) map[string]string {
			t.Helper()
			var out struct {
				CartCreate struct {
					Cart struct {
						Lines struct {
							Nodes []struct {
								Merchandise struct {
									Product struct{ Handle string }
								}
								DiscountAllocations []struct {
									DiscountedAmount struct{ Amount string }
								}
							}
						}
					}
				}
			}
			api.post(t, `mutation($lines: [CartLineInput!]!, $code: String!) { cartCreate(input: {lines: $lines, discountCodes: [$code]}) {
				cart { lines(first: 10) { nodes { merchandise { ... on ProductVariant { product { handle } } } discountAllocations { discountedAmount { amount } } } } } } }`,
				map[string]any{"lines": lines, "code": code}).decode(t, &out)
			got := map[string]string{}
			for _, l := range out.CartCreate.Cart.Lines.Nodes {
				for _, a := range l.DiscountAllocations {
					got[l.Merchandise.Product.Handle] = a.DiscountedAmount.Amount
				}
			}
			return got
		}
		type payload struct {
			DiscountCode *struct {
				ID       string
				Products []struct{ ID string }
			}
			UserErrors []adminUserError
		}
		save := func(op, id string, in map[string]any) payload {
			t.Helper()
			var out map[string]payload
			args, decls := "input: $in", "$in: DiscountCodeInput!"
			vars := map[string]any{"in": in}
			if id != "" {
				args, decls = "id: $id, "+args, "$id: ID!, "+decls
				vars["id"] = id
			}
			api.adminPost(t, key, `mutation(`+decls+`) { r: `+op+`(`+args+`) { discountCode { id products { id } } userErrors { field code } } }`, vars).decode(t, &out)
			return out["r"]
		}
		p := save("discountCodeCreate", "", map[string]any{"code": "PAIR10", "kind": "PERCENTAGE", "value": "10", "appliesTo": "PRODUCTS",
			"productIds": []string{ids.Tee.ID, ids.Mug.ID}})
		if p.DiscountCode == nil || len(p.DiscountCode.Products) != 2 {
			t.Fatalf("create with two products: %+v", p)
		}
		if got := discounted("PAIR10"); len(got) != 2 || got["tee"] != "1.5" && got["tee"] != "1.50" || got["mug"] != "1.0" && got["mug"] != "1.00" {
			t.Errorf("PAIR10 on tee, mug and socks: %v, want tee 1.50 and mug 1.00 only", got)
		}
		if u := save("discountCodeUpdate", p.DiscountCode.ID, map[string]any{"productIds": []string{ids.Mug.ID, ids.Socks.ID}}); len(u.UserErrors) > 0 {
			t.Fatalf("update the list: %+v", u)
		}
		if got := discounted("PAIR10"); len(got) != 2 || got["tee"] != "" || got["mug"] == "" || got["socks"] == "" {
			t.Errorf("PAIR10 after the list became mug and socks: %v", got)
		}
		c := save("discountCodeCreate", "", map[string]any{"code": "SHELVES", "kind": "FIXED_AMOUNT", "value": "3.00", "appliesTo": "COLLECTIONS",
			"collectionIds": []string{ids.Apparel.ID, ids.HomeCols.ID}})
		if c.DiscountCode == nil {
			t.Fatalf("create with two collections: %+v", c)
		}
		if got := discounted("SHELVES"); len(got) != 2 || got["tee"] == "" || got["mug"] == "" || got["socks"] != "" {
			t.Errorf("SHELVES on apparel and home: %v, want tee and mug only", got)
		}
		if u := save("discountCodeUpdate", c.DiscountCode.ID, map[string]any{"collectionIds": []string{ids.HomeCols.ID}}); len(u.UserErrors) > 0 {
			t.Fatalf("update the collections: %+v", u)
		}
		if got := discounted("SHELVES"); len(got) != 1 || got["mug"] == "" {
			t.Errorf("SHELVES on home only: %v, want mug only", got)
		}
		if u := save("discountCodeUpdate", c.DiscountCode.ID, map[string]any{"collectionIds": []string{ids.HomeCols.ID, "gid://storefront/Collection/999999"}}); len(u.UserErrors) != 1 ||
			u.UserErrors[0].Code != "NOT_FOUND" || strings.Join(u.UserErrors[0].Field, ".") != "input.collectionIds.1" {
			t.Errorf("an unknown collection in the list: %+v", u)
		}
		if got := discounted("SHELVES"); len(got) != 1 || got["mug"] == "" {
			t.Errorf("a refused update changed the list: %v", got)
		}
	})
}
