package graph

import (
	"log/slog"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// ConfigureServer gives a gqlgen server what every GraphQL API of this binary shares (the
// Storefront API here, the Admin API in graph/admin): GET and POST over HTTP as the
// GraphQL-over-HTTP spec says, the parsed-query cache, automatic persisted queries,
// introspection when enabled, the depth, alias, token and cost limits of o (defaults for
// zero fields), the error presenter and panic recovery. Only o's limit fields, Production,
// Introspection and Log are read.
func ConfigureServer(srv *handler.Server, o Options) {
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
	if o.Log == nil {
		o.Log = slog.Default()
	}
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{})
	parsed := newQueryCache()
	srv.SetQueryCache(parsed)
	srv.SetParserTokenLimit(o.MaxTokens)
	srv.SetDisableSuggestion(o.Production)
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: newPersistedQueryCache()})
	srv.Use(documentLimits{MaxTokens: o.MaxTokens, MaxFragments: DefaultMaxFragments, MaxSameName: DefaultMaxSameName, MaxAliases: o.MaxAliases, Parsed: parsed})
	srv.Use(nulRefusal{})
	srv.Use(&operationLimits{MaxDepth: o.MaxDepth, MaxAliases: o.MaxAliases, MaxComplexity: o.MaxComplexity})
	srv.Use(operationMetrics{})
	srv.Use(queryCost{})
	if o.Tracing {
		srv.Use(operationSpan{})
	}
	srv.SetErrorPresenter(presentError(o.Log))
	srv.SetRecoverFunc(recoverPanic(o.Log))
}

// PageCost is what one connection field counts towards a query's cost per unit of its
// items' cost: first or last, or the largest page when neither is given.
func PageCost(first, last *int) int { return pageCost(first, last) }
