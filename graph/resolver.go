// Package graph is the Storefront API's transport: the hand-written Shopify-compatible
// schema (*.graphqls), its resolvers and the error presenter. Resolvers translate
// arguments, call the domain services and shape payloads; rules live in internal/.
package graph

//go:generate sh -c "cd .. && go run github.com/99designs/gqlgen generate"

import (
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/checkout"
	"storefront/internal/customer"
	"storefront/internal/order"
)

// Resolver is the root resolver; it holds the services the API calls.
type Resolver struct {
	Catalog   *catalog.Service
	Carts     *cart.Service
	Customers *customer.Service
	Orders    *order.Service
	Checkout  *checkout.Service
	// PublicURL is the server's own absolute base URL (no trailing slash), used when the
	// shop has no primary domain configured.
	PublicURL string
}
