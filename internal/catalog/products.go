package catalog

import (
	"context"
	"fmt"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/collectionproduct"
	"storefront/ent/marketprice"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/market"
	"storefront/internal/paging"
	"storefront/internal/searchindex"
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
// ranked says whether the listing joins full-text matches (as rankAlias) to rank by; pr is
// the market whose prices PRICE sorts by.
func productOrder(key ProductSort, ranked bool, pr market.Pricer) ([]paging.Term, error) {
	switch key {
	case SortID, "":
		return nil, nil
	case SortTitle:
		return []paging.Term{{Expr: paging.Column("title"), Kind: paging.KindString}}, nil
	case SortPrice:
		return []paging.Term{priceTerm(pr)}, nil
	case SortBestSelling:
		return []paging.Term{{Expr: paging.Column("units_sold"), Kind: paging.KindInt, Desc: true}}, nil
	case SortCreated:
		return []paging.Term{{Expr: paging.Column("created_at"), Kind: paging.KindTime}}, nil
	case SortUpdated:
		return []paging.Term{{Expr: paging.Column("updated_at"), Kind: paging.KindTime}}, nil
	case SortProductType:
		return []paging.Term{{Expr: paging.Column("product_type"), Kind: paging.KindString}}, nil
	case SortVendor:
		return []paging.Term{{Expr: paging.Column("vendor"), Kind: paging.KindString}}, nil
	case SortRelevance:
		if !ranked {
			return nil, nil
		}
		return []paging.Term{{Expr: searchindex.Rank(rankAlias), Kind: paging.KindInt, Desc: true}}, nil
	case SortManual:
		return []paging.Term{{Expr: func(b *entsql.Builder) { b.Ident("cp").WriteByte('.').Ident(collectionproduct.FieldPosition) }, Kind: paging.KindInt}}, nil
	}
	return nil, &paging.InputError{Argument: "sortKey", Message: fmt.Sprintf("unknown sort key %q", key)}
}

// priceTerm orders products by the lowest price pr's market shows for them. In the shop
// currency, or in a market without fixed prices for a product, that is its lowest shop
// price (converted and rounded: conversion never reverses an order); a product with fixed
// prices in the market is placed by the lowest of its variants' fixed or converted prices,
// all in the market's currency, so both kinds compare. The fixed-price test goes through
// the market prices' (market, product) index; only products that have some read their
// variants.
func priceTerm(pr market.Pricer) paging.Term {
	minPrice := paging.Term{Expr: paging.Column(product.FieldMinPrice), Kind: paging.KindInt}
	if pr.MarketID == 0 {
		return minPrice
	}
	converted, ok := pr.SQLPrice("t." + product.FieldMinPrice)
	variantPrice, ok2 := pr.SQLPrice("v." + productvariant.FieldPrice)
	if !ok || !ok2 {
		return minPrice
	}
	mp := func(alias string) string {
		return fmt.Sprintf("%s %s WHERE %s.%s = %d", marketprice.Table, alias, alias, marketprice.FieldMarketID, pr.MarketID)
	}
	expr := fmt.Sprintf("CASE WHEN EXISTS (SELECT 1 FROM %s AND f.%s = t.id) THEN COALESCE((SELECT MIN(COALESCE(mp.%s, %s)) FROM %s v LEFT JOIN %s AND mp.%s = v.id WHERE v.%s = t.id), 0) ELSE %s END",
		mp("f"), marketprice.FieldProductID, marketprice.FieldPrice, variantPrice, productvariant.Table, strings.Replace(mp("mp"), " WHERE ", " ON ", 1), marketprice.FieldVariantID, productvariant.FieldProductID, converted)
	return paging.Term{Expr: func(b *entsql.Builder) { b.WriteString(expr) }, Kind: paging.KindInt}
}

// ProductListOptions select and order the products of a listing.
type ProductListOptions struct {
	Sort ProductSort
	// Query is a search query in Shopify's syntax (free text through the search index,
	// tag:, vendor:, variants.price:… as conditions); RELEVANCE ranks by its text matches.
	Query string
	// Currency is the shop currency, for amounts in Query.
	Currency string
	// Pricer is the buyer's market, whose prices PRICE sorts by.
	Pricer market.Pricer
	// ListedColumns: read the products' ListedProductColumns only (the caller knows no
	// field it will show reads more).
	ListedColumns bool
}

// Products lists published products, one page, in two statements whatever the page size.
func (s *Service) Products(ctx context.Context, args Args, opts ProductListOptions) (paging.Page[*ent.Product], error) {
	q, err := ParseQuery(opts.Query)
	if err != nil {
		return paging.Page[*ent.Product]{}, err
	}
	c := &textCompiler{dialect: s.db.Dialect, currency: opts.Currency, engine: s.db.Search.Engine}
	root := c.convert(q.Root)
	if err := c.validate(root); err != nil {
		return paging.Page[*ent.Product]{}, err
	}
	where, ranked := c.where(searchindex.Products, root, opts.Sort == SortRelevance)
	order, err := productOrder(opts.Sort, ranked, opts.Pricer)
	if err != nil {
		return paging.Page[*ent.Product]{}, err
	}
	l := paging.Listing{
		Key:   string(opts.Sort),
		Table: product.Table,
		Where: append([]func(*entsql.Selector){s.visibleSQL()}, where...),
		Order: order,
		Row:   listedProducts,
	}
	if opts.ListedColumns {
		l.Row = listedProductColumns
	}
	w, err := args.Window(l.Key, l.Kinds())
	if err != nil {
		return paging.Page[*ent.Product]{}, err
	}
	pages, err := paging.List(ctx, s.db, l, w)
	if err != nil {
		return paging.Page[*ent.Product]{}, err
	}
	out, err := s.loadProductPages(ctx, pages)
	if err != nil {
		return paging.Page[*ent.Product]{}, err
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
// PRICE sorts by the prices pr's market shows.
func (s *Service) CollectionProducts(ctx context.Context, collectionIDs []int, args Args, sort ProductSort, filter []func(*entsql.Selector), pr market.Pricer) (map[int]paging.Page[*ent.Product], error) {
	order, err := productOrder(sort, false, pr)
	if err != nil {
		return nil, err
	}
	cp := entsql.Dialect(s.db.Dialect).Table(collectionproduct.Table).As("cp")
	l := paging.Listing{
		Key:   "C" + string(sort),
		Table: product.Table,
		Where: append([]func(*entsql.Selector){
			func(sel *entsql.Selector) {
				sel.Join(cp).On(sel.C(product.FieldID), cp.C(collectionproduct.FieldProductID))
			},
			s.visibleSQL(),
		}, filter...),
		Order:     order,
		Partition: cp.C(collectionproduct.FieldCollectionID),
		Parents:   collectionIDs,
		Row:       listedProducts,
	}
	w, err := args.Window(l.Key, l.Kinds())
	if err != nil {
		return nil, err
	}
	pages, err := paging.List(ctx, s.db, l, w)
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
func (s *Service) loadProductPages(ctx context.Context, pages map[int]*paging.RefPage) (map[int]paging.Page[*ent.Product], error) {
	var ids []int
	byID := map[int]*ent.Product{}
	for _, p := range pages {
		for _, r := range p.Refs {
			if prod, ok := r.Item.(*ent.Product); ok {
				byID[r.ID] = prod // read by the listing itself
			} else {
				ids = append(ids, r.ID)
			}
		}
	}
	if len(ids) > 0 {
		ps, err := s.productsByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			byID[p.ID] = p
		}
	}
	out := make(map[int]paging.Page[*ent.Product], len(pages))
	for parent, p := range pages {
		pg := paging.Page[*ent.Product]{HasNextPage: p.HasNext, HasPreviousPage: p.HasPrev}
		for i, r := range p.Refs {
			if prod := byID[r.ID]; prod != nil {
				pg.Items = append(pg.Items, prod)
				pg.Cursors = append(pg.Cursors, p.Cursor(i))
			}
		}
		out[parent] = pg
	}
	return out, nil
}
