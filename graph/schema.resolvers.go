package graph

import (
	"context"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/graph/generated"
	"storefront/graph/loader"
	"storefront/graph/model"
	"storefront/internal/catalog"
	"storefront/internal/gid"
)

func (r *queryRootResolver) Product(ctx context.Context, handle *string, id *string) (*ent.Product, error) {
	h, n, ok, err := handleOrID(handle, id, gid.Product)
	if err != nil || !ok {
		return nil, err
	}
	if h != "" {
		return r.Catalog.ProductByHandle(ctx, h)
	}
	return r.Catalog.Product(ctx, n)
}

func (r *queryRootResolver) ProductByHandle(ctx context.Context, handle string) (*ent.Product, error) {
	return r.Catalog.ProductByHandle(ctx, handle)
}

func (r *queryRootResolver) Products(ctx context.Context, after *string, before *string, first *int, last *int, query *string, reverse *bool, sortKey *model.ProductSortKeys) (*model.ProductConnection, error) {
	opts := catalog.ProductListOptions{Sort: catalog.SortID}
	if sortKey != nil {
		opts.Sort = catalog.ProductSort(*sortKey)
	}
	if query != nil {
		q, err := catalog.ParseQuery(*query)
		if err != nil {
			return nil, err
		}
		cur, err := currency(ctx)
		if err != nil {
			return nil, err
		}
		pred, err := q.ProductPredicate(r.Catalog.Dialect(), cur)
		if err != nil {
			return nil, err
		}
		if pred != nil {
			opts.Filter = []func(*entsql.Selector){pred}
		}
		opts.Relevance = q.FreeText()
	}
	p, err := r.Catalog.Products(ctx, args(after, before, first, last, reverse), opts)
	if err != nil {
		return nil, err
	}
	if err := prefetchProducts(ctx, p.Items, connectionProductSelection(ctx)); err != nil {
		return nil, err
	}
	return productConnection(p), nil
}

func (r *queryRootResolver) ProductRecommendations(ctx context.Context, productID *string) ([]*ent.Product, error) {
	if productID == nil {
		return nil, nil
	}
	id, ok := gid.ParseAs(*productID, gid.Product)
	if !ok {
		return nil, nil
	}
	ps, err := r.Catalog.Recommendations(ctx, id)
	if err != nil {
		return nil, err
	}
	return ps, prefetchProducts(ctx, ps, listProductSelection(ctx))
}

func (r *queryRootResolver) Collection(ctx context.Context, handle *string, id *string) (*ent.Collection, error) {
	h, n, ok, err := handleOrID(handle, id, gid.Collection)
	if err != nil || !ok {
		return nil, err
	}
	if h != "" {
		return r.Catalog.CollectionByHandle(ctx, h)
	}
	return r.Catalog.Collection(ctx, n)
}

func (r *queryRootResolver) CollectionByHandle(ctx context.Context, handle string) (*ent.Collection, error) {
	return r.Catalog.CollectionByHandle(ctx, handle)
}

func (r *queryRootResolver) Collections(ctx context.Context, after *string, before *string, first *int, last *int, query *string, reverse *bool, sortKey *model.CollectionSortKeys) (*model.CollectionConnection, error) {
	key := "ID"
	if sortKey != nil {
		key = string(*sortKey)
	}
	var filter []func(*entsql.Selector)
	if query != nil {
		q, err := catalog.ParseQuery(*query)
		if err != nil {
			return nil, err
		}
		pred, err := q.CollectionPredicate()
		if err != nil {
			return nil, err
		}
		if pred != nil {
			filter = append(filter, pred)
		}
	}
	p, err := r.Catalog.Collections(ctx, args(after, before, first, last, reverse), key, filter)
	if err != nil {
		return nil, err
	}
	return collectionConnection(p), nil
}

func (r *queryRootResolver) Menu(ctx context.Context, handle string) (*ent.Menu, error) {
	return r.Catalog.MenuByHandle(ctx, handle)
}

func (r *queryRootResolver) Page(ctx context.Context, handle *string) (*ent.Page, error) {
	if handle == nil || *handle == "" {
		return nil, nil
	}
	return r.Catalog.PageByHandle(ctx, *handle)
}

func (r *queryRootResolver) PageByHandle(ctx context.Context, handle string) (*ent.Page, error) {
	return r.Catalog.PageByHandle(ctx, handle)
}

func (r *queryRootResolver) Pages(ctx context.Context, after *string, before *string, first *int, last *int, reverse *bool) (*model.PageConnection, error) {
	p, err := r.Catalog.Pages(ctx, args(after, before, first, last, reverse))
	if err != nil {
		return nil, err
	}
	c := &model.PageConnection{PageInfo: pageInfo(p), Edges: make([]*model.PageEdge, len(p.Items))}
	for i, it := range p.Items {
		c.Edges[i] = &model.PageEdge{Node: it}
	}
	return c, nil
}

func (r *queryRootResolver) Node(ctx context.Context, id string) (ent.Noder, error) {
	typ, n, ok := gid.Parse(id)
	if !ok {
		return nil, nil
	}
	node, err := loader.For(ctx).Node.Load(ctx, catalog.NodeRef{Type: typ, ID: n})
	return node, nilIfNotFound(err)
}

func (r *queryRootResolver) Nodes(ctx context.Context, ids []string) ([]ent.Noder, error) {
	if len(ids) > catalog.MaxPageSize {
		return nil, &catalog.InputError{Argument: "ids", Message: fmt.Sprintf("at most %d ids", catalog.MaxPageSize)}
	}
	refs := make([]catalog.NodeRef, 0, len(ids))
	for _, id := range ids {
		if typ, n, ok := gid.Parse(id); ok {
			refs = append(refs, catalog.NodeRef{Type: typ, ID: n})
		}
	}
	found, err := r.Catalog.Nodes(ctx, refs)
	if err != nil {
		return nil, err
	}
	out := make([]ent.Noder, len(ids))
	for i, id := range ids {
		if typ, n, ok := gid.Parse(id); ok {
			if node, ok := found[catalog.NodeRef{Type: typ, ID: n}]; ok {
				out[i] = node
			}
		}
	}
	return out, nil
}

func (r *queryRootResolver) Shop(ctx context.Context) (*ent.Shop, error) {
	return loader.For(ctx).Shop()
}

// QueryRoot returns generated.QueryRootResolver implementation.
func (r *Resolver) QueryRoot() generated.QueryRootResolver { return &queryRootResolver{r} }

type queryRootResolver struct{ *Resolver }
