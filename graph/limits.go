package graph

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"storefront/graph/generated"
	"storefront/graph/model"
	"storefront/internal/cart"
	"storefront/internal/catalog"
)

// operationLimits refuses, before anything runs, operations nested deeper than MaxDepth,
// with more than MaxAliases aliased fields, or costing more than MaxComplexity (the cost
// gqlgen's complexity functions give, connections counting page size × item cost).
//
// All three are measured in one walk whose time is linear in the document: each fragment
// is measured once and its measure reused wherever it is spread, so a document whose
// fragments spread one another twice (2^n fields once expanded) costs n steps, not 2^n.
// Expanded counts saturate instead of overflowing.
type operationLimits struct {
	MaxDepth      int
	MaxAliases    int
	MaxComplexity int

	es graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &operationLimits{}

func (*operationLimits) ExtensionName() string { return "OperationLimits" }

func (l *operationLimits) Validate(es graphql.ExecutableSchema) error {
	l.es = es
	return nil
}

func (l *operationLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	m := measureOperation(ctx, l.es, oc.Doc, oc.Operation, oc.Variables)
	// Recorded where gqlgen's own complexity extension keeps it, so extension.GetComplexityStats
	// (extensions.cost, metrics) reads the cost this check computed.
	oc.Stats.SetExtension("ComplexityLimit", &extension.ComplexityStats{Complexity: m.cost, ComplexityLimit: l.MaxComplexity})
	switch {
	case m.depth > l.MaxDepth:
		return limitError(fmt.Sprintf("query is nested more than %d levels deep", l.MaxDepth), "MAX_DEPTH_EXCEEDED")
	case m.aliases > l.MaxAliases:
		return limitError(fmt.Sprintf("query has %d aliases; the limit is %d", m.aliases, l.MaxAliases), "MAX_ALIASES_EXCEEDED")
	case m.cost > l.MaxComplexity:
		return limitError(fmt.Sprintf("operation has complexity %d, which exceeds the limit of %d", m.cost, l.MaxComplexity), "COMPLEXITY_LIMIT_EXCEEDED")
	}
	return nil
}

func limitError(msg, code string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// shape is what a selection set amounts to once its fragments are expanded: the deepest
// field level, the number of aliased fields and the cost, of which items is the cost of
// its edges and nodes fields (a connection's page).
type shape struct {
	depth, aliases, cost, items int
}

// measureOperation measures op's selection set.
func measureOperation(ctx context.Context, es graphql.ExecutableSchema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) shape {
	m := measurer{ctx: ctx, es: es, schema: es.Schema(), doc: doc, vars: vars, fragments: map[string]*shape{}}
	return m.set(op.SelectionSet)
}

type measurer struct {
	ctx       context.Context
	es        graphql.ExecutableSchema
	schema    *ast.Schema
	doc       *ast.QueryDocument
	vars      map[string]any
	fragments map[string]*shape // measured (or being measured) fragments, by name
}

func (m *measurer) set(set ast.SelectionSet) shape {
	var out shape
	for _, sel := range set {
		var s shape
		switch sel := sel.(type) {
		case *ast.Field:
			s = m.field(sel)
		case *ast.InlineFragment:
			s = m.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			s = m.fragment(sel.Name)
		}
		out.depth = max(out.depth, s.depth)
		out.aliases = satAdd(out.aliases, s.aliases)
		out.cost = satAdd(out.cost, s.cost)
		out.items = satAdd(out.items, s.items)
	}
	return out
}

// fragment measures a fragment once. Validation has refused cycles; should one get here,
// the inner spread counts as empty.
func (m *measurer) fragment(name string) shape {
	if s, ok := m.fragments[name]; ok {
		return *s
	}
	m.fragments[name] = &shape{}
	f := m.doc.Fragments.ForName(name)
	if f == nil {
		return shape{}
	}
	s := m.set(f.SelectionSet)
	m.fragments[name] = &s
	return s
}

// field measures one field the way gqlgen's complexity calculation does: the field's
// complexity function (or 1 plus its selection's cost), the most expensive implementor's
// for a field of an interface, nothing for the introspection schema. One difference: a
// field returning a connection passes only its page (edges, nodes) to its complexity
// function and adds the rest (pageInfo, totalCount, facets) once, since that is not
// repeated per item.
func (m *measurer) field(f *ast.Field) shape {
	child := m.set(f.SelectionSet)
	out := shape{depth: child.depth + 1, aliases: child.aliases}
	if f.Alias != "" && f.Alias != f.Name {
		out.aliases = satAdd(out.aliases, 1)
	}
	out.cost = m.fieldCost(f, child)
	if f.Name == "edges" || f.Name == "nodes" {
		out.items = out.cost
	}
	return out
}

func (m *measurer) fieldCost(f *ast.Field, child shape) int {
	if f.Definition == nil || f.ObjectDefinition == nil {
		return satAdd(1, child.cost)
	}
	typ := m.schema.Types[f.Definition.Type.Name()]
	if typ == nil || typ.Name == "__Schema" {
		return 0
	}
	childCost, once := 0, 0
	switch typ.Kind {
	case ast.Object, ast.Interface, ast.Union:
		childCost = child.cost
		if strings.HasSuffix(typ.Name, "Connection") {
			childCost, once = child.items, child.cost-child.items
		}
	}
	args := f.ArgumentMap(m.vars)
	cost := 0
	if f.ObjectDefinition.Kind == ast.Interface {
		for _, impl := range m.schema.GetPossibleTypes(f.ObjectDefinition) {
			cost = max(cost, m.typeFieldCost(impl.Name, f.Name, childCost, args))
		}
	} else {
		cost = m.typeFieldCost(f.ObjectDefinition.Name, f.Name, childCost, args)
	}
	return satAdd(cost, once)
}

func (m *measurer) typeFieldCost(typeName, field string, child int, args map[string]any) int {
	if c, ok := m.es.Complexity(m.ctx, typeName, field, child, args); ok && c >= 1 {
		return c
	}
	return satAdd(1, child)
}

// satMul multiplies non-negative counts, saturating at the largest int.
func satMul(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}

// satAdd adds non-negative counts, saturating at the largest int.
func satAdd(a, b int) int {
	if a < 0 {
		a = 0
	}
	if b < 0 {
		b = 0
	}
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
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

// Expected lengths of lists that take no page size, for their cost. Where the domain
// bounds a list, that bound is used; elsewhere (menus, options, facets) a generous
// estimate of what a catalog holds, since these lists are read with their parent.
const (
	attributesCost      = cart.MaxAttributes // cart and line attributes
	allocationsCost     = cart.MaxCodes      // discount allocations: one per code at most
	deliveryOptionsCost = 20                 // shipping rates offered to one group
	menuItemsCost       = 25                 // items of one menu level
	optionsCost         = 3                  // options of one product (Shopify's limit is three)
	optionValuesCost    = 50                 // values of one product option
	facetsCost          = 20                 // facets of a list: availability, price, type, vendor, tag, options
	facetValuesCost     = 100                // values of one facet (catalog.Facets keeps at most 100)
	// Components of one bundle line. Bundles are not sold, so no cart has any; a page's
	// worth (250) made Hydrogen's own cart query (100 lines, each with its components)
	// cost 13.7 million, far over the limit.
	bundleComponentsCost = 10
)

// complexity makes every field that returns a list or a connection cost its length (page
// size, or the list's bound) times what each item costs, so a query's cost bounds the work
// it can cause. The edges and nodes of a connection are counted by the field that returns
// the connection; mutation payloads' error lists describe the request's own input.
func complexity(c *generated.ComplexityRoot) {
	conn := func(child int, first, last *int) int { return satAdd(1, satMul(child, pageCost(first, last))) }
	list := func(n int) func(int) int { return func(child int) int { return satAdd(1, satMul(child, n)) } }
	type pageArgs = func(child int, _, _ *string, first, last *int, _ *bool) int
	var page pageArgs = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	firstOnly := func(child int, first *int) int { return conn(child, first, nil) }

	c.QueryRoot.Products = func(child int, _, _ *string, first, last *int, _ *string, _ *bool, _ *model.ProductSortKeys) int {
		return conn(child, first, last)
	}
	c.QueryRoot.Collections = func(child int, _, _ *string, first, last *int, _ *string, _ *bool, _ *model.CollectionSortKeys) int {
		return conn(child, first, last)
	}
	c.QueryRoot.Pages = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.QueryRoot.Nodes = func(child int, ids []string) int { return satAdd(1, satMul(child, max(len(ids), 1))) }
	c.QueryRoot.ProductRecommendations = func(child int, _ *string) int { return satAdd(1, satMul(child, 10)) }
	c.QueryRoot.Search = func(child int, _, _ *string, first, last *int, _ *model.SearchPrefixQueryType, _ []*model.ProductFilter, _ string, _ *bool, _ *model.SearchSortKeys, _ []model.SearchType, _ *model.SearchUnavailableProductsType) int {
		return conn(child, first, last)
	}
	c.PredictiveSearchResult.Products = list(catalog.MaxPredictive)
	c.PredictiveSearchResult.Collections = list(catalog.MaxPredictive)
	c.PredictiveSearchResult.Queries = list(catalog.MaxPredictive)

	c.Product.Variants = page
	c.Product.Images = page
	c.Product.Collections = page
	c.Product.Options = func(child int, first *int) int {
		if first == nil {
			return satAdd(1, satMul(child, optionsCost))
		}
		return conn(child, first, nil)
	}
	c.ProductOption.OptionValues = list(optionValuesCost)
	c.ProductVariant.SelectedOptions = list(optionsCost)
	// A shop sells to at most every country and offers at most every language: both lists
	// are bounded by their enums (about 250 countries, 146 languages).
	c.Localization.AvailableCountries = func(child int) int { return satAdd(1, satMul(child, catalog.MaxPageSize)) }
	c.Localization.AvailableLanguages = func(child int) int { return satAdd(1, satMul(child, catalog.MaxPageSize)) }
	c.Country.AvailableLanguages = func(child int) int { return satAdd(1, satMul(child, catalog.MaxPageSize)) }
	c.ComponentizableCartLine.LineComponents = list(bundleComponentsCost)
	c.Product.AdjacentVariants = func(child int, _, _ *bool, _ []*model.SelectedOptionInput) int {
		return satAdd(1, satMul(child, catalog.MaxPageSize))
	}
	c.QueryRoot.URLRedirects = func(child int, _, _ *string, first, last *int, _ *string, _ *bool) int {
		return conn(child, first, last)
	}
	// A brand has a handful of colours; a cart has no gift cards yet (at most a few later).
	c.BrandColors.Primary = func(child int) int { return satAdd(1, satMul(child, 10)) }
	c.BrandColors.Secondary = func(child int) int { return satAdd(1, satMul(child, 10)) }
	c.Cart.AppliedGiftCards = func(child int) int { return satAdd(1, satMul(child, 10)) }
	c.QueryRoot.Blogs = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.Blog.Articles = func(child int, _, _ *string, first, last *int, _ *bool) int { return conn(child, first, last) }
	c.PredictiveSearchResult.Pages = func(child int) int { return satAdd(1, satMul(child, catalog.MaxPredictive)) }
	c.PredictiveSearchResult.Articles = func(child int) int { return satAdd(1, satMul(child, catalog.MaxPredictive)) }
	c.PaginatedSitemapResources.Items = func(child int) int { return satAdd(1, satMul(child, catalog.SitemapPageSize)) }
	c.Cart.Metafields = func(child int, ids []*model.HasMetafieldsIdentifier) int {
		return satAdd(1, satMul(child, max(len(ids), 1)))
	}
	c.CartMetafieldsSetPayload.Metafields = func(child int) int { return satAdd(1, satMul(child, cart.MaxMetafieldsPerCart)) }
	c.Collection.Products = func(child int, _, _ *string, _ []*model.ProductFilter, first, last *int, _ *bool, _ *model.ProductCollectionSortKeys) int {
		return conn(child, first, last)
	}
	c.ProductConnection.Filters = list(facetsCost)
	c.SearchResultItemConnection.ProductFilters = list(facetsCost)
	c.Filter.Values = list(facetValuesCost)
	c.Menu.Items = list(menuItemsCost)
	c.MenuItem.Items = list(menuItemsCost)

	c.Cart.Lines = page
	c.Cart.DeliveryGroups = page
	c.Cart.Attributes = list(attributesCost)
	c.Cart.DiscountAllocations = list(allocationsCost)
	c.Cart.DiscountCodes = list(cart.MaxCodes)
	c.CartLine.Attributes = list(attributesCost)
	c.CartLine.DiscountAllocations = list(allocationsCost)
	c.ComponentizableCartLine.Attributes = list(attributesCost)
	c.ComponentizableCartLine.DiscountAllocations = list(allocationsCost)
	c.CartDelivery.Addresses = list(cart.MaxDeliveryAddresses)
	c.CartDeliveryGroup.CartLines = page
	c.CartDeliveryGroup.DeliveryOptions = list(deliveryOptionsCost)

	c.Customer.Addresses = page
	c.Customer.Orders = func(child int, _, _ *string, first, last *int, _ *string, _ *bool, _ *model.OrderSortKeys) int {
		return conn(child, first, last)
	}
	c.Order.LineItems = page
	c.Order.DiscountApplications = page
	c.Order.CustomAttributes = list(attributesCost)
	c.Order.SuccessfulFulfillments = firstOnly
	c.Fulfillment.TrackingInfo = firstOnly
	c.Fulfillment.FulfillmentLineItems = page
}

// documentLimits refuses, before gqlgen validates a document, documents whose validation
// would cost time out of proportion to their size: gqlparser walks every fragment again
// from each fragment that spreads it (quadratic in the number of fragments) and compares
// every pair of fields with one response name in a selection set (quadratic in their
// number). Documents found in the parsed-query cache were checked when they were added.
type documentLimits struct {
	MaxTokens    int
	MaxFragments int
	// MaxSameName bounds the fields with one response name in one selection set
	// (inline fragments included).
	MaxSameName int
	// MaxAliases bounds the aliased fields written in the document (operationLimits
	// bounds them once fragments are expanded).
	MaxAliases int
	Parsed     graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimits{}

func (documentLimits) ExtensionName() string                   { return "DocumentLimits" }
func (documentLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (l documentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	if _, ok := l.Parsed.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.MaxTokens)
	if err != nil {
		return nil // gqlgen reports the syntax error
	}
	if err := l.check(doc); err != nil {
		if op := doc.Operations.ForName(p.OperationName); op != nil {
			logOperation(ctx, op)
		}
		return err
	}
	return nil
}

func (l documentLimits) check(doc *ast.QueryDocument) *gqlerror.Error {
	if len(doc.Fragments) > l.MaxFragments {
		return limitError(fmt.Sprintf("query defines %d fragments; the limit is %d", len(doc.Fragments), l.MaxFragments), "MAX_FRAGMENTS_EXCEEDED")
	}
	var sets []ast.SelectionSet
	for _, op := range doc.Operations {
		sets = append(sets, op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		sets = append(sets, f.SelectionSet)
	}
	c := nameCounter{doc: doc, limit: l.MaxSameName, frags: map[string]map[string]int{}}
	for _, set := range sets {
		if name := c.check(set); name != "" {
			return limitError(fmt.Sprintf("query selects %q more than %d times in one selection", name, l.MaxSameName), "MAX_REPEATED_FIELDS_EXCEEDED")
		}
		if c.aliases > l.MaxAliases {
			return limitError(fmt.Sprintf("query has more than %d aliases", l.MaxAliases), "MAX_ALIASES_EXCEEDED")
		}
	}
	return nil
}

// nameCounter counts, for each selection set of a document, the fields of each response
// name it merges (its own, its inline fragments' and, through its spreads, its fragments').
// A fragment's counts are computed once and capped just above the limit.
type nameCounter struct {
	doc     *ast.QueryDocument
	limit   int
	aliases int
	frags   map[string]map[string]int
}

// check returns a response name selected more than the limit in set or in any selection
// set inside it, or "".
func (c *nameCounter) check(set ast.SelectionSet) string {
	counts := map[string]int{}
	var nested []ast.SelectionSet
	if n := c.collect(set, counts, &nested); n != "" {
		return n
	}
	for _, sub := range nested {
		if n := c.check(sub); n != "" {
			return n
		}
	}
	return ""
}

// collect adds set's fields to counts and the selection sets of its own fields (not its
// fragments', which are checked on their own) to nested.
func (c *nameCounter) collect(set ast.SelectionSet, counts map[string]int, nested *[]ast.SelectionSet) string {
	add := func(name string, n int) string {
		counts[name] = min(counts[name]+n, c.limit+1)
		if counts[name] > c.limit {
			return name
		}
		return ""
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			name := s.Name
			if s.Alias != "" {
				name = s.Alias
			}
			if nested != nil {
				if s.Alias != "" && s.Alias != s.Name {
					c.aliases++
				}
				if len(s.SelectionSet) > 0 {
					*nested = append(*nested, s.SelectionSet)
				}
			}
			if n := add(name, 1); n != "" {
				return n
			}
		case *ast.InlineFragment:
			if n := c.collect(s.SelectionSet, counts, nested); n != "" {
				return n
			}
		case *ast.FragmentSpread:
			for name, k := range c.fragment(s.Name) {
				if n := add(name, k); n != "" {
					return n
				}
			}
		}
	}
	return ""
}

// fragment returns the counts a fragment contributes where it is spread.
func (c *nameCounter) fragment(name string) map[string]int {
	if counts, ok := c.frags[name]; ok {
		return counts
	}
	counts := map[string]int{}
	c.frags[name] = counts // a cycle (refused by validation) counts as empty
	if f := c.doc.Fragments.ForName(name); f != nil {
		c.collect(f.SelectionSet, counts, nil)
	}
	return counts
}
