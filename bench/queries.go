package main

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
