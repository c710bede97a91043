package admin

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"storefront/graph/admin/model"
	"storefront/internal/analytics"
	"storefront/internal/money"
	"storefront/internal/reports"
)

// maxReportRows bounds the terms and sources a report lists.
const maxReportRows = 250

func badInput(msg string) error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": "BAD_USER_INPUT"}}
}

func reportRange(from, to string, g *model.ReportGranularity) (reports.Range, error) {
	var gran reports.Granularity
	if g != nil {
		gran = reports.Granularity(*g)
	}
	return reports.ParseRange(from, to, gran)
}

func reportLimit(first *int, def int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 1 || *first > maxReportRows {
		return 0, badInput(fmt.Sprintf("first must be between 1 and %d", maxReportRows))
	}
	return *first, nil
}

func toRange(r reports.Range) *model.ReportRange {
	p := r.Previous()
	return &model.ReportRange{From: r.From.Format("2006-01-02"), To: r.To.Format("2006-01-02"),
		Granularity: model.ReportGranularity(r.Granularity), PreviousFrom: p.From.Format("2006-01-02"), PreviousTo: p.To.Format("2006-01-02")}
}

func toFunnelSummary(f analytics.Funnel, currency string) *model.FunnelSummary {
	out := &model.FunnelSummary{ConversionRate: f.ConversionRate(), CartAbandonmentRate: f.CartAbandonmentRate(),
		OrdersPlaced: int(f.Placed), Revenue: money.Format(f.Revenue, currency)}
	for _, s := range f.Steps() {
		out.Steps = append(out.Steps, &model.FunnelStep{Step: s.Step, Sessions: int(s.Sessions), Rate: s.Rate})
	}
	return out
}

func toFunnelReport(rep *analytics.FunnelReport, currency string) *model.ConversionFunnelReport {
	out := &model.ConversionFunnelReport{Range: toRange(rep.Range), Current: toFunnelSummary(rep.Total, currency),
		Previous: toFunnelSummary(rep.Previous, currency), Periods: []*model.FunnelPeriod{}}
	for _, p := range rep.Periods {
		out.Periods = append(out.Periods, &model.FunnelPeriod{Start: p.Start, End: p.End, Sessions: int(p.Sessions),
			ProductViews: int(p.ProductViews), AddsToCart: int(p.AddsToCart), CheckoutsStarted: int(p.CheckoutsStarted),
			Orders: int(p.Orders), ConversionRate: p.ConversionRate(), CartAbandonmentRate: p.CartAbandonmentRate()})
	}
	return out
}

func nonBlank(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toTrafficReport(rep *analytics.TrafficReport) *model.TrafficReport {
	out := &model.TrafficReport{Range: toRange(rep.Range), Sessions: int(rep.Sessions), Orders: int(rep.Orders),
		PreviousSessions: int(rep.PreviousSessions), PreviousOrders: int(rep.PreviousOrders),
		Sources: []*model.TrafficSource{}, Periods: []*model.TrafficPeriod{}}
	for _, s := range rep.Sources {
		out.Sources = append(out.Sources, &model.TrafficSource{Referrer: nonBlank(s.Referrer), UtmSource: nonBlank(s.UTMSource),
			UtmMedium: nonBlank(s.UTMMedium), UtmCampaign: nonBlank(s.UTMCampaign), Sessions: int(s.Sessions), Orders: int(s.Orders),
			ConversionRate: s.ConversionRate(), PreviousSessions: int(s.PreviousSessions), PreviousOrders: int(s.PreviousOrders)})
	}
	for _, p := range rep.Periods {
		out.Periods = append(out.Periods, &model.TrafficPeriod{Start: p.Start, End: p.End, Sessions: int(p.Sessions), Orders: int(p.Orders)})
	}
	return out
}

func toSearchTotals(t analytics.SearchTotals) *model.SearchTotals {
	return &model.SearchTotals{Searches: int(t.Searches), SearchesWithoutResults: int(t.NoResults), Clicks: int(t.Clicks),
		Purchases: int(t.Purchases), ConversionRate: t.ConversionRate()}
}

func toSearchTerms(rows []analytics.SearchRow) []*model.SearchTermReport {
	out := []*model.SearchTermReport{}
	for _, s := range rows {
		out = append(out, &model.SearchTermReport{Term: s.Term, Searches: int(s.Searches), SearchesWithoutResults: int(s.NoResults),
			AverageResults: s.AverageResults(), Clicks: int(s.Clicks), Purchases: int(s.Purchases), ConversionRate: s.ConversionRate()})
	}
	return out
}

func toSearchReport(rep *analytics.SearchReport) *model.SearchReport {
	out := &model.SearchReport{Range: toRange(rep.Range), Current: toSearchTotals(rep.Total), Previous: toSearchTotals(rep.Previous),
		TopSearches: toSearchTerms(rep.Top), SearchesWithoutResults: toSearchTerms(rep.WithoutResults), Periods: []*model.SearchPeriod{}}
	for _, p := range rep.Periods {
		out.Periods = append(out.Periods, &model.SearchPeriod{Start: p.Start, End: p.End, Totals: toSearchTotals(p.SearchTotals)})
	}
	return out
}
