package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/page"
	"storefront/ent/product"
	"storefront/internal/paging"
	"storefront/internal/searchindex"
)

// SearchRequest is the search query's arguments.
type SearchRequest struct {
	Query string
	// Types are the result types wanted: PRODUCT, PAGE, ARTICLE (the shop has no blog, so
	// articles never match). Empty means all.
	Types   []string
	Filters []ProductFilter
	// Sort is RELEVANCE (the default) or PRICE.
	Sort string
	// Unavailable says where products without stock go: SHOW (in place), HIDE, or LAST
	// (the default).
	Unavailable string
	// Prefix LAST matches the last word of the query as a word prefix; NONE (the default)
	// matches whole words.
	Prefix   string
	Args     Args
	Currency string
}

// SearchItem is one search result: a product or a page.
type SearchItem struct {
	Product *ent.Product
	Page    *ent.Page
}

// SearchResult is one page of search results; the total and the facets are computed only
// when asked for.
type SearchResult struct {
	Page[SearchItem]
	plan *searchPlan

	totalOnce sync.Once
	total     int
	totalErr  error
}

// Listing keys of the two result kinds, which also mark whose cursor a client sends back.
const (
	searchProductsKey = "SEARCH"
	searchPagesKey    = "SEARCHPAGE"
)

// searchPlan is a search request translated to SQL: a listing of products and one of
// pages, either of which may be off.
type searchPlan struct {
	svc      *Service
	req      SearchRequest
	products *paging.Listing
	pages    *paging.Listing
	// productBase selects the products the query matches (before filters), for facets.
	productBase []func(*entsql.Selector)
	// productCount and pageCount select the results without ranking them, for totalCount.
	productCount, pageCount []func(*entsql.Selector)
	term                    string
}

// rankAlias is the alias of the joined full-text matches in search statements.
const rankAlias = "m"

// Search runs the search query: products (then pages) matching a Shopify search query,
// ranked by relevance (title matches first) or price, filtered by product filters. The
// first page of every search is recorded for the search reports.
func (s *Service) Search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	plan, err := s.planSearch(ctx, req)
	if err != nil {
		return nil, err
	}
	a := req.Args
	if _, err := (Args{First: a.First, Last: a.Last}).Window("", nil); err != nil {
		return nil, err
	}
	cursorOf := func(c *string) string {
		if c == nil {
			return ""
		}
		return paging.CursorKey(*c)
	}
	var prods, pages *paging.RefPage
	var hasNext, hasPrev bool
	run := func(l *paging.Listing, args Args) (*paging.RefPage, error) {
		w, err := args.Window(l.Key, l.Kinds())
		if err != nil {
			return nil, err
		}
		rp, err := paging.List(ctx, s.db, *l, w)
		if err != nil {
			return nil, err
		}
		return rp[0], nil
	}
	// Products come first, then pages; a cursor tells which list to continue.
	if a.Last == nil {
		limit := *a.First
		hasPrev = a.After != nil
		if plan.products != nil && cursorOf(a.After) != searchPagesKey {
			// a product cursor, or none: start or continue with products
			if prods, err = run(plan.products, Args{First: &limit, After: a.After, Reverse: a.Reverse}); err != nil {
				return nil, err
			}
			hasNext = prods.HasNext
			if !hasNext && plan.pages != nil {
				rest := limit - len(prods.Refs)
				probe := max(rest, 1)
				if pages, err = run(plan.pages, Args{First: &probe, Reverse: a.Reverse}); err != nil {
					return nil, err
				}
				hasNext = pages.HasNext || (rest == 0 && len(pages.Refs) > 0)
				if rest == 0 {
					pages = nil
				}
			}
		} else if plan.pages != nil {
			if pages, err = run(plan.pages, Args{First: &limit, After: a.After, Reverse: a.Reverse}); err != nil {
				return nil, err
			}
			hasNext = pages.HasNext
		} else if a.After != nil {
			return nil, &InputError{Argument: "after", Message: "invalid cursor: use a cursor from the same connection and sort order"}
		}
	} else {
		limit := *a.Last
		hasNext = a.Before != nil
		if plan.pages != nil && (plan.products == nil || cursorOf(a.Before) != plan.products.Key) {
			// a page cursor, or none: start or continue with pages
			if pages, err = run(plan.pages, Args{Last: &limit, Before: a.Before, Reverse: a.Reverse}); err != nil {
				return nil, err
			}
			hasPrev = pages.HasPrev
			if !hasPrev && plan.products != nil {
				rest := limit - len(pages.Refs)
				probe := max(rest, 1)
				if prods, err = run(plan.products, Args{Last: &probe, Reverse: a.Reverse}); err != nil {
					return nil, err
				}
				hasPrev = prods.HasPrev || (rest == 0 && len(prods.Refs) > 0)
				if rest == 0 {
					prods = nil
				}
			}
		} else if plan.products != nil {
			if prods, err = run(plan.products, Args{Last: &limit, Before: a.Before, Reverse: a.Reverse}); err != nil {
				return nil, err
			}
			hasPrev = prods.HasPrev
		} else if a.Before != nil {
			return nil, &InputError{Argument: "before", Message: "invalid cursor: use a cursor from the same connection and sort order"}
		}
	}
	res := &SearchResult{plan: plan}
	res.HasNextPage, res.HasPreviousPage = hasNext, hasPrev
	if prods != nil && len(prods.Refs) > 0 {
		ps, err := s.db.Product.Query().Where(product.IDIn(refIDs(prods)...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load products: %w", err)
		}
		pg := paging.Assemble(prods, ps, func(p *ent.Product) int { return p.ID })
		for i, p := range pg.Items {
			res.Items = append(res.Items, SearchItem{Product: p})
			res.Cursors = append(res.Cursors, pg.Cursors[i])
		}
	}
	if pages != nil && len(pages.Refs) > 0 {
		ps, err := s.db.Page.Query().Where(page.IDIn(refIDs(pages)...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load pages: %w", err)
		}
		pg := paging.Assemble(pages, ps, func(p *ent.Page) int { return p.ID })
		for i, p := range pg.Items {
			res.Items = append(res.Items, SearchItem{Page: p})
			res.Cursors = append(res.Cursors, pg.Cursors[i])
		}
	}
	if a.After == nil && a.Before == nil && plan.term != "" {
		if n, err := res.TotalCount(ctx); err == nil {
			s.recordSearch(ctx, plan.term, n)
		}
	}
	return res, nil
}

func refIDs(rp *paging.RefPage) []int {
	ids := make([]int, len(rp.Refs))
	for i, r := range rp.Refs {
		ids[i] = r.ID
	}
	return ids
}

// TotalCount is the number of results over all pages (products and pages).
func (r *SearchResult) TotalCount(ctx context.Context) (int, error) {
	r.totalOnce.Do(func() {
		for _, l := range []struct {
			table string
			where []func(*entsql.Selector)
			on    bool
		}{{product.Table, r.plan.productCount, r.plan.products != nil}, {page.Table, r.plan.pageCount, r.plan.pages != nil}} {
			if !l.on {
				continue
			}
			n, err := r.plan.count(ctx, l.table, l.where)
			if err != nil {
				r.totalErr = err
				return
			}
			r.total += n
		}
	})
	return r.total, r.totalErr
}

func (p *searchPlan) count(ctx context.Context, table string, where []func(*entsql.Selector)) (int, error) {
	svc := p.svc
	t := entsql.Dialect(svc.db.Dialect).Table(table).As("t")
	sel := entsql.Dialect(svc.db.Dialect).Select().AppendSelectExprAs(entsql.Raw("COUNT(*)"), "n").From(t)
	for _, f := range where {
		f(sel)
	}
	query, args := sel.Query()
	rows, err := svc.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("count search results: %w", err)
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("count search results: %w", err)
		}
	}
	return n, rows.Err()
}

// Facets are the product filters of the search: the products the query matches, counted
// by each filter value under the other active filters.
func (r *SearchResult) Facets(ctx context.Context) ([]Facet, error) {
	if r.plan.products == nil {
		return []Facet{}, nil
	}
	return r.plan.svc.Facets(ctx, r.plan.productBase, r.plan.req.Filters, r.plan.req.Currency)
}

func (s *Service) planSearch(ctx context.Context, req SearchRequest) (*searchPlan, error) {
	q, err := ParseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	wants := func(t string) bool { return len(req.Types) == 0 || slices.Contains(req.Types, t) }
	c := &textCompiler{dialect: s.db.Dialect, currency: req.Currency, engine: s.db.Search.Engine, prefixLast: req.Prefix == "LAST"}
	if err := c.lookupCorrections(ctx, s.db, q); err != nil {
		return nil, err
	}
	root := c.convert(q.Root)
	if err := c.validate(root); err != nil {
		return nil, err
	}
	plan := &searchPlan{req: req, svc: s, term: normalizeTerm(req.Query)}
	unavailable := req.Unavailable
	if unavailable == "" {
		unavailable = "LAST"
	}
	inStock := func(s *entsql.Selector) *entsql.Predicate {
		id := s.C("id") // now: the selector may be renamed before it is built
		return entsql.P(func(b *entsql.Builder) {
			b.WriteString("EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = " + id + " AND v.available > 0)")
		})
	}
	if wants("PRODUCT") {
		filter, _, err := FilterPredicate(s.db.Dialect, req.Currency, req.Filters)
		if err != nil {
			return nil, err
		}
		base, ranked := c.where(searchindex.Products, root, true)
		plain, _ := c.where(searchindex.Products, root, false)
		if unavailable == "HIDE" {
			hide := func(s *entsql.Selector) { s.Where(inStock(s)) }
			base, plain = append(base, hide), append(plain, hide)
		}
		plan.productBase = plain
		l := &paging.Listing{Key: searchProductsKey, Table: product.Table, Where: append([]func(*entsql.Selector){s.visibleSQL()}, base...)}
		plan.productCount = append([]func(*entsql.Selector){s.visibleSQL()}, plain...)
		if filter != nil {
			l.Where = append(l.Where, filter)
			plan.productCount = append(plan.productCount, filter)
		}
		if unavailable == "LAST" {
			l.Order = append(l.Order, paging.Term{Kind: paging.KindInt, Expr: func(b *entsql.Builder) {
				b.WriteString("CASE WHEN EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = t.id AND v.available > 0) THEN 0 ELSE 1 END")
			}})
		}
		switch req.Sort {
		case "", "RELEVANCE":
			if ranked {
				l.Order = append(l.Order, paging.Term{Expr: searchindex.Rank(rankAlias), Kind: paging.KindInt, Desc: true})
			} else {
				l.Order = append(l.Order, paging.Term{Expr: paging.Column(product.FieldUnitsSold), Kind: paging.KindInt, Desc: true})
			}
		case "PRICE":
			l.Order = append(l.Order, paging.Term{Expr: paging.Column(product.FieldMinPrice), Kind: paging.KindInt})
		default:
			return nil, &InputError{Argument: "sortKey", Message: fmt.Sprintf("unknown sort key %q", req.Sort)}
		}
		l.Key += req.Sort + unavailable
		plan.products = l
	}
	// Pages match free text only: product filters and field terms leave them out.
	if wants("PAGE") && len(req.Filters) == 0 && !c.hasFields(root) && root != nil {
		base, ranked := c.where(searchindex.Pages, root, true)
		plain, _ := c.where(searchindex.Pages, root, false)
		plan.pageCount = append([]func(*entsql.Selector){s.visibleSQL()}, plain...)
		l := &paging.Listing{Key: searchPagesKey, Table: page.Table, Where: append([]func(*entsql.Selector){s.visibleSQL()}, base...)}
		if ranked {
			l.Order = []paging.Term{{Expr: searchindex.Rank(rankAlias), Kind: paging.KindInt, Desc: true}}
		}
		plan.pages = l
	}
	return plan, nil
}

// normalizeTerm is the form a search is recorded under: folded, single-spaced, bounded.
func normalizeTerm(q string) string {
	t := strings.Join(strings.Fields(searchindex.Fold(q)), " ")
	if r := []rune(t); len(r) > 255 {
		t = string(r[:255])
	}
	return t
}
