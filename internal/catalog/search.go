package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/page"
	"storefront/ent/product"
	"storefront/internal/market"
	"storefront/internal/paging"
	"storefront/internal/searchindex"
)

// SearchRequest is the search query's arguments.
type SearchRequest struct {
	Query string
	// Types are the result types wanted: PRODUCT, PAGE, ARTICLE. Empty means all.
	Types   []string
	Filters []ProductFilter
	// Sort is RELEVANCE (the default) or PRICE.
	Sort string
	// Unavailable says where products without stock go: SHOW (in place), HIDE, or LAST
	// (the default).
	Unavailable string
	// Prefix LAST matches the last word of the query as a word prefix; NONE (the default)
	// matches whole words.
	Prefix string
	Args   Args
	// Currency is the shop currency, of prices in the query text (variants.price:<20).
	Currency string
	// Pricer is the buyer's market, whose currency price filters and the price facet use.
	Pricer market.Pricer
	// Language, when set, is the LanguageCode (not the shop's) option facets are labelled in.
	Language string
}

// SearchItem is one search result: a product, a page or an article.
type SearchItem struct {
	Product *ent.Product
	Page    *ent.Page
	Article *ent.Article
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
	searchArticlesKey = "SEARCHARTICLE"
)

// searchPlan is a search request translated to SQL: a listing of products, one of pages
// and one of articles, any of which may be off.
type searchPlan struct {
	svc      *Service
	req      SearchRequest
	products *paging.Listing
	pages    *paging.Listing
	articles *paging.Listing
	// productBase selects the products the query matches (before filters), for facets.
	productBase []func(*entsql.Selector)
	// productCount and pageCount select the results without ranking them, for totalCount.
	productCount, pageCount, articleCount []func(*entsql.Selector)
	term                                  string
}

// lists are the plan's listings that are on, in the order results come in.
func (p *searchPlan) lists() []*paging.Listing {
	var out []*paging.Listing
	for _, l := range []*paging.Listing{p.products, p.pages, p.articles} {
		if l != nil {
			out = append(out, l)
		}
	}
	return out
}

// assemble loads the rows of one page of refs and appends them to res in the page's order.
func assemble[T any](ctx context.Context, load func(context.Context) ([]T, error), rp *paging.RefPage, res *SearchResult, id func(T) int, item func(T) SearchItem) error {
	rows, err := load(ctx)
	if err != nil {
		return fmt.Errorf("load search results: %w", err)
	}
	pg := paging.Assemble(rp, rows, id)
	for i, r := range pg.Items {
		res.Items = append(res.Items, item(r))
		res.Cursors = append(res.Cursors, pg.Cursors[i])
	}
	return nil
}

// rankAlias is the alias of the joined full-text matches in search statements.
const rankAlias = "m"

// Search runs the search query: products (then pages) matching a Shopify search query,
// ranked by relevance (title matches first) or price, filtered by product filters. The
// first page of every search is recorded for the search reports.
func (s *Service) Search(ctx context.Context, req SearchRequest) (*SearchResult, error) {
	if req.Pricer.Currency == "" {
		req.Pricer = market.ShopPricer(req.Currency)
	}
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
	// Products come first, then pages, then articles; a cursor tells which list to
	// continue. A list is read only once the one before it is exhausted; when the page is
	// full, the next non-empty list is probed for one row to tell whether there is more.
	lists := plan.lists()
	got := make([]*paging.RefPage, len(lists))
	at := func(cursor *string, fallback int) int {
		if cursor != nil {
			for i, l := range lists {
				if l.Key == cursorOf(cursor) {
					return i
				}
			}
		}
		return fallback // no cursor, or one of no list: that list refuses it
	}
	if a.Last == nil {
		if len(lists) == 0 && a.After != nil {
			return nil, &InputError{Argument: "after", Message: "invalid cursor: use a cursor from the same connection and sort order"}
		}
		limit := *a.First
		hasPrev = a.After != nil
		rest := limit
		first := at(a.After, 0)
		for i := first; i < len(lists); i++ {
			// The cursor's list continues after it; later ones are read from their start.
			args := Args{First: &rest, After: a.After, Reverse: a.Reverse}
			if i != first {
				probe := max(rest, 1)
				args = Args{First: &probe, Reverse: a.Reverse}
			}
			rp, err := run(lists[i], args)
			if err != nil {
				return nil, err
			}
			if i != first && rest == 0 {
				if len(rp.Refs) > 0 {
					hasNext = true
					break
				}
				continue
			}
			got[i] = rp
			rest = max(rest-len(rp.Refs), 0)
			if rp.HasNext {
				hasNext = true
				break
			}
		}
	} else {
		if len(lists) == 0 && a.Before != nil {
			return nil, &InputError{Argument: "before", Message: "invalid cursor: use a cursor from the same connection and sort order"}
		}
		limit := *a.Last
		hasNext = a.Before != nil
		rest := limit
		first := at(a.Before, len(lists)-1)
		for i := first; i >= 0; i-- {
			args := Args{Last: &rest, Before: a.Before, Reverse: a.Reverse}
			if i != first {
				probe := max(rest, 1)
				args = Args{Last: &probe, Reverse: a.Reverse}
			}
			rp, err := run(lists[i], args)
			if err != nil {
				return nil, err
			}
			if i != first && rest == 0 {
				if len(rp.Refs) > 0 {
					hasPrev = true
					break
				}
				continue
			}
			got[i] = rp
			rest = max(rest-len(rp.Refs), 0)
			if rp.HasPrev {
				hasPrev = true
				break
			}
		}
	}
	res := &SearchResult{plan: plan}
	res.HasNextPage, res.HasPreviousPage = hasNext, hasPrev
	for i, rp := range got {
		if rp == nil || len(rp.Refs) == 0 {
			continue
		}
		var err error
		switch lists[i] {
		case plan.products:
			err = assemble(ctx, func(ctx context.Context) ([]*ent.Product, error) { return s.productsByID(ctx, refIDs(rp)) }, rp, res, func(p *ent.Product) int { return p.ID },
				func(p *ent.Product) SearchItem { return SearchItem{Product: p} })
		case plan.pages:
			err = assemble(ctx, s.db.Page.Query().Where(page.IDIn(refIDs(rp)...)).All, rp, res, func(p *ent.Page) int { return p.ID },
				func(p *ent.Page) SearchItem { return SearchItem{Page: p} })
		case plan.articles:
			err = assemble(ctx, s.db.Article.Query().Where(article.IDIn(refIDs(rp)...)).All, rp, res, func(a *ent.Article) int { return a.ID },
				func(a *ent.Article) SearchItem { return SearchItem{Article: a} })
		}
		if err != nil {
			return nil, err
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

// TotalCount is the number of results over all pages (products, pages and articles), in
// one statement.
func (r *SearchResult) TotalCount(ctx context.Context) (int, error) {
	r.totalOnce.Do(func() {
		r.total, r.totalErr = r.plan.count(ctx)
	})
	return r.total, r.totalErr
}

// count counts the plan's results: one COUNT per list that is on, joined with UNION ALL.
func (p *searchPlan) count(ctx context.Context) (int, error) {
	svc := p.svc
	var sel *entsql.Selector
	for _, l := range []struct {
		table string
		where []func(*entsql.Selector)
		on    bool
	}{{product.Table, p.productCount, p.products != nil}, {page.Table, p.pageCount, p.pages != nil},
		{article.Table, p.articleCount, p.articles != nil}} {
		if !l.on {
			continue
		}
		t := entsql.Dialect(svc.db.Dialect).Table(l.table).As("t")
		one := entsql.Dialect(svc.db.Dialect).Select().AppendSelectExprAs(entsql.Raw("COUNT(*)"), "n").From(t)
		for _, f := range l.where {
			f(one)
		}
		if sel == nil {
			sel = one
		} else {
			sel.UnionAll(one)
		}
	}
	if sel == nil {
		return 0, nil
	}
	query, args := sel.Query()
	rows, err := svc.db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("count search results: %w", err)
	}
	defer rows.Close()
	total := 0
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return 0, fmt.Errorf("count search results: %w", err)
		}
		total += n
	}
	return total, rows.Err()
}

// Facets are the product filters of the search: the products the query matches, counted
// by each filter value under the other active filters.
func (r *SearchResult) Facets(ctx context.Context) ([]Facet, error) {
	if r.plan.products == nil {
		return []Facet{}, nil
	}
	return r.plan.svc.Facets(ctx, r.plan.productBase, r.plan.req.Filters, r.plan.req.Pricer, r.plan.req.Language)
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
		filter, _, err := FilterPredicate(s.db.Dialect, req.Pricer, req.Filters)
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
			l.Order = append(l.Order, priceTerm(req.Pricer))
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
	// Articles likewise, ranked the same way.
	if wants("ARTICLE") && len(req.Filters) == 0 && !c.hasFields(root) && root != nil {
		base, ranked := c.where(searchindex.Articles, root, true)
		plain, _ := c.where(searchindex.Articles, root, false)
		plan.articleCount = append([]func(*entsql.Selector){s.visibleSQL()}, plain...)
		l := &paging.Listing{Key: searchArticlesKey, Table: article.Table, Where: append([]func(*entsql.Selector){s.visibleSQL()}, base...)}
		if ranked {
			l.Order = []paging.Term{{Expr: searchindex.Rank(rankAlias), Kind: paging.KindInt, Desc: true}}
		}
		plan.articles = l
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
