package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"storefront/graph/generated"
)

func testSchema() graphql.ExecutableSchema {
	cfg := generated.Config{Resolvers: &Resolver{}}
	complexity(&cfg.Complexity)
	return generated.NewExecutableSchema(cfg)
}

// doubling is n fragments each spreading the next twice (2^n fields expanded), at the top
// level or each inside two different fields.
func doubling(n int, nested bool) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	for i := 0; i < n; i++ {
		if nested {
			fmt.Fprintf(&b, "fragment F%d on QueryRoot { a: shop { __typename } ...F%d b: shop { __typename } ...F%d }\n", i, i+1, i+1)
			continue
		}
		fmt.Fprintf(&b, "fragment F%d on QueryRoot { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on QueryRoot { shop { name } }\n", n)
	return b.String()
}

// BenchmarkLimitChecks measures what the document checks (before validation) and the
// operation checks (depth, aliases, cost, after validation) cost on hostile documents
// and on an ordinary storefront query.
func BenchmarkLimitChecks(b *testing.B) {
	es := testSchema()
	ordinary := `query Product($handle: String!) { product(handle: $handle) { ...P recommendations: collections(first: 5) { nodes { title products(first: 10) { nodes { ...P } } } } } }
fragment P on Product { id handle title tags priceRange { minVariantPrice { amount currencyCode } } images(first: 5) { edges { node { url altText } } } variants(first: 50) { nodes { id title availableForSale selectedOptions { name value } price { amount } } } }`
	for _, tt := range []struct{ name, query string }{
		{"doubling-30", doubling(30, false)},
		{"doubling-1000", doubling(1000, false)},
		{"ordinary", ordinary},
	} {
		b.Run("document/"+tt.name, func(b *testing.B) {
			l := documentLimits{MaxTokens: DefaultMaxTokens, MaxFragments: DefaultMaxFragments, MaxSameName: DefaultMaxSameName, MaxAliases: DefaultMaxAliases, Parsed: newQueryCache()}
			ctx := context.Background()
			for b.Loop() {
				_ = l.MutateOperationParameters(ctx, &graphql.RawParams{Query: tt.query})
			}
		})
		doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
		if err != nil {
			b.Fatal(err)
		}
		if errs := validator.Validate(es.Schema(), doc); len(errs) > 0 {
			b.Fatal(errs)
		}
		b.Run("operation/"+tt.name, func(b *testing.B) {
			ctx := context.Background()
			vars := map[string]any{"handle": "tee"}
			for b.Loop() {
				measureOperation(ctx, es, doc, doc.Operations[0], vars)
			}
		})
	}
}

// TestMeasureMatchesExpansion checks the memoized measure against the expanded document:
// 2^n copies of shop { name } cost 2^(n+1), and nesting doubles depth.
func TestMeasureMatchesExpansion(t *testing.T) {
	es := testSchema()
	for _, tt := range []struct {
		query string
		want  shape
	}{
		{doubling(10, false), shape{depth: 2, cost: 2 << 10}},
		// cost(F3) = 2, cost(Fi) = 4 + 2·cost(Fi+1); aliases(Fi) = 2 + 2·aliases(Fi+1)
		{doubling(3, true), shape{depth: 2, aliases: 14, cost: 44}},
		{doubling(70, false), shape{depth: 2, cost: int(^uint(0) >> 1)}},
		// A connection multiplies its page (nodes: 1 + id) and adds pageInfo once.
		{"{ products(first: 10) { pageInfo { hasNextPage } nodes { id } } }", shape{depth: 3, cost: 1 + 10*2 + 2}},
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
		if err != nil {
			t.Fatal(err)
		}
		if errs := validator.Validate(es.Schema(), doc); len(errs) > 0 {
			t.Fatal(errs)
		}
		if got := measureOperation(context.Background(), es, doc, doc.Operations[0], nil); got != tt.want {
			t.Errorf("%.40q…: got %+v, want %+v", tt.query, got, tt.want)
		}
	}
}
