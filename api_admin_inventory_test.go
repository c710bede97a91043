package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"storefront/ent/inventoryadjustment"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/gid"
	"storefront/internal/storetest"
)

const inventorySetMutation = `mutation($in: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $in) {
	inventoryAdjustments { variantID delta quantityAfter reason actor } userErrors { field code message } } }`

const inventoryAdjustMutation = `mutation($in: InventoryAdjustQuantitiesInput!) { inventoryAdjustQuantities(input: $in) {
	inventoryAdjustments { variantID delta quantityAfter reason actor } userErrors { field code message } } }`

type inventoryPayload struct {
	InventoryAdjustments []struct {
		VariantID, Reason, Actor string
		Delta, QuantityAfter     int
	}
	UserErrors []adminUserError
}

// TestAdminInventory: absolute and relative stock changes, compareQuantity for warehouse
// syncs, all or nothing, every change in the ledger and audit log, and the Storefront API
// seeing the stock at once.
func TestAdminInventory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		key := adminKey(t, api.DB, "inventory:write")
		s := variantID(t, api.DB, "tee", "S / Black") // 10 in stock
		l := variantID(t, api.DB, "tee", "L / Black") // sold out
		set := func(in map[string]any) inventoryPayload {
			var out struct{ InventorySetQuantities inventoryPayload }
			api.adminPost(t, key, inventorySetMutation, map[string]any{"in": in}).decode(t, &out)
			return out.InventorySetQuantities
		}
		adjust := func(in map[string]any) inventoryPayload {
			var out struct{ InventoryAdjustQuantities inventoryPayload }
			api.adminPost(t, key, inventoryAdjustMutation, map[string]any{"in": in}).decode(t, &out)
			return out.InventoryAdjustQuantities
		}
		stock := func(id string) int {
			n, _ := gid.ParseAs(id, gid.ProductVariant)
			return api.DB.ProductVariant.GetX(ctx, n).Available
		}

		// A stale compareQuantity changes nothing, not even the other quantities.
		p := set(map[string]any{"reason": "cycle_count_available", "quantities": []any{
			map[string]any{"variantId": l, "quantity": 4},
			map[string]any{"variantId": s, "quantity": 7, "compareQuantity": 9},
		}})
		if len(p.UserErrors) != 1 || p.UserErrors[0].Code != "COMPARE_QUANTITY_STALE" || strings.Join(p.UserErrors[0].Field, ".") != "input.quantities.1.compareQuantity" {
			t.Fatalf("stale compare: %+v", p)
		}
		if stock(s) != 10 || stock(l) != 0 {
			t.Fatalf("a refused change wrote: stock %d and %d", stock(s), stock(l))
		}
		p = set(map[string]any{"reason": "cycle_count_available", "quantities": []any{
			map[string]any{"variantId": l, "quantity": 4},
			map[string]any{"variantId": s, "quantity": 7, "compareQuantity": 10},
		}})
		if len(p.UserErrors) != 0 || len(p.InventoryAdjustments) != 2 || p.InventoryAdjustments[1].Delta != -3 || p.InventoryAdjustments[1].QuantityAfter != 7 || p.InventoryAdjustments[1].VariantID != s {
			t.Fatalf("set: %+v", p)
		}
		var sf struct {
			Node struct {
				QuantityAvailable int
				AvailableForSale  bool
			}
		}
		api.post(t, `query($id: ID!) { node(id: $id) { ... on ProductVariant { quantityAvailable availableForSale } } }`, map[string]any{"id": l}).decode(t, &sf)
		if sf.Node.QuantityAvailable != 4 || !sf.Node.AvailableForSale {
			t.Errorf("storefront after restocking L: %+v, want 4 available for sale", sf.Node)
		}

		a := adjust(map[string]any{"reason": "received", "changes": []any{map[string]any{"variantId": s, "delta": 5}}})
		if len(a.UserErrors) != 0 || stock(s) != 12 || a.InventoryAdjustments[0].Reason != "received" || a.InventoryAdjustments[0].Actor != mustKeyName(t, api.DB, key) {
			t.Fatalf("adjust: %+v, stock %d", a, stock(s))
		}
		for _, c := range []struct {
			name  string
			in    map[string]any
			code  string
			field string
		}{
			{"below zero", map[string]any{"reason": "damaged", "changes": []any{map[string]any{"variantId": s, "delta": -1}, map[string]any{"variantId": l, "delta": -5}}}, "NEGATIVE_QUANTITY", "input.changes.1.delta"},
			{"unknown variant", map[string]any{"reason": "damaged", "changes": []any{map[string]any{"variantId": "gid://storefront/ProductVariant/999999", "delta": 1}}}, "NOT_FOUND", "input.changes.0.variantId"},
			{"not a variant", map[string]any{"reason": "damaged", "changes": []any{map[string]any{"variantId": "gid://storefront/Product/1", "delta": 1}}}, "NOT_FOUND", "input.changes.0.variantId"},
			{"unknown reason", map[string]any{"reason": "theft!", "changes": []any{map[string]any{"variantId": s, "delta": 1}}}, "INVALID", "input.reason"},
		} {
			a := adjust(c.in)
			if len(a.UserErrors) == 0 || a.UserErrors[0].Code != c.code || strings.Join(a.UserErrors[0].Field, ".") != c.field {
				t.Errorf("%s: %+v, want %s at %s", c.name, a, c.code, c.field)
			}
		}
		if stock(s) != 12 || stock(l) != 4 {
			t.Errorf("refused adjustments wrote: stock %d and %d, want 12 and 4", stock(s), stock(l))
		}
		// The ledger, as a partner reads it.
		read := adminKey(t, api.DB, "inventory:read")
		var ledger struct {
			InventoryAdjustments struct {
				Edges []struct {
					Node struct{ Delta, QuantityAfter int }
				}
			}
		}
		if r := api.adminPost(t, read, `{ inventoryAdjustments(first: 1) { edges { node { delta } } } }`, nil); len(r.Errors) > 0 {
			t.Fatalf("%s\n%s", r.Raw, api.Log.String())
		}
		api.adminPost(t, read, `query($v: ID!) { inventoryAdjustments(first: 10, where: {variantID: $v}, orderBy: {field: CREATED_AT, direction: ASC}) {
			edges { node { delta quantityAfter } } } }`, map[string]any{"v": s}).decode(t, &ledger)
		if got := mustString(ledger.InventoryAdjustments.Edges); got != `[{"Node":{"Delta":-3,"QuantityAfter":7}},{"Node":{"Delta":5,"QuantityAfter":12}}]` {
			t.Errorf("ledger of S: %s", got)
		}
		audits := api.DB.AuditEvent.Query().CountX(ctx)
		if audits != 3 {
			t.Errorf("audit events: %d, want 3 (two set, one adjust)", audits)
		}
	})
}

// TestInventoryConcurrentCheckoutsAndAdjustments: 50 buyers check out one variant while a
// warehouse adjusts its stock; the stock ends at start + adjustments − sold, never below
// zero, and the ledger accounts for every unit.
func TestInventoryConcurrentCheckoutsAndAdjustments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		ctx := context.Background()
		const start = 30
		bulk := api.DB.ProductVariant.Query().Where(productvariant.HasProductWith(product.Handle("bulk"))).OnlyX(ctx)
		api.DB.ProductVariant.UpdateOne(bulk).SetAvailable(start).ExecX(ctx)
		id := variantID(t, api.DB, "bulk", "Default Title")
		key := adminKey(t, api.DB, "inventory:write")
		carts := make([]string, 50)
		for i := range carts {
			carts[i] = readyCart(t, api, "test_success", line(id, 1))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		adjusted := 0
		problems := map[string]int{}
		for i, c := range carts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := api.post(t, `mutation($id: ID!, $t: String!) { r: cartSubmitForCompletion(cartId: $id, attemptToken: $t) { result { __typename } } }`,
					map[string]any{"id": c, "t": fmt.Sprintf("inv-%d", i)})
				if r.Status != 200 || len(r.Errors) > 0 {
					mu.Lock()
					problems["checkout: "+r.Raw]++
					mu.Unlock()
				}
			}()
			// Every other buyer, the warehouse receives 2 units or writes 1 off as damaged.
			if i%2 == 0 {
				delta := 2
				if i%4 == 2 {
					delta = -1
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := api.adminPost(t, key, inventoryAdjustMutation, map[string]any{"in": map[string]any{
						"reason": "received", "changes": []any{map[string]any{"variantId": id, "delta": delta}}}})
					var out struct{ InventoryAdjustQuantities inventoryPayload }
					if r.Status != 200 || len(r.Errors) > 0 {
						mu.Lock()
						problems["adjust: "+r.Raw]++
						mu.Unlock()
						return
					}
					r.decode(t, &out)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case len(out.InventoryAdjustQuantities.UserErrors) == 0:
						adjusted += delta
					case out.InventoryAdjustQuantities.UserErrors[0].Code != "NEGATIVE_QUANTITY":
						problems[fmt.Sprint("adjust: ", out.InventoryAdjustQuantities.UserErrors)]++
					}
				}()
			}
		}
		wg.Wait()
		if len(problems) > 0 {
			t.Fatalf("problems: %v", problems)
		}
		sold := 0
		for _, o := range api.DB.Order.Query().WithLines().AllX(ctx) {
			for _, l := range o.Edges.Lines {
				sold += l.Quantity
			}
		}
		left := api.DB.ProductVariant.GetX(ctx, bulk.ID).Available
		if left != start+adjusted-sold || left < 0 {
			t.Fatalf("stock %d, want start %d + adjustments %d − sold %d = %d", left, start, adjusted, sold, start+adjusted-sold)
		}
		if sold == 0 {
			t.Fatal("nothing sold: the race did not happen")
		}
		entries := api.DB.InventoryAdjustment.Query().Where(inventoryadjustment.VariantID(bulk.ID)).AllX(ctx)
		sum, soldInLedger := 0, 0
		for _, e := range entries {
			sum += e.Delta
			if e.Reason == "sold" {
				soldInLedger -= e.Delta
			}
		}
		if sum != left-start || soldInLedger != sold {
			t.Errorf("ledger: deltas sum to %d (want %d), sold %d (want %d)", sum, left-start, soldInLedger, sold)
		}
		t.Logf("%s: start %d, adjusted %+d, sold %d, left %d", b.Name, start, adjusted, sold, left)
	})
}
