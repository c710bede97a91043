package catalog

import (
	"context"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/page"
	"storefront/ent/product"
)

// Collections lists published collections sorted by ID, TITLE, UPDATED_AT or RELEVANCE.
func (s *Service) Collections(ctx context.Context, args Args, sortKey string, filter []func(*entsql.Selector)) (Page[*ent.Collection], error) {
	var order []term
	switch sortKey {
	case "ID", "RELEVANCE", "":
	case "TITLE":
		order = []term{{expr: column(collection.FieldTitle), kind: kindString}}
	case "UPDATED_AT":
		order = []term{{expr: column(collection.FieldUpdatedAt), kind: kindTime}}
	default:
		return Page[*ent.Collection]{}, &InputError{Argument: "sortKey", Message: fmt.Sprintf("unknown sort key %q", sortKey)}
	}
	l := listing{
		key:   "COL" + sortKey,
		table: collection.Table,
		where: append([]func(*entsql.Selector){s.visibleSQL()}, filter...),
		order: order,
	}
	w, err := args.window(l.key, l.kinds())
	if err != nil {
		return Page[*ent.Collection]{}, err
	}
	pages, err := s.list(ctx, l, w)
	if err != nil {
		return Page[*ent.Collection]{}, err
	}
	rp := pages[0]
	ids := make([]int, len(rp.refs))
	for i, r := range rp.refs {
		ids[i] = r.id
	}
	cs, err := s.db.Collection.Query().Where(collection.IDIn(ids...)).All(ctx)
	if err != nil {
		return Page[*ent.Collection]{}, fmt.Errorf("load collections: %w", err)
	}
	return assemble(rp, cs, func(c *ent.Collection) int { return c.ID }), nil
}

// Pages lists published pages in ID order.
func (s *Service) Pages(ctx context.Context, args Args) (Page[*ent.Page], error) {
	l := listing{key: "PAGE", table: page.Table, where: []func(*entsql.Selector){s.visibleSQL()}}
	w, err := args.window(l.key, nil)
	if err != nil {
		return Page[*ent.Page]{}, err
	}
	pages, err := s.list(ctx, l, w)
	if err != nil {
		return Page[*ent.Page]{}, err
	}
	rp := pages[0]
	ids := make([]int, len(rp.refs))
	for i, r := range rp.refs {
		ids[i] = r.id
	}
	ps, err := s.db.Page.Query().Where(page.IDIn(ids...)).All(ctx)
	if err != nil {
		return Page[*ent.Page]{}, fmt.Errorf("load pages: %w", err)
	}
	return assemble(rp, ps, func(p *ent.Page) int { return p.ID }), nil
}

// assemble puts loaded rows into the order list found them, with their cursors.
func assemble[T any](rp *refPage, items []T, id func(T) int) Page[T] {
	byID := make(map[int]T, len(items))
	for _, it := range items {
		byID[id(it)] = it
	}
	pg := Page[T]{HasNextPage: rp.hasNext, HasPreviousPage: rp.hasPrev}
	for i, r := range rp.refs {
		if it, ok := byID[r.id]; ok {
			pg.Items = append(pg.Items, it)
			pg.Cursors = append(pg.Cursors, rp.cursor(i))
		}
	}
	return pg
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
