package analytics_test

import (
	"context"
	"os"
	"testing"
	"time"

	"storefront/internal/analytics"
	"storefront/internal/reports"
	"storefront/internal/sales"
	"storefront/internal/store"
)

// BenchmarkReports90Days times each report (the behaviour reports and, over the orders
// the seed placed, the sales, customer and inventory reports) over the last 90 days of a
// seeded database:
//
//	storefront seed -database-url URL -synthetic-events 1000000 -synthetic-orders 100000
//	STOREFRONT_BENCH_DATABASE_URL=URL go test -run - -bench Reports90Days ./internal/analytics
func BenchmarkReports90Days(b *testing.B) {
	url := os.Getenv("STOREFRONT_BENCH_DATABASE_URL")
	if url == "" {
		b.Skip("STOREFRONT_BENCH_DATABASE_URL is not set")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{URL: url})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	today, err := analytics.Today(ctx, db, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	svc := sales.New(db)
	for _, g := range []reports.Granularity{reports.Day, reports.Week} {
		r := reports.Range{From: today.AddDate(0, 0, -89), To: today, Granularity: g}
		b.Run("salesReport/"+string(g), func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Sales(ctx, r, true); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("customerReport/"+string(g), func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Customers(ctx, r, true); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("inventoryReport/"+string(g), func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Inventory(ctx, r, 5, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("conversionFunnel/"+string(g), func(b *testing.B) {
			for b.Loop() {
				if _, err := analytics.ConversionFunnel(ctx, db, r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("trafficReport/"+string(g), func(b *testing.B) {
			for b.Loop() {
				if _, err := analytics.Traffic(ctx, db, r, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("searchReport/"+string(g), func(b *testing.B) {
			for b.Loop() {
				if _, err := analytics.Searches(ctx, db, r, 20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
