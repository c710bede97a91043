package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/product"
	"storefront/ent/productimage"
	"storefront/ent/productvariant"
	"storefront/internal/jsonfast"
	"storefront/internal/paging"
	"storefront/internal/store"
)

// Hand-scanned reads of the rows every catalog page lists many of (a 20-product listing
// reads 120 variants). ent builds each statement anew and scans each column through a
// freshly allocated sql.Null* value and reflection; here the statement text is built once
// and each row is scanned straight into its entity. The column lists are ent's own
// (productvariant.Columns…), so a column added to the schema makes Scan fail at once
// rather than be left zero, and TestHandScannedRowsMatchEnt compares every row with ent's.
//
// Entities built here carry no ent client: their edge queries (QueryProduct…) cannot be
// called. Catalog reads use the loaders and Edges instead.

// columnList is "t.a, t.b, …" for table alias t.
func columnList(alias string, cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(alias + "." + c)
	}
	return b.String()
}

var (
	productSelect    = `SELECT ` + columnList("p", product.Columns) + ` FROM ` + product.Table + ` p WHERE `
	collectionSelect = `SELECT ` + columnList("c", collection.Columns) + ` FROM ` + collection.Table + ` c WHERE `
	imageSelect      = `SELECT ` + columnList("i", productimage.Columns) + ` FROM ` + productimage.Table + ` i WHERE `
)

// visibleProductSQL and visibleCollectionSQL are visibleProduct and visibleCollection for
// aliases p and c, with s.now() as their argument.
const (
	visibleProductSQL    = `p.published AND (p.published_at IS NULL OR p.published_at <= ?)`
	visibleCollectionSQL = `c.published AND (c.published_at IS NULL OR c.published_at <= ?)`
)

// products reads the products matching where (over alias p), hand-scanned.
func (s *Service) products(ctx context.Context, where string, args ...any) ([]*ent.Product, error) {
	ps, err := queryRows(ctx, s.db, productSelect+where, args, scanProduct)
	if err != nil {
		return nil, fmt.Errorf("load products: %w", err)
	}
	return ps, nil
}

// productsByID reads products by ID, published or not, in no particular order.
func (s *Service) productsByID(ctx context.Context, ids []int) ([]*ent.Product, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.products(ctx, `p.id IN (`+store.Marks(len(ids))+`)`, intArgs(ids)...)
}

// collections reads the collections matching where (over alias c), hand-scanned.
func (s *Service) collections(ctx context.Context, where string, args ...any) ([]*ent.Collection, error) {
	cs, err := queryRows(ctx, s.db, collectionSelect+where, args, scanCollection)
	if err != nil {
		return nil, fmt.Errorf("load collections: %w", err)
	}
	return cs, nil
}

// collectionsByID reads collections by ID, published or not, in no particular order.
func (s *Service) collectionsByID(ctx context.Context, ids []int) ([]*ent.Collection, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.collections(ctx, `c.id IN (`+store.Marks(len(ids))+`)`, intArgs(ids)...)
}

// only is the one entity of a lookup by a unique key, or nil.
func only[T any](ts []*T, err error) (*T, error) {
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	return ts[0], nil
}

// variantColumns are the columns catalog reads take of a variant: all but its timestamps,
// which no field of the Storefront API shows (its ProductVariant has no createdAt or
// updatedAt) and whose parsing was a twentieth of a listing's CPU on SQLite. Variants
// read for anything else (carts, orders, exports, the Admin API) are read through ent.
var variantColumns = func() []string {
	var cols []string
	for _, c := range productvariant.Columns {
		if c != productvariant.FieldCreatedAt && c != productvariant.FieldUpdatedAt {
			cols = append(cols, c)
		}
	}
	return cols
}()

// ListedVariantColumns are the columns of a variant that its listing fields read: ID,
// title, SKU, prices, stock, position and product. A listing whose selected variant fields
// read nothing more (the Storefront API decides; see graph's listedVariantFields) reads
// only these: a listing's variants are most of its rows, and the columns left out (the
// selected options' JSON above all) were a fifth of its CPU. Fields left zero: Barcode,
// Weight, WeightUnit, RequiresShipping, SelectedOptions, ImageID (and the timestamps).
var ListedVariantColumns = []string{
	productvariant.FieldID, productvariant.FieldTitle, productvariant.FieldSku, productvariant.FieldPrice,
	productvariant.FieldCompareAtPrice, productvariant.FieldAvailable, productvariant.FieldPosition, productvariant.FieldProductID,
}

var (
	variantsByProductSQL       = variantsByProductOf(variantColumns)
	listedVariantsByProductSQL = variantsByProductOf(ListedVariantColumns)
)

func variantsByProductOf(cols []string) string {
	return `SELECT ` + columnList("v", cols) + ` FROM ` + productvariant.Table +
		` v WHERE v.product_id IN (%s) ORDER BY v.product_id, v.position, v.id`
}

// queryRows runs q (with ? placeholders) and builds an entity from each row with scan.
func queryRows[T any](ctx context.Context, db *store.DB, q string, args []any, scan func(*entsql.Rows) (*T, error)) ([]*T, error) {
	var rows entsql.Rows
	if err := db.Driver.Query(ctx, store.Rebind(db.Dialect, q), args, &rows); err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		t, err := scan(&rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func intArgs(ids []int) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// scanListedVariant reads a row of ListedVariantColumns.
func scanListedVariant(rows *entsql.Rows) (*ent.ProductVariant, error) {
	v := new(ent.ProductVariant)
	var sku sql.NullString
	var compareAt sql.NullInt64
	if err := rows.Scan(&v.ID, &v.Title, &sku, &v.Price, &compareAt, &v.Available, &v.Position, &v.ProductID); err != nil {
		return nil, fmt.Errorf("scan variant: %w", err)
	}
	v.Sku = nullString(sku)
	if compareAt.Valid {
		v.CompareAtPrice = &compareAt.Int64
	}
	return v, nil
}

// scanVariant reads a row of variantColumns: CreatedAt and UpdatedAt are left zero.
func scanVariant(rows *entsql.Rows) (*ent.ProductVariant, error) {
	v := new(ent.ProductVariant)
	var sku, barcode, unit sql.NullString
	var compareAt, imageID sql.NullInt64
	var opts sql.RawBytes
	if err := rows.Scan(&v.ID, &v.Title, &sku, &barcode, &v.Price, &compareAt,
		&v.Weight, &unit, &v.RequiresShipping, &v.Available, &opts, &v.Position, &v.ProductID, &imageID); err != nil {
		return nil, fmt.Errorf("scan variant: %w", err)
	}
	v.Sku = nullString(sku)
	v.Barcode = nullString(barcode)
	if compareAt.Valid {
		v.CompareAtPrice = &compareAt.Int64
	}
	v.WeightUnit = productvariant.WeightUnit(unit.String)
	v.ImageID = nullInt(imageID)
	if len(opts) > 0 {
		// Straight to the decoder: json.Unmarshal would first scan the whole text to
		// validate it, which the decoder does itself (falling back to encoding/json).
		if err := v.SelectedOptions.UnmarshalJSON(opts); err != nil {
			return nil, fmt.Errorf("scan variant %d: selected options: %w", v.ID, err)
		}
	}
	return v, nil
}

// scanProduct reads a row of product.Columns.
func scanProduct(rows *entsql.Rows) (*ent.Product, error) {
	dests, build := productRow()
	if err := rows.Scan(dests...); err != nil {
		return nil, fmt.Errorf("scan product: %w", err)
	}
	return build()
}

// productRow returns the scan destinations of product.Columns and the function that
// builds the product once they are scanned.
func productRow() ([]any, func() (*ent.Product, error)) {
	p := new(ent.Product)
	var publishedAt sql.NullTime
	var seoTitle, seoDescription sql.NullString
	var tags sql.RawBytes
	dests := []any{&p.ID, &p.CreatedAt, &p.UpdatedAt, &p.Handle, &p.Title, &p.Description, &p.DescriptionHTML,
		&p.Vendor, &p.ProductType, &tags, &p.Published, &p.Archived, &publishedAt, &seoTitle, &seoDescription,
		&p.IsGiftCard, &p.MinPrice, &p.MaxPrice, &p.MinCompareAtPrice, &p.MaxCompareAtPrice, &p.UnitsSold}
	return dests, func() (*ent.Product, error) {
		if publishedAt.Valid {
			p.PublishedAt = &publishedAt.Time
		}
		p.SeoTitle = nullString(seoTitle)
		p.SeoDescription = nullString(seoDescription)
		if len(tags) > 0 {
			var err error
			if p.Tags, err = decodeStrings(tags); err != nil {
				return nil, fmt.Errorf("scan product %d: tags: %w", p.ID, err)
			}
		}
		return p, nil
	}
}

// listedProducts makes a product listing read the products themselves (paging.Row).
var listedProducts = &paging.Row{
	Columns: product.Columns,
	New: func() ([]any, func() (any, error)) {
		dests, build := productRow()
		return dests, func() (any, error) { return build() }
	},
}

// ListedProductColumns are the columns of a product that its listing fields read: ID,
// handle, title, vendor, type, gift card flag and price bounds. A listing whose selected
// product fields read nothing more (graph's listedProductFields) reads only these; the
// descriptions, tags, SEO texts and timestamps it leaves out (zero) were most of a
// product row's cost.
var ListedProductColumns = []string{
	product.FieldID, product.FieldHandle, product.FieldTitle, product.FieldVendor, product.FieldProductType, product.FieldIsGiftCard,
	product.FieldMinPrice, product.FieldMaxPrice, product.FieldMinCompareAtPrice, product.FieldMaxCompareAtPrice,
}

// listedProductColumns makes a product listing read the products' ListedProductColumns.
var listedProductColumns = &paging.Row{
	Columns: ListedProductColumns,
	New: func() ([]any, func() (any, error)) {
		p := new(ent.Product)
		return []any{&p.ID, &p.Handle, &p.Title, &p.Vendor, &p.ProductType, &p.IsGiftCard,
				&p.MinPrice, &p.MaxPrice, &p.MinCompareAtPrice, &p.MaxCompareAtPrice},
			func() (any, error) { return p, nil }
	},
}

// scanCollection reads a row of collection.Columns.
func scanCollection(rows *entsql.Rows) (*ent.Collection, error) {
	c := new(ent.Collection)
	var imageURL, imageAlt, seoTitle, seoDescription, sortOrder sql.NullString
	var width, height sql.NullInt64
	var publishedAt sql.NullTime
	if err := rows.Scan(&c.ID, &c.CreatedAt, &c.UpdatedAt, &c.Handle, &c.Title, &c.Description, &c.DescriptionHTML,
		&imageURL, &imageAlt, &width, &height, &seoTitle, &seoDescription, &c.Published, &publishedAt, &sortOrder); err != nil {
		return nil, fmt.Errorf("scan collection: %w", err)
	}
	c.ImageURL = nullString(imageURL)
	c.ImageAltText = nullString(imageAlt)
	c.ImageWidth = nullInt(width)
	c.ImageHeight = nullInt(height)
	c.SeoTitle = nullString(seoTitle)
	c.SeoDescription = nullString(seoDescription)
	if publishedAt.Valid {
		c.PublishedAt = &publishedAt.Time
	}
	c.SortOrder = collection.SortOrder(sortOrder.String)
	return c, nil
}

// scanImage reads a row of productimage.Columns.
func scanImage(rows *entsql.Rows) (*ent.ProductImage, error) {
	i := new(ent.ProductImage)
	var alt sql.NullString
	var width, height sql.NullInt64
	if err := rows.Scan(&i.ID, &i.URL, &alt, &width, &height, &i.Position, &i.ProductID); err != nil {
		return nil, fmt.Errorf("scan image: %w", err)
	}
	i.AltText = nullString(alt)
	i.Width = nullInt(width)
	i.Height = nullInt(height)
	return i, nil
}

func nullString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

func nullInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// decodeStrings decodes a JSON array of strings (a product's tags), by hand when its
// strings are plain (jsonfast.Strings), else with encoding/json.
func decodeStrings(b []byte) ([]string, error) {
	if out, ok := jsonfast.Strings(b); ok {
		return out, nil
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}
