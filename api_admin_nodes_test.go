package main

import (
	"testing"

	"storefront/internal/storetest"
)

// TestAdminNodesBatched: nodes(ids:) loads each type's objects in one statement, so the
// statements of a request do not grow with the number of IDs; answers keep the order of
// the IDs, repeat repeated ones, and read unknown ones as null.
func TestAdminNodesBatched(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:read")
		var list struct {
			Products struct {
				Edges []struct {
					Node struct {
						ID, Handle string
						Variants   []struct{ ID, Sku string }
					}
				}
			}
		}
		api.adminPost(t, key, `{ products(first: 10) { edges { node { id handle variants { id sku } } } } }`, nil).decode(t, &list)
		var products, variants []string
		handles := map[string]string{}
		for _, e := range list.Products.Edges {
			products = append(products, e.Node.ID)
			handles[e.Node.ID] = e.Node.Handle
			for _, v := range e.Node.Variants {
				variants = append(variants, v.ID)
				handles[v.ID] = "variant:" + v.Sku
			}
		}
		if len(products) < 3 || len(variants) < 3 {
			t.Fatalf("fixture too small: %d products, %d variants", len(products), len(variants))
		}
		const q = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Product { handle variants { id } } ... on ProductVariant { sku product { id } } } }`
		type answer struct {
			Nodes []*struct {
				ID, Handle string
				Sku        string
			}
		}
		run := func(ids []string) (answer, int64) {
			t.Helper()
			r, n := api.adminCounted(t, key, q, map[string]any{"ids": ids})
			if len(r.Errors) > 0 {
				t.Fatalf("nodes: %s", r.Raw)
			}
			var a answer
			r.decode(t, &a)
			return a, n
		}
		run(products[:1]) // records the key's use
		_, small := run([]string{products[0], variants[0]})
		big := append(append([]string{}, products...), variants...)
		big = append(big, "gid://storefront/Product/999999", "nonsense", products[0], "gid://storefront/Nope/1")
		a, large := run(big)
		if large != small {
			t.Errorf("statements: %d for 2 IDs, %d for %d IDs: they must not grow with the number of IDs", small, large, len(big))
		}
		t.Logf("statements: %d for 2 IDs, %d for %d IDs", small, large, len(big))
		if len(a.Nodes) != len(big) {
			t.Fatalf("got %d answers for %d IDs", len(a.Nodes), len(big))
		}
		for i, id := range big {
			n := a.Nodes[i]
			want, known := handles[id]
			switch {
			case !known && n != nil:
				t.Errorf("nodes[%d] (%s): got %+v, want null", i, id, n)
			case known && n == nil:
				t.Errorf("nodes[%d] (%s): null, want %s", i, id, want)
			case known && n.ID != id:
				t.Errorf("nodes[%d]: got %s, want %s", i, n.ID, id)
			case known && n.Handle != "" && n.Handle != want:
				t.Errorf("nodes[%d] (%s): handle %s, want %s", i, id, n.Handle, want)
			}
		}
	})
}
