package graph

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
)

// queryCost reports, as Shopify does, what an operation cost in extensions.cost:
// requestedQueryCost is the cost computed from the document before it ran (the one the
// complexity limit checks, with connections counted at their page size), actualQueryCost
// what it returned (one per object in the response data).
type queryCost struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = queryCost{}

func (queryCost) ExtensionName() string                          { return "QueryCost" }
func (queryCost) Validate(schema graphql.ExecutableSchema) error { return nil }

func (queryCost) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	stats := extension.GetComplexityStats(ctx)
	if stats == nil {
		return resp
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["cost"] = map[string]any{
		"requestedQueryCost": stats.Complexity,
		"actualQueryCost":    countObjects(resp.Data),
	}
	return resp
}

// countObjects counts the JSON objects in data (strings skipped).
func countObjects(data json.RawMessage) int {
	n := 0
	inString := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case !inString && c == '{':
			n++
		}
	}
	// The data object itself is free.
	return max(n-1, 0)
}
