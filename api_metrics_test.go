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
	api := startAPIWith(t, storetest.SQLite(t), cfg, deliveryFixture)
	cart := readyCart(t, api, "test_declined", line(variantID(t, api.DB, "bulk", "Default Title"), 1))
	api.post(t, `mutation($id: ID!) { cartSubmitForCompletion(cartId: $id, attemptToken: "m1") { result { __typename } } }`, map[string]any{"id": cart})
	api.post(t, `mutation { customerAccessTokenCreate(input: {email: "nobody@example.com", password: "wrong"}) { customerAccessToken { accessToken } } }`, nil)
	for i := 0; i < 2; i++ {
		api.post(t, `query Tee { product(handle: "bulk") { title } }`, nil)
	}
	api.post(t, `query Broken { product(handle: "bulk") { nope } }`, nil)
	if r := api.post(t, `query BadCursor { products(first: 1, after: "not-a-cursor") { nodes { id } } }`, nil); r.errorCode() != "BAD_USER_INPUT" {
		t.Fatalf("bad cursor: %s", r.Raw)
	}
	resp, body := rawDo(t, http.MethodGet, api.URL+"/metrics", nil, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`storefront_graphql_requests_total{operation="Tee",outcome="ok",type="query"} 1`,
		`storefront_graphql_requests_total{operation="",outcome="rejected",type="none"} 1`,
		`storefront_graphql_request_duration_seconds_bucket{type="query",le="+Inf"} 2`,
		`storefront_graphql_sql_statements_count{type="query"} 2`,
		`storefront_response_cache_hits_total 1`,
		`storefront_response_cache_misses_total 1`,
		`storefront_response_cache_bytes `,
		`go_sql_max_open_connections{db_name="storefront"} `,
		`go_goroutines `,
		`storefront_checkout_submissions_total{outcome="submitted"} 1`,
		`storefront_payment_requests_total{operation="authorize",outcome="PAYMENT_CARD_DECLINED"}`,
		`storefront_payment_request_duration_seconds_count{operation="authorize"}`,
		`storefront_rate_limited_total 0`,
		`storefront_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`storefront_graphql_requests_total{operation="BadCursor",outcome="error",type="query"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
}
