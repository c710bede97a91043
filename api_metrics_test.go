package main

import (
	"net/http"
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// TestMetricsAreScraped: /metrics answers in the Prometheus text format with the requests
// by operation, their latency and SQL statements, the response cache, the database pool
// and the Go runtime.
func TestMetricsAreScraped(t *testing.T) {
	cfg := testConfig()
	cfg.Cache = true
	api := startAPIWith(t, storetest.SQLite(t), cfg, fixture)
	for i := 0; i < 2; i++ {
		api.post(t, `query Tee { product(handle: "tee") { title } }`, nil)
	}
	api.post(t, `query Broken { product(handle: "tee") { nope } }`, nil)
	resp, body := rawDo(t, http.MethodGet, api.URL+"/metrics", nil, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`storefront_graphql_requests_total{operation="Tee",outcome="ok",type="query"} 1`,
		`storefront_graphql_requests_total{operation="",outcome="rejected",type="none"} 1`,
		`storefront_graphql_request_duration_seconds_bucket{type="query",le="+Inf"} 1`,
		`storefront_graphql_sql_statements_count{type="query"} 1`,
		`storefront_response_cache_hits_total 1`,
		`storefront_response_cache_misses_total 2`,
		`storefront_response_cache_bytes `,
		`go_sql_max_open_connections{db_name="storefront"} `,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
}
