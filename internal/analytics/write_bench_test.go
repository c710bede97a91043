package analytics_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"storefront/internal/analytics"
	"storefront/internal/storetest"
)

// BenchmarkWrite times the write path alone: batches of 1,000 storefront events (views,
// searches, adds) of 200 sessions, as the recorder writes them, on SQLite and PostgreSQL.
func BenchmarkWrite(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			db := be.Open(b)
			ctx := context.Background()
			now := time.Now()
			names := []string{analytics.PageViewed, analytics.ProductViewed, analytics.SearchSubmitted, analytics.ProductAddedToCart}
			parts := map[string]bool{}
			batch := make([]analytics.Event, 1000)
			n := 0
			for b.Loop() {
				for i := range batch {
					n++
					e := analytics.Event{Name: names[i%len(names)], Source: analytics.SourceClient, At: now.Add(time.Duration(n) * time.Millisecond),
						ClientID: fmt.Sprintf("c%d", (n/5)%5000), SessionID: fmt.Sprintf("s%d", n/5), ProductID: 1 + i%50,
						SearchTerm: fmt.Sprintf("term %d", i%30), ResultCount: i % 4}
					e.SetPage("https://shop.test/products/x?utm_source=news&utm_medium=email", "https://www.google.com/")
					batch[i] = e
				}
				if err := analytics.Write(ctx, db, batch, parts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "events/s")
		})
	}
}
