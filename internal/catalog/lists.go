package catalog

import (
	"context"
	"fmt"
	"sort"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/page"
	"storefront/ent/product"
	"storefront/internal/paging"
	"storefront/internal/searchindex"
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
	cs, err := s.collectionsByID(ctx, ids)
	if err != nil {
		return paging.Page[*ent.Collection]{}, err
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

// Recommendation weights: what a candidate scores for each thing it shares with the
// product. Being bought together weighs most, per order that had both.
const (
	scoreBoughtTogether = 4
	scoreCollection     = 3
	scoreType           = 2
	scoreTag            = 1
	scoreVendor         = 1
	// candidatesPerSignal bounds the rows each signal contributes, so a product type with
	// thousands of products costs no more than one with ten.
	candidatesPerSignal = 200
	recommendations     = 10
)

// Recommendations returns up to ten published products related to the given one, never
// the product itself, best first: each candidate scores for the orders that bought it with
// the product, the collections, tags, product type and vendor it shares with it; ties go
// to the better seller. One statement finds and scores the candidates, one loads them.
// Nil when the product is not visible.
func (s *Service) Recommendations(ctx context.Context, productID int) ([]*ent.Product, error) {
	p, err := s.Product(ctx, productID)
	if err != nil || p == nil {
		return nil, err
	}
	d := entsql.Dialect(s.db.Dialect)
	capped := func(alias string, sel *entsql.Selector) *entsql.Selector {
		sel.Limit(candidatesPerSignal)
		sel.As(alias)
		return d.Select("id", "score").From(sel)
	}
	score := func(n int) entsql.Querier { return entsql.Raw(fmt.Sprint(n)) }
	// Bought together: other products on the orders that had this one.
	l1, l2 := d.Table("order_lines").As("l1"), d.Table("order_lines").As("l2")
	v1, v2 := d.Table("product_variants").As("v1"), d.Table("product_variants").As("v2")
	bought := d.Select().AppendSelectExprAs(entsql.Raw(v2.C("product_id")), "id").
		AppendSelectExprAs(entsql.Raw(fmt.Sprintf("%d * COUNT(DISTINCT %s)", scoreBoughtTogether, l2.C("order_id"))), "score").
		From(v1).Join(l1).On(l1.C("variant_id"), v1.C("id")).
		Join(l2).On(l2.C("order_id"), l1.C("order_id")).
		Join(v2).On(v2.C("id"), l2.C("variant_id")).
		Where(entsql.And(entsql.EQ(v1.C("product_id"), productID), entsql.NEQ(v2.C("product_id"), productID))).
		GroupBy(v2.C("product_id"))
	// Shared collections.
	a, b := d.Table("collection_products").As("a"), d.Table("collection_products").As("b")
	shared := d.Select().AppendSelectExprAs(entsql.Raw(b.C("product_id")), "id").
		AppendSelectExprAs(entsql.Raw(fmt.Sprintf("%d * COUNT(*)", scoreCollection)), "score").
		From(a).Join(b).On(a.C("collection_id"), b.C("collection_id")).
		Where(entsql.And(entsql.EQ(a.C("product_id"), productID), entsql.NEQ(b.C("product_id"), productID))).
		GroupBy(b.C("product_id"))
	same := func(column string, value string, n int) *entsql.Selector {
		t := d.Table(product.Table).As("p")
		return d.Select().AppendSelectExprAs(entsql.Raw(t.C("id")), "id").AppendSelectExprAs(score(n), "score").From(t).
			Where(entsql.And(entsql.EQ(t.C(column), value), entsql.NEQ(t.C("id"), productID))).
			OrderBy(entsql.Desc(t.C(product.FieldUnitsSold)))
	}
	parts := []*entsql.Selector{capped("bt", bought), capped("sc", shared)}
	if p.ProductType != "" {
		parts = append(parts, capped("ty", same(product.FieldProductType, p.ProductType, scoreType)))
	}
	if p.Vendor != "" {
		parts = append(parts, capped("ve", same(product.FieldVendor, p.Vendor, scoreVendor)))
	}
	// Shared tags, through the search index's tags field: one part per tag.
	for i, tag := range p.Tags {
		words := searchindex.FoldWords(tag)
		if len(words) == 0 || i >= 20 {
			continue
		}
		var e searchindex.Expr = searchindex.Phrase(words)
		if len(words) == 1 {
			e = searchindex.Word{Text: words[0]}
		}
		t := d.Table(product.Table).As("p")
		parts = append(parts, capped(fmt.Sprintf("tg%d", i), d.Select().AppendSelectExprAs(entsql.Raw(t.C("id")), "id").
			AppendSelectExprAs(score(scoreTag), "score").From(t).
			Where(entsql.And(s.db.Search.Engine.Matches(searchindex.Products, t.C("id"), e, searchindex.TagsOnly), entsql.NEQ(t.C("id"), productID)))))
	}
	union := parts[0]
	for _, part := range parts[1:] {
		union.UnionAll(part)
	}
	union.As("c")
	q := d.Select("id").AppendSelectExprAs(entsql.Raw("SUM(score)"), "total").From(union).
		GroupBy("id").OrderExpr(entsql.Raw("SUM(score) DESC"), entsql.Raw("id ASC")).Limit(recommendations * 5)
	query, args := q.Query()
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find related products: %w", err)
	}
	defer rows.Close()
	var ranked []int
	scores := map[int]int{}
	for rows.Next() {
		var id, n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("scan related products: %w", err)
		}
		ranked = append(ranked, id)
		scores[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find related products: %w", err)
	}
	related, err := s.db.Product.Query().Where(product.IDIn(ranked...), s.visibleProduct()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load related products: %w", err)
	}
	sort.Slice(related, func(i, j int) bool {
		a, b := related[i], related[j]
		if scores[a.ID] != scores[b.ID] {
			return scores[a.ID] > scores[b.ID]
		}
		if a.UnitsSold != b.UnitsSold {
			return a.UnitsSold > b.UnitsSold
		}
		return a.ID < b.ID
	})
	return related[:min(len(related), recommendations)], nil
}
