package catalog

import (
	"context"
	"fmt"
	"time"

	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/blog"
	"storefront/ent/collection"
	"storefront/ent/page"
	"storefront/ent/product"
)

// SitemapPageSize is how many resources one sitemap page lists, as on Shopify.
const SitemapPageSize = 250

// SitemapItem is one resource of a sitemap: its handle (an article's is
// "<blog handle>/<article handle>", the path under /blogs/), title and last change.
type SitemapItem struct {
	Handle    string
	Title     string
	UpdatedAt time.Time
}

// SitemapCount is the number of sitemap pages of the resources of a type (PRODUCT,
// COLLECTION, PAGE, BLOG, ARTICLE; METAOBJECT and unknown types have none).
func (s *Service) SitemapCount(ctx context.Context, typ string) (int, error) {
	var n int
	var err error
	switch typ {
	case "PRODUCT":
		n, err = s.db.Product.Query().Where(s.visibleProduct()).Count(ctx)
	case "COLLECTION":
		n, err = s.db.Collection.Query().Where(s.visibleCollection()).Count(ctx)
	case "PAGE":
		n, err = s.db.Page.Query().Where(s.visiblePage()).Count(ctx)
	case "BLOG":
		n, err = s.db.Blog.Query().Count(ctx)
	case "ARTICLE":
		n, err = s.db.Article.Query().Where(s.visibleArticle()).Count(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("count sitemap %s: %w", typ, err)
	}
	return (n + SitemapPageSize - 1) / SitemapPageSize, nil
}

// SitemapPage lists page number page (from 1) of the resources of a type, by ID, and
// whether another page follows.
func (s *Service) SitemapPage(ctx context.Context, typ string, pageNo int) ([]SitemapItem, bool, error) {
	if pageNo < 1 {
		return nil, false, &InputError{Argument: "page", Message: "page numbers start at 1"}
	}
	offset, limit := (pageNo-1)*SitemapPageSize, SitemapPageSize+1
	var items []SitemapItem
	var err error
	switch typ {
	case "PRODUCT":
		var ps []*ent.Product
		ps, err = s.db.Product.Query().Where(s.visibleProduct()).Order(ent.Asc(product.FieldID)).Offset(offset).Limit(limit).All(ctx)
		for _, p := range ps {
			items = append(items, SitemapItem{Handle: p.Handle, Title: p.Title, UpdatedAt: p.UpdatedAt})
		}
	case "COLLECTION":
		var cs []*ent.Collection
		cs, err = s.db.Collection.Query().Where(s.visibleCollection()).Order(ent.Asc(collection.FieldID)).Offset(offset).Limit(limit).All(ctx)
		for _, c := range cs {
			items = append(items, SitemapItem{Handle: c.Handle, Title: c.Title, UpdatedAt: c.UpdatedAt})
		}
	case "PAGE":
		var ps []*ent.Page
		ps, err = s.db.Page.Query().Where(s.visiblePage()).Order(ent.Asc(page.FieldID)).Offset(offset).Limit(limit).All(ctx)
		for _, p := range ps {
			items = append(items, SitemapItem{Handle: p.Handle, Title: p.Title, UpdatedAt: p.UpdatedAt})
		}
	case "BLOG":
		var bs []*ent.Blog
		bs, err = s.db.Blog.Query().Order(ent.Asc(blog.FieldID)).Offset(offset).Limit(limit).All(ctx)
		for _, b := range bs {
			items = append(items, SitemapItem{Handle: b.Handle, Title: b.Title, UpdatedAt: b.UpdatedAt})
		}
	case "ARTICLE":
		var as []*ent.Article
		as, err = s.db.Article.Query().Where(s.visibleArticle()).WithBlog().Order(ent.Asc(article.FieldID)).Offset(offset).Limit(limit).All(ctx)
		for _, a := range as {
			items = append(items, SitemapItem{Handle: a.Edges.Blog.Handle + "/" + a.Handle, Title: a.Title, UpdatedAt: a.UpdatedAt})
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("list sitemap %s: %w", typ, err)
	}
	more := len(items) > SitemapPageSize
	if more {
		items = items[:SitemapPageSize]
	}
	return items, more, nil
}
