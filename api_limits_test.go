package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"storefront/graph"
	"storefront/internal/storetest"
)

// doublingFragments is a document of n fragments, each spreading the next one twice: a
// few hundred bytes that expand to 2^n fields.
func doublingFragments(n int) string {
	var b strings.Builder
	b.WriteString("query Doubling { ...F0 }\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "fragment F%d on QueryRoot { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on QueryRoot { shop { name } }\n", n)
	return b.String()
}

// TestFragmentExpansionIsRefusedCheaply sends documents whose fragments expand
// exponentially or make gqlparser's validation quadratic; each is refused with its limit's
// code. Before the limits were measured once per fragment, the 30-level document took
// minutes of CPU (the test timed out).
func TestFragmentExpansionIsRefusedCheaply(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	var nested strings.Builder
	nested.WriteString("query Nested { products(first: 1) { nodes { ...P0 } } }\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&nested, "fragment P%d on Product { a: collections(first: 1) { nodes { products(first: 1) { nodes { ...P%d } } } } b: collections(first: 1) { nodes { products(first: 1) { nodes { ...P%d } } } } }\n", i, i+1, i+1)
	}
	nested.WriteString("fragment P30 on Product { id }\n")
	var manyFragments, spreads strings.Builder
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&manyFragments, "fragment S%d on Shop { name }\n", i)
		fmt.Fprintf(&spreads, "...S%d ", i)
	}
	var sameName strings.Builder
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&sameName, "fragment N%d on Shop { name }\n", i)
	}
	for _, tt := range []struct {
		name, query, code string
	}{
		{"30 doubling levels", doublingFragments(30), "MAX_REPEATED_FIELDS_EXCEEDED"},
		{"30 nested doubling levels", nested.String(), "MAX_DEPTH_EXCEEDED"},
		{"too many fragments", "{ shop { " + spreads.String() + "} }\n" + manyFragments.String(), "MAX_FRAGMENTS_EXCEEDED"},
		{"one name selected too often", "{ shop { " + strings.Repeat("name ", 5000) + "} }", "MAX_REPEATED_FIELDS_EXCEEDED"},
		{"one name too often through fragments", "{ shop { ...N0 ...N1 ...N2 ...N3 ...N4 ...N5 ...N6 ...N7 ...N8 ...N9 ...N10 ...N11 ...N12 ...N13 ...N14 ...N15 ...N16 ...N17 ...N18 ...N19 ...N20 ...N21 ...N22 ...N23 ...N24 } }\n" + sameName.String(), "MAX_REPEATED_FIELDS_EXCEEDED"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := api.post(t, tt.query, nil)
			if r.errorCode() != tt.code || len(r.Data) > 0 && string(r.Data) != "null" {
				t.Fatalf("got status %d %s, want a refusal with code %s", r.Status, r.Raw[:min(300, len(r.Raw))], tt.code)
			}
			assertNoInternals(t, r.Raw)
		})
	}
	// What the limits leave alone still runs: a fragment spread in several places, and
	// fields repeated a few times.
	r := api.post(t, `query { product(handle: "tee") { ...P title title } a: product(handle: "mug") { ...P } }
fragment P on Product { handle title ...Q }
fragment Q on Product { handle variants(first: 5) { nodes { title } } }`, nil)
	var got struct {
		Product struct{ Handle string }
		A       struct{ Handle string }
	}
	r.decode(t, &got)
	if got.Product.Handle != "tee" || got.A.Handle != "mug" {
		t.Fatalf("got %+v", got)
	}
}

// TestListsCarryTheirCost: a nested selection refused under products(first: 250) is
// refused under every other list too (search, a customer's orders and their lines, a
// cart's lines, menus), while the same selection under small pages runs.
func TestListsCarryTheirCost(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	inner := `collections(first: 250) { nodes { products(first: 250) { nodes { id title } } } }`
	for _, tt := range []struct{ name, query string }{
		{"products", `{ products(first: 250) { nodes { ` + inner + ` } } }`},
		{"search", `{ search(query: "tee", first: 250) { edges { node { ... on Product { ` + inner + ` } } } } }`},
		{"customer orders", `{ customer(customerAccessToken: "x") { orders(first: 250) { edges { node { lineItems(first: 250) { nodes { variant { product { collections(first: 250) { nodes { id } } } } } } } } } } }`},
		{"cart lines", `{ cart(id: "x") { lines(first: 250) { nodes { merchandise { ... on ProductVariant { product { ` + inner + ` } } } } } } }`},
		{"menu items", `{ menu(handle: "main-menu") { items { items { items { items { items { title url } } } } } } }`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := api.post(t, tt.query, nil)
			if r.errorCode() != "COMPLEXITY_LIMIT_EXCEEDED" {
				t.Fatalf("got status %d %s, want COMPLEXITY_LIMIT_EXCEEDED", r.Status, r.Raw[:min(300, len(r.Raw))])
			}
		})
	}
	r := api.post(t, `{ search(query: "tee", first: 10) { edges { node { ... on Product { collections(first: 10) { nodes { products(first: 10) { nodes { id title } } } } } } } } }`, nil)
	var got struct {
		Search struct{ Edges []any }
	}
	r.decode(t, &got)
	if len(got.Search.Edges) == 0 {
		t.Fatalf("search found nothing: %s", r.Raw)
	}
}

// TestRequestLogNamesTheOperation: the access log line of a GraphQL request carries the
// operation's type and name (also when a limit refused it), next to its status.
func TestRequestLogNamesTheOperation(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	api.post(t, `query ShopName { shop { name } }`, nil)
	api.post(t, `mutation CreateCart { cartCreate { cart { id } } }`, nil)
	api.post(t, `{ shop { name } }`, nil)
	api.post(t, doublingFragments(30), nil)
	type line struct {
		Msg    string `json:"msg"`
		Path   string `json:"path"`
		Type   string `json:"graphql_operation_type"`
		Name   string `json:"graphql_operation"`
		Status int    `json:"status"`
	}
	var got []line
	for _, raw := range strings.Split(strings.TrimSpace(api.Log.String()), "\n") {
		var l line
		if err := json.Unmarshal([]byte(raw), &l); err == nil && l.Msg == "request" && l.Path == "/graphql" {
			got = append(got, l)
		}
	}
	want := []line{
		{"request", "/graphql", "query", "ShopName", 200},
		{"request", "/graphql", "mutation", "CreateCart", 200},
		{"request", "/graphql", "query", "", 200},
		{"request", "/graphql", "query", "Doubling", 200},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d request lines %+v, want %d\n%s", len(got), got, len(want), api.Log.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestQueryCachesAreBoundedByBytes sends many distinct large documents, as queries and as
// automatic persisted queries: the memory the server holds afterwards stays within the
// caches' byte bounds (it grew by about 1 MB per document before). Small persisted queries
// still work.
func TestQueryCachesAreBoundedByBytes(t *testing.T) {
	api := startAPI(t, storetest.SQLite(t), fixture)
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	send := func(query string, persisted bool) {
		body := map[string]any{"query": query}
		if persisted {
			sum := sha256.Sum256([]byte(query))
			body["extensions"] = map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
		}
		if r := api.do(t, "POST", "/graphql", "application/json", mustJSON(body)); len(r.Errors) > 0 || r.Status != 200 {
			t.Fatalf("got %d %s", r.Status, r.Raw[:min(300, len(r.Raw))])
		}
	}
	document := func(i, size int) string {
		q := fmt.Sprintf("{ shop { name } } # %d ", i)
		return q + strings.Repeat("x", size-len(q))
	}
	before := heap()
	for i := 0; i < 150; i++ {
		send(document(i, 1_000_000), i%2 == 1)
	}
	for i := 0; i < 1500; i++ {
		send(document(1000+i, 60_000), i%2 == 1)
	}
	after := heap()
	const bound = graph.QueryCacheBytes + graph.PersistedQueryCacheBytes
	grown := int64(after) - int64(before)
	t.Logf("heap %d MB before, %d MB after (bound %d MB)", before>>20, after>>20, bound>>20)
	if grown > bound {
		t.Errorf("heap grew by %d MB, more than the caches' bound of %d MB", grown>>20, bound>>20)
	}
	// Persisted queries of ordinary size are still kept.
	small := `query Small { shop { name } }`
	send(small, true)
	sum := sha256.Sum256([]byte(small))
	r := api.do(t, "POST", "/graphql", "application/json", mustJSON(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}}))
	var got struct{ Shop struct{ Name string } }
	r.decode(t, &got)
	if got.Shop.Name != "Test Shop" {
		t.Fatalf("persisted query returned %s", r.Raw)
	}
}
