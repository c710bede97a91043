package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"storefront/ent/product"
	"storefront/graph"
	"storefront/internal/storetest"
)

// rawDo sends one request and returns the response (body read) and its body.
func rawDo(t testing.TB, method, u string, header http.Header, body []byte) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

const cachedTeeQuery = `query Tee { product(handle: "tee") { title variants(first: 5) { nodes { quantityAvailable } } } }`

// TestResponseCacheServesAnonymousReadsUntilTheCatalogChanges: a repeated anonymous
// catalog read is answered from the cache without SQL; every kind of catalog write (through
// ent, hand-built SQL, inside a transaction) makes the next read fresh; buyer data, errors
// and customer-token requests are never cached.
func TestResponseCacheServesAnonymousReadsUntilTheCatalogChanges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		cfg := testConfig()
		cfg.Cache = true
		api := startAPIWith(t, b, cfg, fixture)
		ctx := context.Background()
		post := func(query string, header http.Header) (*http.Response, string) {
			body, _ := json.Marshal(map[string]any{"query": query})
			return rawDo(t, http.MethodPost, api.URL+"/graphql", header, body)
		}
		expect := func(step, query, wantCache, wantBody string) {
			t.Helper()
			resp, body := post(query, nil)
			if got := resp.Header.Get("X-Cache"); got != wantCache || !strings.Contains(body, wantBody) {
				t.Fatalf("%s: X-Cache %q, body %s; want %q and %s", step, got, body, wantCache, wantBody)
			}
		}
		expect("first read", cachedTeeQuery, "miss", `"Classic Tee"`)
		expect("second read", cachedTeeQuery, "hit", `"Classic Tee"`)
		// Layout and comments do not matter.
		expect("same document, other layout", "# the tee\n"+strings.ReplaceAll(cachedTeeQuery, " ", "\n  "), "hit", `"Classic Tee"`)
		if _, n := api.countedPost(t, cachedTeeQuery, nil); n != 0 {
			t.Fatalf("a cached read ran %d SQL statements, want 0", n)
		}

		api.DB.Product.Update().Where(product.Handle("tee")).SetTitle("Tee Two").ExecX(ctx)
		expect("after a product update", cachedTeeQuery, "miss", `"Tee Two"`)
		expect("read again", cachedTeeQuery, "hit", `"Tee Two"`)

		if _, err := api.DB.ExecContext(ctx, `UPDATE product_variants SET available = 77 WHERE position = 0`); err != nil {
			t.Fatal(err)
		}
		expect("after a hand-built stock update", cachedTeeQuery, "miss", `"quantityAvailable":77`)

		tx, err := api.DB.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Product.Update().Where(product.Handle("tee")).SetTitle("Tee Three").ExecX(ctx)
		expect("before commit", cachedTeeQuery, "hit", `"Tee Two"`)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		expect("after commit", cachedTeeQuery, "miss", `"Tee Three"`)

		// A customer's request is neither served from nor stored in the cache.
		resp, body := post(cachedTeeQuery, http.Header{graph.CustomerTokenHeader: {"whatever"}})
		if resp.Header.Get("X-Cache") != "" || resp.Header.Get("Cache-Control") != "private, no-store" || !strings.Contains(body, "Tee Three") {
			t.Fatalf("with a customer token: X-Cache %q, Cache-Control %q", resp.Header.Get("X-Cache"), resp.Header.Get("Cache-Control"))
		}
		// Buyer data is private.
		resp, _ = post(`{ cart(id: "gid://shopify/Cart/nope?key=x") { id } shop { name } }`, nil)
		if resp.Header.Get("X-Cache") != "" || resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("cart read: X-Cache %q, Cache-Control %q; want none, private, no-store", resp.Header.Get("X-Cache"), resp.Header.Get("Cache-Control"))
		}
		// Answers with errors are not kept.
		bad := `{ product(handle: "tee") { title } products(first: 1, after: "not-a-cursor") { nodes { id } } }`
		for i := 0; i < 2; i++ {
			resp, body = post(bad, nil)
			if !strings.Contains(body, `"errors"`) || resp.Header.Get("X-Cache") == "hit" {
				t.Fatalf("answer with errors, round %d: X-Cache %q, body %s", i, resp.Header.Get("X-Cache"), body)
			}
		}
	})
}

// TestHTTPCachingHeaders: anonymous GET reads carry public Cache-Control and an ETag, and
// If-None-Match gets 304; POST reads are not marked public; -cache=false keeps the headers
// but serves every read afresh.
func TestHTTPCachingHeaders(t *testing.T) {
	for _, on := range []bool{true, false} {
		cfg := testConfig()
		cfg.Cache = on
		api := startAPIWith(t, storetest.SQLite(t), cfg, fixture)
		u := api.URL + "/api/2026-04/graphql.json?query=" + url.QueryEscape(cachedTeeQuery)
		resp, body := rawDo(t, http.MethodGet, u, nil, nil)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=10, stale-while-revalidate=60" || etag == "" || !strings.Contains(body, "Classic Tee") {
			t.Fatalf("cache %t: GET: status %d, Cache-Control %q, ETag %q, body %s", on, resp.StatusCode, resp.Header.Get("Cache-Control"), etag, body)
		}
		resp, body = rawDo(t, http.MethodGet, u, http.Header{"If-None-Match": {etag}}, nil)
		if resp.StatusCode != http.StatusNotModified || body != "" {
			t.Fatalf("cache %t: If-None-Match: status %d, body %q; want 304 and no body", on, resp.StatusCode, body)
		}
		resp, _ = rawDo(t, http.MethodGet, u, http.Header{"If-None-Match": {`"other"`}}, nil)
		if resp.StatusCode != 200 || (resp.Header.Get("X-Cache") == "hit") != on {
			t.Fatalf("cache %t: stale If-None-Match: status %d, X-Cache %q", on, resp.StatusCode, resp.Header.Get("X-Cache"))
		}
		postBody, _ := json.Marshal(map[string]any{"query": cachedTeeQuery})
		resp, _ = rawDo(t, http.MethodPost, api.URL+"/graphql", nil, postBody)
		if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "public") {
			t.Fatalf("cache %t: POST read has Cache-Control %q", on, cc)
		}
		if _, n := api.countedPost(t, cachedTeeQuery, nil); (n == 0) != on {
			t.Fatalf("cache %t: a repeated read ran %d statements", on, n)
		}
	}
}
