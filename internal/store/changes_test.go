package store_test

import (
	"context"
	"testing"

	"storefront/internal/storetest"
)

// TestChangesSeeCommittedCatalogWrites: a catalog write is reported once it is visible
// (at once outside a transaction, at commit inside one, never on rollback), hand-built SQL
// included, and writes to buyers' own tables are not catalog changes.
func TestChangesSeeCommittedCatalogWrites(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		var seen int
		db.Changes.Subscribe(func() { seen++ })
		expect := func(step string, want int) {
			t.Helper()
			if seen != want {
				t.Fatalf("%s: %d changes reported, want %d", step, seen, want)
			}
		}
		p := db.Product.Create().SetHandle("tee").SetTitle("Tee").SaveX(ctx)
		if seen == 0 {
			t.Fatal("creating a product reported no change")
		}
		seen = 0

		tx, err := db.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Product.UpdateOneID(p.ID).SetTitle("Tee 2").ExecX(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE products SET units_sold = units_sold + 1 WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		expect("inside the transaction", 0)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		expect("after commit", 1)

		tx, err = db.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Product.UpdateOneID(p.ID).SetTitle("Tee 3").ExecX(ctx)
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		expect("after rollback", 1)

		if _, err := db.ExecContext(ctx, `UPDATE product_variants SET available = available - 1 WHERE id = 0`); err != nil {
			t.Fatal(err)
		}
		expect("hand-built stock update", 2)

		if _, err := db.ExecContext(ctx, `INSERT INTO analytics_daily (day, sessions) VALUES ('2026-01-01', 1)`); err != nil {
			t.Fatal(err)
		}
		db.Customer.Create().SetEmail("a@b.test").SetPasswordHash("x").ExecX(ctx)
		expect("writes of analytics rollups and customers", 2)
	})
}
