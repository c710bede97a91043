package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"storefront/bench/workload"
	"storefront/ent"
	"storefront/ent/market"
	"storefront/ent/productvariant"
	"storefront/graph"
	"storefront/internal/demo"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// fastReadCase is an operation and whether the serial catalog executor must answer it.
type fastReadCase struct {
	name  string
	query string
	vars  map[string]any
	fast  bool
}

const fastReadProductFields = `
  __typename id handle title description descriptionHtml vendor productType tags createdAt updatedAt publishedAt
  isGiftCard availableForSale totalInventory onlineStoreUrl encodedVariantAvailability encodedVariantExistence
  priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
  compareAtPriceRange { maxVariantPrice { amount currencyCode __typename } }
  seo { title description }
  featuredImage { id url originalSrc altText width height }
  images(first: 2) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { url } } nodes { id } }
  options { id name values optionValues { id name firstSelectableVariant { id title } } }
  variants(first: 3) {
    pageInfo { hasNextPage endCursor }
    nodes { id }
    edges { __typename node {
      id title sku barcode availableForSale quantityAvailable currentlyNotInStock requiresShipping weight weightUnit
      selectedOptions { name value } price { amount currencyCode } priceV2 { amount }
      compareAtPrice { amount currencyCode } compareAtPriceV2 { amount } unitPrice { amount }
      image { url altText } product { handle title }
    } }
  }
  collections(first: 5) { edges { cursor node { id handle title description descriptionHtml updatedAt onlineStoreUrl seo { title } image { url } } } pageInfo { hasNextPage } }
`

func fastReadCases() []fastReadCase {
	nextjs := map[string]workload.Workload{}
	for _, w := range workload.All() {
		nextjs[w.Name] = w
	}
	return []fastReadCase{
		{name: "listing", query: benchListing, fast: true},
		{name: "nextjs product", query: nextjs["getProduct"].Query, vars: map[string]any{"handle": "weekender-bag"}, fast: true},
		{name: "nextjs product (bench)", query: nextjs["getProduct"].Query, vars: nextjs["getProduct"].Variables, fast: true},
		{name: "nextjs collection", query: nextjs["getCollectionProducts"].Query, vars: nextjs["getCollectionProducts"].Variables, fast: true},
		{name: "nextjs collection by price", query: nextjs["getCollectionProducts"].Query,
			vars: map[string]any{"handle": "apparel", "sortKey": "PRICE", "reverse": true}, fast: true},
		{name: "nextjs search", query: nextjs["getProducts"].Query, vars: nextjs["getProducts"].Variables, fast: true},
		{name: "nextjs catalog", query: nextjs["getProducts"].Query, vars: map[string]any{"sortKey": "CREATED_AT", "reverse": true}, fast: true},
		{name: "every served field", query: `{ products(first: 4, sortKey: TITLE) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node {` + fastReadProductFields + `} } } }`, fast: true},
		{name: "fragments, aliases and merging", query: `query Q($skip: Boolean!, $inc: Boolean!) {
  first: products(first: 2) { nodes { ...N ... on Product { t: title handle } title @skip(if: $skip) vendor @include(if: $inc) } }
  second: products(first: 2, reverse: true) { nodes { id ...on Product { variants(first: 1) { nodes { id } } } variants(first: 1) { nodes { title } } } }
  __typename
}
fragment N on Node { id ... on Product { handle } }`, vars: map[string]any{"skip": true, "inc": false}, fast: true},
		{name: "pages", query: `query P($after: String) { products(first: 3, after: $after, sortKey: CREATED_AT) { pageInfo { endCursor hasNextPage hasPreviousPage } nodes { handle } } }`,
			vars: map[string]any{"after": nil}, fast: true},
		{name: "empty objects", query: `query Q($no: Boolean!) { products(first: 2) { nodes { id @include(if: $no) featuredImage { url @include(if: $no) } } } }`,
			vars: map[string]any{"no": false}, fast: true},
		{name: "last before", query: `{ products(last: 2, reverse: true) { pageInfo { startCursor } nodes { handle } } }`, fast: true},
		{name: "by id and missing", query: `{ a: product(id: "gid://storefront/Product/1") { handle } b: product(handle: "no-such-thing") { handle } c: productByHandle(handle: "weekender-bag") { title } d: collectionByHandle(handle: "none") { title } }`, fast: true},
		{name: "collections with products", query: `{ collections(first: 5) { edges { cursor node { handle title products(first: 2) { nodes { handle } pageInfo { hasNextPage } } } } nodes { id image { url } } } }`, fast: true},
		{name: "canada", query: `query Q @inContext(country: CA) { products(first: 5) { nodes { handle priceRange { minVariantPrice { amount currencyCode } } variants(first: 2) { nodes { price { amount currencyCode } compareAtPrice { amount currencyCode } } } } } }`, fast: true},
		{name: "britain in english", query: `query Q($c: CountryCode, $l: LanguageCode) @inContext(country: $c, language: $l) { collection(handle: "apparel") { title products(first: 3) { nodes { title variants(first: 1) { nodes { price { amount currencyCode } } } } } } }`,
			vars: map[string]any{"c": "GB", "l": "EN"}, fast: true},
		{name: "fragment on a product's collections", query: `{ products(first: 3) { nodes { collections(first: 3) { nodes { ...C } } } } }
fragment C on Collection { handle title }`, fast: true},
		// Not served: answered by gqlgen as before, compared all the same.
		{name: "products of a product's collections", query: `{ products(first: 3) { nodes { collections(first: 3) { nodes { ...C } } } } }
fragment C on Collection { products(first: 2) { nodes { handle } } }`},
		{name: "another language", query: `query @inContext(language: FR) { products(first: 3) { nodes { title } } }`},
		{name: "filters", query: `{ collection(handle: "apparel") { products(first: 3, filters: [{available: true}]) { nodes { handle } filters { id } } } }`},
		{name: "unserved field", query: `{ products(first: 2) { nodes { handle trackingParameters } } }`},
		{name: "bad page size", query: `{ products(first: -1) { nodes { handle } } }`},
		{name: "refused before execution", query: `{ product(handle: "a\u0000b") { handle } }`},
		{name: "too costly", query: `{ products(first: 250) { nodes { variants(first: 250) { nodes { product { variants(first: 250) { nodes { id } } } } } } } }`},
		{name: "bad cursor", query: `{ products(first: 2, after: "nonsense") { nodes { handle } } }`},
	}
}

// TestFastReadMatchesGqlgen sends every case to the API twice, once as it is served and
// once with the serial catalog executor turned off, and requires the same bytes; the
// cases marked fast must be answered by it (counted in /metrics).
func TestFastReadMatchesGqlgen(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, func(t testing.TB, db *store.DB) {
			ctx := context.Background()
			if err := demo.Load(ctx, db, "http://shop.test"); err != nil {
				t.Fatal(err)
			}
			// Fixed prices in Canada for the first two variants, one with a compare-at price,
			// one without.
			ca := db.Market.Query().Where(market.Name("Canada")).OnlyX(ctx)
			for i, v := range db.ProductVariant.Query().Order(ent.Asc(productvariant.FieldID)).Limit(2).AllX(ctx) {
				mp := db.MarketPrice.Create().SetMarketID(ca.ID).SetVariantID(v.ID).SetProductID(v.ProductID).SetPrice(int64(1234 + i))
				if i == 0 {
					mp.SetCompareAtPrice(99999)
				}
				mp.ExecX(ctx)
			}
		})
		serve := func(c fastReadCase, fast bool) []byte {
			body, _ := json.Marshal(map[string]any{"query": c.query, "variables": c.vars})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if !fast {
				req = req.WithContext(graph.WithoutFastRead(req.Context()))
			}
			w := httptest.NewRecorder()
			api.Handler.ServeHTTP(w, req)
			return append([]byte(strconv.Itoa(w.Code)+" "), w.Body.Bytes()...)
		}
		served := 0
		for _, c := range fastReadCases() {
			before := fastReads(t, api)
			got := serve(c, true)
			after := fastReads(t, api)
			want := serve(c, false)
			if !bytes.Equal(got, want) {
				t.Errorf("%s: fast executor answered\n%s\ngqlgen answered\n%s", c.name, got, want)
			}
			if c.fast != (after == before+1) {
				t.Errorf("%s: answered by the fast executor: %v, want %v (%s)", c.name, after == before+1, c.fast, got)
			}
			if c.fast && bytes.Contains(got, []byte(`"errors"`)) {
				t.Errorf("%s: errors in %s", c.name, got)
			}
			if c.fast {
				served++
			}
		}
		if served == 0 {
			t.Fatal("no case was served by the fast executor")
		}
	})
}

// fastReads is the count of queries the serial catalog executor answered, from /metrics.
func fastReads(t *testing.T, api *testAPI) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	w := httptest.NewRecorder()
	api.Handler.ServeHTTP(w, req)
	sc := bufio.NewScanner(w.Body)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, `storefront_graphql_queries_executed_total{executor="fast"} `); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("metrics line %q", line)
			}
			return n
		}
	}
	return 0
}
