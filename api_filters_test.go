package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"storefront/internal/catalog"
	"storefront/internal/storetest"
)

const filteredSearch = `query($f: [ProductFilter!]) { search(query: "product", first: 20, productFilters: $f) {
	totalCount edges { node { ... on Product { handle } } } productFilters { id values { label count } } } }`

const filteredCollection = `query($f: [ProductFilter!]) { collection(handle: "c1") { products(first: 20, filters: $f) {
	nodes { handle } filters { id values { label count } } } } }`

// optionFilters is n variantOption filters: distinct option names, or n values of Size.
func optionFilters(n int, distinct bool) []any {
	var fs []any
	for i := 0; i < n; i++ {
		name, value := "Size", fmt.Sprintf("V%d", i)
		if distinct {
			name, value = fmt.Sprintf("Option%d", i), "M"
		}
		fs = append(fs, map[string]any{"variantOption": map[string]any{"name": name, "value": value}})
	}
	return fs
}

func tagFilters(n int) []any {
	var fs []any
	for i := 0; i < n; i++ {
		fs = append(fs, map[string]any{"tag": fmt.Sprintf("tag%d", i)})
	}
	return fs
}

// TestFiltersAreBounded: more than 25 filters are refused as bad input;
// up to that many (distinct option names, values of one option, tags), with facets, are
// answered on every database (10 distinct option names with facets failed on SQLite,
// "subqueries nested too deep"; PostgreSQL took seconds). Several option groups still
// mean "every group, each by some variant".
func TestFiltersAreBounded(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, manyProducts(30))
		for _, q := range []string{filteredSearch, filteredCollection} {
			for name, fs := range map[string][]any{
				"distinct options": optionFilters(catalog.MaxFilters+1, true),
				"tags":             tagFilters(catalog.MaxFilters + 1),
			} {
				if r := api.post(t, q, map[string]any{"f": fs}); r.errorCode() != "BAD_USER_INPUT" {
					t.Errorf("%d %s: got %s, want BAD_USER_INPUT", len(fs), name, r.Raw[:min(300, len(r.Raw))])
				}
			}
			for name, fs := range map[string][]any{
				"distinct options":     optionFilters(catalog.MaxFilters, true),
				"values of one option": optionFilters(catalog.MaxFilters, false),
				"tags":                 tagFilters(catalog.MaxFilters),
				"mixed": append(append(optionFilters(8, true), tagFilters(8)...),
					map[string]any{"available": true}, map[string]any{"price": map[string]any{"min": 1, "max": 100}},
					map[string]any{"productVendor": "V"}, map[string]any{"productType": "T"}),
			} {
				r := api.post(t, q, map[string]any{"f": fs})
				if len(r.Errors) > 0 {
					t.Errorf("%d %s: %s", len(fs), name, r.Raw[:min(300, len(r.Raw))])
				}
			}
		}
		// Size M or XL, and Color Red: every product (each has M and Red); Color Blue: none.
		count := func(fs ...map[string]any) int {
			var list []any
			for _, f := range fs {
				list = append(list, map[string]any{"variantOption": f})
			}
			var got struct {
				Search struct {
					TotalCount     int
					ProductFilters []struct {
						ID     string
						Values []struct {
							Label string
							Count int
						}
					}
				}
			}
			api.post(t, filteredSearch, map[string]any{"f": list}).decode(t, &got)
			for _, f := range got.Search.ProductFilters {
				if f.ID != "filter.v.option.size" {
					continue
				}
				for _, v := range f.Values {
					if v.Label == "S" && v.Count != got.Search.TotalCount && got.Search.TotalCount > 0 {
						t.Errorf("facet Size S counts %d under the color filter, want %d", v.Count, got.Search.TotalCount)
					}
				}
			}
			return got.Search.TotalCount
		}
		m := map[string]any{"name": "Size", "value": "M"}
		xl := map[string]any{"name": "Size", "value": "XL"}
		red := map[string]any{"name": "Color", "value": "Red"}
		blue := map[string]any{"name": "Color", "value": "Blue"}
		if n := count(m, xl, red); n != 30 {
			t.Errorf("Size M or XL, Color Red: %d products, want 30", n)
		}
		if n := count(m, blue); n != 0 {
			t.Errorf("Size M, Color Blue: %d products, want 0", n)
		}
		if n := count(xl, red); n != 0 {
			t.Errorf("Size XL, Color Red: %d products, want 0", n)
		}
	})
}

// TestStatementTimeoutIsReported: a statement the request's deadline cancels (pq 57014,
// SQLite interrupted, context deadline) is reported as TIMEOUT, never as an internal
// error.
func TestStatementTimeoutIsReported(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		manyProducts(300)(t, db)
		timeouts := 0
		for _, d := range []time.Duration{time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond, 100 * time.Millisecond} {
			cfg := testConfig()
			cfg.Timeout = d
			api := startAPIOver(t, db, cfg)
			for i := 0; i < 5; i++ {
				r := api.post(t, filteredSearch, map[string]any{"f": optionFilters(catalog.MaxFilters, i%2 == 0)})
				for _, e := range r.Errors {
					if code, _ := e.Extensions["code"].(string); code != "TIMEOUT" {
						t.Errorf("timeout %s: got %s, want TIMEOUT", d, r.Raw[:min(300, len(r.Raw))])
					}
				}
				if len(r.Errors) > 0 {
					timeouts++
				}
				if strings.Contains(r.Raw, "INTERNAL_SERVER_ERROR") {
					t.Errorf("timeout %s: internal error %s\nlog: %s", d, r.Raw[:min(300, len(r.Raw))], failures(api.Log.String()))
				}
			}
		}
		if timeouts == 0 {
			t.Fatal("no request timed out; the test proves nothing")
		}
	})
}

// BenchmarkFilters measures a search with facets under the most filters allowed.
func BenchmarkFilters(b *testing.B) {
	for _, backend := range storetest.Backends(b) {
		api := startAPI(b, backend, manyProducts(300))
		for _, tt := range []struct {
			name    string
			filters []any
		}{
			{"distinct-options", optionFilters(catalog.MaxFilters, true)},
			{"values-of-one-option", optionFilters(catalog.MaxFilters, false)},
			{"tags", tagFilters(catalog.MaxFilters)},
		} {
			b.Run(backend.Name+"/"+tt.name, func(b *testing.B) {
				for b.Loop() {
					if r := api.post(b, filteredSearch, map[string]any{"f": tt.filters}); len(r.Errors) > 0 {
						b.Fatal(r.Raw)
					}
				}
			})
		}
	}
}

// failures are the log lines of failed resolvers.
func failures(log string) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "resolver failed") || strings.Contains(l, "panicked") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
