package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"storefront/ent"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	moneyfmt "storefront/internal/money"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// reportOrder is an order of the reports' fixed dataset.
type reportOrder struct {
	at                   string // processed_at, UTC
	customer             int    // 0 for a guest
	email                string
	discounts, tax, ship int64
	refunded             int64
	lines                []reportLine
}

type reportLine struct {
	handle, variant string
	qty             int
	discount        int64 // allocated to the line
}

// reportOrders is the dataset every expected number of TestSalesReports was worked out
// from by hand. In America/New_York (UTC−5 in January):
//
//	O1 2026-01-10 00:30  customer 1  tee S ×2 (30.00, 3.00 off), mug ×1 (9.99); tax 2.00, shipping 5.00
//	O2 2026-01-09 23:30  customer 1  lamp ×1 (45.00); refunded 10.00
//	O3 2026-01-13 07:00  guest       tee M ×1 (15.00), mug ×2 (19.98); tax 1.00; refunded 5.00
//	O4 2026-01-16 23:59  customer 2  tee S ×1 (15.00); shipping 5.00
//	O5 2026-01-17 00:00  customer 2  mug ×1 (9.99)
//	O6 2025-12-20 10:00  customer 2  mug ×1 (9.99)
//	O7 2025-12-05 10:00  customer 3  mug ×1 (9.99)
var reportOrders = []reportOrder{
	{at: "2026-01-10T05:30:00Z", customer: 1, discounts: 300, tax: 200, ship: 500, lines: []reportLine{{"tee", "S / Black", 2, 300}, {"mug", "Default Title", 1, 0}}},
	{at: "2026-01-10T04:30:00Z", customer: 1, refunded: 1000, lines: []reportLine{{"lamp", "Default Title", 1, 0}}},
	{at: "2026-01-13T12:00:00Z", email: "Guest@Example.com", tax: 100, refunded: 500, lines: []reportLine{{"tee", "M / Black", 1, 0}, {"mug", "Default Title", 2, 0}}},
	{at: "2026-01-17T04:59:00Z", customer: 2, ship: 500, lines: []reportLine{{"tee", "S / Black", 1, 0}}},
	{at: "2026-01-17T05:00:00Z", customer: 2, lines: []reportLine{{"mug", "Default Title", 1, 0}}},
	{at: "2025-12-20T15:00:00Z", customer: 2, lines: []reportLine{{"mug", "Default Title", 1, 0}}},
	{at: "2025-12-05T15:00:00Z", customer: 3, lines: []reportLine{{"mug", "Default Title", 1, 0}}},
}

// reportsFixture is the catalog fixture plus reportOrders, inserted as they were placed
// (not through checkout: stock stays as the fixture has it).
func reportsFixture(t testing.TB, db *store.DB) {
	t.Helper()
	fixture(t, db)
	ctx := context.Background()
	for i, o := range reportOrders {
		at, err := time.Parse(time.RFC3339, o.at)
		if err != nil {
			t.Fatal(err)
		}
		var subtotal int64
		type built struct {
			v   *ent.ProductVariant
			l   reportLine
			sum int64
		}
		var lines []built
		for _, l := range o.lines {
			v := db.ProductVariant.Query().Where(productvariant.Title(l.variant), productvariant.HasProductWith(product.Handle(l.handle))).OnlyX(ctx)
			sum := v.Price * int64(l.qty)
			subtotal += sum - l.discount
			lines = append(lines, built{v, l, sum})
		}
		c := db.Order.Create().SetNumber(1001 + i).SetName(fmt.Sprintf("#%d", 1001+i)).SetCurrencyCode("USD").
			SetSubtotal(subtotal).SetTotalDiscounts(o.discounts).SetTotalTax(o.tax).SetTotalShipping(o.ship).
			SetTotal(subtotal + o.tax + o.ship).SetTotalRefunded(o.refunded).SetProcessedAt(at).SetStatusToken(fmt.Sprintf("tok-%d", i))
		if o.customer != 0 {
			c.SetCustomerID(o.customer)
		}
		if o.email != "" {
			c.SetEmail(o.email)
		}
		ord := c.SaveX(ctx)
		for j, b := range lines {
			db.OrderLine.Create().SetOrderID(ord.ID).SetVariantID(b.v.ID).SetTitle(b.l.handle).SetVariantTitle(b.v.Title).
				SetQuantity(b.l.qty).SetCurrentQuantity(b.l.qty).SetUnitPrice(b.v.Price).SetOriginalTotal(b.sum).
				SetDiscountedTotal(b.sum - b.l.discount).SetPosition(j).ExecX(ctx)
		}
	}
}

type salesTotalsJSON struct {
	Orders, Units, GrossSales, Discounts, Refunds, NetSales, Tax, Shipping, TotalSales, AverageOrderValue int64
}

type salesRowJSON struct {
	ProductID, VariantID, CollectionID     *string
	Title                                  string
	Vendor                                 *string
	Units, GrossSales, Discounts, NetSales int64
}

type salesReportJSON struct {
	SalesReport struct {
		From, To, Granularity, CurrencyCode, Timezone string
		Totals                                        salesTotalsJSON
		Previous                                      *salesTotalsJSON
		PreviousFrom, PreviousTo                      *string
		Periods                                       []struct {
			Start, End string
			Totals     salesTotalsJSON
		}
		ByProduct, ByVariant, ByCollection, ByVendor []salesRowJSON
	}
}

const salesReportQuery = `query($from: String!, $to: String!, $g: ReportGranularity!) {
  salesReport(from: $from, to: $to, granularity: $g) {
    from to granularity currencyCode timezone previousFrom previousTo
    totals { ...T } previous { ...T } periods { start end totals { ...T } }
    byProduct { ...R } byVariant { ...R } byCollection { ...R } byVendor { ...R }
  }
}
fragment T on SalesTotals { orders units grossSales discounts refunds netSales tax shipping totalSales averageOrderValue }
fragment R on SalesRow { productID variantID collectionID title vendor units grossSales discounts netSales }`

// getCSV fetches a CSV report with key (none when empty).
func getCSV(t testing.TB, api *testAPI, key, path string) (int, [][]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, api.URL+path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return resp.StatusCode, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("%s: content type %q", path, ct)
	}
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	return resp.StatusCode, rows
}

func usd(v int64) string { return moneyfmt.Format(v, "USD") }

func totalsCells(x salesTotalsJSON) []string {
	return []string{fmt.Sprint(x.Orders), fmt.Sprint(x.Units), usd(x.GrossSales), usd(x.Discounts), usd(x.Refunds), usd(x.NetSales), usd(x.Tax), usd(x.Shipping), usd(x.TotalSales), usd(x.AverageOrderValue)}
}

// TestSalesReports: salesReport, customerReport and inventoryReport over the fixed
// dataset, in UTC and then in the shop's New York time zone (the rollups are rebuilt for
// it), compared with the previous period, and the same figures as CSV.
func TestSalesReports(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, reportsFixture)
		key := adminKey(t, api.DB, "analytics:read")
		vars := map[string]any{"from": "2026-01-10", "to": "2026-01-16", "g": "DAY"}

		// In UTC (the default), O2 (04:30Z on the 10th) is in the range and O4 (04:59Z on
		// the 17th) is not: O1, O2, O3.
		var utc salesReportJSON
		api.adminPost(t, key, salesReportQuery, vars).decode(t, &utc)
		if got := utc.SalesReport.Totals; utc.SalesReport.Timezone != "UTC" || got.Orders != 3 || got.GrossSales != 11997 || got.Refunds != 1500 || got.NetSales != 10197 || got.Units != 7 {
			t.Errorf("UTC totals: %s %+v, want 3 orders, gross 11997, refunds 1500, net 10197, 7 units", utc.SalesReport.Timezone, got)
		}

		setTZ := func(tz string) {
			t.Helper()
			r := api.adminPost(t, adminKey(t, api.DB, "settings:write"), `mutation($tz: String!) { shopUpdate(input: {ianaTimezone: $tz}) { shop { ianaTimezone } userErrors { field code } } }`, map[string]any{"tz": tz})
			var out struct {
				ShopUpdate struct {
					Shop       *struct{ IanaTimezone string }
					UserErrors []struct {
						Field []string
						Code  string
					}
				}
			}
			r.decode(t, &out)
			if tz == "Mars/Olympus" {
				if len(out.ShopUpdate.UserErrors) != 1 || out.ShopUpdate.UserErrors[0].Code != "INVALID" || strings.Join(out.ShopUpdate.UserErrors[0].Field, ".") != "input.ianaTimezone" {
					t.Errorf("bad time zone: %+v", out.ShopUpdate)
				}
				return
			}
			if out.ShopUpdate.Shop == nil || out.ShopUpdate.Shop.IanaTimezone != tz {
				t.Fatalf("shopUpdate timezone: %s", r.Raw)
			}
		}
		setTZ("Mars/Olympus")
		setTZ("America/New_York")

		var rep salesReportJSON
		api.adminPost(t, key, salesReportQuery, vars).decode(t, &rep)
		s := rep.SalesReport
		if s.Timezone != "America/New_York" || s.From != "2026-01-10" || s.To != "2026-01-16" || s.Granularity != "DAY" || s.CurrencyCode != "USD" {
			t.Errorf("header: %+v", s)
		}
		want := salesTotalsJSON{Orders: 3, Units: 7, GrossSales: 8997, Discounts: 300, Refunds: 500, NetSales: 8197, Tax: 300, Shipping: 1000, TotalSales: 9497, AverageOrderValue: 2899}
		if s.Totals != want {
			t.Errorf("totals:\n got %+v\nwant %+v", s.Totals, want)
		}
		prev := salesTotalsJSON{Orders: 1, Units: 1, GrossSales: 4500, Refunds: 1000, NetSales: 3500, TotalSales: 3500, AverageOrderValue: 4500}
		if s.Previous == nil || *s.Previous != prev || s.PreviousFrom == nil || *s.PreviousFrom != "2026-01-03" || *s.PreviousTo != "2026-01-09" {
			t.Errorf("previous: %v %v %+v, want 2026-01-03..09 %+v", s.PreviousFrom, s.PreviousTo, s.Previous, prev)
		}
		days := map[string]salesTotalsJSON{
			"2026-01-10": {Orders: 1, Units: 3, GrossSales: 3999, Discounts: 300, NetSales: 3699, Tax: 200, Shipping: 500, TotalSales: 4399, AverageOrderValue: 3699},
			"2026-01-13": {Orders: 1, Units: 3, GrossSales: 3498, Refunds: 500, NetSales: 2998, Tax: 100, TotalSales: 3098, AverageOrderValue: 3498},
			"2026-01-16": {Orders: 1, Units: 1, GrossSales: 1500, NetSales: 1500, Shipping: 500, TotalSales: 2000, AverageOrderValue: 1500},
		}
		if len(s.Periods) != 7 {
			t.Fatalf("%d day periods, want 7", len(s.Periods))
		}
		for i, p := range s.Periods {
			day := time.Date(2026, 1, 10+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			if p.Start != day || p.End != day || p.Totals != days[day] {
				t.Errorf("period %d: %+v, want %s %+v", i, p, day, days[day])
			}
		}
		row := func(title string, units, gross, disc int64) salesRowJSON {
			return salesRowJSON{Title: title, Units: units, GrossSales: gross, Discounts: disc, NetSales: gross - disc}
		}
		check := func(name string, got []salesRowJSON, want ...salesRowJSON) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s: %d rows %+v, want %d", name, len(got), got, len(want))
				return
			}
			for i := range want {
				g := got[i]
				if g.Title != want[i].Title || g.Units != want[i].Units || g.GrossSales != want[i].GrossSales || g.Discounts != want[i].Discounts || g.NetSales != want[i].NetSales {
					t.Errorf("%s row %d: %+v, want %+v", name, i, g, want[i])
				}
			}
		}
		check("byProduct", s.ByProduct, row("Classic Tee", 4, 6000, 300), row("Enamel Mug", 3, 2997, 0))
		check("byVariant", s.ByVariant, row("Classic Tee — S / Black", 3, 4500, 300), row("Enamel Mug — Default Title", 3, 2997, 0), row("Classic Tee — M / Black", 1, 1500, 0))
		check("byCollection", s.ByCollection, row("Apparel", 4, 6000, 300), row("Hidden", 4, 6000, 300), row("Home", 3, 2997, 0))
		check("byVendor", s.ByVendor, row("Acme", 4, 6000, 300), row("Globex", 3, 2997, 0))
		if p := s.ByProduct[0]; p.ProductID == nil || !strings.HasPrefix(*p.ProductID, "gid://storefront/Product/") || p.VariantID != nil || p.Vendor != nil {
			t.Errorf("product row IDs: %+v", p)
		}
		if v := s.ByVariant[0]; v.VariantID == nil || !strings.HasPrefix(*v.VariantID, "gid://storefront/ProductVariant/") || v.ProductID == nil {
			t.Errorf("variant row IDs: %+v", v)
		}
		if c := s.ByCollection[0]; c.CollectionID == nil || !strings.HasPrefix(*c.CollectionID, "gid://storefront/Collection/") {
			t.Errorf("collection row IDs: %+v", c)
		}
		if v := s.ByVendor[0]; v.Vendor == nil || *v.Vendor != "Acme" || v.ProductID != nil {
			t.Errorf("vendor row: %+v", v)
		}

		// Weeks run Monday to Sunday, clipped to the range: Sat 10–Sun 11, Mon 12–Fri 16.
		var weeks salesReportJSON
		api.adminPost(t, key, salesReportQuery, map[string]any{"from": "2026-01-10", "to": "2026-01-16", "g": "WEEK"}).decode(t, &weeks)
		wantWeeks := []struct {
			start, end string
			totals     salesTotalsJSON
		}{
			{"2026-01-10", "2026-01-11", days["2026-01-10"]},
			{"2026-01-12", "2026-01-16", salesTotalsJSON{Orders: 2, Units: 4, GrossSales: 4998, Refunds: 500, NetSales: 4498, Tax: 100, Shipping: 500, TotalSales: 5098, AverageOrderValue: 2499}},
		}
		if len(weeks.SalesReport.Periods) != 2 {
			t.Fatalf("weeks: %+v", weeks.SalesReport.Periods)
		}
		for i, w := range wantWeeks {
			if p := weeks.SalesReport.Periods[i]; p.Start != w.start || p.End != w.end || p.Totals != w.totals {
				t.Errorf("week %d: %+v, want %+v", i, p, w)
			}
		}

		// The CSV has the same figures as the GraphQL answer.
		status, rows := getCSV(t, api, key, "/admin/reports/sales.csv?from=2026-01-10&to=2026-01-16")
		if status != 200 || len(rows) != 1+7+2 {
			t.Fatalf("sales.csv: %d, %d rows", status, len(rows))
		}
		if strings.Join(rows[0], ",") != "period,start,end,orders,units,gross_sales,discounts,refunds,net_sales,tax,shipping,total_sales,average_order_value" {
			t.Errorf("sales.csv header: %v", rows[0])
		}
		for i, p := range s.Periods {
			want := append([]string{"DAY", p.Start, p.End}, totalsCells(p.Totals)...)
			if strings.Join(rows[1+i], ",") != strings.Join(want, ",") {
				t.Errorf("sales.csv row %d: %v, want %v", i, rows[1+i], want)
			}
		}
		if got, want := strings.Join(rows[8], ","), strings.Join(append([]string{"total", "2026-01-10", "2026-01-16"}, totalsCells(s.Totals)...), ","); got != want {
			t.Errorf("sales.csv total: %s, want %s", got, want)
		}
		if got, want := strings.Join(rows[9], ","), strings.Join(append([]string{"previous", "2026-01-03", "2026-01-09"}, totalsCells(*s.Previous)...), ","); got != want {
			t.Errorf("sales.csv previous: %s, want %s", got, want)
		}
		status, rows = getCSV(t, api, key, "/admin/reports/sales-by-variant.csv?from=2026-01-10&to=2026-01-16")
		if status != 200 || len(rows) != 1+len(s.ByVariant) {
			t.Fatalf("sales-by-variant.csv: %d %v", status, rows)
		}
		for i, v := range s.ByVariant {
			want := []string{*v.VariantID, v.Title, fmt.Sprint(v.Units), usd(v.GrossSales), usd(v.Discounts), usd(v.NetSales)}
			if strings.Join(rows[1+i], ",") != strings.Join(want, ",") {
				t.Errorf("sales-by-variant.csv row %d: %v, want %v", i, rows[1+i], want)
			}
		}

		// Customers: in the range customer 1 (first ordered on the 9th: returning), the
		// guest (new) and customer 2 (first ordered in December: returning).
		var cust struct {
			CustomerReport struct {
				Totals, Previous struct {
					Customers, NewCustomers, ReturningCustomers, RepeatCustomers int
					RepeatPurchaseRate                                           float64
				}
				Cohorts []struct {
					Month     string
					Customers int
					Retention []struct {
						MonthOffset, Customers int
						Rate                   float64
					}
				}
			}
		}
		const custQuery = `query($from: String!, $to: String!) { customerReport(from: $from, to: $to) {
			totals { ...C } previous { ...C } cohorts { month customers retention { monthOffset customers rate } } } }
			fragment C on CustomerTotals { customers newCustomers returningCustomers repeatCustomers repeatPurchaseRate }`
		api.adminPost(t, key, custQuery, map[string]any{"from": "2026-01-10", "to": "2026-01-16"}).decode(t, &cust)
		ct, cp := cust.CustomerReport.Totals, cust.CustomerReport.Previous
		if ct.Customers != 3 || ct.NewCustomers != 1 || ct.ReturningCustomers != 2 || ct.RepeatCustomers != 2 || math.Abs(ct.RepeatPurchaseRate-2.0/3) > 1e-9 {
			t.Errorf("customer totals: %+v", ct)
		}
		// The week before: customer 1's first order, on the 9th.
		if cp.Customers != 1 || cp.NewCustomers != 1 || cp.ReturningCustomers != 0 || cp.RepeatCustomers != 0 || cp.RepeatPurchaseRate != 0 {
			t.Errorf("customer previous: %+v", cp)
		}
		// Cohorts of December (customers 2 and 3; only 2 came back in January) and January
		// (customer 1 and the guest).
		api.adminPost(t, key, custQuery, map[string]any{"from": "2025-12-01", "to": "2026-01-31"}).decode(t, &cust)
		co := cust.CustomerReport.Cohorts
		if len(co) != 2 || co[0].Month != "2025-12" || co[0].Customers != 2 || len(co[0].Retention) != 2 ||
			co[0].Retention[0].Customers != 2 || co[0].Retention[0].Rate != 1 || co[0].Retention[1].MonthOffset != 1 || co[0].Retention[1].Customers != 1 || co[0].Retention[1].Rate != 0.5 ||
			co[1].Month != "2026-01" || co[1].Customers != 2 || len(co[1].Retention) != 1 || co[1].Retention[0].Customers != 2 {
			t.Errorf("cohorts: %+v", co)
		}
		status, rows = getCSV(t, api, key, "/admin/reports/customer-cohorts.csv?from=2025-12-01&to=2026-01-31")
		if status != 200 || strings.Join(rows[0], ",") != "cohort,customers,month_0,month_1" || strings.Join(rows[1], ",") != "2025-12,2,2,1" || strings.Join(rows[2], ",") != "2026-01,2,2," {
			t.Errorf("customer-cohorts.csv: %d %v", status, rows)
		}
		status, rows = getCSV(t, api, key, "/admin/reports/customers.csv?from=2026-01-10&to=2026-01-16")
		if status != 200 || len(rows) != 3 || strings.Join(rows[1], ",") != "current,2026-01-10,2026-01-16,3,1,2,2,0.6667" || strings.Join(rows[2], ",") != "previous,2026-01-03,2026-01-09,1,1,0,0,0.0000" {
			t.Errorf("customers.csv: %d %v", status, rows)
		}

		// Inventory over the 7 days: tee S sold 3 of 10 left, the mug 3 of 20, tee M 1 of 5.
		var inv struct {
			InventoryReport struct {
				UnitsSold, Available  int
				SellThrough           *float64
				LowStock, DaysOfCover []struct {
					Title                string
					Available, UnitsSold int
					AverageDailyUnits    float64
					DaysOfCover          *float64
					SellThrough          *float64
					LowStock             bool
				}
			}
		}
		api.adminPost(t, key, `{ inventoryReport(from: "2026-01-10", to: "2026-01-16") { unitsSold available sellThrough
			lowStock { title available unitsSold averageDailyUnits daysOfCover sellThrough lowStock }
			daysOfCover { title available unitsSold averageDailyUnits daysOfCover sellThrough lowStock } } }`, nil).decode(t, &inv)
		ir := inv.InventoryReport
		near := func(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-9 }
		if ir.UnitsSold != 7 || ir.Available != 37 || !near(ir.SellThrough, 7.0/44) {
			t.Errorf("inventory totals: %d sold, %d available, %v", ir.UnitsSold, ir.Available, ir.SellThrough)
		}
		var low []string
		for _, r := range ir.LowStock {
			low = append(low, fmt.Sprintf("%s:%d", r.Title, r.Available))
		}
		if got := strings.Join(low, ", "); got != "Classic Tee — L / Black:0, Desk Lamp:0, Draft Shirt:1, Future Jacket:1, Classic Tee — M / Black:5" {
			t.Errorf("low stock: %s", got)
		}
		if len(ir.DaysOfCover) != 3 {
			t.Fatalf("days of cover: %+v", ir.DaysOfCover)
		}
		for i, w := range []struct {
			title       string
			sold        int
			avg, cover  float64
			sellThrough float64
		}{
			{"Classic Tee — S / Black", 3, 3.0 / 7, 70.0 / 3, 3.0 / 13},
			{"Classic Tee — M / Black", 1, 1.0 / 7, 35, 1.0 / 6},
			{"Enamel Mug", 3, 3.0 / 7, 140.0 / 3, 3.0 / 23},
		} {
			r := ir.DaysOfCover[i]
			if r.Title != w.title || r.UnitsSold != w.sold || math.Abs(r.AverageDailyUnits-w.avg) > 1e-9 || !near(r.DaysOfCover, w.cover) || !near(r.SellThrough, w.sellThrough) {
				t.Errorf("days of cover %d: %+v (cover %v, sell-through %v), want %+v", i, r, r.DaysOfCover, r.SellThrough, w)
			}
		}
		if l := ir.LowStock[0]; l.DaysOfCover != nil || l.SellThrough != nil || !l.LowStock {
			t.Errorf("tee L (none left, none sold): %+v", l)
		}
		status, rows = getCSV(t, api, key, "/admin/reports/inventory.csv?from=2026-01-10&to=2026-01-16")
		if status != 200 || len(rows) != 4 || rows[1][2] != "Classic Tee — S / Black" || strings.Join(rows[1][4:], ",") != "10,3,0.4286,23.3333,0.2308,false" {
			t.Errorf("inventory.csv: %d %v", status, rows)
		}
	})
}

// TestSalesReportsAccess: reports need a key with analytics:read, as GraphQL and as CSV,
// and bad input is refused with a code.
func TestSalesReportsAccess(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		key := adminKey(t, api.DB, "analytics:read")
		other := adminKey(t, api.DB, "orders:read", "catalog:read")
		q := `{ salesReport(from: "2026-01-01", to: "2026-01-31") { totals { orders } } }`
		if r := api.adminPost(t, "", q, nil); r.Status != 401 {
			t.Errorf("no key: %d", r.Status)
		}
		if r := api.adminPost(t, other, q, nil); r.errorCode() != "ACCESS_DENIED" {
			t.Errorf("without analytics:read: %s", r.Raw)
		}
		for _, c := range []struct{ query, argument string }{
			{`{ salesReport(from: "2026-13-01", to: "2026-01-31") { totals { orders } } }`, "from"},
			{`{ salesReport(from: "2026-02-01", to: "2026-01-31") { totals { orders } } }`, "to"},
			{`{ salesReport(from: "2020-01-01", to: "2026-01-31") { totals { orders } } }`, "to"},
			{`{ salesReport(from: "2026-01-01", to: "2026-01-31") { byProduct(first: 251) { title } } }`, "first"},
			{`{ inventoryReport(from: "2026-01-01", to: "2026-01-31", lowStockThreshold: -1) { unitsSold } }`, "lowStockThreshold"},
		} {
			r := api.adminPost(t, key, c.query, nil)
			if r.errorCode() != "BAD_USER_INPUT" || len(r.Errors) == 0 || r.Errors[0].Extensions["argument"] != c.argument {
				t.Errorf("%s: %s, want BAD_USER_INPUT on %s", c.query, r.Raw, c.argument)
			}
		}
		for _, c := range []struct {
			name, key, path string
			status          int
		}{
			{"no key", "", "/admin/reports/sales.csv?from=2026-01-01&to=2026-01-31", 401},
			{"without analytics:read", other, "/admin/reports/sales.csv?from=2026-01-01&to=2026-01-31", 403},
			{"unknown report", key, "/admin/reports/secrets.csv?from=2026-01-01&to=2026-01-31", 404},
			{"not csv", key, "/admin/reports/sales.json?from=2026-01-01&to=2026-01-31", 404},
			{"bad date", key, "/admin/reports/sales.csv?from=yesterday&to=2026-01-31", 400},
			{"bad granularity", key, "/admin/reports/sales.csv?from=2026-01-01&to=2026-01-31&granularity=HOUR", 400},
			{"empty", key, "/admin/reports/sales-by-vendor.csv?from=2026-01-01&to=2026-01-31", 200},
		} {
			if status, _ := getCSV(t, api, c.key, c.path); status != c.status {
				t.Errorf("%s: status %d, want %d", c.name, status, c.status)
			}
		}
	})
}

// TestCheckoutRecordsSales: an order placed through checkout is in the rollups when its
// transaction commits, without a rebuild.
func TestCheckoutRecordsSales(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		ctx := context.Background()
		teeS := variantID(t, api.DB, "tee", "S / Black")
		id := readyCart(t, api, "test_success", line(teeS, 2))
		if s := submit(t, api, id, "sales-1"); s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit: %+v", s.R)
		}
		o := api.DB.Order.Query().OnlyX(ctx)
		var orders, units, gross, total int64
		if err := api.DB.SQL.QueryRowContext(ctx, `SELECT sum(orders), sum(units), sum(gross), sum(total) FROM analytics_sales_days`).Scan(&orders, &units, &gross, &total); err != nil {
			t.Fatal(err)
		}
		if orders != 1 || units != 2 || gross != 3000 || total != o.Total {
			t.Errorf("rollup after checkout: %d orders, %d units, gross %d, total %d; want 1, 2, 3000, %d", orders, units, gross, total, o.Total)
		}
		var built time.Time
		if err := api.DB.SQL.QueryRowContext(ctx, `SELECT built_at FROM analytics_sales_state`).Scan(&built); err != nil {
			t.Fatal(err)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		var rep salesReportJSON
		api.adminPost(t, adminKey(t, api.DB, "analytics:read"), salesReportQuery, map[string]any{"from": today, "to": today, "g": "DAY"}).decode(t, &rep)
		if rep.SalesReport.Totals.Orders != 1 || rep.SalesReport.Totals.GrossSales != 3000 || rep.SalesReport.Totals.TotalSales != o.Total {
			t.Errorf("report after checkout: %+v", rep.SalesReport.Totals)
		}
		var after time.Time
		if err := api.DB.SQL.QueryRowContext(ctx, `SELECT built_at FROM analytics_sales_state`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if !after.Equal(built) {
			t.Errorf("the report rebuilt the rollups (%v → %v): checkout should have kept them current", built, after)
		}
	})
}

// TestSalesRollupsUnderRace: 30 buyers check out at once while the shop's time zone flips
// and reports run (each flip makes the next report rebuild the rollups from the orders).
// Every order ends up counted exactly once: none lost between a rebuild's read of the
// orders and its write, none counted twice.
func TestSalesRollupsUnderRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, raceFixture)
		ctx := context.Background()
		l1 := variantID(t, api.DB, "left", "V0")
		r1 := variantID(t, api.DB, "right", "V1")
		const n = 30
		carts := make([]string, n)
		for i := range carts {
			carts[i] = readyCartFor(t, api, "test_success", fmt.Sprintf("buyer%d@example.com", i), nil, line(l1, 1+i%2), line(r1, 1))
		}
		settingsKey := adminKey(t, api.DB, "settings:write")
		key := adminKey(t, api.DB, "analytics:read")
		today := time.Now().UTC().Format(time.DateOnly)
		done := make(chan struct{})
		flipped := make(chan int)
		go func() {
			flips := 0
			defer func() { flipped <- flips }()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				tz := []string{"Asia/Tokyo", "America/Los_Angeles"}[i%2]
				api.adminPost(t, settingsKey, `mutation($tz: String!) { shopUpdate(input: {ianaTimezone: $tz}) { userErrors { code } } }`, map[string]any{"tz": tz})
				if r := api.adminPost(t, key, `query($d: String!) { salesReport(from: $d, to: $d) { totals { orders } } }`, map[string]any{"d": today}); len(r.Errors) > 0 {
					t.Errorf("report during the burst: %s", r.Raw)
				}
				flips++
			}
		}()
		got := submitBurst(t, api, carts, "sales")
		close(done)
		flips := <-flipped
		if got.Orders != n {
			t.Fatalf("%d orders placed, want %d: %v", got.Orders, n, got.Responses)
		}
		var orders, units, lineUnits int64
		if err := api.DB.SQL.QueryRowContext(ctx, `SELECT sum(orders), sum(units) FROM analytics_sales_days`).Scan(&orders, &units); err != nil {
			t.Fatal(err)
		}
		if err := api.DB.SQL.QueryRowContext(ctx, `SELECT sum(quantity) FROM order_lines`).Scan(&lineUnits); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d time zone flips with reports during the burst", b.Name, flips)
		if orders != n || units != lineUnits || units != n*2+n/2 {
			t.Errorf("rollups count %d orders and %d units; the orders are %d with %d units", orders, units, n, lineUnits)
		}
	})
}
