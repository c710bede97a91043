package catalog

import (
	"context"
	"encoding/json"
	"testing"

	"storefront/ent"
	"storefront/ent/productoption"
	"storefront/ent/productoptionvalue"
	"storefront/ent/productvariant"
	"storefront/ent/schema"
	"storefront/internal/demo"
	"storefront/internal/storetest"
)

// TestHandScannedRowsMatchEnt reads the demo catalog (with a few unusual values added)
// through the hand-written batch reads and through ent, and wants the same entities:
// every field, as ent's JSON form shows them.
func TestHandScannedRowsMatchEnt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		if err := demo.Load(ctx, db, "http://shop.test"); err != nil {
			t.Fatal(err)
		}
		// Values the demo does not have: a barcode, a compare-at price, an escaped option
		// value, no options at all, a swatch.
		vs := db.ProductVariant.Query().Order(ent.Asc(productvariant.FieldID)).Limit(3).AllX(ctx)
		db.ProductVariant.UpdateOne(vs[0]).SetBarcode("0123").SetCompareAtPrice(9999).SetWeight(1.25).SetWeightUnit(productvariant.WeightUnitOUNCES).SetRequiresShipping(false).ExecX(ctx)
		db.ProductVariant.UpdateOne(vs[1]).SetSelectedOptions(schema.SelectedOptions{{Name: `Say "hi" & <go>`, Value: "é\n"}}).ExecX(ctx)
		db.ProductVariant.UpdateOne(vs[2]).SetSelectedOptions(schema.SelectedOptions{}).ExecX(ctx)
		db.ProductOptionValue.Update().Where(productoptionvalue.ID(db.ProductOptionValue.Query().FirstIDX(ctx))).SetSwatchColor("#112233").ExecX(ctx)

		var ids []int
		for _, p := range db.Product.Query().AllX(ctx) {
			ids = append(ids, p.ID)
		}
		ids = append(ids, 999999) // no such product
		s := New(db)

		gotVariants, err := s.VariantsByProduct(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		wantVariants := map[int][]*ent.ProductVariant{}
		for _, id := range ids {
			wantVariants[id] = db.ProductVariant.Query().Where(productvariant.ProductID(id)).
				Order(ent.Asc(productvariant.FieldPosition), ent.Asc(productvariant.FieldID)).AllX(ctx)
		}
		same(t, "variants", gotVariants, wantVariants)

		gotOptions, err := s.OptionsByProduct(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		wantOptions := map[int][]*ent.ProductOption{}
		for _, id := range ids {
			wantOptions[id] = db.ProductOption.Query().Where(productoption.ProductID(id)).
				Order(ent.Asc(productoption.FieldPosition), ent.Asc(productoption.FieldID)).
				WithValues(func(q *ent.ProductOptionValueQuery) {
					q.Order(ent.Asc(productoptionvalue.FieldPosition), ent.Asc(productoptionvalue.FieldID))
				}).AllX(ctx)
		}
		for _, os := range gotOptions {
			for _, o := range os {
				for _, v := range o.Edges.Values {
					if v.Edges.Option != o {
						t.Fatalf("option value %d does not point at its option", v.ID)
					}
					v.Edges.Option = nil // a cycle for JSON
				}
			}
		}
		same(t, "options", gotOptions, wantOptions)
	})
}

// same compares the JSON forms of two maps of entity lists; nil and empty lists are equal.
func same[T any](t *testing.T, what string, got, want map[int][]T) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d keys, want %d", what, len(got), len(want))
	}
	rows := 0
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Fatalf("%s: no entry for %d", what, k)
		}
		if len(g) == 0 && len(w) == 0 {
			continue
		}
		rows += len(w)
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if string(gj) != string(wj) {
			t.Errorf("%s of %d:\n got %s\nwant %s", what, k, gj, wj)
		}
	}
	if rows == 0 {
		t.Fatalf("%s: nothing compared", what)
	}
}
