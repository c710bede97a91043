// Package admin is the Admin API's transport: entgql's generated SDL (ent.graphqls) plus
// hand-written mutations (*.graphqls), its resolvers, API key authentication and the scope
// every field needs. Resolvers translate input, call the domain services in internal/ and
// shape payloads; read resolvers are entgql's Paginate calls.
package admin

//go:generate go run github.com/99designs/gqlgen generate --config gqlgen.yml
//go:generate go run ./internal/printschema ../../docs/admin.graphql

import (
	"storefront/internal/apikey"
	"storefront/internal/catalog"
	"storefront/internal/customer"
	"storefront/internal/discount"
	"storefront/internal/giftcard"
	"storefront/internal/inventory"
	"storefront/internal/market"
	"storefront/internal/order"
	"storefront/internal/sales"
	"storefront/internal/settings"
	"storefront/internal/store"
	"storefront/internal/translation"
	"storefront/internal/webhook"
)

// Resolver is the root resolver; it holds the services the API calls.
type Resolver struct {
	DB           *store.DB
	APIKeys      *apikey.Service
	Catalog      *catalog.Service
	Inventory    *inventory.Service
	Discounts    *discount.Service
	GiftCards    *giftcard.Service
	Settings     *settings.Service
	Customers    *customer.Service
	Webhooks     *webhook.Service
	Orders       *order.Service
	Markets      *market.Service
	Translations *translation.Service
	Sales        *sales.Service
}
