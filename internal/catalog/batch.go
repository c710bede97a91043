package catalog

import (
	"context"
	"database/sql"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/menuitem"
	"storefront/internal/store"
)

// The batch reads below serve the per-request loaders: each answers for many parents in
// one statement (two where ent eager-loads an edge), and returns an entry, possibly
// empty, for every key asked.

func group[T any](keys []int, items []T, parent func(T) int) map[int][]T {
	out := make(map[int][]T, len(keys))
	for _, k := range keys {
		out[k] = nil
	}
	for _, it := range items {
		p := parent(it)
		out[p] = append(out[p], it)
	}
	return out
}

// VariantsByProduct returns each product's variants in position order (without their
// timestamps: see variantColumns).
func (s *Service) VariantsByProduct(ctx context.Context, productIDs []int) (map[int][]*ent.ProductVariant, error) {
	if len(productIDs) == 0 {
		return map[int][]*ent.ProductVariant{}, nil
	}
	return s.variantsByProduct(ctx, productIDs, variantsByProductSQL, scanVariant)
}

// ListedVariantsByProduct is VariantsByProduct reading only ListedVariantColumns.
func (s *Service) ListedVariantsByProduct(ctx context.Context, productIDs []int) (map[int][]*ent.ProductVariant, error) {
	if len(productIDs) == 0 {
		return map[int][]*ent.ProductVariant{}, nil
	}
	return s.variantsByProduct(ctx, productIDs, listedVariantsByProductSQL, scanListedVariant)
}

func (s *Service) variantsByProduct(ctx context.Context, productIDs []int, q string, scan func(*entsql.Rows) (*ent.ProductVariant, error)) (map[int][]*ent.ProductVariant, error) {
	vs, err := queryRows(ctx, s.db, fmt.Sprintf(q, store.Marks(len(productIDs))), intArgs(productIDs), scan)
	if err != nil {
		return nil, fmt.Errorf("load variants: %w", err)
	}
	return group(productIDs, vs, func(v *ent.ProductVariant) int { return v.ProductID }), nil
}

// ImagesByProduct returns each product's images in position order.
func (s *Service) ImagesByProduct(ctx context.Context, productIDs []int) (map[int][]*ent.ProductImage, error) {
	if len(productIDs) == 0 {
		return map[int][]*ent.ProductImage{}, nil
	}
	is, err := queryRows(ctx, s.db, imageSelect+`i.product_id IN (`+store.Marks(len(productIDs))+`) ORDER BY i.product_id, i.position, i.id`,
		intArgs(productIDs), scanImage)
	if err != nil {
		return nil, fmt.Errorf("load images: %w", err)
	}
	return group(productIDs, is, func(i *ent.ProductImage) int { return i.ProductID }), nil
}

// FeaturedImagesByProduct returns each product's first image (in position order; nil for
// a product without images), for products whose other images are not shown: one row per
// product instead of all of them.
func (s *Service) FeaturedImagesByProduct(ctx context.Context, productIDs []int) (map[int]*ent.ProductImage, error) {
	out := make(map[int]*ent.ProductImage, len(productIDs))
	for _, id := range productIDs {
		out[id] = nil
	}
	if len(productIDs) == 0 {
		return out, nil
	}
	is, err := queryRows(ctx, s.db, imageSelect+`i.product_id IN (`+store.Marks(len(productIDs))+`) AND NOT EXISTS (
SELECT 1 FROM product_images j WHERE j.product_id = i.product_id AND (j.position < i.position OR j.position = i.position AND j.id < i.id))`,
		intArgs(productIDs), scanImage)
	if err != nil {
		return nil, fmt.Errorf("load featured images: %w", err)
	}
	for _, i := range is {
		out[i.ProductID] = i
	}
	return out, nil
}

// ImagesByID returns images by ID (for variant images).
func (s *Service) ImagesByID(ctx context.Context, ids []int) (map[int]*ent.ProductImage, error) {
	if len(ids) == 0 {
		return map[int]*ent.ProductImage{}, nil
	}
	is, err := queryRows(ctx, s.db, imageSelect+`i.id IN (`+store.Marks(len(ids))+`)`, intArgs(ids), scanImage)
	if err != nil {
		return nil, fmt.Errorf("load images: %w", err)
	}
	out := make(map[int]*ent.ProductImage, len(is))
	for _, i := range is {
		out[i.ID] = i
	}
	return out, nil
}

// OptionsByProduct returns each product's options in position order, with their values
// in position order, in one statement (options left-joined with their values). The
// entities are built here, not by ent: they carry no client, so their edge queries
// (QueryValues…) cannot be called; every read of the catalog uses Edges instead.
func (s *Service) OptionsByProduct(ctx context.Context, productIDs []int) (map[int][]*ent.ProductOption, error) {
	out := make(map[int][]*ent.ProductOption, len(productIDs))
	for _, id := range productIDs {
		out[id] = nil
	}
	if len(productIDs) == 0 {
		return out, nil
	}
	// One row per option value, or per option without values (no value columns).
	type row struct {
		option ent.ProductOption
		value  *ent.ProductOptionValue
	}
	rows, err := queryRows(ctx, s.db, `SELECT o.id, o.name, o.position, o.product_id,
	v.id, v.name, v.position, v.swatch_color, v.swatch_image_id
FROM product_options o LEFT JOIN product_option_values v ON v.option_id = o.id
WHERE o.product_id IN (`+store.Marks(len(productIDs))+`)
ORDER BY o.product_id, o.position, o.id, v.position, v.id`, intArgs(productIDs), func(rows *entsql.Rows) (*row, error) {
		var r row
		var vID, vPos, swatchImage sql.NullInt64
		var vName, swatch sql.NullString
		if err := rows.Scan(&r.option.ID, &r.option.Name, &r.option.Position, &r.option.ProductID,
			&vID, &vName, &vPos, &swatch, &swatchImage); err != nil {
			return nil, err
		}
		if vID.Valid {
			r.value = &ent.ProductOptionValue{ID: int(vID.Int64), Name: vName.String, Position: int(vPos.Int64),
				OptionID: r.option.ID, SwatchColor: nullString(swatch), SwatchImageID: nullInt(swatchImage)}
		}
		return &r, nil
	})
	if err != nil {
		return nil, fmt.Errorf("load options: %w", err)
	}
	var last *ent.ProductOption
	for _, r := range rows {
		if last == nil || last.ID != r.option.ID {
			last = &r.option
			out[last.ProductID] = append(out[last.ProductID], last)
		}
		if r.value != nil {
			r.value.Edges.Option = last // a value's variant lookups need its option and product
			last.Edges.Values = append(last.Edges.Values, r.value)
		}
	}
	return out, nil
}

// ProductsByID returns published products by ID; invisible ones are absent.
func (s *Service) ProductsByID(ctx context.Context, ids []int) (map[int]*ent.Product, error) {
	if len(ids) == 0 {
		return map[int]*ent.Product{}, nil
	}
	ps, err := s.products(ctx, `p.id IN (`+store.Marks(len(ids))+`) AND `+visibleProductSQL, append(intArgs(ids), s.now())...)
	if err != nil {
		return nil, err
	}
	out := make(map[int]*ent.Product, len(ps))
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// ListedCollectionColumns are the columns of a collection that its listing fields read
// (ID, handle, title): a product's collections shown by those fields alone are read with
// the memberships in one statement (ListedCollectionsByProduct). Fields left zero: all
// the others (description, image, SEO, publication, sort order, timestamps).
var ListedCollectionColumns = []string{collection.FieldID, collection.FieldHandle, collection.FieldTitle}

// collectionsOfProductsSQL selects, after cp.product_id, the columns cols (over alias c)
// of the published collections of the products in %s, by product, then collection ID.
func collectionsOfProductsSQL(cols string) string {
	return `SELECT cp.product_id, ` + cols + ` FROM collection_products cp
JOIN collections c ON c.id = cp.collection_id
WHERE cp.product_id IN (%s) AND ` + visibleCollectionSQL + `
ORDER BY cp.product_id, cp.collection_id`
}

var (
	membershipsSQL                = collectionsOfProductsSQL("cp.collection_id")
	listedCollectionsByProductSQL = collectionsOfProductsSQL(columnList("c", ListedCollectionColumns))
)

// ListedCollectionsByProduct is CollectionsByProduct reading only ListedCollectionColumns,
// in one statement.
func (s *Service) ListedCollectionsByProduct(ctx context.Context, productIDs []int) (map[int][]*ent.Collection, error) {
	type member struct {
		product    int
		collection *ent.Collection
	}
	out := make(map[int][]*ent.Collection, len(productIDs))
	for _, id := range productIDs {
		out[id] = nil
	}
	if len(productIDs) == 0 {
		return out, nil
	}
	// A collection in several products' lists is one entity, as CollectionsByProduct's are.
	byID := map[int]*ent.Collection{}
	ms, err := queryRows(ctx, s.db, fmt.Sprintf(listedCollectionsByProductSQL, store.Marks(len(productIDs))), append(intArgs(productIDs), s.now()),
		func(rows *entsql.Rows) (*member, error) {
			var m member
			c := new(ent.Collection)
			if err := rows.Scan(&m.product, &c.ID, &c.Handle, &c.Title); err != nil {
				return nil, fmt.Errorf("scan collection: %w", err)
			}
			if seen := byID[c.ID]; seen != nil {
				c = seen
			} else {
				byID[c.ID] = c
			}
			m.collection = c
			return &m, nil
		})
	if err != nil {
		return nil, fmt.Errorf("load collections of products: %w", err)
	}
	for _, m := range ms {
		out[m.product] = append(out[m.product], m.collection)
	}
	return out, nil
}

// CollectionsByProduct returns, for each product, the published collections that contain
// it, in collection ID order (two statements: the memberships, then each collection once).
func (s *Service) CollectionsByProduct(ctx context.Context, productIDs []int) (map[int][]*ent.Collection, error) {
	out := make(map[int][]*ent.Collection, len(productIDs))
	for _, id := range productIDs {
		out[id] = nil
	}
	if len(productIDs) == 0 {
		return out, nil
	}
	type member struct{ product, collection int }
	ms, err := queryRows(ctx, s.db, fmt.Sprintf(membershipsSQL, store.Marks(len(productIDs))), append(intArgs(productIDs), s.now()), func(rows *entsql.Rows) (*member, error) {
		var m member
		return &m, rows.Scan(&m.product, &m.collection)
	})
	if err != nil {
		return nil, fmt.Errorf("load collections of products: %w", err)
	}
	if len(ms) == 0 {
		return out, nil
	}
	byID := map[int]*ent.Collection{}
	var ids []int
	for _, m := range ms {
		if _, seen := byID[m.collection]; !seen {
			byID[m.collection] = nil
			ids = append(ids, m.collection)
		}
	}
	cs, err := s.collectionsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		byID[c.ID] = c
	}
	for _, m := range ms {
		if c := byID[m.collection]; c != nil {
			out[m.product] = append(out[m.product], c)
		}
	}
	return out, nil
}

// MenuItemsByMenu returns every item of each menu (all depths) in position order.
func (s *Service) MenuItemsByMenu(ctx context.Context, menuIDs []int) (map[int][]*ent.MenuItem, error) {
	items, err := s.db.MenuItem.Query().
		Where(menuitem.MenuIDIn(menuIDs...)).
		Order(ent.Asc(menuitem.FieldMenuID), ent.Asc(menuitem.FieldPosition), ent.Asc(menuitem.FieldID)).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load menu items: %w", err)
	}
	return group(menuIDs, items, func(i *ent.MenuItem) int { return i.MenuID }), nil
}

// ProductsAnyByID returns products by ID whether or not they are published: a cart line
// keeps showing its product after the product is unpublished.
func (s *Service) ProductsAnyByID(ctx context.Context, ids []int) ([]*ent.Product, error) {
	ps, err := s.productsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return ps, nil
}
