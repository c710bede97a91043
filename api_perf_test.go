package main

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/internal/demo"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// manyProducts writes n published products, each with 3 variants, 2 images, 2 options and
// membership in 2 of 5 collections, plus the shop row.
func manyProducts(n int) func(t testing.TB, db *store.DB) {
	return func(t testing.TB, db *store.DB) {
		t.Helper()
		ctx := context.Background()
		if _, err := db.Shop.Create().SetName("Bench").Save(ctx); err != nil {
			t.Fatal(err)
		}
		var cols []*ent.Collection
		for i := 0; i < 5; i++ {
			cols = append(cols, db.Collection.Create().SetHandle(fmt.Sprintf("c%d", i)).SetTitle(fmt.Sprintf("C%d", i)).SetPublished(true).SaveX(ctx))
		}
		tx, err := db.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			p := tx.Product.Create().SetHandle(fmt.Sprintf("p%04d", i)).SetTitle(fmt.Sprintf("Product %04d", i)).
				SetPublished(true).SetTags([]string{"t"}).SetVendor("V").SaveX(ctx)
			size := tx.ProductOption.Create().SetProductID(p.ID).SetName("Size").SetPosition(0).SaveX(ctx)
			color := tx.ProductOption.Create().SetProductID(p.ID).SetName("Color").SetPosition(1).SaveX(ctx)
			var values []*ent.ProductOptionValueCreate
			for j, s := range []string{"S", "M", "L"} {
				values = append(values, tx.ProductOptionValue.Create().SetOptionID(size.ID).SetName(s).SetPosition(j))
			}
			values = append(values, tx.ProductOptionValue.Create().SetOptionID(color.ID).SetName("Red"))
			tx.ProductOptionValue.CreateBulk(values...).ExecX(ctx)
			img := tx.ProductImage.Create().SetProductID(p.ID).SetURL("http://img.test/a.png").SetPosition(0).SaveX(ctx)
			tx.ProductImage.Create().SetProductID(p.ID).SetURL("http://img.test/b.png").SetPosition(1).ExecX(ctx)
			for j, s := range []string{"S", "M", "L"} {
				tx.ProductVariant.Create().SetProductID(p.ID).SetTitle(s + " / Red").SetPrice(int64(1000 + i + j)).
					SetAvailable(j).SetPosition(j).SetImageID(img.ID).
					SetSelectedOptions([]schema.SelectedOption{{Name: "Size", Value: s}, {Name: "Color", Value: "Red"}}).ExecX(ctx)
			}
			for _, c := range []*ent.Collection{cols[i%5], cols[(i+1)%5]} {
				tx.CollectionProduct.Create().SetCollectionID(c.ID).SetProductID(p.ID).SetPosition(i).ExecX(ctx)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

// listingQuery is a full product listing as a storefront's collection page asks for it.
const listingQuery = `query($n: Int!) { products(first: $n, sortKey: PRICE) {
	edges { cursor node {
		id handle title availableForSale totalInventory tags
		priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
		compareAtPriceRange { maxVariantPrice { amount } }
		featuredImage { url altText }
		images(first: 10) { edges { node { url width height } } }
		options { id name values optionValues { id name } }
		variants(first: 250) { nodes { id title sku availableForSale quantityAvailable
			price { amount currencyCode } compareAtPrice { amount } selectedOptions { name value }
			image { url } product { handle } } }
		collections(first: 10) { nodes { handle title } }
	} }
	pageInfo { hasNextPage endCursor }
} }`

// collectionsQuery nests each collection's products.
const collectionsQuery = `query($n: Int!) { collections(first: 5) { nodes { handle
	products(first: $n) { nodes { handle priceRange { minVariantPrice { amount } } variants(first: 5) { nodes { id } } } }
} } }`

// searchQueryPerf is a search results page with facets, as a storefront's search page asks.
const searchQueryPerf = `query($n: Int!) { search(query: "product", first: $n, productFilters: [{variantOption: {name: "Size", value: "M"}}]) {
	totalCount
	edges { cursor node { ... on Product { id handle title availableForSale featuredImage { url }
		priceRange { minVariantPrice { amount } } variants(first: 5) { nodes { id price { amount } } } } ... on Page { handle } } }
	productFilters { id label values { label count input } }
	pageInfo { hasNextPage endCursor }
} }`

// clientsListingQuery lists products with the deprecated and localized fields public
// storefronts (Hydrogen, hydrogen-react, Astro and SvelteKit starters) ask for.
const clientsListingQuery = `query($n: Int!, $country: CountryCode) @inContext(country: $country, language: EN) {
	localization { country { isoCode currency { isoCode } } availableCountries { isoCode } }
	products(first: $n) { nodes { id
		images(first: 3) { nodes { url originalSrc } }
		variants(first: 3) { pageInfo { hasNextPage } nodes { priceV2 { amount } compareAtPriceV2 { amount } } }
	} }
	search(query: "product", first: $n) { nodes { ... on Product { handle featuredImage { url } variants(first: 2) { nodes { id } } } } }
}`

// variantSelectionQuery lists products with the variant selection fields of Hydrogen's
// product page.
const variantSelectionQuery = `query($n: Int!) { products(first: $n) { nodes { id
	encodedVariantExistence encodedVariantAvailability
	options { name optionValues { name firstSelectableVariant { id price { amount } } swatch { color } } }
	selectedOrFirstAvailableVariant(selectedOptions: [{name: "Size", value: "M"}]) { id price { amount } }
	adjacentVariants { id }
} } }`

// collectionFacetsQuery is a collection page with filters and facets.
const collectionFacetsQuery = `query($n: Int!) { collection(handle: "c1") { products(first: $n, filters: [{available: true}]) {
	nodes { handle variants(first: 3) { nodes { id } } }
	filters { id values { label count } }
} } }`

// statements runs a query and returns how many SQL statements it cost on a server that
// has served a request before: on SQLite the first request reads the shop row, which later
// ones find in memory until the catalog changes (catalog.Service.Shop).
func statements(t testing.TB, api *testAPI, query string, vars map[string]any) int64 {
	t.Helper()
	if r := api.post(t, `{ shop { name } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("warm-up: %+v", r.Errors)
	}
	r, n := api.countedPost(t, query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		t.Fatalf("status %d errors %+v", r.Status, r.Errors)
	}
	return n
}

func TestStatementsDoNotGrowWithPageSize(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, manyProducts(120))
		for _, q := range []struct {
			name, query string
		}{
			{"products listing", listingQuery},
			{"search with facets", searchQueryPerf},
			{"collection with facets", collectionFacetsQuery},
			{"collections with products", collectionsQuery},
			{"storefront clients' fields", clientsListingQuery},
			{"variant selection", variantSelectionQuery},
		} {
			t.Run(q.name, func(t *testing.T) {
				small := statements(t, api, q.query, map[string]any{"n": 5})
				large := statements(t, api, q.query, map[string]any{"n": 100})
				again := statements(t, api, q.query, map[string]any{"n": 100})
				t.Logf("statements: first 5 → %d, first 100 → %d, %d", small, large, again)
				if small != large || large != again {
					t.Errorf("statements grew with page size: first 5 → %d, first 100 → %d (then %d)", small, large, again)
				}
				// 14: localization reads the markets and the translated languages, one
				// statement each, on top of the listing's.
				if large > 14 {
					t.Errorf("%d statements for one listing; expected a small constant", large)
				}
			})
		}
	})
}

func BenchmarkProductListing(b *testing.B) {
	for _, n := range []int{10, 50} {
		b.Run(fmt.Sprintf("first=%d", n), func(b *testing.B) {
			api := startAPI(b, storetest.SQLite(b), manyProducts(100))
			vars := map[string]any{"n": n}
			b.ResetTimer()
			for b.Loop() {
				if r := api.post(b, listingQuery, vars); len(r.Errors) > 0 {
					b.Fatal(r.Errors)
				}
			}
		})
	}
}

// BenchmarkLargeCatalog lists, filters and searches (full-text search with facets,
// predictive search) a 10,000-product synthetic catalog on SQLite (and PostgreSQL when
// STOREFRONT_TEST_POSTGRES_URL is set).
func BenchmarkLargeCatalog(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		api := startAPI(b, backend, func(t testing.TB, db *store.DB) {
			if err := demo.Synthetic(context.Background(), db, "http://bench", 10000); err != nil {
				t.Fatal(err)
			}
		})
		for _, bc := range []struct {
			name, query string
		}{
			{"products first=50 by price", `{ products(first: 50, sortKey: PRICE) { nodes { id title priceRange { minVariantPrice { amount } } featuredImage { url } } pageInfo { endCursor } } }`},
			{"products page 20 by title", `{ products(first: 50, sortKey: TITLE, reverse: true) { nodes { id title } } }`},
			{"products query tag and price", `{ products(first: 50, query: "tag:sale variants.price:<20") { nodes { id title } } }`},
			{"products free text", `{ products(first: 50, query: "vintage lamp") { nodes { id title } } }`},
			{"collection products", `{ collections(first: 5) { nodes { products(first: 20, sortKey: PRICE) { nodes { id title variants(first: 5) { nodes { id price { amount } } } } } } } }`},
			{"search with facets", `{ search(query: "vintage lamp", first: 24) { totalCount edges { node { ... on Product { id title featuredImage { url } priceRange { minVariantPrice { amount } } } } } productFilters { id values { label count } } } }`},
			{"search broad word with facets", `{ search(query: "classic", first: 24) { totalCount edges { node { ... on Product { id title } } } productFilters { id values { label count } } } }`},
			{"search filtered, by price", `{ search(query: "lamp", first: 24, sortKey: PRICE, productFilters: [{tag: "sale"}, {variantOption: {name: "Size", value: "M"}}, {price: {min: 10, max: 200}}]) { totalCount edges { node { ... on Product { id title } } } productFilters { id values { label count } } } }`},
			{"search typo", `{ search(query: "vintgae lamp", first: 24) { totalCount edges { node { ... on Product { id } } } } }`},
			{"predictive search", `{ predictiveSearch(query: "vint la") { products { id title featuredImage { url } } collections { id title } queries { text styledText } } }`},
			{"predictive search typo", `{ predictiveSearch(query: "nortwind lam") { products { id title } queries { text } } }`},
			{"collection products with facets", `{ collection(handle: "synthetic-collection-03-0") { products(first: 24, filters: [{available: true}]) { nodes { id title } filters { id values { label count } } } } }`},
		} {
			b.Run(backend.Name+"/"+bc.name, func(b *testing.B) {
				for b.Loop() {
					if r := api.post(b, bc.query, nil); len(r.Errors) > 0 {
						b.Fatal(r.Errors)
					}
				}
			})
		}
	}
}
