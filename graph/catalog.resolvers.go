package graph

import (
	"context"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"storefront/ent"
	"storefront/ent/schema"
	"storefront/graph/generated"
	"storefront/graph/loader"
	"storefront/graph/model"
	"storefront/internal/catalog"
	"storefront/internal/gid"
)

func (r *collectionResolver) ID(ctx context.Context, obj *ent.Collection) (string, error) {
	return gid.Format(gid.Collection, obj.ID), nil
}

func (r *collectionResolver) Image(ctx context.Context, obj *ent.Collection) (*model.Image, error) {
	if obj.ImageURL == nil {
		return nil, nil
	}
	return &model.Image{URL: *obj.ImageURL, AltText: obj.ImageAltText, Width: obj.ImageWidth, Height: obj.ImageHeight}, nil
}

func (r *collectionResolver) OnlineStoreURL(ctx context.Context, obj *ent.Collection) (*string, error) {
	return nil, nil
}

func (r *collectionResolver) Products(ctx context.Context, obj *ent.Collection, after *string, before *string, filters []*model.ProductFilter, first *int, last *int, reverse *bool, sortKey *model.ProductCollectionSortKeys) (*model.ProductConnection, error) {
	requested := ""
	if sortKey != nil {
		requested = string(*sortKey)
	}
	cur, err := currency(ctx)
	if err != nil {
		return nil, err
	}
	pred, canon, err := catalog.FilterPredicate(r.Catalog.Dialect(), cur, toProductFilters(filters))
	if err != nil {
		return nil, err
	}
	a := args(after, before, first, last, reverse)
	sort := catalog.EffectiveCollectionSort(obj, requested)
	l := loader.For(ctx)
	key := loader.KeyOf(graphql.GetFieldContext(ctx).Field.Field, a, sort, canon)
	p, err := l.CollectionProducts(key, a, pred, connectionProductSelection(ctx)).Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	return productConnection(p), nil
}

func (r *collectionResolver) Seo(ctx context.Context, obj *ent.Collection) (*model.Seo, error) {
	return &model.Seo{Title: orDefault(obj.SeoTitle, obj.Title), Description: orDefault(obj.SeoDescription, obj.Description)}, nil
}

func (r *productResolver) AvailableForSale(ctx context.Context, obj *ent.Product) (bool, error) {
	vs, err := loader.For(ctx).Variants.Load(ctx, obj.ID)
	if err != nil {
		return false, err
	}
	for _, v := range vs {
		if v.Available > 0 {
			return true, nil
		}
	}
	return false, nil
}

func (r *productResolver) Collections(ctx context.Context, obj *ent.Product, after *string, before *string, first *int, last *int, reverse *bool) (*model.CollectionConnection, error) {
	cs, err := loader.For(ctx).CollectionsOf.Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	p, err := catalog.Paginate(cs, "PC", collectionPos, args(after, before, first, last, reverse))
	if err != nil {
		return nil, err
	}
	return collectionConnection(p), nil
}

func (r *productResolver) CompareAtPriceRange(ctx context.Context, obj *ent.Product) (*model.ProductPriceRange, error) {
	return priceRange(ctx, obj.MinCompareAtPrice, obj.MaxCompareAtPrice)
}

func (r *productResolver) FeaturedImage(ctx context.Context, obj *ent.Product) (*model.Image, error) {
	is, err := loader.For(ctx).Images.Load(ctx, obj.ID)
	if err != nil || len(is) == 0 {
		return nil, err
	}
	return productImage(is[0]), nil
}

func (r *productResolver) ID(ctx context.Context, obj *ent.Product) (string, error) {
	return gid.Format(gid.Product, obj.ID), nil
}

func (r *productResolver) Images(ctx context.Context, obj *ent.Product, after *string, before *string, first *int, last *int, reverse *bool) (*model.ImageConnection, error) {
	is, err := loader.For(ctx).Images.Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	p, err := catalog.Paginate(is, "PI", imagePos, args(after, before, first, last, reverse))
	if err != nil {
		return nil, err
	}
	c := &model.ImageConnection{PageInfo: pageInfo(p), Edges: make([]*model.ImageEdge, len(p.Items))}
	for i, it := range p.Items {
		c.Edges[i] = &model.ImageEdge{Cursor: p.Cursors[i], Node: productImage(it)}
	}
	return c, nil
}

func (r *productResolver) OnlineStoreURL(ctx context.Context, obj *ent.Product) (*string, error) {
	return nil, nil
}

func (r *productResolver) Options(ctx context.Context, obj *ent.Product, first *int) ([]*ent.ProductOption, error) {
	os, err := loader.For(ctx).Options.Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	if first != nil && *first >= 0 && *first < len(os) {
		os = os[:*first]
	}
	return os, nil
}

func (r *productResolver) PriceRange(ctx context.Context, obj *ent.Product) (*model.ProductPriceRange, error) {
	return priceRange(ctx, obj.MinPrice, obj.MaxPrice)
}

func (r *productResolver) PublishedAt(ctx context.Context, obj *ent.Product) (*time.Time, error) {
	if obj.PublishedAt != nil {
		return obj.PublishedAt, nil
	}
	return &obj.CreatedAt, nil
}

func (r *productResolver) Seo(ctx context.Context, obj *ent.Product) (*model.Seo, error) {
	return &model.Seo{Title: orDefault(obj.SeoTitle, obj.Title), Description: orDefault(obj.SeoDescription, obj.Description)}, nil
}

func (r *productResolver) TotalInventory(ctx context.Context, obj *ent.Product) (*int, error) {
	vs, err := loader.For(ctx).Variants.Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, v := range vs {
		n += v.Available
	}
	return &n, nil
}

func (r *productResolver) VariantBySelectedOptions(ctx context.Context, obj *ent.Product, selectedOptions []*model.SelectedOptionInput) (*ent.ProductVariant, error) {
	vs, err := loader.For(ctx).Variants.Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	want := make(map[string]string, len(selectedOptions))
	for _, o := range selectedOptions {
		want[strings.ToLower(o.Name)] = o.Value
	}
	for _, v := range vs {
		if matchesOptions(v.SelectedOptions, want) {
			return v, nil
		}
	}
	return nil, nil
}

// matchesOptions reports whether a variant's options equal the wanted name → value map
// (names case-insensitively, values exactly).
func matchesOptions(have []schema.SelectedOption, want map[string]string) bool {
	if len(have) != len(want) || len(want) == 0 {
		return false
	}
	for _, o := range have {
		if v, ok := want[strings.ToLower(o.Name)]; !ok || v != o.Value {
			return false
		}
	}
	return true
}

func (r *productResolver) Variants(ctx context.Context, obj *ent.Product, after *string, before *string, first *int, last *int, reverse *bool) (*model.ProductVariantConnection, error) {
	vs, err := loader.For(ctx).Variants.Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	p, err := catalog.Paginate(vs, "PV", variantPos, args(after, before, first, last, reverse))
	if err != nil {
		return nil, err
	}
	c := &model.ProductVariantConnection{Nodes: p.Items, Edges: make([]*model.ProductVariantEdge, len(p.Items))}
	for i, it := range p.Items {
		c.Edges[i] = &model.ProductVariantEdge{Node: it}
	}
	return c, nil
}

func (r *productOptionResolver) ID(ctx context.Context, obj *ent.ProductOption) (string, error) {
	return gid.Format(gid.ProductOption, obj.ID), nil
}

func (r *productOptionResolver) OptionValues(ctx context.Context, obj *ent.ProductOption) ([]*ent.ProductOptionValue, error) {
	return obj.Edges.Values, nil
}

func (r *productOptionResolver) Values(ctx context.Context, obj *ent.ProductOption) ([]string, error) {
	out := make([]string, len(obj.Edges.Values))
	for i, v := range obj.Edges.Values {
		out[i] = v.Name
	}
	return out, nil
}

func (r *productOptionValueResolver) ID(ctx context.Context, obj *ent.ProductOptionValue) (string, error) {
	return gid.Format(gid.ProductOptionValue, obj.ID), nil
}

func (r *productVariantResolver) AvailableForSale(ctx context.Context, obj *ent.ProductVariant) (bool, error) {
	return obj.Available > 0, nil
}

func (r *productVariantResolver) CompareAtPrice(ctx context.Context, obj *ent.ProductVariant) (*model.MoneyV2, error) {
	if obj.CompareAtPrice == nil {
		return nil, nil
	}
	cur, err := currency(ctx)
	if err != nil {
		return nil, err
	}
	return moneyV2(*obj.CompareAtPrice, cur), nil
}

func (r *productVariantResolver) CurrentlyNotInStock(ctx context.Context, obj *ent.ProductVariant) (bool, error) {
	// Stock is always tracked and overselling is never allowed, so a variant is either in
	// stock or not for sale.
	return false, nil
}

func (r *productVariantResolver) ID(ctx context.Context, obj *ent.ProductVariant) (string, error) {
	return gid.Format(gid.ProductVariant, obj.ID), nil
}

func (r *productVariantResolver) Image(ctx context.Context, obj *ent.ProductVariant) (*model.Image, error) {
	if obj.ImageID == nil {
		return nil, nil
	}
	img, err := loader.For(ctx).Image.Load(ctx, *obj.ImageID)
	if err != nil {
		return nil, nilIfNotFound(err)
	}
	return productImage(img), nil
}

func (r *productVariantResolver) Price(ctx context.Context, obj *ent.ProductVariant) (*model.MoneyV2, error) {
	cur, err := currency(ctx)
	if err != nil {
		return nil, err
	}
	return moneyV2(obj.Price, cur), nil
}

func (r *productVariantResolver) Product(ctx context.Context, obj *ent.ProductVariant) (*ent.Product, error) {
	return loader.For(ctx).Product.Load(ctx, obj.ProductID)
}

func (r *productVariantResolver) QuantityAvailable(ctx context.Context, obj *ent.ProductVariant) (*int, error) {
	return &obj.Available, nil
}

func (r *productVariantResolver) WeightUnit(ctx context.Context, obj *ent.ProductVariant) (model.WeightUnit, error) {
	return model.WeightUnit(obj.WeightUnit), nil
}

// Collection returns generated.CollectionResolver implementation.
func (r *Resolver) Collection() generated.CollectionResolver { return &collectionResolver{r} }

// Product returns generated.ProductResolver implementation.
func (r *Resolver) Product() generated.ProductResolver { return &productResolver{r} }

// ProductOption returns generated.ProductOptionResolver implementation.
func (r *Resolver) ProductOption() generated.ProductOptionResolver { return &productOptionResolver{r} }

// ProductOptionValue returns generated.ProductOptionValueResolver implementation.
func (r *Resolver) ProductOptionValue() generated.ProductOptionValueResolver {
	return &productOptionValueResolver{r}
}

// ProductVariant returns generated.ProductVariantResolver implementation.
func (r *Resolver) ProductVariant() generated.ProductVariantResolver {
	return &productVariantResolver{r}
}

type collectionResolver struct{ *Resolver }
type productResolver struct{ *Resolver }
type productOptionResolver struct{ *Resolver }
type productOptionValueResolver struct{ *Resolver }
type productVariantResolver struct{ *Resolver }
