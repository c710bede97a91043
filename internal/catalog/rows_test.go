package catalog

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/product"
	"storefront/ent/productimage"
	"storefront/ent/productoption"
	"storefront/ent/productoptionvalue"
	"storefront/ent/productvariant"
	"storefront/ent/schema"
	"storefront/internal/demo"
	"storefront/internal/store"
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
		for _, vs := range wantVariants {
			for _, v := range vs {
				v.CreatedAt, v.UpdatedAt = time.Time{}, time.Time{} // not read by catalog reads
			}
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

		// Products: one unpublished, one published in the past with SEO fields and tags
		// that need escapes, one with no tags.
		ps := db.Product.Query().Order(ent.Asc(product.FieldID)).Limit(3).AllX(ctx)
		db.Product.UpdateOne(ps[0]).SetPublished(false).ExecX(ctx)
		db.Product.UpdateOne(ps[1]).SetPublishedAt(time.Now().Add(-time.Hour)).SetSeoTitle("SEO <t>").SetSeoDescription("d").
			SetTags([]string{`a "quoted" tag`, "b\\c", "ünï"}).SetIsGiftCard(true).ExecX(ctx)
		db.Product.UpdateOne(ps[2]).SetTags([]string{}).SetPublishedAt(time.Now().Add(time.Hour)).ExecX(ctx) // not yet visible
		allProducts := db.Product.Query().AllX(ctx)
		got, err := s.ProductsAnyByID(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "products", byKey(got, func(p *ent.Product) int { return p.ID }), byKey(allProducts, func(p *ent.Product) int { return p.ID }))
		visible, err := s.ProductsByID(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := visible[ps[0].ID]; ok {
			t.Errorf("unpublished product %d listed", ps[0].ID)
		}
		if _, ok := visible[ps[2].ID]; ok {
			t.Errorf("product %d published in an hour listed", ps[2].ID)
		}
		wantVisible := db.Product.Query().Where(s.visibleProduct()).AllX(ctx)
		if len(visible) != len(wantVisible) || len(wantVisible) >= len(allProducts)-1 {
			t.Errorf("%d visible products, want %d of %d", len(visible), len(wantVisible), len(allProducts))
		}
		for _, p := range wantVisible {
			if visible[p.ID] == nil {
				t.Errorf("visible product %d not listed", p.ID)
			}
		}
		for _, p := range allProducts {
			byID, err := s.Product(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			byHandle, err := s.ProductByHandle(ctx, p.Handle)
			if err != nil {
				t.Fatal(err)
			}
			want := []*ent.Product{p}
			if visible[p.ID] == nil {
				want = []*ent.Product{nil}
			}
			same(t, "product by id", map[int][]*ent.Product{p.ID: {byID}}, map[int][]*ent.Product{p.ID: want})
			same(t, "product by handle", map[int][]*ent.Product{p.ID: {byHandle}}, map[int][]*ent.Product{p.ID: want})
		}

		// Images, with and without alt text and size.
		imgs := db.ProductImage.Query().Order(ent.Asc(productimage.FieldID)).AllX(ctx)
		db.ProductImage.UpdateOne(imgs[0]).ClearAltText().ClearWidth().ClearHeight().ExecX(ctx)
		db.ProductImage.UpdateOne(imgs[1]).SetAltText("alt & more").SetWidth(10).SetHeight(20).ExecX(ctx)
		gotImages, err := s.ImagesByProduct(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		wantImages := map[int][]*ent.ProductImage{}
		for _, id := range ids {
			wantImages[id] = db.ProductImage.Query().Where(productimage.ProductID(id)).
				Order(ent.Asc(productimage.FieldPosition), ent.Asc(productimage.FieldID)).AllX(ctx)
		}
		same(t, "images", gotImages, wantImages)

		// Featured images: the first by position, then ID. One product's last image moved
		// ahead of the others, another's images all at one position.
		var moved, tied []*ent.ProductImage
		for _, id := range ids {
			if is := wantImages[id]; len(is) >= 2 {
				if moved == nil {
					moved = is
				} else if tied == nil {
					tied = is
				}
			}
		}
		if tied == nil {
			t.Fatal("the demo has fewer than two products with two images")
		}
		db.ProductImage.UpdateOne(moved[len(moved)-1]).SetPosition(moved[0].Position - 1).ExecX(ctx)
		for _, i := range tied {
			db.ProductImage.UpdateOne(i).SetPosition(5).ExecX(ctx)
		}
		gotFeatured, err := s.FeaturedImagesByProduct(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		wantFeatured, gotFeaturedAll := map[int][]*ent.ProductImage{}, map[int][]*ent.ProductImage{}
		for _, id := range ids {
			if _, ok := gotFeatured[id]; !ok {
				t.Fatalf("featured images: no entry for product %d", id)
			}
			if i, err := db.ProductImage.Query().Where(productimage.ProductID(id)).
				Order(ent.Asc(productimage.FieldPosition), ent.Asc(productimage.FieldID)).First(ctx); err == nil {
				wantFeatured[id] = []*ent.ProductImage{i}
			}
			if i := gotFeatured[id]; i != nil {
				gotFeaturedAll[id] = []*ent.ProductImage{i}
			}
		}
		same(t, "featured images", gotFeaturedAll, wantFeatured)
		if gotFeatured[moved[0].ProductID].ID != moved[len(moved)-1].ID || gotFeatured[tied[0].ProductID].ID != tied[0].ID {
			t.Fatalf("featured images: moved %d, tied %d", gotFeatured[moved[0].ProductID].ID, gotFeatured[tied[0].ProductID].ID)
		}
		var imageIDs []int
		for _, i := range imgs {
			imageIDs = append(imageIDs, i.ID)
		}
		gotByID, err := s.ImagesByID(ctx, imageIDs)
		if err != nil {
			t.Fatal(err)
		}
		wantByID := map[int][]*ent.ProductImage{}
		gotByIDs := map[int][]*ent.ProductImage{}
		for _, i := range db.ProductImage.Query().AllX(ctx) {
			wantByID[i.ID] = []*ent.ProductImage{i}
			gotByIDs[i.ID] = []*ent.ProductImage{gotByID[i.ID]}
		}
		same(t, "images by id", gotByIDs, wantByID)

		// Collections: one unpublished, one with every optional field.
		cs := db.Collection.Query().Order(ent.Asc(collection.FieldID)).Limit(2).AllX(ctx)
		db.Collection.UpdateOne(cs[0]).SetPublished(false).ExecX(ctx)
		db.Collection.UpdateOne(cs[1]).SetImageURL("http://x/i.png").SetImageAltText("a").SetImageWidth(3).SetImageHeight(4).
			SetSeoTitle("s").SetSeoDescription("d").SetPublishedAt(time.Now().Add(-time.Minute)).SetSortOrder(collection.SortOrderPRICE).ExecX(ctx)
		gotCollections, err := s.CollectionsByProduct(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		wantCollections := map[int][]*ent.Collection{}
		for _, id := range ids {
			wantCollections[id] = db.Collection.Query().
				Where(collection.HasProductsWith(product.ID(id)), s.visibleCollection()).
				Order(ent.Asc(collection.FieldID)).AllX(ctx)
		}
		same(t, "collections of products", gotCollections, wantCollections)
		for _, c := range db.Collection.Query().AllX(ctx) {
			byID, err := s.Collection(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			byHandle, err := s.CollectionByHandle(ctx, c.Handle)
			if err != nil {
				t.Fatal(err)
			}
			want := []*ent.Collection{c}
			if !db.Collection.Query().Where(collection.ID(c.ID), s.visibleCollection()).ExistX(ctx) {
				want = []*ent.Collection{nil}
			}
			same(t, "collection by id", map[int][]*ent.Collection{c.ID: {byID}}, map[int][]*ent.Collection{c.ID: want})
			same(t, "collection by handle", map[int][]*ent.Collection{c.ID: {byHandle}}, map[int][]*ent.Collection{c.ID: want})
		}
	})
}

func byKey[T any](ts []T, key func(T) int) map[int][]T {
	out := map[int][]T{}
	for _, t := range ts {
		out[key(t)] = append(out[key(t)], t)
	}
	return out
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

// TestShopCachedUntilCatalogChange: on SQLite the shop row is read once and again only
// after a catalog change; on PostgreSQL every time (other instances write too).
func TestShopCachedUntilCatalogChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		if err := demo.Load(ctx, db, "http://shop.test"); err != nil {
			t.Fatal(err)
		}
		s := New(db)
		read := func() (string, int64) {
			t.Helper()
			var c store.Counter
			sh, err := s.Shop(store.WithCounter(ctx, &c))
			if err != nil {
				t.Fatal(err)
			}
			return sh.Name, c.Load()
		}
		first, _ := read()
		name, n := read()
		wantStatements := int64(0)
		if db.Dialect != dialect.SQLite {
			wantStatements = 1
		}
		if name != first || n != wantStatements {
			t.Fatalf("second read: %q in %d statements, want %q in %d", name, n, first, wantStatements)
		}
		db.Shop.Update().SetName("Renamed").ExecX(ctx)
		if name, n := read(); name != "Renamed" || n != 1 {
			t.Fatalf("after the change: %q in %d statements", name, n)
		}
		// A write in a transaction counts when it commits.
		tx, err := db.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Shop.Update().SetName("In a transaction").ExecX(ctx)
		if name, _ := read(); name != "Renamed" {
			t.Fatalf("uncommitted name read: %q", name)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if name, _ := read(); name != "In a transaction" {
			t.Fatalf("after commit: %q", name)
		}
	})
}
