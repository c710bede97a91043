package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"storefront/ent/auditevent"
	"storefront/ent/inventoryadjustment"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/storetest"
)

const productSetMutation = `mutation($in: ProductSetInput!) { productSet(input: $in) {
	product { id handle title status vendor tags descriptionHTML
		options { name values { name } }
		variants { id sku title price compareAtPrice available selectedOptions { name value } }
		images { url altText } }
	userErrors { field code message } } }`

type adminUserError struct {
	Field   []string
	Code    string
	Message string
}

type adminProduct struct {
	ID, Handle, Title, Status, Vendor, DescriptionHTML string
	Tags                                               []string
	Options                                            []struct {
		Name   string
		Values []struct{ Name string }
	}
	Variants []struct {
		ID, SKU, Title  string
		Price           int64
		CompareAtPrice  *int64
		Available       int
		SelectedOptions []struct{ Name, Value string }
	}
	Images []struct {
		URL     string
		AltText *string
	}
}

func (p adminProduct) variant(sku string) (id string, price int64, available int, ok bool) {
	for _, v := range p.Variants {
		if v.SKU == sku {
			return v.ID, v.Price, v.Available, true
		}
	}
	return "", 0, 0, false
}

func productSet(t *testing.T, api *testAPI, key string, in map[string]any) (*adminProduct, []adminUserError) {
	t.Helper()
	var out struct {
		ProductSet struct {
			Product    *adminProduct
			UserErrors []adminUserError
		}
	}
	api.adminPost(t, key, productSetMutation, map[string]any{"in": in}).decode(t, &out)
	return out.ProductSet.Product, out.ProductSet.UserErrors
}

func widgetInput(collectionID string) map[string]any {
	return map[string]any{
		"handle": "widget", "title": "Widget", "vendor": "Acme", "productType": "Tools",
		"descriptionHtml": "<p>A <b>fine</b> widget</p>", "tags": []string{"new", "tools"}, "status": "ACTIVE",
		"options": []any{map[string]any{"name": "Size", "values": []string{"S", "M"}}},
		"variants": []any{
			map[string]any{"sku": "W-S", "optionValues": []any{map[string]any{"optionName": "Size", "name": "S"}}, "price": "10.00", "inventoryQuantity": 5},
			map[string]any{"sku": "W-M", "optionValues": []any{map[string]any{"optionName": "Size", "name": "M"}}, "price": "12.50", "compareAtPrice": "15.00", "inventoryQuantity": 3},
		},
		"images":      []any{map[string]any{"url": "https://img.test/w1.png", "altText": "Widget"}, map[string]any{"url": "https://img.test/w2.png"}},
		"collections": []string{collectionID},
	}
}

// TestAdminProductSet: productSet creates a whole product, changes nothing when sent again,
// matches variants by SKU (removing those not listed) and the Storefront API sees each
// change at once: the product, its collection, a price change in cart costs, unpublishing.
func TestAdminProductSet(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		key := adminKey(t, api.DB, "catalog:write")
		var cols struct {
			Collection struct{ ID string }
		}
		api.post(t, `{ collection(handle: "apparel") { id } }`, nil).decode(t, &cols)

		p, uerrs := productSet(t, api, key, widgetInput(cols.Collection.ID))
		if len(uerrs) > 0 || p == nil {
			t.Fatalf("create: %+v", uerrs)
		}
		if p.Status != "ACTIVE" || p.Vendor != "Acme" || len(p.Variants) != 2 || len(p.Images) != 2 || len(p.Options) != 1 || len(p.Options[0].Values) != 2 {
			t.Fatalf("created: %+v", p)
		}
		wsID, price, avail, _ := p.variant("W-S")
		if price != 1000 || avail != 5 {
			t.Errorf("W-S: price %d stock %d, want 1000 and 5", price, avail)
		}

		// The Storefront API sees it, in its collection, with the same IDs.
		var sf struct {
			Product *struct {
				ID         string
				PriceRange struct{ MinVariantPrice struct{ Amount string } }
				Variants   struct {
					Nodes []struct {
						ID                string
						QuantityAvailable int
					}
				}
			}
			Collection struct {
				Products struct{ Nodes []struct{ Handle string } }
			}
		}
		api.post(t, `{ product(handle: "widget") { id priceRange { minVariantPrice { amount } } variants(first: 5) { nodes { id quantityAvailable } } }
			collection(handle: "apparel") { products(first: 10) { nodes { handle } } } }`, nil).decode(t, &sf)
		if sf.Product == nil || sf.Product.ID != p.ID || sf.Product.PriceRange.MinVariantPrice.Amount != "10.0" && sf.Product.PriceRange.MinVariantPrice.Amount != "10.00" {
			t.Fatalf("storefront product: %+v", sf.Product)
		}
		if !strings.Contains(mustString(sf.Collection.Products.Nodes), "widget") {
			t.Errorf("storefront collection apparel: %+v, want widget in it", sf.Collection.Products.Nodes)
		}

		var found struct {
			Search struct {
				Edges []struct{ Node struct{ Handle string } }
			}
		}
		api.post(t, `{ search(query: "widget", first: 10) { edges { node { ... on Product { handle } } } } }`, nil).decode(t, &found)
		if !strings.Contains(mustString(found.Search.Edges), "widget") {
			t.Errorf("search does not find the new product: %+v", found.Search.Edges)
		}

		// The same input again changes nothing: no write, no audit entry, same variants.
		events := func() int {
			n, err := api.DB.AuditEvent.Query().Where(auditevent.Operation("productSet")).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := events()
		again, uerrs := productSet(t, api, key, widgetInput(cols.Collection.ID))
		if len(uerrs) > 0 {
			t.Fatalf("again: %+v", uerrs)
		}
		if id, _, _, _ := again.variant("W-S"); id != wsID || events() != before {
			t.Errorf("idempotence: variant %s → %s, audit events %d → %d", wsID, id, before, events())
		}

		// A buyer's cart holds W-S; the price changes and the cart's cost follows.
		var cart struct {
			CartCreate struct {
				Cart struct {
					ID   string
					Cost struct{ SubtotalAmount struct{ Amount string } }
				}
			}
		}
		api.post(t, `mutation($v: ID!) { cartCreate(input: {lines: [{merchandiseId: $v, quantity: 2}]}) { cart { id cost { subtotalAmount { amount } } } } }`,
			map[string]any{"v": wsID}).decode(t, &cart)
		in := widgetInput(cols.Collection.ID)
		in["options"] = []any{map[string]any{"name": "Size", "values": []string{"S", "L"}}}
		in["variants"] = []any{
			map[string]any{"sku": "W-S", "optionValues": []any{map[string]any{"optionName": "Size", "name": "S"}}, "price": "11.00"},
			map[string]any{"sku": "W-L", "optionValues": []any{map[string]any{"optionName": "Size", "name": "L"}}, "price": "14.00", "inventoryQuantity": 2},
		}
		p2, uerrs := productSet(t, api, key, in)
		if len(uerrs) > 0 {
			t.Fatalf("update: %+v", uerrs)
		}
		if _, _, _, ok := p2.variant("W-M"); ok {
			t.Errorf("W-M was not listed but is still there: %+v", p2.Variants)
		}
		if id, price, avail, _ := p2.variant("W-S"); id != wsID || price != 1100 || avail != 5 {
			t.Errorf("W-S after update: id %s price %d stock %d, want %s 1100 5 (stock untouched)", id, price, avail, wsID)
		}
		var c2 struct {
			Cart struct {
				Cost struct{ SubtotalAmount struct{ Amount string } }
			}
		}
		api.post(t, `query($id: ID!) { cart(id: $id) { cost { subtotalAmount { amount } } } }`, map[string]any{"id": cart.CartCreate.Cart.ID}).decode(t, &c2)
		if got := c2.Cart.Cost.SubtotalAmount.Amount; got != "22.0" && got != "22.00" {
			t.Errorf("cart subtotal after the price change: %s, want 22.00 (was %s)", got, cart.CartCreate.Cart.Cost.SubtotalAmount.Amount)
		}

		// Every stock change is in the ledger: the initial 5, 3 and 2.
		n, err := api.DB.InventoryAdjustment.Query().Where(inventoryadjustment.Reason("correction")).Count(ctx)
		if err != nil || n != 3 {
			t.Errorf("ledger entries: %d (%v), want 3", n, err)
		}

		// Unpublished: gone from product, products, search and node on the Storefront API.
		in["status"] = "DRAFT"
		if _, uerrs := productSet(t, api, key, in); len(uerrs) > 0 {
			t.Fatalf("draft: %+v", uerrs)
		}
		var gone struct {
			Product  *struct{ ID string }
			Node     *struct{ ID string }
			Products struct{ Nodes []struct{ Handle string } }
			Search   struct {
				Edges []struct{ Node struct{ Handle string } }
			}
		}
		api.post(t, `query($id: ID!) { product(handle: "widget") { id } node(id: $id) { id }
			products(first: 50) { nodes { handle } }
			search(query: "widget", first: 10) { edges { node { ... on Product { handle } } } } }`, map[string]any{"id": p.ID}).decode(t, &gone)
		if gone.Product != nil || gone.Node != nil || strings.Contains(mustString(gone.Products.Nodes), "widget") || strings.Contains(mustString(gone.Search.Edges), "widget") {
			t.Errorf("a draft product is visible on the Storefront API: %+v", gone)
		}
		var st struct {
			Node *struct{ Status string }
		}
		api.adminPost(t, key, `query($id: ID!) { node(id: $id) { ... on Product { status } } }`, map[string]any{"id": p.ID}).decode(t, &st)
		if st.Node == nil || st.Node.Status != "DRAFT" {
			t.Errorf("admin status: %+v, want DRAFT", st.Node)
		}
	})
}

func mustString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestAdminProductSetUserErrors: input the caller can fix comes back as userErrors with a
// code and field path, and nothing is written.
func TestAdminProductSetUserErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		key := adminKey(t, api.DB, "catalog:write")
		variant := func(sku string, extra map[string]any) map[string]any {
			v := map[string]any{"sku": sku, "optionValues": []any{map[string]any{"optionName": "Size", "name": "S"}}, "price": "1.00"}
			for k, x := range extra {
				v[k] = x
			}
			return v
		}
		base := func(change func(map[string]any)) map[string]any {
			in := map[string]any{"handle": "gadget", "title": "Gadget",
				"options":  []any{map[string]any{"name": "Size", "values": []string{"S", "M"}}},
				"variants": []any{variant("G-S", nil)}}
			change(in)
			return in
		}
		for _, c := range []struct {
			name  string
			in    map[string]any
			code  string
			field string
		}{
			{"sku of another product", base(func(in map[string]any) { in["variants"] = []any{variant("TEE-S / BLACK", nil)} }), "TAKEN", "input.variants.0.sku"},
			{"sku twice", base(func(in map[string]any) {
				in["variants"] = []any{variant("G-S", nil), variant("G-S", map[string]any{"optionValues": []any{map[string]any{"optionName": "Size", "name": "M"}}})}
			}), "TAKEN", "input.variants.1.sku"},
			{"negative price", base(func(in map[string]any) { in["variants"] = []any{variant("G-S", map[string]any{"price": "-1.00"})} }), "GREATER_THAN_OR_EQUAL_TO", "input.variants.0.price"},
			{"malformed price", base(func(in map[string]any) { in["variants"] = []any{variant("G-S", map[string]any{"price": "1.999"})} }), "INVALID", "input.variants.0.price"},
			{"negative quantity", base(func(in map[string]any) {
				in["variants"] = []any{variant("G-S", map[string]any{"inventoryQuantity": -1})}
			}), "GREATER_THAN_OR_EQUAL_TO", "input.variants.0.inventoryQuantity"},
			{"option value the product lacks", base(func(in map[string]any) {
				in["variants"] = []any{variant("G-S", map[string]any{"optionValues": []any{map[string]any{"optionName": "Size", "name": "XL"}}})}
			}), "INVALID", "input.variants.0.optionValues.0.name"},
			{"malformed image URL", base(func(in map[string]any) { in["images"] = []any{map[string]any{"url": "not a url"}} }), "INVALID", "input.images.0.url"},
			{"unknown collection", base(func(in map[string]any) { in["collections"] = []string{"gid://storefront/Collection/999999"} }), "NOT_FOUND", "input.collections.0"},
			{"bad handle", base(func(in map[string]any) { in["handle"] = "Not A Handle" }), "INVALID", "input.handle"},
			{"no title", base(func(in map[string]any) { delete(in, "title") }), "BLANK", "input.title"},
		} {
			products, _ := api.DB.Product.Query().Count(ctx)
			variants, _ := api.DB.ProductVariant.Query().Count(ctx)
			p, uerrs := productSet(t, api, key, c.in)
			if p != nil || len(uerrs) == 0 || uerrs[0].Code != c.code || strings.Join(uerrs[0].Field, ".") != c.field {
				t.Errorf("%s: got product %v, errors %+v; want %s at %s", c.name, p != nil, uerrs, c.code, c.field)
			}
			products2, _ := api.DB.Product.Query().Count(ctx)
			variants2, _ := api.DB.ProductVariant.Query().Count(ctx)
			if products2 != products || variants2 != variants {
				t.Errorf("%s: something was written: products %d→%d, variants %d→%d", c.name, products, products2, variants, variants2)
			}
		}
	})
}

// TestAdminProductCreateUpdateDelete: the single-purpose mutations, with TAKEN handles,
// unknown IDs, and a deleted product gone from the Storefront API.
func TestAdminProductCreateUpdateDelete(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:write")
		type payload struct {
			Product *struct {
				ID, Handle, Title, Status string
				Variants                  []struct{ Title string }
			}
			UserErrors []adminUserError
		}
		var created struct{ ProductCreate payload }
		api.adminPost(t, key, `mutation { productCreate(input: {title: "Fancy Lamp!", status: DRAFT}) { product { id handle title status variants { title } } userErrors { field code } } }`, nil).decode(t, &created)
		p := created.ProductCreate.Product
		if p == nil || p.Handle != "fancy-lamp" || p.Status != "DRAFT" || len(p.Variants) != 1 || p.Variants[0].Title != "Default Title" {
			t.Fatalf("productCreate: %+v", created.ProductCreate)
		}
		var dup struct{ ProductCreate payload }
		api.adminPost(t, key, `mutation { productCreate(input: {title: "Fancy lamp"}) { product { id } userErrors { field code } } }`, nil).decode(t, &dup)
		if u := dup.ProductCreate.UserErrors; len(u) != 1 || u[0].Code != "TAKEN" || strings.Join(u[0].Field, ".") != "input.handle" {
			t.Errorf("duplicate handle: %+v", dup.ProductCreate)
		}
		var upd struct{ ProductUpdate payload }
		api.adminPost(t, key, `mutation($id: ID!) { productUpdate(input: {id: $id, title: "Lamp", handle: "lamp-2", status: ACTIVE}) { product { id handle title status } userErrors { field code } } }`,
			map[string]any{"id": p.ID}).decode(t, &upd)
		if u := upd.ProductUpdate.Product; u == nil || u.Handle != "lamp-2" || u.Title != "Lamp" || u.Status != "ACTIVE" {
			t.Fatalf("productUpdate: %+v", upd.ProductUpdate)
		}
		var taken struct{ ProductUpdate payload }
		api.adminPost(t, key, `mutation($id: ID!) { productUpdate(input: {id: $id, handle: "tee"}) { product { id } userErrors { field code } } }`,
			map[string]any{"id": p.ID}).decode(t, &taken)
		if u := taken.ProductUpdate.UserErrors; len(u) != 1 || u[0].Code != "TAKEN" {
			t.Errorf("update to a taken handle: %+v", taken.ProductUpdate)
		}
		var unknown struct{ ProductUpdate payload }
		api.adminPost(t, key, `mutation { productUpdate(input: {id: "gid://storefront/Product/999999", title: "x"}) { product { id } userErrors { field code } } }`, nil).decode(t, &unknown)
		if u := unknown.ProductUpdate.UserErrors; len(u) != 1 || u[0].Code != "NOT_FOUND" || strings.Join(u[0].Field, ".") != "input.id" {
			t.Errorf("unknown product: %+v", unknown.ProductUpdate)
		}
		var sf struct{ Product *struct{ ID string } }
		api.post(t, `{ product(handle: "lamp-2") { id } }`, nil).decode(t, &sf)
		if sf.Product == nil {
			t.Fatal("the activated product is not on the Storefront API")
		}
		var del struct {
			ProductDelete struct {
				DeletedProductID *string
				UserErrors       []adminUserError
			}
		}
		api.adminPost(t, key, `mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId userErrors { field code } } }`,
			map[string]any{"id": p.ID}).decode(t, &del)
		if del.ProductDelete.DeletedProductID == nil || *del.ProductDelete.DeletedProductID != p.ID {
			t.Fatalf("productDelete: %+v", del.ProductDelete)
		}
		api.post(t, `{ product(handle: "lamp-2") { id } }`, nil).decode(t, &sf)
		if sf.Product != nil {
			t.Error("a deleted product is still on the Storefront API")
		}
		// Deleting the tee (in carts of the fixture? no; in collections, yes) works too.
		var tee struct{ Product struct{ ID string } }
		api.post(t, `{ product(handle: "tee") { id } }`, nil).decode(t, &tee)
		api.adminPost(t, key, `mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId userErrors { field code } } }`,
			map[string]any{"id": tee.Product.ID}).decode(t, &del)
		if del.ProductDelete.DeletedProductID == nil {
			t.Fatalf("delete tee: %+v", del.ProductDelete)
		}
	})
}

// TestAdminProductSetConcurrent: the same new product sent by several workers at once ends
// as one product, with every response a success.
func TestAdminProductSetConcurrent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:write")
		var cols struct {
			Collection struct{ ID string }
		}
		api.post(t, `{ collection(handle: "apparel") { id } }`, nil).decode(t, &cols)
		var wg sync.WaitGroup
		errs := make(chan string, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := api.adminPost(t, key, productSetMutation, map[string]any{"in": widgetInput(cols.Collection.ID)})
				if r.Status != 200 || len(r.Errors) > 0 || strings.Contains(r.Raw, `"code"`) {
					errs <- r.Raw
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("concurrent productSet: %s", e)
		}
		if n := api.DB.Product.Query().Where(product.Handle("widget")).CountX(context.Background()); n != 1 {
			t.Errorf("%d widgets, want 1", n)
		}
	})
}

// TestAdminSKUTakenUnderRace: products with different handles but the same SKU, sent at
// once, end with the SKU on one product; every other request gets TAKEN on that variant's
// sku, never an internal error (the database's unique index decides the race the service's
// check cannot see).
func TestAdminSKUTakenUnderRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:write")
		const workers = 8
		var wg sync.WaitGroup
		type outcome struct {
			ok    bool
			taken bool
			raw   string
		}
		out := make(chan outcome, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := map[string]any{"handle": fmt.Sprintf("racer-%d", i), "title": "Racer", "status": "ACTIVE",
					"variants": []any{map[string]any{"sku": "RACE-1", "price": "5.00"}}}
				var r struct {
					ProductSet struct {
						Product    *struct{ ID string }
						UserErrors []struct {
							Field []string
							Code  string
						}
					}
				}
				res := api.adminPost(t, key, productSetMutation, map[string]any{"in": in})
				if res.Status != 200 || len(res.Errors) > 0 {
					out <- outcome{raw: res.Raw}
					return
				}
				res.decode(t, &r)
				ue := r.ProductSet.UserErrors
				out <- outcome{
					ok:    r.ProductSet.Product != nil && len(ue) == 0,
					taken: len(ue) == 1 && ue[0].Code == "TAKEN" && strings.Join(ue[0].Field, ".") == "input.variants.0.sku",
					raw:   res.Raw,
				}
			}()
		}
		wg.Wait()
		close(out)
		oks := 0
		for o := range out {
			switch {
			case o.ok:
				oks++
			case !o.taken:
				t.Errorf("neither created nor TAKEN: %s", o.raw)
			}
		}
		if oks != 1 {
			t.Errorf("%d products got the SKU, want 1", oks)
		}
		if n := api.DB.ProductVariant.Query().Where(productvariant.Sku("RACE-1")).CountX(context.Background()); n != 1 {
			t.Errorf("%d variants with SKU RACE-1, want 1", n)
		}
	})
}

// TestAdminCollectionMembership: a collection's products and a product's collections are
// connections of the Admin API, in the same global IDs as the Storefront API.
func TestAdminCollectionMembership(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "catalog:read")
		var sf struct {
			Collection struct {
				ID       string
				Products struct{ Nodes []struct{ ID string } }
			}
		}
		api.post(t, `{ collection(handle: "apparel") { id products(first: 50) { nodes { id } } } }`, nil).decode(t, &sf)
		if len(sf.Collection.Products.Nodes) == 0 {
			t.Fatal("apparel has no products in the fixture")
		}
		var ad struct {
			Node struct {
				Products struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							ID          string
							Collections struct {
								Edges []struct{ Node struct{ ID string } }
							}
						}
					}
				}
			}
		}
		api.adminPost(t, key, `query($id: ID!) { node(id: $id) { ... on Collection { products(first: 50) { totalCount edges { node { id collections(first: 10) { edges { node { id } } } } } } } } }`,
			map[string]any{"id": sf.Collection.ID}).decode(t, &ad)
		want := map[string]bool{}
		for _, n := range sf.Collection.Products.Nodes {
			want[n.ID] = true
		}
		if ad.Node.Products.TotalCount < len(want) {
			t.Errorf("admin counts %d products in apparel, the storefront shows %d", ad.Node.Products.TotalCount, len(want))
		}
		seen := 0
		for _, e := range ad.Node.Products.Edges {
			if want[e.Node.ID] {
				seen++
			}
			in := false
			for _, c := range e.Node.Collections.Edges {
				in = in || c.Node.ID == sf.Collection.ID
			}
			if !in {
				t.Errorf("product %s does not list apparel among its collections", e.Node.ID)
			}
		}
		if seen != len(want) {
			t.Errorf("admin lists %d of the storefront's %d apparel products", seen, len(want))
		}
	})
}
