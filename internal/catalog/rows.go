package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent"
	"storefront/ent/productvariant"
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

var variantsByProductSQL = `SELECT ` + columnList("v", productvariant.Columns) + ` FROM ` + productvariant.Table +
	` v WHERE v.product_id IN (%s) ORDER BY v.product_id, v.position, v.id`

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

// scanVariant reads a row of productvariant.Columns.
func scanVariant(rows *entsql.Rows) (*ent.ProductVariant, error) {
	v := new(ent.ProductVariant)
	var sku, barcode, unit sql.NullString
	var compareAt, imageID sql.NullInt64
	var opts sql.RawBytes
	if err := rows.Scan(&v.ID, &v.CreatedAt, &v.UpdatedAt, &v.Title, &sku, &barcode, &v.Price, &compareAt,
		&v.Weight, &unit, &v.RequiresShipping, &v.Available, &opts, &v.Position, &v.ProductID, &imageID); err != nil {
		return nil, fmt.Errorf("scan variant: %w", err)
	}
	if sku.Valid {
		v.Sku = &sku.String
	}
	if barcode.Valid {
		v.Barcode = &barcode.String
	}
	if compareAt.Valid {
		v.CompareAtPrice = &compareAt.Int64
	}
	v.WeightUnit = productvariant.WeightUnit(unit.String)
	if imageID.Valid {
		id := int(imageID.Int64)
		v.ImageID = &id
	}
	if len(opts) > 0 {
		if err := json.Unmarshal(opts, &v.SelectedOptions); err != nil {
			return nil, fmt.Errorf("scan variant %d: selected options: %w", v.ID, err)
		}
	}
	return v, nil
}
