package store_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"storefront/internal/store"
	"storefront/internal/storetest"
)

func TestPriceSummaryFollowsVariants(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		p := db.Product.Create().SetHandle("tee").SetTitle("Tee").SaveX(ctx)
		v1 := db.ProductVariant.Create().SetProduct(p).SetTitle("S").SetPrice(1500).SetCompareAtPrice(2000).SetSelectedOptions(nil).SaveX(ctx)
		db.ProductVariant.Create().SetProduct(p).SetTitle("M").SetPrice(1200).SetSelectedOptions(nil).SaveX(ctx)
		got := db.Product.GetX(ctx, p.ID)
		if got.MinPrice != 1200 || got.MaxPrice != 1500 || got.MinCompareAtPrice != 0 || got.MaxCompareAtPrice != 2000 {
			t.Fatalf("after create: got min %d max %d cmp %d..%d, want 1200 1500 0..2000", got.MinPrice, got.MaxPrice, got.MinCompareAtPrice, got.MaxCompareAtPrice)
		}
		db.ProductVariant.UpdateOne(v1).SetPrice(900).ExecX(ctx)
		if got := db.Product.GetX(ctx, p.ID); got.MinPrice != 900 || got.MaxPrice != 1200 {
			t.Fatalf("after update: got %d..%d, want 900..1200", got.MinPrice, got.MaxPrice)
		}
		db.ProductVariant.DeleteOne(v1).ExecX(ctx)
		if got := db.Product.GetX(ctx, p.ID); got.MinPrice != 1200 || got.MaxCompareAtPrice != 0 {
			t.Fatalf("after delete: got min %d max cmp %d, want 1200, 0", got.MinPrice, got.MaxCompareAtPrice)
		}
		// Inside a transaction too.
		tx, err := db.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.ProductVariant.Create().SetProductID(p.ID).SetTitle("L").SetPrice(100).SetSelectedOptions(nil).SaveX(ctx)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := db.Product.GetX(ctx, p.ID); got.MinPrice != 100 {
			t.Fatalf("after tx create: got min %d, want 100", got.MinPrice)
		}
	})
}

func TestCounterCountsStatements(t *testing.T) {
	db := storetest.SQLite(t).Open(t)
	var c store.Counter
	ctx := store.WithCounter(context.Background(), &c)
	db.Product.Query().AllX(ctx)
	db.Page.Query().CountX(ctx)
	if c.Load() != 2 {
		t.Fatalf("got %d statements, want 2", c.Load())
	}
}

// TestDatabaseFileIsPrivate: the SQLite file and its -wal and -shm files are readable and
// writable by their owner only, whatever mode the file had.
func TestDatabaseFileIsPrivate(t *testing.T) {
	b := storetest.SQLite(t)
	path := strings.TrimPrefix(b.URL, "sqlite:")
	if err := os.WriteFile(path, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	db := b.Open(t)
	db.Product.Query().CountX(context.Background())
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", f, fi.Mode().Perm())
		}
	}
}
