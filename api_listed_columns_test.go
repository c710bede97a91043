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

// listedCheck requires listing("", listedFields) to read typ's rows with the listed
// columns, then asks for every field of typ that takes no required argument, alone, in
// listing(context, fields), and again with force (a field of typ that is not listed,
// aliased "whole") added, and requires the same answer once every "whole" key is dropped.
// isWhole tells from the select list of the last statement containing marker whether
// typ's rows were read whole, which the second answer must be.
type listedCheck struct {
	typ          string
	listing      func(context, fields string) string
	marker       string
	listedFields string
	force        string
	isWhole      func(cols string) bool
	contexts     []string
	// depth is how far object fields are selected: small objects (a price range's
	// amounts) this many levels, the catalog's own objects one and connections
	// connectionDepth (or the cost limit is exceeded). 0 means 1.
	depth, connectionDepth int
	// min is the fewest fields that must have been checked.
	min int
}

func (c listedCheck) check(t *testing.T, api *testAPI, types schemaTypes) {
	t.Helper()
	run := func(query string) (gqlResponse, string) { return tracedPost(t, api, query, c.marker) }
	if r, cols := run(c.listing("", c.listedFields)); len(r.Errors) > 0 || cols == "" || c.isWhole(cols) {
		t.Fatalf("a listing of %s read its rows with %q, want the listed columns only (%s)", c.typ, cols, r.Raw)
	}
	checked := 0
	for _, f := range types[c.typ] {
		depth := max(c.depth, 1)
		switch n := f.Type.named().Name; {
		case strings.HasSuffix(n, "Connection"):
			depth = max(c.connectionDepth, 1)
		case n == "ProductVariant" || n == "ProductOption" || n == "Product" || n == "Collection":
			depth = 1
		}
		sel, ok := types.selection(f, depth)
		if !ok {
			continue
		}
		for _, context := range c.contexts {
			listed, _ := run(c.listing(context, sel))
			whole, cols := run(c.listing(context, sel+" whole: "+c.force))
			if len(listed.Errors) > 0 || len(whole.Errors) > 0 {
				t.Fatalf("%s %s: %v / %v", f.Name, context, listed.Errors, whole.Errors)
			}
			if !c.isWhole(cols) {
				t.Fatalf("a listing with %s.%s read its rows with %q, want every column", c.typ, c.force, cols)
			}
			if a, b := dropKey(t, listed.Data, "whole"), dropKey(t, whole.Data, "whole"); !reflect.DeepEqual(a, b) {
				t.Errorf("%s.%s %s answers differently when read with the listed columns:\n%s\nwhole:\n%s", c.typ, f.Name, context, listed.Data, whole.Data)
			}
		}
		checked++
	}
	if checked < c.min {
		t.Fatalf("only %d %s fields checked", checked, c.typ)
	}
}

// dropKey decodes raw with every object's key dropped.
func dropKey(t *testing.T, raw json.RawMessage, key string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var drop func(any)
	drop = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			delete(v, key)
			for _, e := range v {
				drop(e)
			}
		case []any:
			for _, e := range v {
				drop(e)
			}
		}
	}
	drop(v)
	return v
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
		listedCheck{typ: "ProductVariant", listing: listing, marker: "FROM product_variants v WHERE v.product_id IN", force: "barcode",
			listedFields: "title sku price { amount } quantityAvailable", // the floor's listing
			isWhole:      func(cols string) bool { return strings.Contains(cols, "selected_options") },
			contexts:     []string{"", "@inContext(country: CA)"}, min: 10}.check(t, api, types)
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
		listedCheck{typ: "Collection", listing: listing, marker: "FROM collection_products cp", force: "description", listedFields: "title",
			isWhole:  func(cols string) bool { return !strings.Contains(cols, "c.title") },
			contexts: []string{"", "@inContext(country: CA, language: FR)"}, depth: 2, connectionDepth: 2, min: 8}.check(t, api, types)
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
		listedCheck{typ: "Product", listing: listing, marker: "r0", force: "description", listedFields: "title handle",
			isWhole:  func(cols string) bool { return strings.Contains(cols, "description_html") },
			contexts: []string{"", "@inContext(country: CA)"}, depth: 2, min: 20}.check(t, api, types)
	})
}
