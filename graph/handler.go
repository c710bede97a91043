package graph

import (
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"

	"storefront/graph/generated"
	"storefront/graph/loader"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/checkout"
	"storefront/internal/customer"
	"storefront/internal/order"
)

// Options configure the Storefront API handler.
type Options struct {
	Catalog   *catalog.Service
	Carts     *cart.Service
	Customers *customer.Service
	Orders    *order.Service
	Checkout  *checkout.Service
	PublicURL string
	Log       *slog.Logger
	// Production turns off field suggestions in validation errors.
	Production bool
	// Introspection answers __schema and __type queries.
	Introspection bool
	// MaxComplexity bounds a query's cost (connections count page size × item cost).
	MaxComplexity int
	MaxDepth      int
	MaxAliases    int
	// MaxTokens bounds the lexer tokens of one query document.
	MaxTokens int
	// Tracing puts each operation in an OpenTelemetry span.
	Tracing bool
}

// Defaults for Options fields left zero.
const (
	// DefaultMaxComplexity admits a Next.js Commerce collection page (100 products with up
	// to 250 variants and 20 images each, about 390,000) and refuses nesting one 250-item
	// connection inside two others.
	DefaultMaxComplexity = 1_000_000
	DefaultMaxDepth      = 15
	DefaultMaxAliases    = 100
	DefaultMaxTokens     = 15_000
	// DefaultMaxFragments and DefaultMaxSameName keep gqlparser's validation, whose time
	// grows with the square of both, under a tenth of a second for any document the token
	// limit admits (it took 20 s for one field selected 14,000 times).
	DefaultMaxFragments = 100
	DefaultMaxSameName  = 20
)

// NewHandler returns the Storefront API's GraphQL handler: GET (queries only) and POST
// with JSON, parsed-query and persisted-query caches bounded in bytes, introspection, cost,
// depth, alias, token, fragment and repeated-field limits, refusal of NUL characters, the
// error presenter and per-request loaders.
func NewHandler(o Options) http.Handler {
	r := &Resolver{Catalog: o.Catalog, Carts: o.Carts, Customers: o.Customers, Orders: o.Orders, Checkout: o.Checkout, PublicURL: o.PublicURL}
	cfg := generated.Config{Resolvers: r}
	cfg.Directives.InContext = inContext
	complexity(&cfg.Complexity)
	srv := handler.New(generated.NewExecutableSchema(cfg))
	ConfigureServer(srv, o)
	srv.Use(cachePolicy{})
	// Innermost: the catalog reads it serves never reach gqlgen's executor.
	srv.Use(&fastRead{r: r})
	return loader.Middleware(o.Catalog, o.Orders, srv)
}
