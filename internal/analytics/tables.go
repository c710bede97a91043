package analytics

import (
	"context"
	"strconv"

	"storefront/internal/reports"
	"storefront/internal/store"
)

// RegisterReports adds the behaviour reports to the registry the Admin API's CSV endpoint
// (/admin/reports/{name}.csv) and the /admin dashboard serve: the conversion funnel by
// period, traffic by source, and the top searches and the searches without results.
// Parameters: from, to (YYYY-MM-DD), granularity (DAY, WEEK, MONTH) and first (rows of
// the traffic and search lists, 1–250, default 50).
func RegisterReports(reg *reports.Registry, db *store.DB) {
	reg.Register(reports.Report{Name: "conversion-funnel", Title: "Conversion funnel", Run: func(ctx context.Context, p reports.Params) (*reports.Table, error) {
		r, err := p.Range()
		if err != nil {
			return nil, err
		}
		f, err := ConversionFunnel(ctx, db, r)
		if err != nil {
			return nil, err
		}
		t := &reports.Table{Columns: []string{"period_start", "period_end", "sessions", "product_views", "adds_to_cart", "checkouts_started", "orders", "conversion_rate", "cart_abandonment_rate"}}
		row := func(start, end string, f Funnel) []string {
			return []string{start, end, itoa(f.Sessions), itoa(f.ProductViews), itoa(f.AddsToCart), itoa(f.CheckoutsStarted), itoa(f.Orders),
				ratio(f.ConversionRate()), ratio(f.CartAbandonmentRate())}
		}
		for _, pe := range f.Periods {
			t.Rows = append(t.Rows, row(pe.Start, pe.End, pe.Funnel))
		}
		t.Rows = append(t.Rows, row(p.From, p.To, f.Total))
		return t, nil
	}})
	reg.Register(reports.Report{Name: "traffic", Title: "Traffic by source", Run: func(ctx context.Context, p reports.Params) (*reports.Table, error) {
		r, err := p.Range()
		if err != nil {
			return nil, err
		}
		limit, err := p.Int("first", 50, 1, 250)
		if err != nil {
			return nil, err
		}
		tr, err := Traffic(ctx, db, r, limit)
		if err != nil {
			return nil, err
		}
		t := &reports.Table{Columns: []string{"referrer", "utm_source", "utm_medium", "utm_campaign", "sessions", "orders", "conversion_rate", "previous_sessions", "previous_orders"}}
		for _, s := range tr.Sources {
			t.Rows = append(t.Rows, []string{s.Referrer, s.UTMSource, s.UTMMedium, s.UTMCampaign, itoa(s.Sessions), itoa(s.Orders),
				ratio(s.ConversionRate()), itoa(s.PreviousSessions), itoa(s.PreviousOrders)})
		}
		return t, nil
	}})
	searches := func(withoutResults bool) reports.Func {
		return func(ctx context.Context, p reports.Params) (*reports.Table, error) {
			r, err := p.Range()
			if err != nil {
				return nil, err
			}
			limit, err := p.Int("first", 50, 1, 250)
			if err != nil {
				return nil, err
			}
			sr, err := Searches(ctx, db, r, limit)
			if err != nil {
				return nil, err
			}
			list := sr.Top
			if withoutResults {
				list = sr.WithoutResults
			}
			t := &reports.Table{Columns: []string{"term", "searches", "average_results", "no_results", "clicks", "purchases", "conversion_rate"}}
			for _, s := range list {
				t.Rows = append(t.Rows, []string{s.Term, itoa(s.Searches), strconv.FormatFloat(s.AverageResults(), 'f', 2, 64),
					itoa(s.NoResults), itoa(s.Clicks), itoa(s.Purchases), ratio(s.ConversionRate())})
			}
			return t, nil
		}
	}
	reg.Register(reports.Report{Name: "searches", Title: "Top searches", Run: searches(false)})
	reg.Register(reports.Report{Name: "searches-without-results", Title: "Searches without results", Run: searches(true)})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ratio writes a rate as a decimal fraction with four places (0.1234 is 12.34 %).
func ratio(r float64) string { return strconv.FormatFloat(r, 'f', 4, 64) }
