package store_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"storefront/ent/schema"
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

// TestNoByteaColumns: PostgreSQL connections send []byte parameters as text (see
// openPostgres), which is right for the JSON they carry and wrong for bytea. A bytea
// column needs a change there first.
func TestNoByteaColumns(t *testing.T) {
	b, ok := storetest.Postgres(t)
	if !ok {
		t.Skip("set " + storetest.EnvPostgres)
	}
	db := b.Open(t)
	rows, err := db.SQL.QueryContext(context.Background(), `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'bytea'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s.%s is bytea: openPostgres would send its []byte parameters as text", table, column)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestJSONParametersRoundTrip: JSON fields (sent as []byte parameters) are written and
// read back intact; on PostgreSQL a raw statement's []byte parameter is text.
func TestJSONParametersRoundTrip(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		p := db.Product.Create().SetHandle("tee").SetTitle("Tee").SaveX(ctx)
		v := db.ProductVariant.Create().SetProduct(p).SetTitle("S / \"Black\"").SetPrice(1500).
			SetSelectedOptions([]schema.SelectedOption{{Name: "Size", Value: "S"}, {Name: "Colour", Value: "\"Black\" \\ ü"}}).SaveX(ctx)
		got := db.ProductVariant.GetX(ctx, v.ID)
		if len(got.SelectedOptions) != 2 || got.SelectedOptions[1].Value != "\"Black\" \\ ü" {
			t.Fatalf("got %+v", got.SelectedOptions)
		}
		if b.Name != "postgres" {
			return // SQLite compares a []byte parameter as a BLOB, never equal to text
		}
		var n int
		if err := db.SQL.QueryRowContext(ctx, store.Rebind(db.Dialect, `SELECT count(*) FROM product_variants WHERE title = ?`), []byte(v.Title)).Scan(&n); err != nil || n != 1 {
			t.Fatalf("raw []byte parameter: got %d, %v; want 1", n, err)
		}
	})
}
