package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"storefront/internal/storetest"
)

// writeImport writes n products as JSON Lines (two variants each) plus one bad line.
func writeImport(t testing.TB, n int) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := range n {
		_ = enc.Encode(map[string]any{
			"handle": fmt.Sprintf("imported-%d", i), "title": fmt.Sprintf("Imported gizmo %d", i), "vendor": "Importer",
			"tags": []string{"imported"}, "status": "ACTIVE", "descriptionHtml": "<p>A gizmo.</p>",
			"options": []any{map[string]any{"name": "Size", "values": []string{"S", "M"}}},
			"variants": []any{
				map[string]any{"sku": fmt.Sprintf("IMP-%d-S", i), "optionValues": []any{map[string]any{"optionName": "Size", "name": "S"}}, "price": "10.00", "inventoryQuantity": 3},
				map[string]any{"sku": fmt.Sprintf("IMP-%d-M", i), "optionValues": []any{map[string]any{"optionName": "Size", "name": "M"}}, "price": "12.00"},
			},
			"images": []any{map[string]any{"url": fmt.Sprintf("https://img.test/%d.png", i)}},
		})
	}
	b.WriteString(`{"handle": "broken", "title": "Broken", "variants": [{"sku": "IMP-0-S", "price": "1.00"}]}` + "\n")
	path := filepath.Join(t.TempDir(), "products.jsonl")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportCommand: `storefront import` applies productSet to every line, in batches,
// skipping lines with user errors; importing again changes nothing; the Storefront API and
// its search index see the products.
func TestImportCommand(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		path := writeImport(t, 300)
		db := b.Open(t)
		db.Shop.Create().SetName("Import Shop").ExecX(context.Background())
		getenv := func(string) string { return "" }
		var out bytes.Buffer
		if err := run(context.Background(), []string{"import", "-database-url", b.URL, "-batch", "100", path}, getenv, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "imported 300 products (1 skipped)") || !strings.Contains(out.String(), "line 301 skipped") || !strings.Contains(out.String(), "TAKEN at input.variants.0.sku") {
			t.Fatalf("import output: %s", out.String())
		}
		t.Log(strings.TrimSpace(out.String()[strings.LastIndex(out.String(), "imported"):]))
		events := db.AuditEvent.Query().CountX(context.Background())
		out.Reset()
		if err := run(context.Background(), []string{"import", "-database-url", b.URL, path}, getenv, &out); err != nil {
			t.Fatal(err)
		}
		if again := db.AuditEvent.Query().CountX(context.Background()); again != events || events != 300 {
			t.Errorf("audit events: %d after the first import, %d after the second; want 300 and no more", events, again)
		}
		api := startAPIOver(t, db, testConfig())
		var s struct {
			Search struct{ TotalCount int }
		}
		api.post(t, `{ search(query: "gizmo", first: 1) { totalCount } }`, nil).decode(t, &s)
		if s.Search.TotalCount != 300 {
			t.Errorf("search finds %d imported products, want 300", s.Search.TotalCount)
		}
	})
}
