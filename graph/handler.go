package graph

import (
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

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
}

// Defaults for Options fields left zero.
const (
	// DefaultMaxComplexity admits a Next.js Commerce collection page (100 products with up
	// to 250 variants and 20 images each, about 330,000) and refuses nesting one 250-item
	// connection inside two others.
	DefaultMaxComplexity = 1_000_000
	DefaultMaxDepth      = 15
	DefaultMaxAliases    = 100
	DefaultMaxTokens     = 15_000
)

// NewHandler returns the Storefront API's GraphQL handler: GET (queries only) and POST
// with JSON, parsed-query cache, automatic persisted queries, introspection, cost, depth,
// alias and token limits, the error presenter and per-request loaders.
func NewHandler(o Options) http.Handler {
	if o.MaxComplexity == 0 {
		o.MaxComplexity = DefaultMaxComplexity
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxAliases == 0 {
		o.MaxAliases = DefaultMaxAliases
	}
	if o.MaxTokens == 0 {
		o.MaxTokens = DefaultMaxTokens
	}
	cfg := generated.Config{Resolvers: &Resolver{Catalog: o.Catalog, Carts: o.Carts, Customers: o.Customers, Orders: o.Orders, Checkout: o.Checkout, PublicURL: o.PublicURL}}
	cfg.Directives.InContext = inContext
	complexity(&cfg.Complexity)
	srv := handler.New(generated.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(o.MaxTokens)
	srv.SetDisableSuggestion(o.Production)
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(shapeLimit{MaxDepth: o.MaxDepth, MaxAliases: o.MaxAliases})
	srv.Use(extension.FixedComplexityLimit(o.MaxComplexity))
	srv.SetErrorPresenter(presentError(o.Log))
	srv.SetRecoverFunc(recoverPanic(o.Log))
	return loader.Middleware(o.Catalog, o.Orders, srv)
}
