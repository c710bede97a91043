package catalog

import (
	"context"
	"fmt"

	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/blog"
	"storefront/ent/collection"
	"storefront/ent/contentimage"
	"storefront/ent/menu"
	"storefront/ent/menuitem"
	"storefront/ent/page"
	"storefront/ent/product"
	"storefront/ent/productimage"
	"storefront/ent/productoption"
	"storefront/ent/productoptionvalue"
	"storefront/ent/productvariant"
	"storefront/ent/shop"
	"storefront/ent/shoppolicy"
	"storefront/ent/urlredirect"
	"storefront/internal/gid"
)

// ContentMediaImage is the NodeRef type of a content image (a brand logo, an article's
// image) presented as a MediaImage; MediaImage refs are product images.
const ContentMediaImage = "ContentMediaImage"

// NodeRef names an object by global-ID type and database ID.
type NodeRef struct {
	Type string
	ID   int
}

// Nodes loads the visible objects among refs, one statement per type asked for. Objects
// that do not exist, are not published or are of a type the Storefront API does not
// serve are absent from the result, so all of them read as null.
func (s *Service) Nodes(ctx context.Context, refs []NodeRef) (map[NodeRef]ent.Noder, error) {
	byType := map[string][]int{}
	for _, r := range refs {
		byType[r.Type] = append(byType[r.Type], r.ID)
	}
	out := make(map[NodeRef]ent.Noder, len(refs))
	put := func(typ string, id int, n ent.Noder) { out[NodeRef{typ, id}] = n }
	for typ, ids := range byType {
		var err error
		switch typ {
		case gid.Product:
			var ps []*ent.Product
			ps, err = s.db.Product.Query().Where(product.IDIn(ids...), s.visibleProduct()).All(ctx)
			for _, p := range ps {
				put(typ, p.ID, p)
			}
		case gid.ProductVariant:
			var vs []*ent.ProductVariant
			vs, err = s.db.ProductVariant.Query().Where(productvariant.IDIn(ids...), productvariant.HasProductWith(s.visibleProduct())).All(ctx)
			for _, v := range vs {
				put(typ, v.ID, v)
			}
		case gid.ProductOption:
			var os []*ent.ProductOption
			os, err = s.db.ProductOption.Query().
				Where(productoption.IDIn(ids...), productoption.HasProductWith(s.visibleProduct())).
				WithValues(func(q *ent.ProductOptionValueQuery) {
					q.Order(ent.Asc(productoptionvalue.FieldPosition), ent.Asc(productoptionvalue.FieldID))
				}).
				All(ctx)
			for _, o := range os {
				for _, v := range o.Edges.Values {
					v.Edges.Option = o // for firstSelectableVariant
				}
				put(typ, o.ID, o)
			}
		case gid.ProductOptionValue:
			var vs []*ent.ProductOptionValue
			vs, err = s.db.ProductOptionValue.Query().
				Where(productoptionvalue.IDIn(ids...), productoptionvalue.HasOptionWith(productoption.HasProductWith(s.visibleProduct()))).
				WithOption().
				All(ctx)
			for _, v := range vs {
				put(typ, v.ID, v)
			}
		case gid.Collection:
			var cs []*ent.Collection
			cs, err = s.db.Collection.Query().Where(collection.IDIn(ids...), s.visibleCollection()).All(ctx)
			for _, c := range cs {
				put(typ, c.ID, c)
			}
		case "Blog":
			var bs []*ent.Blog
			bs, err = s.db.Blog.Query().Where(blog.IDIn(ids...)).All(ctx)
			for _, b := range bs {
				put(typ, b.ID, b)
			}
		case "Article":
			var as []*ent.Article
			as, err = s.db.Article.Query().Where(article.IDIn(ids...), s.visibleArticle()).All(ctx)
			for _, a := range as {
				put(typ, a.ID, a)
			}
		case gid.Page:
			var ps []*ent.Page
			ps, err = s.db.Page.Query().Where(page.IDIn(ids...), s.visiblePage()).All(ctx)
			for _, p := range ps {
				put(typ, p.ID, p)
			}
		case gid.Menu:
			var ms []*ent.Menu
			ms, err = s.db.Menu.Query().Where(menu.IDIn(ids...)).All(ctx)
			for _, m := range ms {
				put(typ, m.ID, m)
			}
		case gid.MenuItem:
			var ms []*ent.MenuItem
			ms, err = s.db.MenuItem.Query().Where(menuitem.IDIn(ids...)).All(ctx)
			for _, m := range ms {
				put(typ, m.ID, m)
			}
		case "MediaImage": // product images, as the ent rows: the API presents them as media
			var is []*ent.ProductImage
			is, err = s.db.ProductImage.Query().Where(productimage.IDIn(ids...), productimage.HasProductWith(s.visibleProduct())).All(ctx)
			for _, i := range is {
				put(typ, i.ID, i)
			}
		case ContentMediaImage:
			var is []*ent.ContentImage
			is, err = s.db.ContentImage.Query().Where(contentimage.IDIn(ids...)).All(ctx)
			for _, i := range is {
				put(typ, i.ID, i)
			}
		case "ShopPolicy":
			var ps []*ent.ShopPolicy
			ps, err = s.db.ShopPolicy.Query().Where(shoppolicy.IDIn(ids...)).All(ctx)
			for _, p := range ps {
				put(typ, p.ID, p)
			}
		case "UrlRedirect":
			var rs []*ent.UrlRedirect
			rs, err = s.db.UrlRedirect.Query().Where(urlredirect.IDIn(ids...)).All(ctx)
			for _, r := range rs {
				put(typ, r.ID, r)
			}
		case gid.Shop:
			var ss []*ent.Shop
			ss, err = s.db.Shop.Query().Where(shop.IDIn(ids...)).All(ctx)
			for _, sh := range ss {
				put(typ, sh.ID, sh)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("load %s nodes: %w", typ, err)
		}
	}
	return out, nil
}
