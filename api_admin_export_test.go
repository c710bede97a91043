package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"storefront/internal/demo"
	"storefront/internal/export"
	"storefront/internal/storetest"
)

// exportLines GETs an export and decodes each line with f, returning the status and the
// number of lines.
func exportLines(t testing.TB, api *testAPI, key, path string, f func(line []byte)) (int, int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, api.URL+path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	n := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
		if f != nil {
			f(sc.Bytes())
		}
	}
	return resp.StatusCode, n
}

// TestAdminExport: the JSON Lines exports behind keys and scopes, with updated_at_min.
func TestAdminExport(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		catalogKey := adminKey(t, api.DB, "catalog:read")
		var handles []string
		status, n := exportLines(t, api, catalogKey, "/admin/export/products.jsonl", func(line []byte) {
			var p export.Product
			if err := json.Unmarshal(line, &p); err != nil {
				t.Fatalf("line %s: %v", line, err)
			}
			handles = append(handles, p.Handle)
			if p.Handle == "tee" && (len(p.Variants) != 3 || p.Variants[0].Price != "15.00" || p.Status != "ACTIVE") {
				t.Errorf("tee: %+v", p)
			}
		})
		if status != 200 || n != 5 {
			t.Fatalf("products.jsonl: status %d, %d lines (%v)", status, n, handles)
		}
		if status, n := exportLines(t, api, catalogKey, "/admin/export/variants.jsonl", nil); status != 200 || n != 7 {
			t.Errorf("variants.jsonl: status %d, %d lines, want 7", status, n)
		}
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		if status, n := exportLines(t, api, catalogKey, "/admin/export/products.jsonl?updated_at_min="+future, nil); status != 200 || n != 0 {
			t.Errorf("updated_at_min in the future: status %d, %d lines", status, n)
		}
		for _, c := range []struct {
			name, key, path string
			status          int
		}{
			{"no key", "", "/admin/export/products.jsonl", 401},
			{"orders without orders:read", catalogKey, "/admin/export/orders.jsonl", 403},
			{"unknown export", catalogKey, "/admin/export/secrets.jsonl", 404},
			{"bad time", catalogKey, "/admin/export/products.jsonl?updated_at_min=yesterday", 400},
		} {
			if status, _ := exportLines(t, api, c.key, c.path, nil); status != c.status {
				t.Errorf("%s: status %d, want %d", c.name, status, c.status)
			}
		}
		createCustomer(t, api, "grace@example.com", "correct horse battery")
		if status, n := exportLines(t, api, adminKey(t, api.DB, "customers:read"), "/admin/export/customers.jsonl", nil); status != 200 || n != 1 {
			t.Errorf("customers.jsonl: status %d, %d lines", status, n)
		}
		if status, n := exportLines(t, api, adminKey(t, api.DB, "orders:read"), "/admin/export/orders.jsonl", nil); status != 200 || n != 0 {
			t.Errorf("orders.jsonl: status %d, %d lines", status, n)
		}
	})
}

// TestAdminExportConstantMemory: 10,000 products stream in pages: the statements grow with
// pages, not rows, and the server's heap stays far below the size of the export.
func TestAdminExportConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 10,000 products")
	}
	api := startAPI(t, storetest.SQLite(t), nil)
	ctx := context.Background()
	if err := demo.Synthetic(ctx, api.DB, "http://shop.test", 10_000); err != nil {
		t.Fatal(err)
	}
	key := adminKey(t, api.DB, "catalog:read")
	// Collect garbage eagerly, so the heap shows what is live rather than what is pending.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	bytes := 0
	status, n := exportLines(t, api, key, "/admin/export/products.jsonl", func(line []byte) { bytes += len(line) + 1 })
	close(stop)
	wg.Wait()
	if status != 200 || n != 10_000 {
		t.Fatalf("status %d, %d lines, want 10000", status, n)
	}
	growth := int64(peak.Load()) - int64(base.HeapAlloc)
	t.Logf("exported %d products, %.1f MB, peak heap growth %.1f MB", n, float64(bytes)/(1<<20), float64(growth)/(1<<20))
	if growth > int64(bytes)/3 {
		t.Errorf("heap grew by %d bytes for a %d-byte export: the export is held in memory", growth, bytes)
	}
	// Statements: the key, the currency, and two per page (products, their variants).
	pages := 10_000/export.PageSize + 1
	r, stmts := api.adminCountedGet(t, key, "/admin/export/products.jsonl")
	if r != 200 || stmts > int64(2*pages+4) {
		t.Errorf("status %d, %d statements for %d pages", r, stmts, pages)
	}
}
