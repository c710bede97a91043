package catalog

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql/sqlgraph"

	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/blog"
	"storefront/ent/shop"
	"storefront/ent/urlredirect"
	"storefront/internal/gid"
	"storefront/internal/usererror"
)

// reroot names the argument user errors are about: the content mutations take their input
// as Shopify names it (blog:, article:, urlRedirect:), not as input:.
func reroot(uerrs []usererror.Error, root string) []usererror.Error {
	for i := range uerrs {
		if len(uerrs[i].Field) > 0 && uerrs[i].Field[0] == "input" {
			f := append([]string{root}, uerrs[i].Field[1:]...)
			uerrs[i].Field = f
		}
	}
	return uerrs
}

// takenOnRace turns the unique-constraint failure of a write that lost a race (another
// request took the same handle or path between the check and the insert) into the TAKEN
// user error the check would have given.
func takenOnRace(uerrs []usererror.Error, err error, msg string, path ...any) ([]usererror.Error, error) {
	if ent.IsConstraintError(err) && sqlgraph.IsUniqueConstraintError(err) {
		return []usererror.Error{usererror.New(usererror.Taken, msg, append([]any{"input"}, path...)...)}, nil
	}
	return uerrs, err
}

// BlogInput is a blog as blogCreate and blogUpdate take it; nil fields are left as they are.
type BlogInput struct {
	Handle, Title            *string
	SEOTitle, SEODescription Optional[string]
}

// CreateBlog creates a blog (a handle derived from the title when not given). User error
// codes, under blog: BLANK, INVALID, TOO_LONG, TAKEN (handle).
func (s *Service) CreateBlog(ctx context.Context, in BlogInput) (*ent.Blog, []usererror.Error, error) {
	if in.Handle == nil && in.Title != nil {
		h := Handleize(*in.Title)
		in.Handle = &h
	}
	var id int
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		b, changes, uerrs, err := s.writeBlog(ctx, tx, nil, in)
		if b != nil {
			id = b.ID
		}
		return gid.Format(gid.Blog, id), changes, uerrs, err
	})
	uerrs, err = takenOnRace(uerrs, err, "A blog with this handle already exists.", "handle")
	return s.readBlog(ctx, id, uerrs, err)
}

// UpdateBlog changes a blog. User error codes: those of CreateBlog and NOT_FOUND (id).
func (s *Service) UpdateBlog(ctx context.Context, id string, in BlogInput) (*ent.Blog, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Blog, "id")
	if uerrs != nil {
		return nil, uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		b, err := tx.Blog.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Blog, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load blog %d: %w", n, err)
		}
		_, changes, uerrs, err := s.writeBlog(ctx, tx, b, in)
		return id, changes, uerrs, err
	})
	uerrs, err = takenOnRace(uerrs, err, "A blog with this handle already exists.", "handle")
	return s.readBlog(ctx, n, uerrs, err)
}

func (s *Service) readBlog(ctx context.Context, id int, uerrs []usererror.Error, err error) (*ent.Blog, []usererror.Error, error) {
	if err != nil || len(uerrs) > 0 {
		return nil, reroot(uerrs, "blog"), err
	}
	b, err := s.db.Blog.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read blog %d back: %w", id, err)
	}
	return b, nil, nil
}

func (s *Service) writeBlog(ctx context.Context, tx *ent.Tx, b *ent.Blog, in BlogInput) (*ent.Blog, map[string]any, []usererror.Error, error) {
	var e fieldErrors
	e.handle(in.Handle)
	e.text(in.Title, "title", b == nil || in.Title != nil, 255)
	e.text(in.SEOTitle.Value, "seoTitle", false, 255)
	e.text(in.SEODescription.Value, "seoDescription", false, 1024)
	if in.Handle != nil && (b == nil || b.Handle != *in.Handle) {
		taken, err := tx.Blog.Query().Where(blog.Handle(*in.Handle)).Exist(ctx)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("check handle: %w", err)
		}
		if taken {
			e.add(usererror.Taken, "A blog with this handle already exists.", "handle")
		}
	}
	if len(e) > 0 {
		return nil, nil, e, nil
	}
	changes := map[string]any{}
	if b == nil {
		var err error
		if b, err = tx.Blog.Create().SetHandle(*in.Handle).SetTitle(*in.Title).Save(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("create blog: %w", err)
		}
		changes["created"] = true
		changes["handle"], changes["title"] = b.Handle, b.Title
	}
	u := tx.Blog.UpdateOne(b)
	n := len(changes)
	change(changes, "handle", strDiffers(in.Handle, b.Handle), in.Handle, func() { u.SetHandle(*in.Handle) })
	change(changes, "title", strDiffers(in.Title, b.Title), in.Title, func() { u.SetTitle(*in.Title) })
	change(changes, "seoTitle", optionalDiffers(in.SEOTitle, b.SeoTitle), in.SEOTitle.Value, func() { u.SetNillableSeoTitle(in.SEOTitle.Value); clearIfNil(in.SEOTitle, u.ClearSeoTitle) })
	change(changes, "seoDescription", optionalDiffers(in.SEODescription, b.SeoDescription), in.SEODescription.Value, func() {
		u.SetNillableSeoDescription(in.SEODescription.Value)
		clearIfNil(in.SEODescription, u.ClearSeoDescription)
	})
	if len(changes) > n {
		if err := u.Exec(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("update blog %d: %w", b.ID, err)
		}
	}
	return b, changes, nil, nil
}

// optionalDiffers reports whether a given optional value (null included) differs from cur.
func optionalDiffers[T comparable](v Optional[T], cur *T) bool {
	if !v.Set {
		return false
	}
	if v.Value == nil || cur == nil {
		return (v.Value == nil) != (cur == nil)
	}
	return *v.Value != *cur
}

func clearIfNil[T, U any](v Optional[T], clear func() U) {
	if v.Value == nil {
		clear()
	}
}

// DeleteBlog deletes a blog with its articles. User error codes: NOT_FOUND (id).
func (s *Service) DeleteBlog(ctx context.Context, id string) (string, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Blog, "id")
	if uerrs != nil {
		return "", uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		b, err := tx.Blog.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Blog, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load blog %d: %w", n, err)
		}
		images, err := tx.Article.Query().Where(article.BlogID(n), article.ImageIDNotNil()).Select(article.FieldImageID).Ints(ctx)
		if err != nil {
			return "", nil, nil, fmt.Errorf("list images of blog %d: %w", n, err)
		}
		k, err := tx.Article.Delete().Where(article.BlogID(n)).Exec(ctx)
		if err != nil {
			return "", nil, nil, fmt.Errorf("delete articles of blog %d: %w", n, err)
		}
		if err := DropContentImages(ctx, tx, images...); err != nil {
			return "", nil, nil, err
		}
		if err := tx.Blog.DeleteOneID(n).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete blog %d: %w", n, err)
		}
		return id, map[string]any{"deleted": true, "handle": b.Handle, "articles": k}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(gid.Blog, n), nil, nil
}

// DropContentImages deletes those of the given content images nothing refers to any more
// (an article's or the brand's replaced or removed image, the images of deleted articles),
// inside the write's transaction.
func DropContentImages(ctx context.Context, tx *ent.Tx, ids ...int) error {
	for _, id := range ids {
		used, err := tx.Article.Query().Where(article.ImageID(id)).Exist(ctx)
		if err == nil && !used {
			used, err = tx.Shop.Query().Where(shop.Or(shop.BrandLogoID(id), shop.BrandSquareLogoID(id), shop.BrandCoverImageID(id))).Exist(ctx)
		}
		if err != nil {
			return fmt.Errorf("check uses of content image %d: %w", id, err)
		}
		if used {
			continue
		}
		if err := tx.ContentImage.DeleteOneID(id).Exec(ctx); err != nil && !ent.IsNotFound(err) {
			return fmt.Errorf("delete content image %d: %w", id, err)
		}
	}
	return nil
}

// ArticleInput is an article as articleCreate and articleUpdate take it; nil fields are
// left as they are.
type ArticleInput struct {
	BlogID                   *string
	Handle, Title, Body      *string
	Summary                  Optional[string]
	AuthorName               *string
	Tags                     []string
	HasTags                  bool
	Image                    Optional[ImageInput]
	SEOTitle, SEODescription Optional[string]
	IsPublished              *bool
	PublishDate              Optional[time.Time]
}

// CreateArticle creates an article in a blog, unpublished unless IsPublished. User error
// codes, under article: BLANK, INVALID (handle, image URL), TOO_LONG, TAKEN (handle within
// the blog), NOT_FOUND (blogId).
func (s *Service) CreateArticle(ctx context.Context, in ArticleInput) (*ent.Article, []usererror.Error, error) {
	if in.Handle == nil && in.Title != nil {
		h := Handleize(*in.Title)
		in.Handle = &h
	}
	var id int
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		a, changes, uerrs, err := s.writeArticle(ctx, tx, nil, in)
		if a != nil {
			id = a.ID
		}
		return gid.Format(gid.Article, id), changes, uerrs, err
	})
	uerrs, err = takenOnRace(uerrs, err, "An article with this handle already exists in the blog.", "handle")
	return s.readArticle(ctx, id, uerrs, err)
}

// UpdateArticle changes an article. User error codes: those of CreateArticle and NOT_FOUND
// (id).
func (s *Service) UpdateArticle(ctx context.Context, id string, in ArticleInput) (*ent.Article, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Article, "id")
	if uerrs != nil {
		return nil, uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		a, err := tx.Article.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Article, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load article %d: %w", n, err)
		}
		_, changes, uerrs, err := s.writeArticle(ctx, tx, a, in)
		return id, changes, uerrs, err
	})
	uerrs, err = takenOnRace(uerrs, err, "An article with this handle already exists in the blog.", "handle")
	return s.readArticle(ctx, n, uerrs, err)
}

func (s *Service) readArticle(ctx context.Context, id int, uerrs []usererror.Error, err error) (*ent.Article, []usererror.Error, error) {
	if err != nil || len(uerrs) > 0 {
		return nil, reroot(uerrs, "article"), err
	}
	a, err := s.db.Article.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read article %d back: %w", id, err)
	}
	return a, nil, nil
}

func (s *Service) writeArticle(ctx context.Context, tx *ent.Tx, a *ent.Article, in ArticleInput) (*ent.Article, map[string]any, []usererror.Error, error) {
	var e fieldErrors
	e.handle(in.Handle)
	e.text(in.Title, "title", a == nil || in.Title != nil, 255)
	e.text(in.AuthorName, "author.name", false, 255)
	e.text(in.SEOTitle.Value, "seoTitle", false, 255)
	e.text(in.SEODescription.Value, "seoDescription", false, 1024)
	for i, t := range in.Tags {
		if strings.TrimSpace(t) == "" || len(t) > 255 {
			e.add(usererror.Invalid, "A tag must be 1 to 255 characters.", "tags", i)
		}
	}
	if img := in.Image.Value; img != nil {
		e.absoluteURL(&img.URL, "image", "url")
		if img.AltText != nil && len(*img.AltText) > 512 {
			e.add(usererror.TooLong, "The alt text is longer than 512 characters.", "image", "altText")
		}
	}
	blogID := 0
	if a != nil {
		blogID = a.BlogID
	}
	switch {
	case in.BlogID != nil:
		n, ok := gid.ParseAs(*in.BlogID, gid.Blog)
		if ok {
			exists, err := tx.Blog.Query().Where(blog.ID(n)).Exist(ctx)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("check blog: %w", err)
			}
			ok = exists
		}
		if !ok {
			e.add(usererror.NotFound, "No such blog.", "blogId")
		}
		blogID = n
	case a == nil:
		e.add(usererror.Blank, "The blogId can't be blank.", "blogId")
	}
	handle := ""
	if a != nil {
		handle = a.Handle
	}
	if in.Handle != nil {
		handle = *in.Handle
	}
	if len(e) == 0 && (a == nil || a.Handle != handle || a.BlogID != blogID) {
		taken, err := tx.Article.Query().Where(article.BlogID(blogID), article.Handle(handle)).Exist(ctx)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("check handle: %w", err)
		}
		if taken {
			e.add(usererror.Taken, "An article with this handle already exists in the blog.", "handle")
		}
	}
	if len(e) > 0 {
		return nil, nil, e, nil
	}
	changes := map[string]any{}
	now := time.Now().UTC()
	if a == nil {
		var err error
		if a, err = tx.Article.Create().SetBlogID(blogID).SetHandle(handle).SetTitle(*in.Title).Save(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("create article: %w", err)
		}
		changes["created"] = true
		changes["blogId"], changes["handle"], changes["title"] = gid.Format(gid.Blog, blogID), a.Handle, a.Title
	}
	u := tx.Article.UpdateOne(a)
	n := len(changes)
	change(changes, "blogId", blogID != a.BlogID, gid.Format(gid.Blog, blogID), func() { u.SetBlogID(blogID) })
	change(changes, "handle", handle != a.Handle, handle, func() { u.SetHandle(handle) })
	change(changes, "title", strDiffers(in.Title, a.Title), in.Title, func() { u.SetTitle(*in.Title) })
	change(changes, "body", strDiffers(in.Body, a.ContentHTML), in.Body, func() { u.SetContentHTML(*in.Body) })
	change(changes, "summary", optionalDiffers(in.Summary, a.ExcerptHTML), in.Summary.Value, func() {
		u.SetNillableExcerptHTML(in.Summary.Value)
		clearIfNil(in.Summary, u.ClearExcerptHTML)
	})
	change(changes, "author", strDiffers(in.AuthorName, a.AuthorName), in.AuthorName, func() { u.SetAuthorName(*in.AuthorName) })
	if in.HasTags {
		tags := in.Tags
		if tags == nil {
			tags = []string{}
		}
		change(changes, "tags", !slices.Equal(tags, a.Tags), tags, func() { u.SetTags(tags) })
	}
	change(changes, "seoTitle", optionalDiffers(in.SEOTitle, a.SeoTitle), in.SEOTitle.Value, func() {
		u.SetNillableSeoTitle(in.SEOTitle.Value)
		clearIfNil(in.SEOTitle, u.ClearSeoTitle)
	})
	change(changes, "seoDescription", optionalDiffers(in.SEODescription, a.SeoDescription), in.SEODescription.Value, func() {
		u.SetNillableSeoDescription(in.SEODescription.Value)
		clearIfNil(in.SEODescription, u.ClearSeoDescription)
	})
	publishedAt := a.PublishedAt
	if in.PublishDate.Set {
		publishedAt = in.PublishDate.Value
		if publishedAt != nil {
			t := publishedAt.UTC()
			publishedAt = &t
		}
		differs := (publishedAt == nil) != (a.PublishedAt == nil) || (publishedAt != nil && !publishedAt.Equal(*a.PublishedAt))
		change(changes, "publishDate", differs, publishedAt, func() {
			u.SetNillablePublishedAt(publishedAt)
			if publishedAt == nil {
				u.ClearPublishedAt()
			}
		})
	}
	if in.IsPublished != nil {
		change(changes, "isPublished", *in.IsPublished != a.Published, *in.IsPublished, func() { u.SetPublished(*in.IsPublished) })
		if *in.IsPublished && publishedAt == nil {
			change(changes, "publishDate", true, now, func() { u.SetPublishedAt(now) })
		}
	}
	var dropped []int
	if in.Image.Set {
		if a.ImageID != nil {
			dropped = append(dropped, *a.ImageID)
		}
		if img := in.Image.Value; img != nil {
			ci, err := tx.ContentImage.Create().SetURL(img.URL).SetNillableAltText(img.AltText).Save(ctx)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("create article image: %w", err)
			}
			change(changes, "image", true, img.URL, func() { u.SetImageID(ci.ID) })
		} else {
			change(changes, "image", a.ImageID != nil, nil, func() { u.ClearImage() })
		}
	}
	if len(changes) > n {
		if err := u.Exec(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("update article %d: %w", a.ID, err)
		}
	}
	if err := DropContentImages(ctx, tx, dropped...); err != nil {
		return nil, nil, nil, err
	}
	return a, changes, nil, nil
}

// DeleteArticle deletes an article. User error codes: NOT_FOUND (id).
func (s *Service) DeleteArticle(ctx context.Context, id string) (string, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.Article, "id")
	if uerrs != nil {
		return "", uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		a, err := tx.Article.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.Article, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load article %d: %w", n, err)
		}
		if err := tx.Article.DeleteOneID(n).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete article %d: %w", n, err)
		}
		if a.ImageID != nil {
			if err := DropContentImages(ctx, tx, *a.ImageID); err != nil {
				return "", nil, nil, err
			}
		}
		return id, map[string]any{"deleted": true, "handle": a.Handle, "blogId": gid.Format(gid.Blog, a.BlogID)}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(gid.Article, n), nil, nil
}

// URLRedirectInput is a redirect as urlRedirectCreate and urlRedirectUpdate take it; nil
// fields are left as they are.
type URLRedirectInput struct {
	Path, Target *string
}

// checkRedirectPath checks an old storefront path: it starts with a single /, and has no
// scheme, host, spaces or fragment.
func checkRedirectPath(e *fieldErrors, p *string) {
	if p == nil {
		return
	}
	u, err := url.Parse(*p)
	switch {
	case len(*p) > 1024:
		e.add(usererror.TooLong, "The path is longer than 1024 characters.", "path")
	case err != nil || !strings.HasPrefix(*p, "/") || strings.HasPrefix(*p, "//") || u.Scheme != "" || u.Host != "" ||
		u.Fragment != "" || strings.ContainsAny(*p, " \t\r\n"):
		e.add(usererror.Invalid, "The path is a storefront path starting with /, e.g. /products/old-tee.", "path")
	}
}

// checkRedirectTarget checks where a redirect leads: a path starting with a single / or an
// absolute http(s) URL.
func checkRedirectTarget(e *fieldErrors, t *string) {
	if t == nil {
		return
	}
	if len(*t) > 2048 {
		e.add(usererror.TooLong, "The target is longer than 2048 characters.", "target")
		return
	}
	if strings.HasPrefix(*t, "/") && !strings.HasPrefix(*t, "//") {
		if _, err := url.Parse(*t); err != nil || strings.ContainsAny(*t, " \t\r\n") {
			e.add(usererror.Invalid, "The target is a path starting with / or an absolute http or https URL.", "target")
		}
		return
	}
	u, err := url.Parse(*t)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(*t, " \t\r\n") {
		e.add(usererror.Invalid, "The target is a path starting with / or an absolute http or https URL.", "target")
	}
}

// CreateURLRedirect creates a redirect. User error codes, under urlRedirect: BLANK, INVALID
// (a malformed path or target, a target equal to the path), TOO_LONG, TAKEN (path).
func (s *Service) CreateURLRedirect(ctx context.Context, in URLRedirectInput) (*ent.UrlRedirect, []usererror.Error, error) {
	var id int
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		r, changes, uerrs, err := writeRedirect(ctx, tx, nil, in)
		if r != nil {
			id = r.ID
		}
		return gid.Format(gid.UrlRedirect, id), changes, uerrs, err
	})
	uerrs, err = takenOnRace(uerrs, err, "A redirect from this path already exists.", "path")
	return s.readRedirect(ctx, id, uerrs, err)
}

// UpdateURLRedirect changes a redirect. User error codes: those of CreateURLRedirect and
// NOT_FOUND (id).
func (s *Service) UpdateURLRedirect(ctx context.Context, id string, in URLRedirectInput) (*ent.UrlRedirect, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.UrlRedirect, "id")
	if uerrs != nil {
		return nil, uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		r, err := tx.UrlRedirect.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.UrlRedirect, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load url redirect %d: %w", n, err)
		}
		_, changes, uerrs, err := writeRedirect(ctx, tx, r, in)
		return id, changes, uerrs, err
	})
	uerrs, err = takenOnRace(uerrs, err, "A redirect from this path already exists.", "path")
	return s.readRedirect(ctx, n, uerrs, err)
}

func (s *Service) readRedirect(ctx context.Context, id int, uerrs []usererror.Error, err error) (*ent.UrlRedirect, []usererror.Error, error) {
	if err != nil || len(uerrs) > 0 {
		return nil, reroot(uerrs, "urlRedirect"), err
	}
	r, err := s.db.UrlRedirect.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read url redirect %d back: %w", id, err)
	}
	return r, nil, nil
}

func writeRedirect(ctx context.Context, tx *ent.Tx, r *ent.UrlRedirect, in URLRedirectInput) (*ent.UrlRedirect, map[string]any, []usererror.Error, error) {
	var e fieldErrors
	e.text(in.Path, "path", r == nil || in.Path != nil, 1024)
	e.text(in.Target, "target", r == nil || in.Target != nil, 2048)
	if len(e) == 0 {
		checkRedirectPath(&e, in.Path)
		checkRedirectTarget(&e, in.Target)
	}
	path, target := "", ""
	if r != nil {
		path, target = r.Path, r.Target
	}
	if in.Path != nil {
		path = *in.Path
	}
	if in.Target != nil {
		target = *in.Target
	}
	if len(e) == 0 && path == target {
		e.add(usererror.Invalid, "A redirect can't lead to its own path.", "target")
	}
	if len(e) == 0 && (r == nil || r.Path != path) {
		taken, err := tx.UrlRedirect.Query().Where(urlredirect.Path(path)).Exist(ctx)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("check path: %w", err)
		}
		if taken {
			e.add(usererror.Taken, "A redirect from this path already exists.", "path")
		}
	}
	if len(e) > 0 {
		return nil, nil, e, nil
	}
	changes := map[string]any{}
	if r == nil {
		r, err := tx.UrlRedirect.Create().SetPath(path).SetTarget(target).Save(ctx)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("create url redirect: %w", err)
		}
		return r, map[string]any{"created": true, "path": path, "target": target}, nil, nil
	}
	u := tx.UrlRedirect.UpdateOne(r)
	change(changes, "path", path != r.Path, path, func() { u.SetPath(path) })
	change(changes, "target", target != r.Target, target, func() { u.SetTarget(target) })
	if len(changes) > 0 {
		if err := u.Exec(ctx); err != nil {
			return nil, nil, nil, fmt.Errorf("update url redirect %d: %w", r.ID, err)
		}
	}
	return r, changes, nil, nil
}

// DeleteURLRedirect deletes a redirect. User error codes: NOT_FOUND (id).
func (s *Service) DeleteURLRedirect(ctx context.Context, id string) (string, []usererror.Error, error) {
	n, uerrs := parseID(id, gid.UrlRedirect, "id")
	if uerrs != nil {
		return "", uerrs, nil
	}
	uerrs, err := s.adminWrite(ctx, func(tx *ent.Tx) (string, map[string]any, []usererror.Error, error) {
		r, err := tx.UrlRedirect.Get(ctx, n)
		if ent.IsNotFound(err) {
			return "", nil, noSuch(gid.UrlRedirect, "id"), nil
		}
		if err != nil {
			return "", nil, nil, fmt.Errorf("load url redirect %d: %w", n, err)
		}
		if err := tx.UrlRedirect.DeleteOneID(n).Exec(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("delete url redirect %d: %w", n, err)
		}
		return id, map[string]any{"deleted": true, "path": r.Path}, nil, nil
	})
	if err != nil || len(uerrs) > 0 {
		return "", uerrs, err
	}
	return gid.Format(gid.UrlRedirect, n), nil, nil
}
