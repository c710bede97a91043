package graph

import (
	"context"

	"storefront/ent"
	"storefront/graph/generated"
	"storefront/graph/loader"
	"storefront/graph/model"
	"storefront/internal/gid"
)

func (r *menuResolver) ID(ctx context.Context, obj *ent.Menu) (string, error) {
	return gid.Format(gid.Menu, obj.ID), nil
}

func (r *menuResolver) Items(ctx context.Context, obj *ent.Menu) ([]*ent.MenuItem, error) {
	items, err := loader.For(ctx).MenuItems.Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	return children(items, nil), nil
}

func (r *menuResolver) ItemsCount(ctx context.Context, obj *ent.Menu) (int, error) {
	items, err := loader.For(ctx).MenuItems.Load(ctx, obj.ID)
	return len(items), err
}

func (r *menuItemResolver) ID(ctx context.Context, obj *ent.MenuItem) (string, error) {
	return gid.Format(gid.MenuItem, obj.ID), nil
}

func (r *menuItemResolver) Items(ctx context.Context, obj *ent.MenuItem) ([]*ent.MenuItem, error) {
	items, err := loader.For(ctx).MenuItems.Load(ctx, obj.MenuID)
	if err != nil {
		return nil, err
	}
	return children(items, &obj.ID), nil
}

func (r *menuItemResolver) Type(ctx context.Context, obj *ent.MenuItem) (model.MenuItemType, error) {
	return model.MenuItemType(obj.Type), nil
}

// children picks the items whose parent is parent (nil: top level), keeping their order.
func children(items []*ent.MenuItem, parent *int) []*ent.MenuItem {
	out := []*ent.MenuItem{}
	for _, it := range items {
		if (parent == nil && it.ParentID == nil) || (parent != nil && it.ParentID != nil && *it.ParentID == *parent) {
			out = append(out, it)
		}
	}
	return out
}

func (r *pageResolver) BodySummary(ctx context.Context, obj *ent.Page) (string, error) {
	return summary(obj.Body, 150), nil
}

func (r *pageResolver) ID(ctx context.Context, obj *ent.Page) (string, error) {
	return gid.Format(gid.Page, obj.ID), nil
}

func (r *pageResolver) OnlineStoreURL(ctx context.Context, obj *ent.Page) (*string, error) {
	return nil, nil
}

func (r *pageResolver) Seo(ctx context.Context, obj *ent.Page) (*model.Seo, error) {
	return &model.Seo{Title: orDefault(obj.SeoTitle, obj.Title), Description: orDefault(obj.SeoDescription, summary(obj.Body, 320))}, nil
}

// Menu returns generated.MenuResolver implementation.
func (r *Resolver) Menu() generated.MenuResolver { return &menuResolver{r} }

// MenuItem returns generated.MenuItemResolver implementation.
func (r *Resolver) MenuItem() generated.MenuItemResolver { return &menuItemResolver{r} }

// Page returns generated.PageResolver implementation.
func (r *Resolver) Page() generated.PageResolver { return &pageResolver{r} }

type menuResolver struct{ *Resolver }
type menuItemResolver struct{ *Resolver }
type pageResolver struct{ *Resolver }
