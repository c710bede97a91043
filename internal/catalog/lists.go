package catalog

import (
	"context"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/page"
	"storefront/ent/product"
	"storefront/internal/paging"
)

// Collections lists published collections sorted by ID, TITLE, UPDATED_AT or RELEVANCE.
func (s *Service) Collections(ctx context.Context, args Args, sortKey string, filter []func(*entsql.Selector)) (paging.Page[*ent.Collection], error) {
	var order []paging.Term
	switch sortKey {
	case "ID", "RELEVANCE", "":
	case "TITLE":
		order = []paging.Term{{Expr: paging.Column(collection.FieldTitle), Kind: paging.KindString}}
	case "UPDATED_AT":
		order = []paging.Term{{Expr: paging.Column(collection.FieldUpdatedAt), Kind: paging.KindTime}}
	default:
		return paging.Page[*ent.Collection]{}, &paging.InputError{Argument: "sortKey", Message: fmt.Sprintf("unknown sort key %q", sortKey)}
	}
	l := paging.Listing{
		Key:   "COL" + sortKey,
		Table: collection.Table,
		Where: append([]func(*entsql.Selector){s.visibleSQL()}, filter...),
		Order: order,
	}
	w, err := args.Window(l.Key, l.Kinds())
	if err != nil {
		return paging.Page[*ent.Collection]{}, err
	}
	pages, err := paging.List(ctx, s.db, l, w)
	if err != nil {
		return paging.Page[*ent.Collection]{}, err
	}
	rp := pages[0]
	ids := make([]int, len(rp.Refs))
	for i, r := range rp.Refs {
		ids[i] = r.ID
	}
	cs, err := s.db.Collection.Query().Where(collection.IDIn(ids...)).All(ctx)
	if err != nil {
		return paging.Page[*ent.Collection]{}, fmt.Errorf("load collections: %w", err)
	}
	return paging.Assemble(rp, cs, func(c *ent.Collection) int { return c.ID }), nil
}

// Pages lists published pages in ID order.
func (s *Service) Pages(ctx context.Context, args Args) (paging.Page[*ent.Page], error) {
	l := paging.Listing{Key: "PAGE", Table: page.Table, Where: []func(*entsql.Selector){s.visibleSQL()}}
	w, err := args.Window(l.Key, nil)
	if err != nil {
		return paging.Page[*ent.Page]{}, err
	}
	pages, err := paging.List(ctx, s.db, l, w)
	if err != nil {
		return paging.Page[*ent.Page]{}, err
	}
	rp := pages[0]
	ids := make([]int, len(rp.Refs))
	for i, r := range rp.Refs {
		ids[i] = r.ID
	}
	ps, err := s.db.Page.Query().Where(page.IDIn(ids...)).All(ctx)
	if err != nil {
		return paging.Page[*ent.Page]{}, fmt.Errorf("load pages: %w", err)
	}
	return paging.Assemble(rp, ps, func(p *ent.Page) int { return p.ID }), nil
}

// Recommendations returns up to ten published products related to the given one: those
// sharing a collection with it first (most shared collections first), then those of the
// same product type, never the product itself. Nil when the product is not visible.
func (s *Service) Recommendations(ctx context.Context, productID int) ([]*ent.Product, error) {
	const limit = 10
	p, err := s.Product(ctx, productID)
	if err != nil || p == nil {
		return nil, err
	}
	d := entsql.Dialect(s.db.Dialect)
	// Products sharing collections, ranked by the number of shared collections.
	mine := d.Table("collection_products").As("a")
	theirs := d.Table("collection_products").As("b")
	q := d.Select(theirs.C("product_id")).
		AppendSelectExprAs(entsql.Raw("COUNT(*)"), "shared").
		From(mine).
		Join(theirs).On(mine.C("collection_id"), theirs.C("collection_id")).
		Where(entsql.And(entsql.EQ(mine.C("product_id"), productID), entsql.NEQ(theirs.C("product_id"), productID))).
		GroupBy(theirs.C("product_id")).
		OrderExpr(entsql.Raw("shared DESC"), entsql.Raw(theirs.C("product_id")+" ASC")).
		Limit(limit * 5)
	query, args := q.Query()
	var rows entsql.Rows
	if err := s.db.Driver.Query(ctx, query, args, &rows); err != nil {
		return nil, fmt.Errorf("find related products: %w", err)
	}
	var ranked []int
	for rows.Next() {
		var id, n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan related products: %w", err)
		}
		ranked = append(ranked, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find related products: %w", err)
	}
	related, err := s.db.Product.Query().
		Where(product.IDIn(ranked...), s.visibleProduct()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load related products: %w", err)
	}
	out := make([]*ent.Product, 0, limit)
	seen := map[int]bool{productID: true}
	byID := map[int]*ent.Product{}
	for _, r := range related {
		byID[r.ID] = r
	}
	for _, id := range ranked {
		if r := byID[id]; r != nil && !seen[id] && len(out) < limit {
			out = append(out, r)
			seen[id] = true
		}
	}
	if len(out) < limit && p.ProductType != "" {
		same, err := s.db.Product.Query().
			Where(product.ProductType(p.ProductType), product.IDNotIn(keys(seen)...), s.visibleProduct()).
			Order(ent.Desc(product.FieldUnitsSold), ent.Asc(product.FieldID)).
			Limit(limit - len(out)).
			All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load same-type products: %w", err)
		}
		out = append(out, same...)
	}
	return out, nil
}

func keys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
