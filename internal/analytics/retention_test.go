package analytics_test

import (
	"context"
	"testing"
	"time"

	"storefront/internal/analytics"
	"storefront/internal/storetest"
)

// TestRetentionDropsOldEvents: raw events older than the retention go (whole daily
// partitions on PostgreSQL: the writes made one for each day from the oldest event to the
// newest), newer ones and the rollups stay.
func TestRetentionDropsOldEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		now := time.Now().UTC()
		var batch []analytics.Event
		for _, back := range []int{10, 9, 2, 1} {
			batch = append(batch, analytics.Event{Name: analytics.PageViewed, Source: analytics.SourceClient, ClientID: "c", SessionID: "s", At: now.AddDate(0, 0, -back)})
		}
		if err := analytics.Write(ctx, db, batch, map[string]bool{}); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.SQL.QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		partitions := `SELECT COUNT(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'analytics_events'`
		var before int
		if b.Name == "postgres" {
			before = count(partitions)
			if before < 4 {
				t.Fatalf("%d partitions for 4 days of events", before)
			}
		}
		if _, err := analytics.Prune(ctx, db, now.AddDate(0, 0, -5)); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT COUNT(*) FROM analytics_events`); n != 2 {
			t.Errorf("%d events after the retention, want 2", n)
		}
		if n := count(`SELECT COALESCE(SUM(sessions), 0) FROM analytics_daily`); n != 4 {
			t.Errorf("rollups count %d sessions after the retention, want 4", n)
		}
		if b.Name == "postgres" {
			if after := count(partitions); after != before-5 {
				t.Errorf("%d partitions after the retention, %d before: want the 5 days before the cutoff dropped", after, before)
			}
		}
	})
}
