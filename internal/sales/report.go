package sales

import (
	"context"
	"fmt"
	"sort"
	"time"

	"storefront/ent"
	"storefront/ent/collection"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/catalog"
	"storefront/internal/gid"
	"storefront/internal/paging"
	"storefront/internal/reports"
)

// MaxRows bounds the rows of a breakdown.
const MaxRows = 250

// dayNum is a range's day as yyyymmdd, the rollups' day key.
func dayNum(d time.Time) int { return dayOf(d, time.UTC) }

func fromDay(day int) time.Time {
	return time.Date(day/10000, time.Month(day/100%100), day%100, 0, 0, 0, 0, time.UTC)
}

// Totals are the sales figures of a span of days. Amounts are in minor units of the shop
// currency.
type Totals struct {
	Orders    int
	Units     int64
	Gross     int64 // line prices × quantities
	Discounts int64
	Refunds   int64 // refunded on the span's orders (orders.total_refunded)
	Net       int64 // gross − discounts − refunds
	Tax       int64
	Shipping  int64
	Total     int64 // what buyers were charged, less refunds
	// AverageOrderValue is (gross − discounts) ÷ orders, rounded half up; 0 without orders.
	AverageOrderValue int64
}

func (t *Totals) addDay(d dayRow) {
	t.Orders += d.orders
	t.Units += d.units
	t.Gross += d.gross
	t.Discounts += d.discounts
	t.Tax += d.tax
	t.Shipping += d.shipping
	t.Total += d.total
}

func (t *Totals) finish() {
	t.Net = t.Gross - t.Discounts - t.Refunds
	t.Total -= t.Refunds
	if t.Orders > 0 {
		t.AverageOrderValue = divRound(t.Gross-t.Discounts, int64(t.Orders))
	}
}

// divRound is a ÷ b rounded half away from zero (b > 0).
func divRound(a, b int64) int64 {
	if a < 0 {
		return -divRound(-a, b)
	}
	return (2*a + b) / (2 * b)
}

// Period is one period of a report.
type Period struct {
	// Start and End are the period's first and last day within the range (YYYY-MM-DD).
	Start, End string
	Totals     Totals
}

// SalesReport is the sales of a range of days.
type SalesReport struct {
	Range        reports.Range
	Granularity  reports.Granularity
	CurrencyCode string
	Timezone     string
	Totals       Totals
	Periods      []Period
	// Previous is the same figures for the range of the same length just before; nil
	// unless asked for.
	Previous *Totals
}

// Breakdown is rep's sales by dim: Service.Breakdown without a second check of the
// rollups, which rep's own computation made current in this request.
func (rep *SalesReport) Breakdown(ctx context.Context, s *Service, dim Dimension, first int) ([]*Row, error) {
	return s.breakdown(ctx, rep.Range, dim, first)
}

// From and To are the range's ends as YYYY-MM-DD.
func (r *SalesReport) From() string { return r.Range.From.Format(time.DateOnly) }
func (r *SalesReport) To() string   { return r.Range.To.Format(time.DateOnly) }

// PreviousFrom and PreviousTo are the compared range's ends; empty without one.
func (r *SalesReport) PreviousFrom() *string {
	if r.Previous == nil {
		return nil
	}
	s := r.Range.Previous().From.Format(time.DateOnly)
	return &s
}

func (r *SalesReport) PreviousTo() *string {
	if r.Previous == nil {
		return nil
	}
	s := r.Range.Previous().To.Format(time.DateOnly)
	return &s
}

// currency is the shop's currency.
func (s *Service) currency(ctx context.Context) (string, error) {
	return catalog.ShopCurrency(ctx, s.db.Shop)
}

// Sales reports the orders of r by period of its granularity, with the previous range when compare is
// set. It reads the day rollups and the refunded orders: two statements (three with the
// shop's currency) whatever the range.
func (s *Service) Sales(ctx context.Context, r reports.Range, compare bool) (*SalesReport, error) {
	loc, err := s.Prepare(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.currency(ctx)
	if err != nil {
		return nil, err
	}
	whole := r
	if compare {
		whole.From = r.Previous().From
	}
	days := map[int]dayRow{}
	rows, err := s.db.SQL.QueryContext(ctx, rebind(s.pg(), `SELECT day, orders, gross, discounts, tax, shipping, total, units FROM analytics_sales_days WHERE day BETWEEN ? AND ?`), dayNum(whole.From), dayNum(whole.To))
	if err != nil {
		return nil, fmt.Errorf("read sales days: %w", err)
	}
	for rows.Next() {
		var day int
		var d dayRow
		if err := rows.Scan(&day, &d.orders, &d.gross, &d.discounts, &d.tax, &d.shipping, &d.total, &d.units); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read sales days: %w", err)
		}
		days[day] = d
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read sales days: %w", err)
	}
	// Refunds are read from the orders, where the refund flow keeps them, by the day the
	// order was placed.
	refunds := map[int]int64{}
	start, end := whole.Instants(loc)
	rows, err = s.db.SQL.QueryContext(ctx, rebind(s.pg(), `SELECT processed_at, total_refunded FROM orders WHERE total_refunded > 0 AND processed_at >= ? AND processed_at < ?`), start, end)
	if err != nil {
		return nil, fmt.Errorf("read refunds: %w", err)
	}
	for rows.Next() {
		var at time.Time
		var amount int64
		if err := rows.Scan(&at, &amount); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read refunds: %w", err)
		}
		refunds[dayOf(at, loc)] += amount
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read refunds: %w", err)
	}
	sum := func(from, to time.Time) Totals {
		var t Totals
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			day := dayOf(d, time.UTC)
			t.addDay(days[day])
			t.Refunds += refunds[day]
		}
		t.finish()
		return t
	}
	rep := &SalesReport{Range: r, Granularity: r.Granularity, CurrencyCode: cur, Timezone: loc.String(), Totals: sum(r.From, r.To)}
	for _, p := range r.Periods() {
		rep.Periods = append(rep.Periods, Period{Start: p.Start.Format(time.DateOnly), End: p.End.Format(time.DateOnly), Totals: sum(p.Start, p.End)})
	}
	if compare {
		p := r.Previous()
		t := sum(p.From, p.To)
		rep.Previous = &t
	}
	return rep, nil
}

// Dimension is what a breakdown of sales groups by.
type Dimension string

// Dimensions of a sales breakdown.
const (
	ByProduct    Dimension = "product"
	ByVariant    Dimension = "variant"
	ByCollection Dimension = "collection"
	ByVendor     Dimension = "vendor"
)

// Row is one product, variant, collection or vendor of a breakdown. Refunds are recorded
// per order, not per line, so rows carry no refunds.
type Row struct {
	// ID is the product, variant or collection (0 when it no longer exists); Title its
	// title then, or the vendor's name.
	ID        int
	Title     string
	ProductID int
	Units     int64
	Gross     int64
	Discounts int64
	Net       int64 // gross − discounts
	// kind is the global ID type of ID ("" for vendors and deleted records).
	kind   string
	vendor bool
}

// ProductGlobalID, VariantGlobalID and CollectionGlobalID are the row's records as global
// IDs; nil when the row is of another kind or the record no longer exists.
func (r Row) ProductGlobalID() *string {
	if r.ProductID == 0 || r.kind != "Product" && r.kind != "ProductVariant" {
		return nil
	}
	id := gid.Format("Product", r.ProductID)
	return &id
}

func (r Row) VariantGlobalID() *string { return r.globalID("ProductVariant") }

func (r Row) CollectionGlobalID() *string { return r.globalID("Collection") }

func (r Row) globalID(kind string) *string {
	if r.ID == 0 || r.kind != kind {
		return nil
	}
	id := gid.Format(kind, r.ID)
	return &id
}

// Vendor is the vendor of a vendor row.
func (r Row) Vendor() *string {
	if !r.vendor {
		return nil
	}
	return &r.Title
}

// Breakdown is the first rows of r's sales grouped by dim, the highest net sales first.
// It runs one grouping statement and one read of the titles.
func (s *Service) Breakdown(ctx context.Context, r reports.Range, dim Dimension, first int) ([]*Row, error) {
	if first < 0 || first > MaxRows {
		return nil, &paging.InputError{Argument: "first", Message: fmt.Sprintf("first must be between 0 and %d", MaxRows)}
	}
	if _, err := s.Prepare(ctx); err != nil {
		return nil, err
	}
	return s.breakdown(ctx, r, dim, first)
}

func (s *Service) breakdown(ctx context.Context, r reports.Range, dim Dimension, first int) ([]*Row, error) {
	if first < 0 || first > MaxRows {
		return nil, &paging.InputError{Argument: "first", Message: fmt.Sprintf("first must be between 0 and %d", MaxRows)}
	}
	var q string
	switch dim {
	case ByProduct:
		q = `SELECT l.product_id AS k, '' AS name, l.product_id AS pid, sum(l.units) AS units, sum(l.gross) AS gross, sum(l.discounts) AS disc FROM analytics_sales_lines l
			WHERE l.day BETWEEN ? AND ? GROUP BY l.product_id`
	case ByVariant:
		q = `SELECT l.variant_id AS k, '' AS name, max(l.product_id) AS pid, sum(l.units) AS units, sum(l.gross) AS gross, sum(l.discounts) AS disc FROM analytics_sales_lines l
			WHERE l.day BETWEEN ? AND ? GROUP BY l.variant_id`
	case ByCollection:
		q = `SELECT cp.collection_id AS k, '' AS name, 0 AS pid, sum(l.units) AS units, sum(l.gross) AS gross, sum(l.discounts) AS disc FROM analytics_sales_lines l
			JOIN collection_products cp ON cp.product_id = l.product_id
			WHERE l.day BETWEEN ? AND ? GROUP BY cp.collection_id`
	case ByVendor:
		q = `SELECT 0 AS k, p.vendor AS name, 0 AS pid, sum(l.units) AS units, sum(l.gross) AS gross, sum(l.discounts) AS disc FROM analytics_sales_lines l
			JOIN products p ON p.id = l.product_id
			WHERE l.day BETWEEN ? AND ? GROUP BY p.vendor`
	default:
		return nil, fmt.Errorf("unknown sales dimension %q", dim)
	}
	q = `SELECT k, name, pid, units, gross, disc FROM (` + q + `) g ORDER BY gross - disc DESC, k, name LIMIT ?`
	rows, err := s.db.SQL.QueryContext(ctx, rebind(s.pg(), q), dayNum(r.From), dayNum(r.To), first)
	if err != nil {
		return nil, fmt.Errorf("sales by %s: %w", dim, err)
	}
	var out []*Row
	for rows.Next() {
		row := &Row{}
		if err := rows.Scan(&row.ID, &row.Title, &row.ProductID, &row.Units, &row.Gross, &row.Discounts); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sales by %s: %w", dim, err)
		}
		row.Net = row.Gross - row.Discounts
		row.vendor = dim == ByVendor
		if !row.vendor {
			row.Title = "(deleted)"
		}
		out = append(out, row)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("sales by %s: %w", dim, err)
	}
	return out, s.attach(ctx, dim, out)
}

// attach loads the products, variants or collections of rows, in one statement.
func (s *Service) attach(ctx context.Context, dim Dimension, rows []*Row) error {
	ids := make([]int, 0, len(rows))
	for _, r := range rows {
		if r.ID != 0 {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	switch dim {
	case ByProduct:
		ps, err := s.db.Product.Query().Where(product.IDIn(ids...)).All(ctx)
		if err != nil {
			return fmt.Errorf("read products: %w", err)
		}
		byID := map[int]*ent.Product{}
		for _, p := range ps {
			byID[p.ID] = p
		}
		for i := range rows {
			if p := byID[rows[i].ID]; p != nil {
				rows[i].Title, rows[i].kind = p.Title, "Product"
			}
		}
	case ByVariant:
		vs, err := s.db.ProductVariant.Query().Where(productvariant.IDIn(ids...)).WithProduct().All(ctx)
		if err != nil {
			return fmt.Errorf("read variants: %w", err)
		}
		byID := map[int]*ent.ProductVariant{}
		for _, v := range vs {
			byID[v.ID] = v
		}
		for i := range rows {
			if v := byID[rows[i].ID]; v != nil {
				rows[i].Title, rows[i].kind, rows[i].ProductID = v.Title, "ProductVariant", v.ProductID
				if p := v.Edges.Product; p != nil {
					rows[i].Title = p.Title + " — " + v.Title
				}
			}
		}
	case ByCollection:
		cs, err := s.db.Collection.Query().Where(collection.IDIn(ids...)).All(ctx)
		if err != nil {
			return fmt.Errorf("read collections: %w", err)
		}
		byID := map[int]*ent.Collection{}
		for _, c := range cs {
			byID[c.ID] = c
		}
		for i := range rows {
			if c := byID[rows[i].ID]; c != nil {
				rows[i].Title, rows[i].kind = c.Title, "Collection"
			}
		}
	}
	return nil
}

// CustomerTotals count the buyers of a range. A buyer is an account, or a guest by email.
type CustomerTotals struct {
	// Customers placed at least one order in the range; New placed their first order ever
	// in it; Returning had ordered before it.
	Customers, New, Returning int
	// Repeat customers are the range's customers with two or more orders so far (before
	// or in the range); RepeatPurchaseRate is Repeat ÷ Customers (0 without customers).
	Repeat             int
	RepeatPurchaseRate float64
}

// Cohort is the customers whose first order fell in one month, and how many of them
// ordered in each month since, up to the end of the report's range.
type Cohort struct {
	Month     string // YYYY-MM
	Customers int
	Retention []Retention
}

// Retention is how many of a cohort's customers ordered in the month Offset months after
// their first, and what share of the cohort that is.
type Retention struct {
	Offset    int
	Customers int
	Rate      float64
}

// CustomerReport is the buyers of a range of days.
type CustomerReport struct {
	Range    reports.Range
	Timezone string
	Totals   CustomerTotals
	Previous *CustomerTotals
	// Cohorts are those whose first order is in a month the range touches, oldest first.
	Cohorts []Cohort
}

// From and To are the range's ends as YYYY-MM-DD.
func (r *CustomerReport) From() string { return r.Range.From.Format(time.DateOnly) }
func (r *CustomerReport) To() string   { return r.Range.To.Format(time.DateOnly) }

// customerTotals counts r's buyers from the visits: a buyer's first order in r is the one
// whose previous order is before r.
func (s *Service) customerTotals(ctx context.Context, r reports.Range) (CustomerTotals, error) {
	var t CustomerTotals
	rows, err := s.db.SQL.QueryContext(ctx, rebind(s.pg(), `SELECT
		coalesce(sum(CASE WHEN prev_day < ? THEN orders ELSE 0 END), 0),
		coalesce(sum(CASE WHEN seq = 1 THEN orders ELSE 0 END), 0),
		coalesce(sum(CASE WHEN seq = 2 AND prev_day >= ? THEN orders ELSE 0 END), 0)
		FROM analytics_sales_visits WHERE day BETWEEN ? AND ?`),
		dayNum(r.From), dayNum(r.From), dayNum(r.From), dayNum(r.To))
	if err != nil {
		return t, fmt.Errorf("count customers: %w", err)
	}
	defer rows.Close()
	var secondInRange int
	if rows.Next() {
		if err := rows.Scan(&t.Customers, &t.New, &secondInRange); err != nil {
			return t, fmt.Errorf("count customers: %w", err)
		}
	}
	if err := rows.Close(); err != nil {
		return t, fmt.Errorf("count customers: %w", err)
	}
	t.Returning = t.Customers - t.New
	// Returning buyers have ordered twice by now; new ones when their second order is in r.
	t.Repeat = t.Returning + secondInRange
	if t.Customers > 0 {
		t.RepeatPurchaseRate = float64(t.Repeat) / float64(t.Customers)
	}
	return t, nil
}

// Customers reports the buyers of r: new and returning, the repeat-purchase rate, and the
// cohorts of the months r touches with their retention up to r's end.
func (s *Service) Customers(ctx context.Context, r reports.Range, compare bool) (*CustomerReport, error) {
	loc, err := s.Prepare(ctx)
	if err != nil {
		return nil, err
	}
	rep := &CustomerReport{Range: r, Timezone: loc.String()}
	if rep.Totals, err = s.customerTotals(ctx, r); err != nil {
		return nil, err
	}
	if compare {
		p, err := s.customerTotals(ctx, r.Previous())
		if err != nil {
			return nil, err
		}
		rep.Previous = &p
	}
	firstMonth := dayNum(r.From) / 100
	lastMonth := dayNum(r.To) / 100
	rows, err := s.db.SQL.QueryContext(ctx, rebind(s.pg(), `SELECT first_month, month, customers FROM analytics_sales_cohorts
		WHERE first_month BETWEEN ? AND ? AND month <= ?`), firstMonth, lastMonth, lastMonth)
	if err != nil {
		return nil, fmt.Errorf("read cohorts: %w", err)
	}
	active := map[int]map[int]int{}
	for rows.Next() {
		var cohort, month, n int
		if err := rows.Scan(&cohort, &month, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read cohorts: %w", err)
		}
		if active[cohort] == nil {
			active[cohort] = map[int]int{}
		}
		active[cohort][month] = n
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read cohorts: %w", err)
	}
	for m := firstMonth; m <= lastMonth; m = nextMonth(m) {
		c := Cohort{Month: fmt.Sprintf("%04d-%02d", m/100, m%100), Customers: active[m][m]}
		for off, k := 0, m; k <= lastMonth; off, k = off+1, nextMonth(k) {
			ret := Retention{Offset: off, Customers: active[m][k]}
			if c.Customers > 0 {
				ret.Rate = float64(ret.Customers) / float64(c.Customers)
			}
			c.Retention = append(c.Retention, ret)
		}
		rep.Cohorts = append(rep.Cohorts, c)
	}
	return rep, nil
}

// nextMonth is the month after m (yyyymm).
func nextMonth(m int) int {
	if m%100 == 12 {
		return (m/100+1)*100 + 1
	}
	return m + 1
}

// StockRow is one variant's stock against what it sold in the range.
type StockRow struct {
	VariantID, ProductID int
	Title                string // product — variant
	SKU                  string
	Available            int64 // units in stock now
	UnitsSold            int64 // in the range
	// AverageDailyUnits is UnitsSold ÷ the range's days.
	AverageDailyUnits float64
	// DaysOfCover is Available ÷ AverageDailyUnits: nil when nothing sold.
	DaysOfCover *float64
	// SellThrough is UnitsSold ÷ (UnitsSold + Available): nil when both are 0.
	SellThrough *float64
	LowStock    bool
}

// VariantGlobalID and ProductGlobalID are the row's variant and product as global IDs.
func (r StockRow) VariantGlobalID() string { return gid.Format("ProductVariant", r.VariantID) }
func (r StockRow) ProductGlobalID() string { return gid.Format("Product", r.ProductID) }

// InventoryReport is stock against sales over a range.
type InventoryReport struct {
	Range             reports.Range
	LowStockThreshold int
	// UnitsSold, Available and SellThrough are over every variant.
	UnitsSold, Available int64
	SellThrough          *float64
	// LowStock is the variants with at most LowStockThreshold units, fewest first;
	// Cover the variants that sold, shortest days of cover first.
	LowStock []StockRow
	Cover    []StockRow
}

// From and To are the range's ends as YYYY-MM-DD.
func (r *InventoryReport) From() string { return r.Range.From.Format(time.DateOnly) }
func (r *InventoryReport) To() string   { return r.Range.To.Format(time.DateOnly) }

// Inventory reports each variant's stock against its sales in r: the first rows of low
// stock (at most threshold units) and of days of cover. One statement over the variants.
func (s *Service) Inventory(ctx context.Context, r reports.Range, threshold, first int) (*InventoryReport, error) {
	if first < 0 || first > MaxRows {
		return nil, &paging.InputError{Argument: "first", Message: fmt.Sprintf("first must be between 0 and %d", MaxRows)}
	}
	if threshold < 0 {
		return nil, &paging.InputError{Argument: "lowStockThreshold", Message: "lowStockThreshold must not be negative"}
	}
	if _, err := s.Prepare(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.SQL.QueryContext(ctx, rebind(s.pg(), `SELECT v.id, v.product_id, p.title, v.title, coalesce(v.sku, ''), v.available, coalesce(x.units, 0)
		FROM product_variants v JOIN products p ON p.id = v.product_id
		LEFT JOIN (SELECT variant_id, sum(units) AS units FROM analytics_sales_lines WHERE day BETWEEN ? AND ? GROUP BY variant_id) x ON x.variant_id = v.id
		WHERE p.archived = ?`), dayNum(r.From), dayNum(r.To), false)
	if err != nil {
		return nil, fmt.Errorf("read stock: %w", err)
	}
	rep := &InventoryReport{Range: r, LowStockThreshold: threshold}
	var all []StockRow
	days := float64(r.Days())
	for rows.Next() {
		var row StockRow
		var ptitle, vtitle string
		if err := rows.Scan(&row.VariantID, &row.ProductID, &ptitle, &vtitle, &row.SKU, &row.Available, &row.UnitsSold); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read stock: %w", err)
		}
		row.Title = ptitle
		if vtitle != "Default Title" {
			row.Title += " — " + vtitle
		}
		row.AverageDailyUnits = float64(row.UnitsSold) / days
		if row.UnitsSold > 0 {
			c := float64(row.Available) / row.AverageDailyUnits
			row.DaysOfCover = &c
		}
		row.SellThrough = ratio(row.UnitsSold, row.Available)
		row.LowStock = row.Available <= int64(threshold)
		rep.UnitsSold += row.UnitsSold
		rep.Available += row.Available
		all = append(all, row)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read stock: %w", err)
	}
	rep.SellThrough = ratio(rep.UnitsSold, rep.Available)
	for _, row := range all {
		if row.LowStock {
			rep.LowStock = append(rep.LowStock, row)
		}
		if row.DaysOfCover != nil {
			rep.Cover = append(rep.Cover, row)
		}
	}
	sort.SliceStable(rep.LowStock, func(i, j int) bool {
		a, b := rep.LowStock[i], rep.LowStock[j]
		if a.Available != b.Available {
			return a.Available < b.Available
		}
		return a.VariantID < b.VariantID
	})
	sort.SliceStable(rep.Cover, func(i, j int) bool {
		a, b := rep.Cover[i], rep.Cover[j]
		if *a.DaysOfCover != *b.DaysOfCover {
			return *a.DaysOfCover < *b.DaysOfCover
		}
		return a.VariantID < b.VariantID
	})
	rep.LowStock = rep.LowStock[:min(first, len(rep.LowStock))]
	rep.Cover = rep.Cover[:min(first, len(rep.Cover))]
	return rep, nil
}

func ratio(sold, left int64) *float64 {
	if sold+left == 0 {
		return nil
	}
	v := float64(sold) / float64(sold+left)
	return &v
}
