package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"storefront/internal/analytics"
	"storefront/internal/reports"
	"storefront/internal/sales"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// TestSeedSyntheticOrders: `seed -synthetic-orders` places real orders (lines, customers,
// totals that add up) that the sales, customer and inventory reports count, and the
// analytics sessions that end in them, on both databases.
func TestSeedSyntheticOrders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		var out bytes.Buffer
		getenv := func(string) string { return "" }
		if err := run(ctx, []string{"seed", "-database-url", b.URL}, getenv, &out); err != nil {
			t.Fatal(err)
		}
		if err := run(ctx, []string{"seed", "-database-url", b.URL, "-synthetic-orders", "300", "-synthetic-events", "3000"}, getenv, &out); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"placed 300 synthetic orders", "the sessions of 300 orders among them"} {
			if !strings.Contains(out.String(), w) {
				t.Errorf("seed output lacks %q:\n%s", w, out.String())
			}
		}
		db, err := store.Open(ctx, store.Config{URL: b.URL})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var orders, lines, badTotals, customers, buyers int
		var gross, total, units int64
		for _, q := range []struct {
			sql  string
			dest []any
		}{
			{`SELECT COUNT(*), COALESCE(SUM(total), 0) FROM orders`, []any{&orders, &total}},
			{`SELECT COUNT(*), COALESCE(SUM(original_total), 0), COALESCE(SUM(quantity), 0) FROM order_lines`, []any{&lines, &gross, &units}},
			// Each order's total is its lines after discounts, plus tax and shipping.
			{`SELECT COUNT(*) FROM orders o WHERE o.total <> o.total_tax + o.total_shipping +
				(SELECT SUM(l.discounted_total) FROM order_lines l WHERE l.order_id = o.id)
				OR o.subtotal - o.total_discounts <> (SELECT SUM(l.discounted_total) FROM order_lines l WHERE l.order_id = o.id)`, []any{&badTotals}},
			{`SELECT COUNT(*) FROM customers WHERE email LIKE 'orders.synthetic-%'`, []any{&customers}},
			{`SELECT COUNT(DISTINCT COALESCE(CAST(customer_id AS TEXT), email)) FROM orders`, []any{&buyers}},
		} {
			if err := db.SQL.QueryRowContext(ctx, q.sql).Scan(q.dest...); err != nil {
				t.Fatal(err)
			}
		}
		if orders != 300 || lines < 300 || badTotals != 0 || customers != 75 {
			t.Errorf("%d orders, %d lines, %d totals that do not add up, %d customers; want 300, ≥ 300, 0, 75", orders, lines, badTotals, customers)
		}
		svc := sales.New(db)
		loc, err := svc.Prepare(ctx)
		if err != nil {
			t.Fatal(err)
		}
		today := time.Now().In(loc).Format(time.DateOnly)
		from := time.Now().In(loc).AddDate(0, 0, -91).Format(time.DateOnly)
		rg, err := reports.ParseRange(from, today, reports.Day)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := svc.Sales(ctx, rg, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Totals.Orders != orders || rep.Totals.Gross != gross || rep.Totals.Total != total || rep.Totals.Units != units {
			t.Errorf("sales report %+v, want %d orders, gross %d, total %d, %d units", rep.Totals, orders, gross, total, units)
		}
		cust, err := svc.Customers(ctx, rg, false)
		if err != nil {
			t.Fatal(err)
		}
		if cust.Totals.Customers != buyers {
			t.Errorf("customer report: %d customers, want %d", cust.Totals.Customers, buyers)
		}
		inv, err := svc.Inventory(ctx, rg, 5, 10)
		if err != nil {
			t.Fatal(err)
		}
		if inv.UnitsSold != units {
			t.Errorf("inventory report: %d units sold, want %d", inv.UnitsSold, units)
		}
		// Every order ends a session of the funnel, on the order's day.
		funnel, err := analytics.ConversionFunnel(ctx, db, rg)
		if err != nil {
			t.Fatal(err)
		}
		if f := funnel.Total; f.Orders != int64(orders) || f.Placed != int64(orders) || f.Revenue != total || f.CheckoutsStarted < f.Orders || f.Sessions <= f.Orders {
			t.Errorf("funnel %+v, want %d orders placed for %d", f, orders, total)
		}
	})
}
