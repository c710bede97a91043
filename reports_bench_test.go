package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"storefront/ent"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// benchOrders is how many orders BenchmarkReports generates, over benchDays days ending
// 2026-03-31: the 90-day reports cover three quarters of them.
const (
	benchOrders    = 100_000
	benchDays      = 120
	benchCustomers = 30_000
)

// fillReportsBench writes a catalog of 50 products × 4 variants in 10 collections and
// benchOrders orders with 1–4 lines each, in bulk inserts of 1,000 rows.
func fillReportsBench(t testing.TB, db *store.DB) {
	ctx := context.Background()
	if _, err := db.Shop.Create().SetName("Bench").SetCurrencyCode("USD").SetCountryCode("US").Save(ctx); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var cols []*ent.Collection
	for i := range 10 {
		cols = append(cols, db.Collection.Create().SetHandle(fmt.Sprintf("c%d", i)).SetTitle(fmt.Sprintf("Collection %d", i)).SaveX(ctx))
	}
	type variant struct {
		id, product int
		price       int64
	}
	var variants []variant
	for p := range 50 {
		prod := db.Product.Create().SetHandle(fmt.Sprintf("p%d", p)).SetTitle(fmt.Sprintf("Product %d", p)).SetVendor(fmt.Sprintf("Vendor %d", p%5)).SaveX(ctx)
		for k := range 2 {
			db.CollectionProduct.Create().SetCollectionID(cols[(p+k*3)%10].ID).SetProductID(prod.ID).ExecX(ctx)
		}
		for v := range 4 {
			price := int64(500 + rng.IntN(10_000))
			pv := db.ProductVariant.Create().SetProductID(prod.ID).SetTitle(fmt.Sprintf("V%d", v)).SetPrice(price).SetPosition(v).
				SetAvailable(rng.IntN(200)).SetSelectedOptions(nil).SaveX(ctx)
			variants = append(variants, variant{pv.ID, prod.ID, price})
		}
	}
	end := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -benchDays)
	span := end.Sub(start)
	const batch = 1000
	for n := 0; n < benchOrders; n += batch {
		type planned struct {
			lines []variant
			qty   []int
		}
		plans := make([]planned, batch)
		orders := make([]*ent.OrderCreate, batch)
		for i := range batch {
			var p planned
			var subtotal int64
			for range 1 + rng.IntN(4) {
				v := variants[rng.IntN(len(variants))]
				q := 1 + rng.IntN(3)
				p.lines = append(p.lines, v)
				p.qty = append(p.qty, q)
				subtotal += v.price * int64(q)
			}
			plans[i] = p
			var discount int64
			if rng.IntN(5) == 0 {
				discount = subtotal / 10
			}
			tax, ship := subtotal/12, int64(500)
			c := db.Order.Create().SetNumber(1001 + n + i).SetName(fmt.Sprintf("#%d", 1001+n+i)).SetCurrencyCode("USD").
				SetSubtotal(subtotal).SetTotalDiscounts(discount).SetTotalTax(tax).SetTotalShipping(ship).
				SetTotal(subtotal - discount + tax + ship).SetProcessedAt(start.Add(time.Duration(rng.Int64N(int64(span))))).
				SetStatusToken(fmt.Sprintf("bench-%d", n+i))
			if rng.IntN(50) == 0 {
				c.SetTotalRefunded(subtotal / 2)
			}
			if cust := rng.IntN(benchCustomers); cust%5 == 0 {
				c.SetEmail(fmt.Sprintf("guest%d@example.com", cust))
			} else {
				c.SetCustomerID(cust + 1)
			}
			orders[i] = c
		}
		saved, err := db.Order.CreateBulk(orders...).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var lines []*ent.OrderLineCreate
		for i, o := range saved {
			for j, v := range plans[i].lines {
				q := plans[i].qty[j]
				lines = append(lines, db.OrderLine.Create().SetOrderID(o.ID).SetVariantID(v.id).SetTitle("p").SetQuantity(q).SetCurrentQuantity(q).
					SetUnitPrice(v.price).SetOriginalTotal(v.price*int64(q)).SetDiscountedTotal(v.price*int64(q)).SetPosition(j))
			}
		}
		for len(lines) > 0 {
			k := min(batch, len(lines))
			if err := db.OrderLine.CreateBulk(lines[:k]...).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			lines = lines[k:]
		}
	}
}

// BenchmarkReports answers each report over 90 days (2026-01-01 to 2026-03-31) of
// benchOrders orders through the Admin API handler, on SQLite and on PostgreSQL (with
// STOREFRONT_TEST_POSTGRES_URL). The setup's rollup build (the backfill on open) is
// reported as build-s.
func BenchmarkReports(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			db := backend.Open(b)
			fillReportsBench(b, db)
			t0 := time.Now()
			api := startAPIOver(b, db, testConfig())
			build := time.Since(t0)
			key := adminKey(b, db, "analytics:read")
			for _, c := range []struct{ name, query string }{
				{"sales-by-day", `{ salesReport(from: "2026-01-01", to: "2026-03-31") { totals { netSales } previous { netSales } periods { start totals { orders netSales } } } }`},
				{"sales-by-week", `{ salesReport(from: "2026-01-01", to: "2026-03-31", granularity: WEEK) { totals { netSales } periods { start totals { orders netSales } } } }`},
				{"sales-breakdowns", `{ salesReport(from: "2026-01-01", to: "2026-03-31", compare: false) { byProduct { title netSales } byVariant { title netSales } byCollection { title netSales } byVendor { title netSales } } }`},
				{"customers", `{ customerReport(from: "2026-01-01", to: "2026-03-31") { totals { customers newCustomers repeatPurchaseRate } previous { customers } cohorts { month customers retention { customers } } } }`},
				{"inventory", `{ inventoryReport(from: "2026-01-01", to: "2026-03-31") { unitsSold lowStock { title } daysOfCover { title daysOfCover } } }`},
			} {
				body, _ := json.Marshal(map[string]any{"query": c.query})
				b.Run(c.name, func(b *testing.B) {
					b.ReportMetric(build.Seconds(), "build-s")
					for b.Loop() {
						req := httptest.NewRequest(http.MethodPost, "/admin/graphql", bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+key)
						w := httptest.NewRecorder()
						api.Handler.ServeHTTP(w, req)
						if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
							b.Fatalf("status %d: %s", w.Code, w.Body.Bytes())
						}
					}
				})
			}
		})
	}
}
