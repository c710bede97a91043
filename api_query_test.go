package main

import (
	"testing"

	"storefront/internal/storetest"
)

func TestProductsQuery(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		for _, tt := range []struct {
			query, want string
		}{
			{``, "tee,mug,lamp"},
			{`tee`, "tee"},
			{`TEE`, "tee"},
			{`description`, "tee,mug,lamp"},
			{`globex`, "mug,lamp"},
			{`cotton`, "tee"},
			{`tee-s`, "tee"}, // SKU
			{`draft`, ""},    // unpublished stays invisible
			{`tag:sale`, "tee"},
			{`tag:SALE`, "tee"},
			{`-tag:sale`, "mug,lamp"},
			{`tag_not:sale`, "mug,lamp"},
			{`vendor:acme OR vendor:globex`, "tee,mug,lamp"},
			{`vendor:Globex -tag:gift`, "lamp"},
			{`(tag:gift OR tag:cotton) AND vendor:globex`, "mug"},
			{`product_type:"Home"`, "mug,lamp"},
			{`product_type:hom*`, "mug,lamp"},
			{`title:des*`, "lamp"},
			{`title:mug`, "mug"},
			{`lam*`, "lamp"},
			{`variants.price:>=15`, "tee,lamp"},
			{`variants.price:>17.50`, "lamp"},
			{`price:<10`, "mug"},
			{`price:9.99`, "mug"},
			{`available_for_sale:true`, "tee,mug"},
			{`available_for_sale:false`, "lamp"},
			{`sku:MUG-DEFAULT*`, "mug"},
			{`sku:tee-m / black`, ""},
			{`"enamel mug"`, "mug"},
			{`100%`, ""},
			{`_`, "tee,mug,lamp"}, // no words to match: no condition
			{`unknownfield:zzz`, ""},
			{`created_at:>2000-01-01`, "tee,mug,lamp"},
			{`handle:lamp`, "lamp"},
		} {
			var got struct {
				Products struct {
					Nodes []struct{ Handle string } `json:"nodes"`
				} `json:"products"`
			}
			api.post(t, `query($q: String) { products(first: 50, query: $q) { nodes { handle } } }`, map[string]any{"q": tt.query}).decode(t, &got)
			if h := handles(got.Products.Nodes); h != tt.want {
				t.Errorf("products(query: %q) = %q, want %q", tt.query, h, tt.want)
			}
		}
		// Relevance puts title matches first.
		var rel struct {
			Products struct {
				Nodes []struct{ Handle string } `json:"nodes"`
			} `json:"products"`
		}
		api.post(t, `{ products(first: 10, query: "mug OR globex", sortKey: RELEVANCE) { nodes { handle } } }`, nil).decode(t, &rel)
		if h := handles(rel.Products.Nodes); h != "mug,lamp" {
			t.Errorf("relevance order = %s, want mug,lamp", h)
		}
		// Bad values are clear input errors.
		r := api.post(t, `{ products(first: 10, query: "variants.price:>=abc") { nodes { handle } } }`, nil)
		if r.errorCode() != "BAD_USER_INPUT" {
			t.Errorf("bad price: got %s, want BAD_USER_INPUT", r.Raw)
		}
		var cols struct {
			Collections struct {
				Nodes []struct{ Handle string } `json:"nodes"`
			} `json:"collections"`
		}
		api.post(t, `{ collections(first: 10, query: "title:hom*") { nodes { handle } } }`, nil).decode(t, &cols)
		if h := handles(cols.Collections.Nodes); h != "home" {
			t.Errorf("collections(query: title:hom*) = %s, want home", h)
		}
	})
}
