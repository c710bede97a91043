package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"storefront/internal/storetest"
)

// TestGraphQLOverHTTPAudit runs the graphql-http package's server audits against /graphql.
// It needs node and the audit's npm packages (`npm ci --prefix .ci/audit`, which .ci/run does).
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("needs node on PATH to run the graphql-http audit (CI installs it)")
	}
	if _, err := os.Stat(filepath.Join(".ci", "audit", "node_modules", "graphql-http")); err != nil {
		t.Skip("needs the audit's npm packages: run `npm ci --prefix .ci/audit` (.ci/run does)")
	}
	api := startAPI(t, storetest.SQLite(t), fixture)
	cmd := exec.Command(node, filepath.Join(".ci", "audit", "audit.mjs"), api.URL+"/graphql")
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("graphql-http audit failed: %v", err)
	}
}

func TestHTTPTransports(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	get := func(path string, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, api.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return resp, buf.String()
	}

	t.Run("GET query", func(t *testing.T) {
		resp, body := get(`/graphql?query=`+urlq(`{ shop { name } }`), nil)
		if resp.StatusCode != 200 || !strings.Contains(body, `"Test Shop"`) {
			t.Fatalf("got %d %s", resp.StatusCode, body)
		}
	})
	t.Run("GET mutation refused", func(t *testing.T) {
		resp, body := get(`/graphql?query=`+urlq(`mutation { __typename }`), map[string]string{"Accept": "application/graphql-response+json"})
		if resp.StatusCode < 400 || resp.StatusCode > 499 || strings.Contains(body, `"data":{`) {
			t.Fatalf("got %d %s, want a 4xx refusal", resp.StatusCode, body)
		}
	})
	t.Run("Shopify path with access token header", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, api.URL+"/api/2026-04/graphql.json", strings.NewReader(`{"query":"{ shop { name } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Shopify-Storefront-Access-Token", "anything")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("got %d", resp.StatusCode)
		}
	})
	t.Run("CORS preflight from another origin", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, api.URL+"/graphql", nil)
		req.Header.Set("Origin", "https://my-shop.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type, x-shopify-storefront-access-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" && got != "https://my-shop.example" {
			t.Fatalf("Access-Control-Allow-Origin = %q", got)
		}
		if resp.Header.Get("Access-Control-Allow-Credentials") == "true" {
			t.Fatal("credentials must never be allowed")
		}
	})
	t.Run("playground and health", func(t *testing.T) {
		resp, body := get("/", nil)
		if resp.StatusCode != 200 || !strings.Contains(strings.ToLower(body), "graphiql") {
			t.Fatalf("playground: got %d", resp.StatusCode)
		}
		// Its scripts come from this server (it works offline), pinned by integrity hashes.
		if strings.Contains(body, "cdn.jsdelivr.net") || !strings.Contains(body, `integrity="sha384-`) {
			t.Fatalf("playground page loads assets from elsewhere or without SRI")
		}
		for _, a := range []string{"graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js"} {
			if resp, _ := get("/playground/assets/"+a, nil); resp.StatusCode != 200 {
				t.Fatalf("asset %s: got %d", a, resp.StatusCode)
			}
		}
		for _, p := range []string{"/healthz", "/readyz"} {
			if resp, _ := get(p, nil); resp.StatusCode != 200 {
				t.Fatalf("%s: got %d", p, resp.StatusCode)
			}
		}
	})
}

func TestCORSAllowList(t *testing.T) {
	cfg := testConfig()
	cfg.CORSOrigins = []string{"https://good.example"}
	api := startAPIWith(t, storetest.SQLite(t), cfg, fixture)
	for origin, want := range map[string]string{"https://good.example": "https://good.example", "https://evil.example": ""} {
		req, _ := http.NewRequest(http.MethodPost, api.URL+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %s: Access-Control-Allow-Origin = %q, want %q", origin, got, want)
		}
	}
}

func urlq(s string) string {
	return strings.NewReplacer(" ", "%20", "{", "%7B", "}", "%7D", `"`, "%22").Replace(s)
}

// TestAbuseIsContained sends the queries an attacker would and checks each is refused
// quickly, with a clear error and no internals.
func TestAbuseIsContained(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	deep := "{ menu(handle: \"main-menu\") { " + strings.Repeat("items { ", 30) + "title" + strings.Repeat(" }", 30) + " } }"
	var wide strings.Builder
	wide.WriteString("{ ")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&wide, "a%d: products(first: 250) { nodes { id title variants(first: 250) { nodes { id } } } } ", i)
	}
	wide.WriteString("}")
	var aliases strings.Builder
	aliases.WriteString("{ ")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&aliases, "s%d: shop { name } ", i)
	}
	aliases.WriteString("}")
	nested := `{ products(first: 250) { nodes { collections(first: 250) { nodes { products(first: 250) { nodes { id title } } } } } } }`
	tokens := "{ " + strings.Repeat("__typename ", 20000) + "}"

	for _, tt := range []struct {
		name, query, code string
	}{
		{"deep", deep, "MAX_DEPTH_EXCEEDED"},
		{"wide", wide.String(), "COMPLEXITY_LIMIT_EXCEEDED"},
		{"aliases", aliases.String(), "MAX_ALIASES_EXCEEDED"},
		{"nested connections", nested, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"too many tokens", tokens, "GRAPHQL_PARSE_FAILED"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := api.post(t, tt.query, nil)
			if r.errorCode() != tt.code || len(r.Data) > 0 && string(r.Data) != "null" {
				t.Fatalf("got status %d %s, want a refusal with code %s", r.Status, r.Raw[:min(300, len(r.Raw))], tt.code)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s to refuse", d)
			}
			assertNoInternals(t, r.Raw)
		})
	}
	t.Run("batch", func(t *testing.T) {
		r := api.do(t, http.MethodPost, "/graphql", "application/json", []byte(`[{"query":"{ shop { name } }"},{"query":"{ shop { name } }"}]`))
		if r.Status != http.StatusBadRequest || r.errorCode() != "BATCHING_NOT_SUPPORTED" {
			t.Fatalf("got %d %s", r.Status, r.Raw)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		big := []byte(`{"query":"{ shop { name } }","variables":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`)
		r := api.do(t, http.MethodPost, "/graphql", "application/json", big)
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("got %d %s", r.Status, r.Raw[:min(200, len(r.Raw))])
		}
	})
}

func assertNoInternals(t *testing.T, body string) {
	t.Helper()
	low := strings.ToLower(body)
	for _, bad := range []string{"sql", "select ", "pq:", "sqlite", "goroutine", ".go:", "panic"} {
		if strings.Contains(low, bad) {
			t.Errorf("response mentions %q: %s", bad, body[:min(300, len(body))])
		}
	}
}
