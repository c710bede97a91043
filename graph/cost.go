package graph

import (
	"bytes"
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

// objectCount is where the serial catalog executor leaves the number of objects it wrote,
// which spares queryCost counting the braces of its response again.
type objectCount struct {
	n     int
	known bool
}

type objectCountKey struct{}

func (queryCost) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	written := &objectCount{}
	resp := next(context.WithValue(ctx, objectCountKey{}, written))
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	stats := extension.GetComplexityStats(ctx)
	if stats == nil {
		return resp
	}
	actual := max(written.n-1, 0) // the data object itself is free, as in countObjects
	if !written.known {
		actual = countObjects(resp.Data)
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["cost"] = map[string]any{
		"requestedQueryCost": stats.Complexity,
		"actualQueryCost":    actual,
	}
	return resp
}

// countObjects counts the JSON objects in data (strings skipped). Most of a response's
// bytes are inside strings (keys included), so it jumps from quote to quote with
// bytes.IndexByte and counts braces only in the stretches between strings.
func countObjects(data json.RawMessage) int {
	n := 0
	for len(data) > 0 {
		q := bytes.IndexByte(data, '"')
		if q < 0 {
			n += bytes.Count(data, []byte{'{'})
			break
		}
		n += bytes.Count(data[:q], []byte{'{'})
		data = data[q+1:]
		// The closing quote is the first one not escaped: preceded by an even number of
		// backslashes.
		for {
			e := bytes.IndexByte(data, '"')
			if e < 0 {
				data = nil
				break
			}
			b := 0
			for b < e && data[e-1-b] == '\\' {
				b++
			}
			data = data[e+1:]
			if b%2 == 0 {
				break
			}
		}
	}
	// The data object itself is free.
	return max(n-1, 0)
}
