package catalog

import (
	"context"

	"storefront/internal/analytics"
)

// SetEvents makes searches recorded as analytics events (search_submitted) through r;
// without one they are not recorded. The search report reads them from the analytics
// rollups (analytics.SearchReport).
func (s *Service) SetEvents(r *analytics.Recorder) { s.events = r }

// recordSearch queues one search for the reports; it never fails or slows the search.
func (s *Service) recordSearch(ctx context.Context, term string, results int) {
	s.events.Track(ctx, analytics.Event{Name: analytics.SearchSubmitted, SearchTerm: term, ResultCount: results})
}
