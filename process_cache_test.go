package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/storetest"
)

// invalidationBound is how soon after a catalog write commits on one instance no other
// instance serves the old answer: the PostgreSQL notification's delivery (milliseconds on
// one network) with ample margin for a loaded CI machine.
const invalidationBound = 5 * time.Second

// TestTwoProcessesNeverServeStaleAfterAWrite runs two server processes with the response
// cache over one PostgreSQL database. B caches a product's stock; a checkout completed
// through A lowers it; B must answer the new stock within invalidationBound of the
// commit, and never the old one afterwards.
func TestTwoProcessesNeverServeStaleAfterAWrite(t *testing.T) {
	pg, ok := storetest.Postgres(t)
	if !ok {
		t.Skip("needs PostgreSQL: set " + storetest.EnvPostgres)
	}
	db := pg.Open(t)
	deliveryFixture(t, db)
	ctx := context.Background()
	bulk := db.ProductVariant.Query().Where(productvariant.HasProductWith(product.Handle("bulk"))).OnlyX(ctx)
	db.ProductVariant.UpdateOne(bulk).SetAvailable(50).ExecX(ctx)
	a, b := startProcess(t, pg.URL), startProcess(t, pg.URL)
	query := `{ product(handle: "bulk") { variants(first: 1) { nodes { quantityAvailable } } } }`
	read := func() (int, string) {
		body, _ := json.Marshal(map[string]any{"query": query})
		resp, raw := rawDo(t, http.MethodPost, b.URL+"/graphql", nil, body)
		var out struct {
			Data struct {
				Product struct {
					Variants struct {
						Nodes []struct{ QuantityAvailable int } `json:"nodes"`
					} `json:"variants"`
				} `json:"product"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(raw), &out); err != nil || len(out.Data.Product.Variants.Nodes) != 1 {
			t.Fatalf("read from B: %s", raw)
		}
		return out.Data.Product.Variants.Nodes[0].QuantityAvailable, resp.Header.Get("X-Cache")
	}
	if n, _ := read(); n != 50 {
		t.Fatalf("B first answered %d units, want 50", n)
	}
	if n, state := read(); n != 50 || state != "hit" {
		t.Fatalf("B answered %d units (X-Cache %q), want 50 from the cache", n, state)
	}

	cart := readyCart(t, a.api(db), "test_success", line(variantID(t, db, "bulk", "Default Title"), 3))
	r := a.api(db).post(t, `mutation($id: ID!) { cartSubmitForCompletion(cartId: $id, attemptToken: "two-procs") { result { __typename } } }`, map[string]any{"id": cart})
	if len(r.Errors) > 0 || !strings.Contains(r.Raw, "SubmitSuccess") {
		t.Fatalf("checkout through A: %s", r.Raw)
	}
	committed := time.Now()
	if left := db.ProductVariant.GetX(ctx, bulk.ID).Available; left != 47 {
		t.Fatalf("%d units left after the checkout, want 47", left)
	}
	for {
		n, _ := read()
		if n == 47 {
			break
		}
		if time.Since(committed) > invalidationBound {
			t.Fatalf("B still answers %d units %s after the write committed on A", n, time.Since(committed).Round(time.Millisecond))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("B answered the new stock %s after the commit", time.Since(committed).Round(time.Millisecond))
	for i := 0; i < 20; i++ {
		if n, _ := read(); n != 47 {
			t.Fatalf("B went back to %d units", n)
		}
	}
}
