package sales

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"storefront/internal/money"
	"storefront/internal/reports"
)

// Register adds the sales, customer and inventory reports to reg, as tables with the same
// figures as the Admin API's salesReport, customerReport and inventoryReport. Amounts are
// decimals in the shop currency; rates are fractions (0.25).
func (s *Service) Register(reg *reports.Registry) {
	reg.Register(reports.Report{Name: "sales", Title: "Sales by period", Run: s.salesTable})
	for _, d := range []Dimension{ByProduct, ByVariant, ByCollection, ByVendor} {
		reg.Register(reports.Report{Name: "sales-by-" + string(d), Title: "Sales by " + string(d), Run: func(ctx context.Context, p reports.Params) (*reports.Table, error) {
			return s.breakdownTable(ctx, p, d)
		}})
	}
	reg.Register(reports.Report{Name: "customers", Title: "New and returning customers", Run: s.customersTable})
	reg.Register(reports.Report{Name: "customer-cohorts", Title: "Customer cohorts", Run: s.cohortsTable})
	reg.Register(reports.Report{Name: "inventory", Title: "Days of cover", Run: func(ctx context.Context, p reports.Params) (*reports.Table, error) {
		return s.inventoryTable(ctx, p, false)
	}})
	reg.Register(reports.Report{Name: "inventory-low-stock", Title: "Low stock", Run: func(ctx context.Context, p reports.Params) (*reports.Table, error) {
		return s.inventoryTable(ctx, p, true)
	}})
}

func itoa[T int | int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func rate(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

func optRate(f *float64) string {
	if f == nil {
		return ""
	}
	return rate(*f)
}

var totalsColumns = []string{"orders", "units", "gross_sales", "discounts", "refunds", "net_sales", "tax", "shipping", "total_sales", "average_order_value"}

func totalsCells(t Totals, cur string) []string {
	m := func(v int64) string { return money.Format(v, cur) }
	return []string{itoa(t.Orders), itoa(t.Units), m(t.Gross), m(t.Discounts), m(t.Refunds), m(t.Net), m(t.Tax), m(t.Shipping), m(t.Total), m(t.AverageOrderValue)}
}

// salesTable has a row per period, then a "total" row and, when compared, a "previous" row.
func (s *Service) salesTable(ctx context.Context, p reports.Params) (*reports.Table, error) {
	r, err := p.Range()
	if err != nil {
		return nil, err
	}
	rep, err := s.Sales(ctx, r, p.Compare())
	if err != nil {
		return nil, err
	}
	t := &reports.Table{Columns: append([]string{"period", "start", "end"}, totalsColumns...)}
	for _, per := range rep.Periods {
		t.Rows = append(t.Rows, append([]string{string(r.Granularity), per.Start, per.End}, totalsCells(per.Totals, rep.CurrencyCode)...))
	}
	t.Rows = append(t.Rows, append([]string{"total", rep.From(), rep.To()}, totalsCells(rep.Totals, rep.CurrencyCode)...))
	if rep.Previous != nil {
		t.Rows = append(t.Rows, append([]string{"previous", *rep.PreviousFrom(), *rep.PreviousTo()}, totalsCells(*rep.Previous, rep.CurrencyCode)...))
	}
	return t, nil
}

func (s *Service) breakdownTable(ctx context.Context, p reports.Params, d Dimension) (*reports.Table, error) {
	r, err := p.Range()
	if err != nil {
		return nil, err
	}
	first, err := p.Int("first", MaxRows, 0, MaxRows)
	if err != nil {
		return nil, err
	}
	rows, err := s.Breakdown(ctx, r, d, first)
	if err != nil {
		return nil, err
	}
	cur, err := s.currency(ctx)
	if err != nil {
		return nil, err
	}
	t := &reports.Table{Columns: []string{"id", string(d), "units", "gross_sales", "discounts", "net_sales"}}
	for _, row := range rows {
		id := ""
		for _, g := range []*string{row.CollectionGlobalID(), row.VariantGlobalID(), row.ProductGlobalID()} {
			if g != nil && id == "" {
				id = *g
			}
		}
		t.Rows = append(t.Rows, []string{id, row.Title, itoa(row.Units), money.Format(row.Gross, cur), money.Format(row.Discounts, cur), money.Format(row.Net, cur)})
	}
	return t, nil
}

// customersTable has the range's row and, when compared, the previous range's.
func (s *Service) customersTable(ctx context.Context, p reports.Params) (*reports.Table, error) {
	r, err := p.Range()
	if err != nil {
		return nil, err
	}
	rep, err := s.Customers(ctx, r, p.Compare())
	if err != nil {
		return nil, err
	}
	t := &reports.Table{Columns: []string{"range", "from", "to", "customers", "new_customers", "returning_customers", "repeat_customers", "repeat_purchase_rate"}}
	row := func(name string, rg reports.Range, c CustomerTotals) []string {
		return []string{name, rg.From.Format("2006-01-02"), rg.To.Format("2006-01-02"), itoa(c.Customers), itoa(c.New), itoa(c.Returning),
			itoa(c.Repeat), rate(c.RepeatPurchaseRate)}
	}
	t.Rows = append(t.Rows, row("current", r, rep.Totals))
	if rep.Previous != nil {
		t.Rows = append(t.Rows, row("previous", r.Previous(), *rep.Previous))
	}
	return t, nil
}

// cohortsTable has a row per cohort: its size, then customers active in month 0, 1, ….
func (s *Service) cohortsTable(ctx context.Context, p reports.Params) (*reports.Table, error) {
	r, err := p.Range()
	if err != nil {
		return nil, err
	}
	rep, err := s.Customers(ctx, r, false)
	if err != nil {
		return nil, err
	}
	t := &reports.Table{Columns: []string{"cohort", "customers"}}
	for i := range rep.Cohorts {
		t.Columns = append(t.Columns, fmt.Sprintf("month_%d", i))
	}
	for _, c := range rep.Cohorts {
		row := []string{c.Month, itoa(c.Customers)}
		for i := range rep.Cohorts {
			cell := ""
			if i < len(c.Retention) {
				cell = itoa(c.Retention[i].Customers)
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func (s *Service) inventoryTable(ctx context.Context, p reports.Params, low bool) (*reports.Table, error) {
	r, err := p.Range()
	if err != nil {
		return nil, err
	}
	first, err := p.Int("first", MaxRows, 0, MaxRows)
	if err != nil {
		return nil, err
	}
	threshold, err := p.Int("lowStockThreshold", 5, 0, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	rep, err := s.Inventory(ctx, r, threshold, first)
	if err != nil {
		return nil, err
	}
	rows := rep.Cover
	if low {
		rows = rep.LowStock
	}
	t := &reports.Table{Columns: []string{"variant_id", "product_id", "title", "sku", "available", "units_sold", "average_daily_units", "days_of_cover", "sell_through", "low_stock"}}
	for _, row := range rows {
		t.Rows = append(t.Rows, []string{row.VariantGlobalID(), row.ProductGlobalID(), row.Title, row.SKU, itoa(row.Available), itoa(row.UnitsSold),
			rate(row.AverageDailyUnits), optRate(row.DaysOfCover), optRate(row.SellThrough), strconv.FormatBool(row.LowStock)})
	}
	return t, nil
}
