package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/demo"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// schemaTypes is the schema's object types and their fields, read by introspection.
type schemaTypes map[string][]schemaField

type schemaField struct {
	Name string
	Args []struct {
		Name string
		Type struct{ Kind string }
	}
	Type typeRef
}

type typeRef struct {
	Kind, Name string
	OfType     *typeRef
}

// named is the type inside NON_NULL and LIST wrappers.
func (r typeRef) named() typeRef {
	for r.OfType != nil {
		r = *r.OfType
	}
	return r
}

func introspect(t testing.TB, api *testAPI) schemaTypes {
	t.Helper()
	var out struct {
		Schema struct {
			Types []struct {
				Name, Kind string
				Fields     []schemaField
			}
		} `json:"__schema"`
	}
	api.post(t, `{ __schema { types { name kind fields { name args { name type { kind } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`, nil).decode(t, &out)
	types := schemaTypes{}
	for _, ty := range out.Schema.Types {
		if ty.Kind == "OBJECT" {
			types[ty.Name] = ty.Fields
		}
	}
	return types
}

// selection selects field f of a type: leaves as they are, objects with their leaves (and
// their objects' leaves, depth levels down), interfaces and unions by __typename. ok is
// false for a field that needs arguments.
func (s schemaTypes) selection(f schemaField, depth int) (string, bool) {
	for _, a := range f.Args {
		if a.Type.Kind == "NON_NULL" {
			return "", false
		}
	}
	n := f.Type.named()
	switch n.Kind {
	case "SCALAR", "ENUM":
		return f.Name, true
	case "INTERFACE", "UNION":
		return f.Name + " { __typename }", true
	}
	args := ""
	for _, a := range f.Args {
		if a.Name == "first" {
			args = "(first: 5)"
		}
	}
	if depth == 0 {
		return f.Name + args + " { __typename }", true
	}
	parts := []string{"__typename"}
	for _, sub := range s[n.Name] {
		if sel, ok := s.selection(sub, depth-1); ok {
			parts = append(parts, sel)
		}
	}
	return f.Name + args + " { " + strings.Join(parts, " ") + " }", true
}

// tracedPost answers query through the handler and returns, of the statements it ran, the
// select list of the last one containing marker ("" if none did).
func tracedPost(t *testing.T, api *testAPI, query, marker string) (gqlResponse, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	var cols string
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req = req.WithContext(store.WithTrace(req.Context(), func(q string, _ []any) {
		if strings.Contains(q, marker) {
			cols = q[:strings.Index(q, " FROM ")]
		}
	}))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	api.Handler.ServeHTTP(rec, req)
	out := gqlResponse{Status: rec.Code, Raw: rec.Body.String()}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Status != http.StatusOK {
		t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
	}
	return out, cols
}

// TestListedVariantsAnswerAsWhole: a listing whose variant fields read only the listed
// columns (catalog.ListedVariantColumns) reads its variants with those columns alone,
// and every ProductVariant field, alone in a listing, answers exactly as when the
// variants are read whole (forced by also selecting a field that is not listed), in the
// shop currency and in a market with fixed prices, with the product fields that read the
// variants too (availableForSale, totalInventory, price ranges) and the variants page's end cursor.
// A field added to ProductVariant and to listedVariantFields without the columns it reads
// fails here.
func TestListedVariantsAnswerAsWhole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		markets := marketIDs(t, api)
		if p := addFixedPrices(t, api, adminKey(t, api.DB, "catalog:write"), markets["Canada"], []map[string]any{
			{"variantId": variantID(t, api.DB, "tee", "S / Black"), "price": "19.00", "compareAtPrice": "25"},
			{"variantId": variantID(t, api.DB, "tee", "L / Black"), "price": "30"},
		}).MarketFixedPricesAdd; len(p.UserErrors) > 0 {
			t.Fatalf("marketFixedPricesAdd: %+v", p.UserErrors)
		}
		// Every column the listed read leaves out holds something on one variant at least.
		ctx := context.Background()
		tee := api.DB.Product.Query().Where(product.Handle("tee")).OnlyX(ctx)
		img := api.DB.ProductImage.Create().SetProductID(tee.ID).SetURL("https://cdn.test/tee-s.jpg").SetPosition(9).SaveX(ctx)
		api.DB.ProductVariant.Update().Where(productvariant.ProductID(tee.ID), productvariant.Title("S / Black")).
			SetBarcode("0012345678905").SetWeight(0.25).SetWeightUnit(productvariant.WeightUnitKILOGRAMS).SetRequiresShipping(false).SetImageID(img.ID).ExecX(ctx)
		types := introspect(t, api)
		if len(types["ProductVariant"]) < 10 {
			t.Fatalf("introspection found %d ProductVariant fields", len(types["ProductVariant"]))
		}
		listing := func(context, variantFields string) string {
			return `query ` + context + ` { products(first: 10) { nodes { id availableForSale totalInventory
				priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount } }
				compareAtPriceRange { minVariantPrice { amount } maxVariantPrice { amount } }
				variants(first: 20) { pageInfo { hasNextPage endCursor } edges { node { id ` + variantFields + ` } } } } } }`
		}
		run := func(query string) (gqlResponse, string) {
			return tracedPost(t, api, query, "FROM product_variants v WHERE v.product_id IN")
		}
		// The floor's listing reads the listed columns only.
		if r, cols := run(listing("", "title sku price { amount } quantityAvailable")); len(r.Errors) > 0 || cols == "" || strings.Contains(cols, "selected_options") {
			t.Fatalf("listing read its variants with %q, want the listed columns only (%s)", cols, r.Raw)
		}

		// The "whole" key (the barcode: a field not listed, so the variants are read with
		// every column, which is checked) is dropped from each variant before comparing.
		strip := func(raw json.RawMessage) any {
			var v struct {
				Products struct{ Nodes []map[string]any }
			}
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			for _, p := range v.Products.Nodes {
				for _, e := range p["variants"].(map[string]any)["edges"].([]any) {
					delete(e.(map[string]any)["node"].(map[string]any), "whole")
				}
			}
			return v
		}
		checked := 0
		for _, f := range types["ProductVariant"] {
			sel, ok := types.selection(f, 1)
			if !ok {
				continue
			}
			for _, context := range []string{"", "@inContext(country: CA)"} {
				listed, _ := run(listing(context, sel))
				whole, cols := run(listing(context, sel+" whole: barcode"))
				if len(listed.Errors) != len(whole.Errors) {
					t.Fatalf("%s %s: errors %v / %v", f.Name, context, listed.Errors, whole.Errors)
				}
				if len(listed.Errors) > 0 {
					t.Fatalf("%s %s: %v", f.Name, context, listed.Errors)
				}
				if !strings.Contains(cols, "selected_options") {
					t.Fatalf("a listing with the barcode read its variants with %q, want every column", cols)
				}
				if a, b := strip(listed.Data), strip(whole.Data); !reflect.DeepEqual(a, b) {
					t.Errorf("ProductVariant.%s %s answers differently when variants are read with the listed columns:\n%s\nwhole:\n%s", f.Name, context, listed.Data, whole.Data)
				}
			}
			checked++
		}
		if checked < 10 {
			t.Fatalf("only %d ProductVariant fields checked", checked)
		}
	})
}

// TestListedCollectionsAnswerAsWhole: a listing whose products' collections are shown by
// listed fields only (ID, handle, title) reads them with the memberships in one statement,
// and every Collection field, alone under a product's collections, answers exactly as
// when the collections are read whole (forced by also selecting the description), with
// unpublished and scheduled collections among the products' and a translated title.
func TestListedCollectionsAnswerAsWhole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			if err := demo.Load(ctx, db, "http://shop.test"); err != nil {
				t.Fatal(err)
			}
			cs := db.Collection.Query().Order(ent.Asc(collection.FieldID)).AllX(ctx)
			db.Collection.UpdateOne(cs[0]).SetPublished(false).ExecX(ctx)
			db.Collection.UpdateOne(cs[1]).SetPublishedAt(time.Now().Add(time.Hour)).ExecX(ctx)
			db.Collection.UpdateOne(cs[2]).SetDescription("").ClearSeoTitle().ClearImageURL().ExecX(ctx)
			for _, c := range cs[3:] {
				db.Collection.UpdateOne(c).SetSortOrder(collection.SortOrderPRICE).ExecX(ctx)
			}
		})
		types := introspect(t, api)
		listing := func(context, fields string) string {
			return `query ` + context + ` { products(first: 20) { nodes { id collections(first: 5) { pageInfo { hasNextPage endCursor } edges { cursor node { ` + fields + ` } } } } } }`
		}
		run := func(query string) (gqlResponse, string) {
			return tracedPost(t, api, query, "FROM collection_products cp")
		}
		if r, cols := run(listing("", "title")); len(r.Errors) > 0 || !strings.Contains(cols, "c.title") {
			t.Fatalf("listing read its collections with %q, want the memberships with the listed columns (%s)", cols, r.Raw)
		}
		strip := func(raw json.RawMessage) any {
			var v struct {
				Products struct{ Nodes []map[string]any }
			}
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			shown := 0
			for _, p := range v.Products.Nodes {
				for _, e := range p["collections"].(map[string]any)["edges"].([]any) {
					delete(e.(map[string]any)["node"].(map[string]any), "whole")
					shown++
				}
			}
			if shown == 0 {
				t.Fatal("no product shows a collection")
			}
			return v
		}
		checked := 0
		for _, f := range types["Collection"] {
			sel, ok := types.selection(f, 2)
			if !ok {
				continue
			}
			for _, context := range []string{"", "@inContext(country: CA, language: FR)"} {
				listed, _ := run(listing(context, sel))
				whole, cols := run(listing(context, sel+" whole: description"))
				if len(listed.Errors) > 0 || len(whole.Errors) > 0 {
					t.Fatalf("%s %s: %v / %v", f.Name, context, listed.Errors, whole.Errors)
				}
				if strings.Contains(cols, "c.title") {
					t.Fatalf("a listing with the description read its collections with %q, want every column", cols)
				}
				if a, b := strip(listed.Data), strip(whole.Data); !reflect.DeepEqual(a, b) {
					t.Errorf("Collection.%s %s answers differently when collections are read with the listed columns:\n%s\nwhole:\n%s", f.Name, context, listed.Data, whole.Data)
				}
			}
			checked++
		}
		if checked < 8 {
			t.Fatalf("only %d Collection fields checked", checked)
		}
	})
}

// TestListedProductsAnswerAsWhole: a products listing whose product fields read only the
// listed columns (catalog.ListedProductColumns) reads the products with those alone, and
// every Product field, alone in the listing (and under a variant's product, which shares
// the request's product loader), answers exactly as when the products are read whole
// (forced by also selecting the description), in the shop currency and in a market with
// fixed prices.
func TestListedProductsAnswerAsWhole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		createMarkets(t, api, adminKey(t, api.DB, "settings:write"))
		if p := addFixedPrices(t, api, adminKey(t, api.DB, "catalog:write"), marketIDs(t, api)["Canada"], []map[string]any{
			{"variantId": variantID(t, api.DB, "tee", "S / Black"), "price": "19.00", "compareAtPrice": "25"},
		}).MarketFixedPricesAdd; len(p.UserErrors) > 0 {
			t.Fatalf("marketFixedPricesAdd: %+v", p.UserErrors)
		}
		types := introspect(t, api)
		listing := func(context, fields string) string {
			return `query ` + context + ` { products(first: 10) { pageInfo { endCursor } nodes { id ` + fields + `
				vs: variants(first: 3) { nodes { id product { id ` + fields + ` } } } } } }`
		}
		run := func(query string) (gqlResponse, string) {
			return tracedPost(t, api, query, "r0")
		}
		if r, cols := run(listing("", "title handle")); len(r.Errors) > 0 || cols == "" || strings.Contains(cols, "description_html") {
			t.Fatalf("listing read its products with %q, want the listed columns only (%s)", cols, r.Raw)
		}
		strip := func(raw json.RawMessage) any {
			var v struct {
				Products struct {
					PageInfo any
					Nodes    []map[string]any
				}
			}
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			for _, p := range v.Products.Nodes {
				delete(p, "whole")
				for _, n := range p["vs"].(map[string]any)["nodes"].([]any) {
					delete(n.(map[string]any)["product"].(map[string]any), "whole")
				}
			}
			return v
		}
		checked := 0
		for _, f := range types["Product"] {
			// Small objects two levels down (a price range's amounts), the catalog's own
			// objects and connections one (or the cost limit is exceeded).
			depth := 2
			if n := f.Type.named().Name; strings.HasSuffix(n, "Connection") || n == "ProductVariant" || n == "ProductOption" || n == "Product" || n == "Collection" {
				depth = 1
			}
			sel, ok := types.selection(f, depth)
			if !ok {
				continue
			}
			for _, context := range []string{"", "@inContext(country: CA)"} {
				listed, _ := run(listing(context, sel))
				whole, cols := run(listing(context, sel+" whole: description"))
				if len(listed.Errors) > 0 || len(whole.Errors) > 0 {
					t.Fatalf("%s %s: %v / %v", f.Name, context, listed.Errors, whole.Errors)
				}
				if !strings.Contains(cols, "description_html") {
					t.Fatalf("a listing with the description read its products with %q, want every column", cols)
				}
				if a, b := strip(listed.Data), strip(whole.Data); !reflect.DeepEqual(a, b) {
					t.Errorf("Product.%s %s answers differently when products are read with the listed columns:\n%s\nwhole:\n%s", f.Name, context, listed.Data, whole.Data)
				}
			}
			checked++
		}
		if checked < 20 {
			t.Fatalf("only %d Product fields checked", checked)
		}
	})
}
