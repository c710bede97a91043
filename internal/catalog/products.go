package catalog

import (
	"context"
	"fmt"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/collectionproduct"
	"storefront/ent/product"
)

// ProductSort is a sort key of the products query (ProductSortKeys) or of a collection's
// products (ProductCollectionSortKeys).
type ProductSort string

// Product sort keys.
const (
	SortID          ProductSort = "ID"
	SortTitle       ProductSort = "TITLE"
	SortPrice       ProductSort = "PRICE"
	SortBestSelling ProductSort = "BEST_SELLING"
	SortCreated     ProductSort = "CREATED_AT"
	SortUpdated     ProductSort = "UPDATED_AT"
	SortProductType ProductSort = "PRODUCT_TYPE"
	SortVendor      ProductSort = "VENDOR"
	SortRelevance   ProductSort = "RELEVANCE"
	SortManual      ProductSort = "MANUAL"
)

// productOrder returns the ORDER BY terms of a product sort key (ID is the tie-breaker of all).
func productOrder(key ProductSort, relevance []string) ([]term, error) {
	switch key {
	case SortID, "":
		return nil, nil
	case SortTitle:
		return []term{{expr: column("title"), kind: kindString}}, nil
	case SortPrice:
		return []term{{expr: column("min_price"), kind: kindInt}}, nil
	case SortBestSelling:
		return []term{{expr: column("units_sold"), kind: kindInt, desc: true}}, nil
	case SortCreated:
		return []term{{expr: column("created_at"), kind: kindTime}}, nil
	case SortUpdated:
		return []term{{expr: column("updated_at"), kind: kindTime}}, nil
	case SortProductType:
		return []term{{expr: column("product_type"), kind: kindString}}, nil
	case SortVendor:
		return []term{{expr: column("vendor"), kind: kindString}}, nil
	case SortRelevance:
		if len(relevance) == 0 {
			return nil, nil
		}
		return []term{{expr: titleMatches(relevance), kind: kindInt, desc: true}}, nil
	case SortManual:
		return []term{{expr: func(b *entsql.Builder) { b.Ident("cp").WriteByte('.').Ident(collectionproduct.FieldPosition) }, kind: kindInt}}, nil
	}
	return nil, &InputError{Argument: "sortKey", Message: fmt.Sprintf("unknown sort key %q", key)}
}

// titleMatches scores a product by how many of the free-text terms its title contains,
// so RELEVANCE puts title matches first.
func titleMatches(terms []string) func(b *entsql.Builder) {
	return func(b *entsql.Builder) {
		b.WriteByte('(')
		for i, t := range terms {
			if i > 0 {
				b.WriteString(" + ")
			}
			b.WriteString("CASE WHEN LOWER(").Ident("t").WriteByte('.').Ident(product.FieldTitle).WriteString(") LIKE ")
			b.Arg("%" + likeEscape(strings.ToLower(t)) + "%")
			b.WriteString(" ESCAPE '\\' THEN 1 ELSE 0 END")
		}
		b.WriteByte(')')
	}
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ProductListOptions select and order the products of a listing.
type ProductListOptions struct {
	Sort ProductSort
	// Filter narrows the products (e.g. a parsed search query or ProductFilters).
	Filter []func(*entsql.Selector)
	// Relevance lists free-text terms that RELEVANCE ranks by.
	Relevance []string
}

// Products lists published products, one page, in two statements whatever the page size.
func (s *Service) Products(ctx context.Context, args Args, opts ProductListOptions) (Page[*ent.Product], error) {
	order, err := productOrder(opts.Sort, opts.Relevance)
	if err != nil {
		return Page[*ent.Product]{}, err
	}
	l := listing{
		key:   string(opts.Sort),
		table: product.Table,
		where: append([]func(*entsql.Selector){s.visibleSQL()}, opts.Filter...),
		order: order,
	}
	w, err := args.window(l.key, l.kinds())
	if err != nil {
		return Page[*ent.Product]{}, err
	}
	pages, err := s.list(ctx, l, w)
	if err != nil {
		return Page[*ent.Product]{}, err
	}
	out, err := s.loadProductPages(ctx, pages)
	if err != nil {
		return Page[*ent.Product]{}, err
	}
	return out[0], nil
}

// CollectionProductsKey identifies one Collection.products page request; requests with
// equal keys but for other collections are answered by one statement.
type CollectionProductsKey struct {
	Args    Args
	Sort    ProductSort
	Filters string // canonical form of the ProductFilters, for grouping
}

// CollectionProducts lists the published products of several collections at once, a page
// per collection, in two statements. Sort MANUAL follows the collection's manual order.
func (s *Service) CollectionProducts(ctx context.Context, collectionIDs []int, args Args, sort ProductSort, filter []func(*entsql.Selector)) (map[int]Page[*ent.Product], error) {
	order, err := productOrder(sort, nil)
	if err != nil {
		return nil, err
	}
	cp := entsql.Dialect(s.db.Dialect).Table(collectionproduct.Table).As("cp")
	l := listing{
		key:   "C" + string(sort),
		table: product.Table,
		where: append([]func(*entsql.Selector){
			func(sel *entsql.Selector) {
				sel.Join(cp).On(sel.C(product.FieldID), cp.C(collectionproduct.FieldProductID))
			},
			s.visibleSQL(),
		}, filter...),
		order:     order,
		partition: cp.C(collectionproduct.FieldCollectionID),
		parents:   collectionIDs,
	}
	w, err := args.window(l.key, l.kinds())
	if err != nil {
		return nil, err
	}
	pages, err := s.list(ctx, l, w)
	if err != nil {
		return nil, err
	}
	return s.loadProductPages(ctx, pages)
}

// EffectiveCollectionSort resolves COLLECTION_DEFAULT (and RELEVANCE, which Shopify treats
// the same way without a search) to the collection's own sort order.
func EffectiveCollectionSort(c *ent.Collection, requested string) ProductSort {
	switch requested {
	case "", "COLLECTION_DEFAULT", "RELEVANCE":
		switch c.SortOrder {
		case collection.SortOrderBEST_SELLING:
			return SortBestSelling
		case collection.SortOrderTITLE:
			return SortTitle
		case collection.SortOrderPRICE:
			return SortPrice
		case collection.SortOrderCREATED:
			return SortCreated
		default:
			return SortManual
		}
	case "CREATED":
		return SortCreated
	}
	return ProductSort(requested)
}

// loadProductPages loads the products that list found, in one statement for all pages.
func (s *Service) loadProductPages(ctx context.Context, pages map[int]*refPage) (map[int]Page[*ent.Product], error) {
	var ids []int
	for _, p := range pages {
		for _, r := range p.refs {
			ids = append(ids, r.id)
		}
	}
	byID := map[int]*ent.Product{}
	if len(ids) > 0 {
		ps, err := s.db.Product.Query().Where(product.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load products: %w", err)
		}
		for _, p := range ps {
			byID[p.ID] = p
		}
	}
	out := make(map[int]Page[*ent.Product], len(pages))
	for parent, p := range pages {
		pg := Page[*ent.Product]{HasNextPage: p.hasNext, HasPreviousPage: p.hasPrev}
		for i, r := range p.refs {
			if prod := byID[r.id]; prod != nil {
				pg.Items = append(pg.Items, prod)
				pg.Cursors = append(pg.Cursors, p.cursor(i))
			}
		}
		out[parent] = pg
	}
	return out, nil
}
