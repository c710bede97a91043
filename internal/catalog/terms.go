package catalog

import (
	"context"
	"fmt"
	"sort"
	"time"

	"storefront/ent"
	"storefront/ent/searchterm"
)

// recordSearch stores one search for the reports.
func (s *Service) recordSearch(ctx context.Context, term string, results int) error {
	if err := s.db.SearchTerm.Create().SetTerm(term).SetResultCount(results).SetSearchedAt(s.now()).Exec(ctx); err != nil {
		return fmt.Errorf("record search: %w", err)
	}
	return nil
}

// TermReport is one line of a search report.
type TermReport struct {
	Term     string
	Searches int
	// Results is the most results a search for the term found.
	Results int
}

// TopSearches lists the terms searched most since a time, most searched first.
func (s *Service) TopSearches(ctx context.Context, since time.Time, limit int) ([]TermReport, error) {
	return s.termReport(ctx, since, limit, false)
}

// SearchesWithoutResults lists the terms whose searches found nothing since a time, most
// searched first: the catalog's gaps.
func (s *Service) SearchesWithoutResults(ctx context.Context, since time.Time, limit int) ([]TermReport, error) {
	return s.termReport(ctx, since, limit, true)
}

func (s *Service) termReport(ctx context.Context, since time.Time, limit int, emptyOnly bool) ([]TermReport, error) {
	var rows []struct {
		Term    string `json:"term"`
		Count   int    `json:"count"`
		Results int    `json:"max"`
	}
	q := s.db.SearchTerm.Query().Where(searchterm.SearchedAtGTE(since))
	if emptyOnly {
		q = q.Where(searchterm.ResultCount(0))
	}
	err := q.GroupBy(searchterm.FieldTerm).
		Aggregate(ent.Count(), ent.Max(searchterm.FieldResultCount)).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("search report: %w", err)
	}
	out := make([]TermReport, len(rows))
	for i, r := range rows {
		out[i] = TermReport{Term: r.Term, Searches: r.Count, Results: r.Results}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Searches != out[j].Searches {
			return out[i].Searches > out[j].Searches
		}
		return out[i].Term < out[j].Term
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
