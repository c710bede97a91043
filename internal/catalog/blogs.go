package catalog

import (
	"context"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/blog"
	"storefront/ent/predicate"
	"storefront/internal/paging"
)

// visibleArticle is the predicate of articles the Storefront API shows: published, and
// not scheduled for later.
func (s *Service) visibleArticle() predicate.Article {
	return article.And(article.Published(true), article.Or(article.PublishedAtIsNil(), article.PublishedAtLTE(s.now())))
}

// Blog returns the blog with the given ID, or nil.
func (s *Service) Blog(ctx context.Context, id int) (*ent.Blog, error) {
	return notFound(s.db.Blog.Query().Where(blog.ID(id)).Only(ctx))
}

// BlogByHandle returns the blog with the given handle, or nil.
func (s *Service) BlogByHandle(ctx context.Context, handle string) (*ent.Blog, error) {
	return notFound(s.db.Blog.Query().Where(blog.Handle(handle)).Only(ctx))
}

// BlogsByID returns blogs by ID (an article's blog).
func (s *Service) BlogsByID(ctx context.Context, ids []int) (map[int]*ent.Blog, error) {
	bs, err := s.db.Blog.Query().Where(blog.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load blogs: %w", err)
	}
	out := make(map[int]*ent.Blog, len(bs))
	for _, b := range bs {
		out[b.ID] = b
	}
	return out, nil
}

// Blogs lists the blogs by ID.
func (s *Service) Blogs(ctx context.Context, args Args) (paging.Page[*ent.Blog], error) {
	l := paging.Listing{Key: "BLOG", Table: blog.Table}
	w, err := args.Window(l.Key, nil)
	if err != nil {
		return paging.Page[*ent.Blog]{}, err
	}
	pages, err := paging.List(ctx, s.db, l, w)
	if err != nil {
		return paging.Page[*ent.Blog]{}, err
	}
	rp := pages[0]
	ids := make([]int, len(rp.Refs))
	for i, r := range rp.Refs {
		ids[i] = r.ID
	}
	bs, err := s.db.Blog.Query().Where(blog.IDIn(ids...)).All(ctx)
	if err != nil {
		return paging.Page[*ent.Blog]{}, fmt.Errorf("load blogs: %w", err)
	}
	return paging.Assemble(rp, bs, func(b *ent.Blog) int { return b.ID }), nil
}

// BlogArticles lists the published articles of several blogs at once, a page per blog by
// ID, in two statements.
func (s *Service) BlogArticles(ctx context.Context, blogIDs []int, args Args) (map[int]paging.Page[*ent.Article], error) {
	t := entsql.Dialect(s.db.Dialect).Table(article.Table).As("t")
	l := paging.Listing{Key: "ARTICLE", Table: article.Table, Where: []func(*entsql.Selector){s.visibleSQL()},
		Partition: t.C(article.FieldBlogID), Parents: blogIDs}
	w, err := args.Window(l.Key, nil)
	if err != nil {
		return nil, err
	}
	pages, err := paging.List(ctx, s.db, l, w)
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, rp := range pages {
		for _, r := range rp.Refs {
			ids = append(ids, r.ID)
		}
	}
	as, err := s.db.Article.Query().Where(article.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load articles: %w", err)
	}
	out := make(map[int]paging.Page[*ent.Article], len(pages))
	for id, rp := range pages {
		out[id] = paging.Assemble(rp, as, func(a *ent.Article) int { return a.ID })
	}
	return out, nil
}

// ArticleKey names an article by its blog and handle.
type ArticleKey struct {
	BlogID int
	Handle string
}

// ArticlesByHandle returns the published articles with the given blogs and handles.
func (s *Service) ArticlesByHandle(ctx context.Context, keys []ArticleKey) (map[ArticleKey]*ent.Article, error) {
	var blogIDs []int
	var handles []string
	for _, k := range keys {
		blogIDs = append(blogIDs, k.BlogID)
		handles = append(handles, k.Handle)
	}
	as, err := s.db.Article.Query().Where(article.BlogIDIn(blogIDs...), article.HandleIn(handles...), s.visibleArticle()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load articles: %w", err)
	}
	out := make(map[ArticleKey]*ent.Article, len(as))
	for _, a := range as {
		out[ArticleKey{a.BlogID, a.Handle}] = a
	}
	return out, nil
}
