// Package workload holds the documents the benchmarks send: the floor's listing and the
// queries Next.js Commerce sends, shared by `go run ./bench` and the in-process benchmarks.
package workload

import _ "embed"

// listingQuery is the floor's page: 20 products with variants, featured image and
// collections (a copy of ../shared/bench/listing.graphql).
//
//go:embed listing.graphql
var listingQuery string

// The documents Next.js Commerce (vercel/commerce, lib/shopify) sends for a product page,
// a collection page and a search, with its product fragment.
const productFragment = `
fragment image on Image { url altText width height }
fragment seo on SEO { description title }
fragment product on Product {
  id handle availableForSale title description descriptionHtml
  options { id name values }
  priceRange { maxVariantPrice { amount currencyCode } minVariantPrice { amount currencyCode } }
  variants(first: 250) { edges { node { id title availableForSale selectedOptions { name value } price { amount currencyCode } } } }
  featuredImage { ...image }
  images(first: 20) { edges { node { ...image } } }
  seo { ...seo }
  tags updatedAt
}
`

const getProductQuery = `
query getProduct($handle: String!) {
  product(handle: $handle) { ...product }
}`

const getCollectionProductsQuery = `
query getCollectionProducts($handle: String!, $sortKey: ProductCollectionSortKeys, $reverse: Boolean) {
  collection(handle: $handle) { products(sortKey: $sortKey, reverse: $reverse, first: 100) { edges { node { ...product } } } }
}`

const getProductsQuery = `
query getProducts($sortKey: ProductSortKeys, $reverse: Boolean, $query: String) {
  products(sortKey: $sortKey, reverse: $reverse, query: $query, first: 100) { edges { node { ...product } } }
}`

// Workload is one benchmarked request.
type Workload struct {
	Name      string
	Query     string
	Operation string
	Variables map[string]any
	// Floor says the hand-written floor answers it too.
	Floor bool
}

// Listing is the floor's page.
var Listing = listingQuery

// All are the benchmarked requests: the floor's listing, then Next.js Commerce's product
// page, collection page and search.
func All() []Workload {
	return []Workload{
		{Name: "listing", Query: listingQuery, Operation: "Products", Floor: true},
		{Name: "getProduct", Query: productFragment + getProductQuery, Operation: "getProduct", Variables: map[string]any{"handle": "slim-jeans"}},
		{Name: "getCollectionProducts", Query: productFragment + getCollectionProductsQuery, Operation: "getCollectionProducts",
			Variables: map[string]any{"handle": "apparel", "sortKey": "BEST_SELLING", "reverse": false}},
		{Name: "getProducts", Query: productFragment + getProductsQuery, Operation: "getProducts",
			Variables: map[string]any{"sortKey": "RELEVANCE", "reverse": false, "query": "wool"}},
	}
}
