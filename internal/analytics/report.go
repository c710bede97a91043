package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"storefront/internal/reports"
	"storefront/internal/store"
)

// rate is n/d, 0 when d is 0.
func rate(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func query(ctx context.Context, db *store.DB, q string, args ...any) (*sql.Rows, error) {
	return db.SQL.QueryContext(ctx, store.Rebind(db.Dialect, q), args...)
}

// Funnel is the sessions of a range counted at each step of the way to an order.
type Funnel struct {
	// Sessions, then the sessions that viewed a product, added to a cart, started a
	// checkout and ordered (each session counted once per day at each step).
	Sessions, ProductViews, AddsToCart, CheckoutsStarted, Orders int64
	// Placed and Revenue are the orders the server placed and their total (minor units).
	Placed, Revenue int64
}

// Steps lists the funnel's steps with the rate of each: the share of the previous step's
// sessions that reached it (1 for the first).
func (f Funnel) Steps() []FunnelStep {
	counts := []int64{f.Sessions, f.ProductViews, f.AddsToCart, f.CheckoutsStarted, f.Orders}
	names := []string{"SESSIONS", "PRODUCT_VIEWS", "ADDS_TO_CART", "CHECKOUTS_STARTED", "ORDERS"}
	out := make([]FunnelStep, len(counts))
	for i, n := range counts {
		r := 1.0
		if i > 0 {
			r = rate(n, counts[i-1])
		}
		out[i] = FunnelStep{Step: names[i], Sessions: n, Rate: r}
	}
	return out
}

// ConversionRate is the share of sessions that ordered.
func (f Funnel) ConversionRate() float64 { return rate(f.Orders, f.Sessions) }

// CartAbandonmentRate is the share of sessions that added to a cart and did not order.
func (f Funnel) CartAbandonmentRate() float64 {
	if f.AddsToCart == 0 {
		return 0
	}
	return 1 - rate(min(f.Orders, f.AddsToCart), f.AddsToCart)
}

func (f *Funnel) add(o Funnel) {
	f.Sessions += o.Sessions
	f.ProductViews += o.ProductViews
	f.AddsToCart += o.AddsToCart
	f.CheckoutsStarted += o.CheckoutsStarted
	f.Orders += o.Orders
	f.Placed += o.Placed
	f.Revenue += o.Revenue
}

// FunnelStep is one step of a funnel.
type FunnelStep struct {
	Step     string
	Sessions int64
	// Rate is the share of the previous step's sessions that reached this one.
	Rate float64
}

// FunnelPeriod is the funnel of one period of a range.
type FunnelPeriod struct {
	Start, End string
	Funnel
}

// FunnelReport is the conversion funnel of a range, its periods and the previous range.
type FunnelReport struct {
	Range    reports.Range
	Total    Funnel
	Previous Funnel
	Periods  []FunnelPeriod
}

// ConversionFunnel reads the funnel of a range from the daily rollup.
func ConversionFunnel(ctx context.Context, db *store.DB, r reports.Range) (*FunnelReport, error) {
	prev := r.Previous()
	rows, err := query(ctx, db, `SELECT day, sessions, viewed, added, checkout, converted, orders, revenue
		FROM analytics_daily WHERE day >= ? AND day <= ?`, prev.FromDay(), r.ToDay())
	if err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}
	defer rows.Close()
	out := &FunnelReport{Range: r}
	byPeriod := map[string]*Funnel{}
	for rows.Next() {
		var day string
		var f Funnel
		if err := rows.Scan(&day, &f.Sessions, &f.ProductViews, &f.AddsToCart, &f.CheckoutsStarted, &f.Orders, &f.Placed, &f.Revenue); err != nil {
			return nil, fmt.Errorf("funnel: %w", err)
		}
		if day < r.FromDay() {
			out.Previous.add(f)
			continue
		}
		out.Total.add(f)
		b := r.Bucket(day)
		if byPeriod[b] == nil {
			byPeriod[b] = &Funnel{}
		}
		byPeriod[b].add(f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("funnel: %w", err)
	}
	for _, p := range r.Periods() {
		start := p.Start.Format(time.DateOnly)
		fp := FunnelPeriod{Start: start, End: p.End.Format(time.DateOnly)}
		if f := byPeriod[start]; f != nil {
			fp.Funnel = *f
		}
		out.Periods = append(out.Periods, fp)
	}
	return out, nil
}

// Source is where sessions came from: the referring site (its host, "" for direct
// visits) and the UTM parameters of the page they landed on.
type Source struct {
	Referrer, UTMSource, UTMMedium, UTMCampaign string
}

// TrafficRow is the sessions and orders of one source in a range and the previous one.
type TrafficRow struct {
	Source
	Sessions, Orders                 int64
	PreviousSessions, PreviousOrders int64
}

// ConversionRate is the share of the source's sessions that ordered.
func (t TrafficRow) ConversionRate() float64 { return rate(t.Orders, t.Sessions) }

// TrafficPeriod is the sessions and orders of one period.
type TrafficPeriod struct {
	Start, End       string
	Sessions, Orders int64
}

// TrafficReport is a range's sessions and orders by source, most sessions first.
type TrafficReport struct {
	Range                            reports.Range
	Sessions, Orders                 int64
	PreviousSessions, PreviousOrders int64
	Sources                          []TrafficRow
	Periods                          []TrafficPeriod
}

// Traffic reads sessions and orders by referrer and UTM source, medium and campaign from
// the traffic rollup. limit bounds the sources listed (the totals count them all).
func Traffic(ctx context.Context, db *store.DB, r reports.Range, limit int) (*TrafficReport, error) {
	prev := r.Previous()
	rows, err := query(ctx, db, `SELECT day, referrer, utm_source, utm_medium, utm_campaign, sessions, orders
		FROM analytics_traffic_daily WHERE day >= ? AND day <= ?`, prev.FromDay(), r.ToDay())
	if err != nil {
		return nil, fmt.Errorf("traffic: %w", err)
	}
	defer rows.Close()
	out := &TrafficReport{Range: r}
	bySource := map[Source]*TrafficRow{}
	byPeriod := map[string]*TrafficPeriod{}
	for rows.Next() {
		var day string
		var s Source
		var sessions, orders int64
		if err := rows.Scan(&day, &s.Referrer, &s.UTMSource, &s.UTMMedium, &s.UTMCampaign, &sessions, &orders); err != nil {
			return nil, fmt.Errorf("traffic: %w", err)
		}
		row := bySource[s]
		if row == nil {
			row = &TrafficRow{Source: s}
			bySource[s] = row
		}
		if day < r.FromDay() {
			row.PreviousSessions += sessions
			row.PreviousOrders += orders
			out.PreviousSessions += sessions
			out.PreviousOrders += orders
			continue
		}
		row.Sessions += sessions
		row.Orders += orders
		out.Sessions += sessions
		out.Orders += orders
		b := r.Bucket(day)
		if byPeriod[b] == nil {
			byPeriod[b] = &TrafficPeriod{}
		}
		byPeriod[b].Sessions += sessions
		byPeriod[b].Orders += orders
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("traffic: %w", err)
	}
	for _, row := range bySource {
		if row.Sessions > 0 || row.Orders > 0 {
			out.Sources = append(out.Sources, *row)
		}
	}
	sort.Slice(out.Sources, func(i, j int) bool {
		a, b := out.Sources[i], out.Sources[j]
		if a.Sessions != b.Sessions {
			return a.Sessions > b.Sessions
		}
		if a.Orders != b.Orders {
			return a.Orders > b.Orders
		}
		return fmt.Sprint(a.Source) < fmt.Sprint(b.Source)
	})
	if limit > 0 && len(out.Sources) > limit {
		out.Sources = out.Sources[:limit]
	}
	for _, p := range r.Periods() {
		start := p.Start.Format(time.DateOnly)
		tp := TrafficPeriod{Start: start, End: p.End.Format(time.DateOnly)}
		if v := byPeriod[start]; v != nil {
			tp.Sessions, tp.Orders = v.Sessions, v.Orders
		}
		out.Periods = append(out.Periods, tp)
	}
	return out, nil
}

// SearchRow is one search term's figures in a range.
type SearchRow struct {
	Term string
	// Searches ran; Results is their results added up; NoResults found nothing; Clicks
	// are product views after the search in the same session; Purchases are sessions
	// that ordered after it was their last search.
	Searches, Results, NoResults, Clicks, Purchases int64
}

// AverageResults is the average number of results a search for the term found.
func (s SearchRow) AverageResults() float64 { return rate(s.Results, s.Searches) }

// ConversionRate is the share of the term's searches followed by a purchase.
func (s SearchRow) ConversionRate() float64 { return rate(s.Purchases, s.Searches) }

// SearchTotals are a range's searches added up.
type SearchTotals struct {
	Searches, NoResults, Clicks, Purchases int64
}

// ConversionRate is search-to-purchase conversion: purchases per search.
func (s SearchTotals) ConversionRate() float64 { return rate(s.Purchases, s.Searches) }

// SearchPeriod is the searches of one period.
type SearchPeriod struct {
	Start, End string
	SearchTotals
}

// SearchReport is a range's searches: the most searched terms, the terms whose searches
// found nothing, the totals and search-to-purchase conversion, against the previous range.
type SearchReport struct {
	Range          reports.Range
	Total          SearchTotals
	Previous       SearchTotals
	Top            []SearchRow
	WithoutResults []SearchRow
	Periods        []SearchPeriod
}

// Searches reads the search report of a range from the search-term rollup; limit bounds
// each list of terms.
func Searches(ctx context.Context, db *store.DB, r reports.Range, limit int) (*SearchReport, error) {
	prev := r.Previous()
	out := &SearchReport{Range: r}
	// Totals by day (current and previous range), then terms over the current range.
	rows, err := query(ctx, db, `SELECT day, SUM(searches), SUM(no_results), SUM(clicks), SUM(purchases)
		FROM analytics_search_daily WHERE day >= ? AND day <= ? GROUP BY day`, prev.FromDay(), r.ToDay())
	if err != nil {
		return nil, fmt.Errorf("search report: %w", err)
	}
	byPeriod := map[string]*SearchTotals{}
	for rows.Next() {
		var day string
		var t SearchTotals
		if err := rows.Scan(&day, &t.Searches, &t.NoResults, &t.Clicks, &t.Purchases); err != nil {
			rows.Close()
			return nil, fmt.Errorf("search report: %w", err)
		}
		target := &out.Total
		if day < r.FromDay() {
			target = &out.Previous
		} else {
			b := r.Bucket(day)
			if byPeriod[b] == nil {
				byPeriod[b] = &SearchTotals{}
			}
			addTotals(byPeriod[b], t)
		}
		addTotals(target, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search report: %w", err)
	}
	for _, p := range r.Periods() {
		start := p.Start.Format(time.DateOnly)
		sp := SearchPeriod{Start: start, End: p.End.Format(time.DateOnly)}
		if t := byPeriod[start]; t != nil {
			sp.SearchTotals = *t
		}
		out.Periods = append(out.Periods, sp)
	}
	for _, list := range []struct {
		dst   *[]SearchRow
		where string
		order string
	}{
		{&out.Top, "", "SUM(searches) DESC"},
		{&out.WithoutResults, " HAVING SUM(no_results) > 0", "SUM(no_results) DESC"},
	} {
		rows, err := query(ctx, db, `SELECT term, SUM(searches), SUM(results), SUM(no_results), SUM(clicks), SUM(purchases)
			FROM analytics_search_daily WHERE day >= ? AND day <= ? GROUP BY term`+list.where+`
			ORDER BY `+list.order+`, term LIMIT ?`, r.FromDay(), r.ToDay(), limit)
		if err != nil {
			return nil, fmt.Errorf("search report: %w", err)
		}
		*list.dst = []SearchRow{}
		for rows.Next() {
			var s SearchRow
			if err := rows.Scan(&s.Term, &s.Searches, &s.Results, &s.NoResults, &s.Clicks, &s.Purchases); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search report: %w", err)
			}
			*list.dst = append(*list.dst, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search report: %w", err)
		}
	}
	return out, nil
}

func addTotals(t *SearchTotals, o SearchTotals) {
	t.Searches += o.Searches
	t.NoResults += o.NoResults
	t.Clicks += o.Clicks
	t.Purchases += o.Purchases
}

// Today is the current day in the shop's time zone.
func Today(ctx context.Context, db *store.DB, now time.Time) (time.Time, error) {
	loc, err := reports.ShopLocation(ctx, db.SQL)
	if err != nil {
		return time.Time{}, err
	}
	d, _ := time.Parse(time.DateOnly, now.In(loc).Format(time.DateOnly))
	return d, nil
}
