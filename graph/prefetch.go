package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"storefront/ent"
	"storefront/graph/loader"
)

// productSelection says which nested data a list of products will ask for, read from the
// query before the products' fields resolve.
type productSelection = loader.Prefetch

// connectionProductSelection reads the product fields selected under the current
// connection field (edges.node and nodes).
func connectionProductSelection(ctx context.Context) productSelection {
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return productSelection{}
	}
	var sel productSelection
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, []string{"ProductConnection"}) {
		switch f.Name {
		case "nodes":
			sel = sel.Merge(productFields(oc, f.Selections))
		case "edges":
			for _, e := range graphql.CollectFields(oc, f.Selections, []string{"ProductEdge"}) {
				if e.Name == "node" {
					sel = sel.Merge(productFields(oc, e.Selections))
				}
			}
		}
	}
	return sel
}

// listProductSelection reads the product fields selected under a field that returns
// products directly (productRecommendations).
func listProductSelection(ctx context.Context) productSelection {
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return productSelection{}
	}
	return productFields(oc, fc.Field.Selections)
}

func productFields(oc *graphql.OperationContext, set ast.SelectionSet) productSelection {
	var sel productSelection
	for _, f := range graphql.CollectFields(oc, set, []string{"Product", "Node"}) {
		switch f.Name {
		case "priceRange", "compareAtPriceRange":
			sel.Prices = true
		case "variants", "availableForSale", "totalInventory", "variantBySelectedOptions":
			sel.Variants = true
			sel.AllVariantColumns = sel.AllVariantColumns || f.Name == "variantBySelectedOptions"
			sel.Prices = sel.Prices || f.Name != "availableForSale" && f.Name != "totalInventory"
			if f.Name == "variants" && variantsSelectImage(oc, f.Selections) {
				sel.VariantImages = true
			}
		case "images":
			sel.Images = true
		case "featuredImage":
			sel.FeaturedImage = true
		case "options":
			sel.Options = true
			if optionsSelectVariants(oc, f.Selections) {
				sel.Variants, sel.Prices = true, true
			}
		case "selectedOrFirstAvailableVariant", "adjacentVariants":
			sel.Variants, sel.Options, sel.Prices = true, true, true
		case "encodedVariantAvailability", "encodedVariantExistence":
			sel.Variants, sel.Options = true, true
		case "collections":
			sel.Collections = true
		}
	}
	return sel
}

// optionsSelectVariants reports whether a product's options ask for their values'
// firstSelectableVariant, which needs the product's variants.
func optionsSelectVariants(oc *graphql.OperationContext, set ast.SelectionSet) bool {
	for _, f := range graphql.CollectFields(oc, set, []string{"ProductOption", "Node"}) {
		if f.Name != "optionValues" {
			continue
		}
		for _, v := range graphql.CollectFields(oc, f.Selections, []string{"ProductOptionValue", "Node"}) {
			if v.Name == "firstSelectableVariant" {
				return true
			}
		}
	}
	return false
}

func variantsSelectImage(oc *graphql.OperationContext, set ast.SelectionSet) bool {
	var nodes []graphql.CollectedField
	for _, f := range graphql.CollectFields(oc, set, []string{"ProductVariantConnection"}) {
		switch f.Name {
		case "nodes":
			nodes = append(nodes, f)
		case "edges":
			for _, e := range graphql.CollectFields(oc, f.Selections, []string{"ProductVariantEdge"}) {
				if e.Name == "node" {
					nodes = append(nodes, e)
				}
			}
		}
	}
	for _, n := range nodes {
		for _, f := range graphql.CollectFields(oc, n.Selections, []string{"ProductVariant", "Node"}) {
			if f.Name == "image" {
				return true
			}
		}
	}
	return false
}

// prefetchProducts loads what sel says the products' fields will need, one statement per
// kind for all products, and primes the request's loaders with it.
func prefetchProducts(ctx context.Context, products []*ent.Product, sel productSelection) error {
	sel, err := inMarket(ctx, sel)
	if err != nil {
		return err
	}
	return loader.For(ctx).PrefetchProducts(ctx, products, sel)
}

// inMarket adds the request's market to a selection that shows prices, so the prefetch
// reads the market's fixed prices of the products, and the request's language, so it reads
// the products' and their options' translations (variants' selected options and titles
// need the options then); and it decides, for the whole operation, whether variants and
// collections may be read with their listed columns only.
func inMarket(ctx context.Context, sel productSelection) (productSelection, error) {
	lang, err := translating(ctx)
	if err != nil {
		return sel, err
	}
	sel.Language = lang
	if sel.Variants && lang != "" {
		sel.Options = true
	}
	// Variants are read with the listed columns unless something reads their selected
	// options: options (and a translated variant title, which adds them above) read the
	// whole variants of the Variants loader, as variantBySelectedOptions does.
	oc := graphql.GetOperationContext(ctx)
	sel.ListedVariants = sel.Variants && !sel.Options && !sel.AllVariantColumns && readsOnly(oc, "ProductVariant", listedVariantFields)
	sel.ListedCollections = sel.Collections && readsOnly(oc, "Collection", listedCollectionFields)
	if !sel.Prices {
		return sel, nil
	}
	p, err := pricer(ctx)
	if err != nil {
		return sel, err
	}
	sel.Market = p.MarketID
	return sel, nil
}

// searchProductSelection reads the product fields selected under search's edges.node and nodes.
func searchProductSelection(ctx context.Context) productSelection {
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return productSelection{}
	}
	var sel productSelection
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, []string{"SearchResultItemConnection"}) {
		if f.Name == "nodes" {
			sel = sel.Merge(productFields(oc, f.Selections))
		}
		if f.Name != "edges" {
			continue
		}
		for _, e := range graphql.CollectFields(oc, f.Selections, []string{"SearchResultItemEdge"}) {
			if e.Name == "node" {
				sel = sel.Merge(productFields(oc, e.Selections))
			}
		}
	}
	return sel
}

// predictiveProductSelection reads the product fields selected under predictiveSearch's
// products.
func predictiveProductSelection(ctx context.Context) productSelection {
	fc := graphql.GetFieldContext(ctx)
	oc := graphql.GetOperationContext(ctx)
	if fc == nil || oc == nil {
		return productSelection{}
	}
	var sel productSelection
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, []string{"PredictiveSearchResult"}) {
		if f.Name == "products" {
			sel = sel.Merge(productFields(oc, f.Selections))
		}
	}
	return sel
}

// listedVariantFields are the ProductVariant fields that read nothing of a variant past
// catalog.ListedVariantColumns (ID, title, SKU, prices, stock, position, product) when no
// language is asked for (a translated title reads the selected options). A field added to
// ProductVariant is not listed, so it makes variants read whole until it is added here;
// TestListedVariantsAnswerAsWhole checks every listed field against whole variants.
var listedVariantFields = map[string]bool{
	"__typename": true, "id": true, "title": true, "sku": true,
	"price": true, "priceV2": true, "compareAtPrice": true, "compareAtPriceV2": true, "unitPrice": true,
	"quantityAvailable": true, "availableForSale": true, "currentlyNotInStock": true, "product": true,
}

// listedProductFields are the Product fields that read nothing of a product past
// catalog.ListedProductColumns (a translated title is looked up by ID; variants, images,
// collections and availability come from their own reads). TestListedProductsAnswerAsWhole
// checks each against whole products.
var listedProductFields = map[string]bool{
	"__typename": true, "id": true, "handle": true, "title": true, "vendor": true, "productType": true, "isGiftCard": true,
	"priceRange": true, "compareAtPriceRange": true, "availableForSale": true, "totalInventory": true,
	"variants": true, "featuredImage": true, "images": true, "collections": true, "trackingParameters": true, "onlineStoreUrl": true,
}

// readsListedProductColumns reports whether products listed for the operation may be read
// with catalog.ListedProductColumns only. They are primed into the request's Product
// loader too, so every Product selection of the operation counts (a variant's product
// included).
func readsListedProductColumns(ctx context.Context) bool {
	return readsOnly(graphql.GetOperationContext(ctx), "Product", listedProductFields)
}

// listedCollectionFields are the Collection fields that read nothing of a collection past
// catalog.ListedCollectionColumns (ID, handle, title; a translated title is looked up by
// ID). TestListedCollectionsAnswerAsWhole checks each against whole collections.
var listedCollectionFields = map[string]bool{
	"__typename": true, "id": true, "handle": true, "title": true, "trackingParameters": true, "onlineStoreUrl": true,
}

// readsOnly reports whether every field the operation selects on typ, or on an interface
// or union an object of typ could be, is one of fields: then the objects of typ
// prefetched for it may be read with the columns those fields need only.
func readsOnly(oc *graphql.OperationContext, typ string, fields map[string]bool) bool {
	if oc == nil || oc.Operation == nil {
		return false
	}
	var ok func(ast.SelectionSet) bool
	ok = func(set ast.SelectionSet) bool {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if d := s.ObjectDefinition; d == nil ||
					(d.Name == typ || d.Kind == ast.Interface || d.Kind == ast.Union) && !fields[s.Name] {
					return false
				}
				if !ok(s.SelectionSet) {
					return false
				}
			case *ast.InlineFragment:
				if !ok(s.SelectionSet) {
					return false
				}
			case *ast.FragmentSpread:
				if s.Definition == nil || !ok(s.Definition.SelectionSet) {
					return false
				}
			}
		}
		return true
	}
	return ok(oc.Operation.SelectionSet)
}
