package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"storefront/internal/cart"
	"storefront/internal/gid"
	"storefront/internal/respcache"
)

// namesBuyerData reports whether node or nodes arguments name a cart's metafield: buyer
// data, which the catalog's invalidation does not cover.
func namesBuyerData(args map[string]any) bool {
	ids := []any{args["id"]}
	if l, ok := args["ids"].([]any); ok {
		ids = l
	}
	for _, v := range ids {
		if s, ok := v.(string); ok {
			if typ, _, ok := gid.Parse(s); ok && typ == cart.MetafieldGIDType {
				return true
			}
		}
	}
	return false
}

// catalogRoots are the query root fields that read only the public catalog: their answers
// are the same for every anonymous buyer. search is left out so that every search is
// recorded for the search reports.
var catalogRoots = map[string]bool{
	"__typename": true, "shop": true, "menu": true,
	"product": true, "productByHandle": true, "products": true, "productRecommendations": true,
	"collection": true, "collectionByHandle": true, "collections": true,
	"page": true, "pageByHandle": true, "pages": true,
	"node": true, "nodes": true, "predictiveSearch": true,
}

// buyerRoots read a buyer's own data.
var buyerRoots = map[string]bool{"cart": true, "customer": true}

// cachePolicy tells the response cache (respcache) what it may do with each response:
// cache an anonymous catalog read answered without errors, and keep buyer data and the
// answers of mutations out of shared caches.
type cachePolicy struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = cachePolicy{}

func (cachePolicy) ExtensionName() string                          { return "CachePolicy" }
func (cachePolicy) Validate(schema graphql.ExecutableSchema) error { return nil }

func (cachePolicy) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	pol := respcache.PolicyFrom(ctx)
	if pol == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil {
		return resp
	}
	if oc.Operation.Operation != ast.Query {
		pol.Private = true
		return resp
	}
	cacheable := resp != nil && len(resp.Errors) == 0 && len(graphql.GetErrors(ctx)) == 0
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, nil) {
		if buyerRoots[f.Name] || (f.Name == "node" || f.Name == "nodes") && namesBuyerData(f.ArgumentMap(oc.Variables)) {
			pol.Private = true
		}
		if !catalogRoots[f.Name] {
			cacheable = false
		}
	}
	pol.Cacheable = cacheable && !pol.Private
	return resp
}
