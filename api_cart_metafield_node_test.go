package main

import (
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// TestCartMetafieldNode: a cart metafield's ID carries a key derived from its cart's secret,
// so node(id:) and nodes(ids:) find it with the ID the cart shows, while the bare ID, another
// cart's key or a made-up one find nothing; cartMetafieldDelete answers the same ID.
func TestCartMetafieldNode(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, cartFixture)
		mug := variantID(t, api.DB, "mug", "Default Title")
		a, other := api.newCart(t, line(mug, 1)), api.newCart(t, line(mug, 1))
		set := func(cartID, value string) string {
			t.Helper()
			var out struct {
				CartMetafieldsSet struct {
					Metafields []struct{ ID string }
					UserErrors []struct{ Code string }
				}
			}
			api.post(t, `mutation($m: [CartMetafieldsSetInput!]!) { cartMetafieldsSet(metafields: $m) { metafields { id } userErrors { code } } }`,
				map[string]any{"m": []map[string]any{{"ownerId": cartID, "key": "gift_note", "type": "single_line_text_field", "value": value}}}).decode(t, &out)
			if len(out.CartMetafieldsSet.Metafields) != 1 {
				t.Fatalf("cartMetafieldsSet: %+v", out)
			}
			return out.CartMetafieldsSet.Metafields[0].ID
		}
		idA, idOther := set(a.ID, "for A"), set(other.ID, "for the other")
		var read struct {
			Cart struct{ Metafield struct{ ID string } }
		}
		api.post(t, `query($id: ID!) { cart(id: $id) { metafield(key: "gift_note") { id } } }`, map[string]any{"id": a.ID}).decode(t, &read)
		if read.Cart.Metafield.ID != idA || !strings.Contains(idA, "?key=") {
			t.Fatalf("cart shows metafield ID %q, cartMetafieldsSet %q; want the same, with a key", read.Cart.Metafield.ID, idA)
		}
		bare, _, _ := strings.Cut(idA, "?")
		_, tagOther, _ := strings.Cut(idOther, "?")
		bareOther, _, _ := strings.Cut(idOther, "?")
		type node struct {
			ID    string
			Value string
		}
		var got struct {
			Node  *node
			Nodes []*node
		}
		api.post(t, `query($id: ID!, $ids: [ID!]!) { node(id: $id) { ... on Metafield { id value } } nodes(ids: $ids) { ... on Metafield { id value } } }`,
			map[string]any{"id": idA, "ids": []string{idOther, bare, bare + "?" + tagOther, bareOther + "?key=AAAAAAAAAAAAAAAAAAAAAA", idA, strings.Replace(idA, "gid://storefront/", "gid://shopify/", 1)}}).decode(t, &got)
		if got.Node == nil || got.Node.Value != "for A" || got.Node.ID != idA {
			t.Errorf("node(A's metafield) = %+v", got.Node)
		}
		if n := got.Nodes; len(n) != 6 || n[0] == nil || n[0].Value != "for the other" || n[1] != nil || n[2] != nil || n[3] != nil ||
			n[4] == nil || n[4].Value != "for A" || n[5] == nil {
			t.Errorf("nodes: %+v; want the two real IDs (and the Shopify-prefixed one) found, the bare, borrowed-key and made-up ones null", n)
		}
		for _, guess := range []string{bare, bare + "?" + tagOther} {
			var g struct{ Node *node }
			api.post(t, `query($id: ID!) { node(id: $id) { ... on Metafield { id value } } }`, map[string]any{"id": guess}).decode(t, &g)
			if g.Node != nil {
				t.Errorf("node(%q) = %+v, want null", guess, g.Node)
			}
		}
		var del struct {
			CartMetafieldDelete struct{ DeletedID *string }
		}
		api.post(t, `mutation($in: CartMetafieldDeleteInput!) { cartMetafieldDelete(input: $in) { deletedId } }`, map[string]any{"in": map[string]any{"ownerId": a.ID, "key": "gift_note"}}).decode(t, &del)
		if del.CartMetafieldDelete.DeletedID == nil || *del.CartMetafieldDelete.DeletedID != idA {
			t.Errorf("deletedId %v, want %s", del.CartMetafieldDelete.DeletedID, idA)
		}
		var gone struct{ Node *node }
		api.post(t, `query($id: ID!) { node(id: $id) { ... on Metafield { id } } }`, map[string]any{"id": idA}).decode(t, &gone)
		if gone.Node != nil {
			t.Errorf("a deleted metafield still resolves: %+v", gone.Node)
		}
	})
}

// TestCartMetafieldNodeNotCached: node(id:) of a cart metafield is buyer data: answered
// private, so a changed value is never served from the response cache.
func TestCartMetafieldNodeNotCached(t *testing.T) {
	cfg := testConfig()
	cfg.Cache = true
	api := startAPIWith(t, storetest.SQLite(t), cfg, cartFixture)
	c := api.newCart(t, line(variantID(t, api.DB, "mug", "Default Title"), 1))
	set := func(value string) string {
		t.Helper()
		var out struct {
			CartMetafieldsSet struct{ Metafields []struct{ ID string } }
		}
		api.post(t, `mutation($m: [CartMetafieldsSetInput!]!) { cartMetafieldsSet(metafields: $m) { metafields { id } } }`,
			map[string]any{"m": []map[string]any{{"ownerId": c.ID, "key": "gift_note", "type": "single_line_text_field", "value": value}}}).decode(t, &out)
		return out.CartMetafieldsSet.Metafields[0].ID
	}
	id := set("first")
	q := `query($id: ID!) { node(id: $id) { ... on Metafield { value } } }`
	for _, want := range []string{"first", "second"} {
		if want == "second" {
			set(want)
		}
		var got struct{ Node struct{ Value string } }
		api.post(t, q, map[string]any{"id": id}).decode(t, &got)
		if got.Node.Value != want {
			t.Errorf("node value %q, want %q", got.Node.Value, want)
		}
	}
}
