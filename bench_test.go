package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"storefront/bench/workload"
	"storefront/internal/demo"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// benchListing is the floor's page (bench/workload/listing.graphql): 20 products with
// variants, featured image and collections.
var benchListing = workload.Listing

// BenchmarkDemoQueries serves each workload of `go run ./bench` (the floor's listing and
// Next.js Commerce's product page, collection page and search) on the demo catalog
// straight through the handler (no network), one request at a time and in parallel: the
// in-process view of what the harness measures over HTTP.
func BenchmarkDemoQueries(b *testing.B) {
	api := startAPI(b, storetest.SQLite(b), func(t testing.TB, db *store.DB) {
		if err := demo.Load(context.Background(), db, "http://shop.test"); err != nil {
			t.Fatal(err)
		}
	})
	for _, w := range workload.All() {
		body, _ := json.Marshal(map[string]any{"query": w.Query, "operationName": w.Operation, "variables": w.Variables})
		serve := func(b *testing.B) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			api.Handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
				b.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
			}
		}
		b.Run(w.Name+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				serve(b)
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
		b.Run(w.Name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(5)
			cpu0 := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					serve(b)
				}
			})
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used: on a shared machine it
// is steadier than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
