package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"storefront/internal/ratelimit"
	"storefront/internal/storetest"
	"storefront/internal/web"
)

// TestRateLimitsThrottleEachClientAndToken: a client address over its burst gets 429 with
// Retry-After and a THROTTLED error while another address is still served, and an access
// token has its own bucket.
func TestRateLimitsThrottleEachClientAndToken(t *testing.T) {
	cfg := testConfig()
	cfg.RateLimit = ratelimit.Limit{Rate: 0.001, Burst: 3}
	cfg.TokenRateLimit = ratelimit.Limit{Rate: 0.001, Burst: 2}
	cfg.TrustedProxies, _ = web.ParseProxies("127.0.0.1/32")
	api := startAPIWith(t, storetest.SQLite(t), cfg, fixture)
	body, _ := json.Marshal(map[string]any{"query": `{ shop { name } }`})
	send := func(ip, token string) (*http.Response, string) {
		h := http.Header{"X-Forwarded-For": {ip}}
		if token != "" {
			h.Set("X-Shopify-Storefront-Access-Token", token)
		}
		return rawDo(t, http.MethodPost, api.URL+"/graphql", h, body)
	}
	for i := 0; i < 3; i++ {
		if resp, raw := send("203.0.113.1", ""); resp.StatusCode != 200 {
			t.Fatalf("request %d within the burst: status %d %s", i, resp.StatusCode, raw)
		}
	}
	resp, raw := send("203.0.113.1", "")
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != http.StatusTooManyRequests || retry < 1 || !strings.Contains(raw, `"code":"THROTTLED"`) {
		t.Fatalf("over the burst: status %d, Retry-After %q, body %s; want 429, a delay and THROTTLED", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
	if resp, _ := send("203.0.113.2", ""); resp.StatusCode != 200 {
		t.Fatalf("another address: status %d, want 200", resp.StatusCode)
	}
	// The token's bucket (2) runs out before the fresh addresses' buckets do.
	for i, ip := range []string{"203.0.113.10", "203.0.113.11", "203.0.113.12"} {
		resp, _ := send(ip, "tok")
		if want := map[bool]int{true: 200, false: 429}[i < 2]; resp.StatusCode != want {
			t.Fatalf("token request %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
}

// TestQueryCostIsReported: extensions.cost says what the document asked for (connections
// at their page size) and what the answer held.
func TestQueryCostIsReported(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	var out struct {
		Extensions struct {
			Cost struct {
				Requested int `json:"requestedQueryCost"`
				Actual    int `json:"actualQueryCost"`
			} `json:"cost"`
		} `json:"extensions"`
	}
	r := api.post(t, `{ products(first: 50) { nodes { title } } }`, nil)
	if err := json.Unmarshal([]byte(r.Raw), &out); err != nil {
		t.Fatal(err)
	}
	c := out.Extensions.Cost
	// products and one object per product returned; far less than asked for.
	var data struct {
		Products struct{ Nodes []json.RawMessage } `json:"products"`
	}
	r.decode(t, &data)
	if c.Requested < 50 || c.Actual != 1+len(data.Products.Nodes) || c.Actual >= c.Requested {
		t.Fatalf("cost %+v for %d products; want requested ≥ 50 and actual %d", c, len(data.Products.Nodes), 1+len(data.Products.Nodes))
	}
}
