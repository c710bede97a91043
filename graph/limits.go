package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"storefront/graph/generated"
	"storefront/graph/model"
	"storefront/internal/cart"
	"storefront/internal/catalog"
)

// shapeLimit refuses operations nested deeper than MaxDepth or with more than MaxAliases
// aliased fields, before anything runs. Fragments are expanded as they are used.
type shapeLimit struct {
	MaxDepth   int
	MaxAliases int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l shapeLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := walker{doc: oc.Doc, maxDepth: l.MaxDepth}
	w.walk(oc.Operation.SelectionSet, 1, map[string]bool{})
	switch {
	case w.depth > l.MaxDepth:
		return limitError(fmt.Sprintf("query is nested more than %d levels deep", l.MaxDepth), "MAX_DEPTH_EXCEEDED")
	case w.aliases > l.MaxAliases:
		return limitError(fmt.Sprintf("query has %d aliases; the limit is %d", w.aliases, l.MaxAliases), "MAX_ALIASES_EXCEEDED")
	}
	return nil
}

func limitError(msg, code string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

type walker struct {
	doc      *ast.QueryDocument
	maxDepth int
	depth    int
	aliases  int
}

// walk records the deepest field level and counts aliases; it stops descending past the
// limit, and a fragment is not re-entered inside itself (validation rejects such cycles).
func (w *walker) walk(set ast.SelectionSet, depth int, inFragment map[string]bool) {
	if depth > w.maxDepth+1 {
		return
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if depth > w.depth {
				w.depth = depth
			}
			if s.Alias != "" && s.Alias != s.Name {
				w.aliases++
			}
			w.walk(s.SelectionSet, depth+1, inFragment)
		case *ast.InlineFragment:
			w.walk(s.SelectionSet, depth, inFragment)
		case *ast.FragmentSpread:
			if inFragment[s.Name] {
				continue
			}
			f := w.doc.Fragments.ForName(s.Name)
			if f == nil {
				continue
			}
			inFragment[s.Name] = true
			w.walk(f.SelectionSet, depth, inFragment)
			delete(inFragment, s.Name)
		}
	}
}

// pageCost is the number of items a connection may return: first or last, or the maximum
// when neither is given.
func pageCost(first, last *int) int {
	switch {
	case first != nil && *first >= 0 && *first <= catalog.MaxPageSize:
		return max(*first, 1)
	case last != nil && *last >= 0 && *last <= catalog.MaxPageSize:
		return max(*last, 1)
	}
	return catalog.MaxPageSize
}

// complexity makes every connection cost its page size times what each item costs, so a
// query's cost bounds the work it can cause.
func complexity(c *generated.ComplexityRoot) {
	conn := func(child int, first, last *int) int { return 1 + child*pageCost(first, last) }
	c.QueryRoot.Products = func(child int, _, _ *string, first, last *int, _ *string, _ *bool, _ *model.ProductSortKeys) int {
		return conn(child, first, last)
	}
	c.QueryRoot.Collections = func(child int, _, _ *string, first, last *int, _ *string, _ *bool, _ *model.CollectionSortKeys) int {
		return conn(child, first, last)
	}
	c.QueryRoot.Pages = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.QueryRoot.Nodes = func(child int, ids []string) int { return 1 + child*max(len(ids), 1) }
	c.QueryRoot.ProductRecommendations = func(child int, _ *string) int { return 1 + child*10 }
	c.Product.Variants = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.Product.Images = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.Product.Collections = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.Product.Options = func(child int, first *int) int { return conn(child, first, nil) }
	// A shop sells to at most every country and offers at most every language: both lists
	// are bounded by their enums (about 250 countries, 146 languages).
	c.Localization.AvailableCountries = func(child int) int { return 1 + child*catalog.MaxPageSize }
	c.Localization.AvailableLanguages = func(child int) int { return 1 + child*catalog.MaxPageSize }
	c.Country.AvailableLanguages = func(child int) int { return 1 + child*catalog.MaxPageSize }
	c.ComponentizableCartLine.LineComponents = func(child int) int { return 1 + child*catalog.MaxPageSize }
	c.Product.AdjacentVariants = func(child int, _, _ *bool, _ []*model.SelectedOptionInput) int {
		return 1 + child*catalog.MaxPageSize
	}
	c.QueryRoot.URLRedirects = func(child int, _, _ *string, first, last *int, _ *string, _ *bool) int {
		return conn(child, first, last)
	}
	// A brand has a handful of colours; a cart has no gift cards yet (at most a few later).
	c.BrandColors.Primary = func(child int) int { return 1 + child*10 }
	c.BrandColors.Secondary = func(child int) int { return 1 + child*10 }
	c.Cart.AppliedGiftCards = func(child int) int { return 1 + child*10 }
	c.QueryRoot.Blogs = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.Blog.Articles = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.PredictiveSearchResult.Pages = func(child int) int { return 1 + child*catalog.MaxPredictive }
	c.PredictiveSearchResult.Articles = func(child int) int { return 1 + child*catalog.MaxPredictive }
	c.PaginatedSitemapResources.Items = func(child int) int { return 1 + child*catalog.SitemapPageSize }
	c.Cart.Metafields = func(child int, ids []*model.HasMetafieldsIdentifier) int { return 1 + child*max(len(ids), 1) }
	c.CartMetafieldsSetPayload.Metafields = func(child int) int { return 1 + child*cart.MaxMetafieldsPerCart }
	c.Collection.Products = func(child int, _, _ *string, _ []*model.ProductFilter, first, last *int, _ *bool, _ *model.ProductCollectionSortKeys) int {
		return conn(child, first, last)
	}
}
